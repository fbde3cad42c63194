// Package testcluster gives integration tests and benchmarks a real
// Kubernetes control plane on this machine: etcd, kube-apiserver,
// kube-controller-manager and kube-scheduler from k8s.io/kubernetes, with
// kwok simulating six worker nodes spread over three zones, so that pods are
// scheduled, become Running and Ready, and Deployments roll out.
//
// The binaries come from hack/tools.sh (the separate hack/tools module) and
// live in the cache outside the repository. A package that uses the cluster
// routes its tests through Main, which stops the cluster when they finish:
//
//	func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }
//
//	func TestApply(t *testing.T) {
//		c := testcluster.Start(t)
//		ns := c.Namespace(t)
//		...
//	}
//
// One cluster is shared by every test of the package's test process; tests
// isolate themselves with a fresh namespace each. Setting
// FERRY_TEST_KUBECONFIG to a kubeconfig (for example the one `make cluster`
// prints) reuses that cluster instead of starting one.
//
// Beyond kwok's defaults, a node annotated ManualStatusAnnotation keeps the
// status a test gives it (NotReady stays NotReady), a pod annotated
// NeverReadyAnnotation runs but never becomes Ready, and Services take
// ClusterIPs from ServiceCIDR, a /16. kwok-config.yaml holds all of it for
// both this package and hack/cluster.sh.
//
// Under CI (CI=true) missing binaries fail the test; elsewhere Start builds
// them with hack/tools.sh first, which takes minutes the first time.
package testcluster
