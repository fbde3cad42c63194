// Package e2e runs whole migrations against Route 53 through `ferry
// migrate`, the way an operator would: moto_server stands in for Route 53,
// the AWS CLI creates the plain record Terraform would and reads every
// result back, and real HTTP backends on 127.0.0.2 (legacy) and 127.0.0.3
// (cluster) answer the gates. It holds only tests.
package e2e
