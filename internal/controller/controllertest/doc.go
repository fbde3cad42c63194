// Package controllertest is the test kit of the controller's packages: the
// shared local cluster with ferry's CRDs installed, and a client for it.
package controllertest
