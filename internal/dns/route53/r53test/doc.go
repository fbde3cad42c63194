// Package r53test runs the real third-party parts the Route 53 provider is
// tested against: moto_server (moto 5.x), a protocol-faithful Route 53 on
// a free loopback port, and the AWS CLI `aws` as a foreign client that
// creates records the way Terraform would and reads results back. A Proxy
// in front of moto answers Throttling or AccessDenied and delays INSYNC on
// demand. Tests fail, never skip, when moto_server or aws is missing.
package r53test
