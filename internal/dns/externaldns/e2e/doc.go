// Package e2e runs whole migrations through a real external-dns v0.21.0
// (--source=crd --source=ingress --provider=aws) against moto_server on
// loopback, on the local kube-apiserver, the way an operator would: with
// `ferry migrate` and a service file naming provider external-dns. The
// AWS CLI reads every step back from moto as a foreign client. One
// kube-apiserver, one moto_server and one external-dns serve every test
// of the package; each test has its own hosted zone and namespace. It
// holds only tests.
package e2e
