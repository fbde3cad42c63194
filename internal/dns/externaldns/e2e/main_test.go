package e2e

import (
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/dynamic"

	"ferry.dev/ferry/internal/dns/route53/r53test"
	"ferry.dev/ferry/internal/testcluster"
)

// OwnerID is the --txt-owner-id of the package's external-dns.
const OwnerID = "ferry-e2e"

// Prefix is external-dns v0.21's annotation prefix.
const Prefix = "external-dns.alpha.kubernetes.io/"

var (
	moto *r53test.Moto
	xdns externalDNS
)

func TestMain(m *testing.M) {
	os.Exit(r53test.Run(func() int {
		defer xdns.stop()
		return testcluster.Main(m)
	}, func(m *r53test.Moto) { moto = m }))
}

// externalDNS is the package's external-dns, started by the first test
// that needs it and stopped after the last.
type externalDNS struct {
	once sync.Once
	mu   sync.Mutex
	cmd  *exec.Cmd
	log  strings.Builder
	err  error
}

func (x *externalDNS) Write(p []byte) (int, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.log.Write(p)
}

// tail is the end of external-dns's log, for a failing test.
func (x *externalDNS) tail() string {
	x.mu.Lock()
	defer x.mu.Unlock()
	s := x.log.String()
	if len(s) > 6000 {
		s = "…" + s[len(s)-6000:]
	}
	return s
}

func (x *externalDNS) stop() {
	if x.cmd != nil && x.cmd.Process != nil {
		_ = x.cmd.Process.Kill()
		_ = x.cmd.Wait()
	}
}

// cluster is the package's cluster with external-dns's CRD and
// external-dns itself running against moto, and a fresh namespace.
func cluster(t *testing.T) (*testcluster.Cluster, dynamic.Interface, string) {
	t.Helper()
	c := testcluster.Start(t)
	bin, crd := testcluster.ExternalDNS(t)
	if err := c.InstallCRDFiles(t.Context(), crd); err != nil {
		t.Fatal(err)
	}
	xdns.once.Do(func() {
		x := &xdns
		// Every namespace and every zone of moto; the events wake it up
		// at once on a change, the interval catches the rest.
		x.cmd = exec.Command(bin, testcluster.ExternalDNSArgs("--source=crd", "--source=ingress", "--provider=aws", "--aws-zone-type=public",
			"--registry=txt", "--txt-owner-id="+OwnerID, "--domain-filter=xdns.test", "--kubeconfig="+c.Kubeconfig,
			"--interval=2s", "--events", "--min-event-sync-interval=200ms", "--policy=sync")...)
		x.cmd.Env = append(os.Environ(), r53test.Env()...)
		x.cmd.Env = append(x.cmd.Env, "AWS_ENDPOINT_URL_ROUTE_53="+moto.URL)
		x.cmd.Stdout, x.cmd.Stderr = x, x
		x.err = x.cmd.Start()
	})
	if xdns.err != nil {
		t.Fatalf("starting external-dns: %v", xdns.err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("external-dns's log:\n%s", xdns.tail())
		}
	})
	dyn, err := dynamic.NewForConfig(c.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	return c, dyn, c.Namespace(t)
}

// eventually polls ok until it is true, for at most a minute, and fails
// the test with what it last said.
func eventually(t *testing.T, what string, ok func() (bool, string)) {
	t.Helper()
	var last string
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		var done bool
		if done, last = ok(); done {
			return
		}
	}
	t.Fatalf("%s: not within a minute; last: %s", what, last)
}
