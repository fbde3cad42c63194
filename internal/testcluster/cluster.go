package testcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// EnvKubeconfig names an environment variable holding the kubeconfig of a
// running cluster to use instead of starting one (e.g. `make cluster`'s).
const EnvKubeconfig = "FERRY_TEST_KUBECONFIG"

// startTimeout bounds starting the control plane and its nodes; a cold
// start takes seconds, a loaded machine more.
const startTimeout = 5 * time.Minute

// ErrNoRestart is returned by RestartAPIServer for a cluster testcluster
// cannot control (one reused through EnvKubeconfig that kwokctl did not make).
var ErrNoRestart = errors.New("this cluster's kube-apiserver cannot be restarted by testcluster")

// Cluster is a running control plane reachable through Kubeconfig.
type Cluster struct {
	// Kubeconfig is the path of an admin kubeconfig for the cluster.
	Kubeconfig string

	kwok      *kwok // nil when reusing a cluster kwokctl did not start
	owned     bool  // started by this process, so stopped by it
	rest      *rest.Config
	clientset *kubernetes.Clientset

	gatewayMu        sync.Mutex
	gatewayInstalled bool
}

// process holds the one cluster a test process shares. It is package state
// because go test gives tests no other shared place; Main bounds its life.
type process struct {
	mu      sync.Mutex
	inMain  bool
	cluster *Cluster
	err     error
}

var shared process

// Main runs the package's tests and then stops the cluster they shared. Call
// it from TestMain: func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }.
func Main(m *testing.M) int {
	shared.mu.Lock()
	shared.inMain = true
	shared.mu.Unlock()

	code := m.Run()

	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.cluster == nil {
		return code
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := shared.cluster.Stop(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "testcluster: %v\n", err)
		return 1
	}
	shared.cluster = nil
	return code
}

// Start returns the package's shared cluster, starting it on first use (or
// reusing the one EnvKubeconfig names). A cluster that cannot start fails
// the test; it never skips, so CI cannot pass without a real apiserver.
// Only -short skips: it means no control plane, neither built nor started.
func Start(tb testing.TB) *Cluster {
	tb.Helper()
	skipShort(tb)
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if !shared.inMain {
		tb.Fatal("testcluster.Start: the package's TestMain must call testcluster.Main, which stops the cluster")
	}
	if shared.cluster == nil && shared.err == nil {
		ctx, cancel := context.WithTimeout(tb.Context(), startTimeout)
		defer cancel()
		begin := time.Now()
		shared.cluster, shared.err = start(ctx)
		if shared.err == nil {
			tb.Logf("testcluster: cluster ready in %s (%s)", time.Since(begin).Round(time.Millisecond), shared.cluster.Kubeconfig)
		}
	}
	if shared.err != nil {
		tb.Fatalf("testcluster: %v", shared.err)
	}
	return shared.cluster
}

func start(ctx context.Context) (*Cluster, error) {
	if path := os.Getenv(EnvKubeconfig); path != "" {
		return reuse(ctx, path)
	}
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	t, err := ensureTools(ctx, root)
	if err != nil {
		return nil, err
	}
	reapStale(ctx, t)
	var errs []error
	for range bootAttempts {
		k, err := newKwok(t)
		if err != nil {
			return nil, err
		}
		c, err := boot(ctx, k)
		if err == nil {
			return c, nil
		}
		errs = append(errs, err, k.destroy(context.WithoutCancel(ctx)))
		if ctx.Err() != nil {
			break
		}
	}
	return nil, errors.Join(errs...)
}

// bootAttempts is how many clusters start tries, each with new ports,
// before it gives up.
const bootAttempts = 3

// boot creates the cluster and its nodes, waits for the nodes to be Ready,
// and checks that a pod is scheduled and made Ready.
func boot(ctx context.Context, k *kwok) (*Cluster, error) {
	if err := k.create(ctx); err != nil {
		return nil, fmt.Errorf("starting the control plane: %w", err)
	}
	c, err := newCluster(k.kubeconfig(), k, true)
	if err != nil {
		return nil, err
	}
	if err := c.createNodes(ctx); err != nil {
		return nil, err
	}
	for _, ns := range []string{metav1.NamespaceSystem, metav1.NamespaceDefault} {
		if err := c.waitDefaultServiceAccount(ctx, ns); err != nil {
			return nil, err
		}
	}
	if err := c.probePod(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// reuse connects to a running cluster. When the kubeconfig is the one
// kwokctl keeps in its working directory (as `make cluster` prints), the
// cluster can also restart its apiserver.
func reuse(ctx context.Context, path string) (*Cluster, error) {
	var k *kwok
	dir := filepath.Dir(path)
	if filepath.Base(path) == "kubeconfig.yaml" && filepath.Base(filepath.Dir(dir)) == "clusters" {
		if _, err := os.Stat(filepath.Join(dir, "kwok.yaml")); err == nil {
			if t, err := toolsFor(ctx); err == nil {
				k = &kwok{tools: t, workdir: filepath.Dir(filepath.Dir(dir)), name: filepath.Base(dir)}
			}
		}
	}
	c, err := newCluster(path, k, false)
	if err != nil {
		return nil, err
	}
	if _, err := c.clientset.Discovery().ServerVersion(); err != nil {
		return nil, fmt.Errorf("reaching the cluster %s=%s names (is it running?): %w", EnvKubeconfig, path, err)
	}
	return c, nil
}

func toolsFor(ctx context.Context) (tools, error) {
	root, err := repoRoot()
	if err != nil {
		return tools{}, err
	}
	return ensureTools(ctx, root)
}

func newCluster(kubeconfig string, k *kwok, owned bool) (*Cluster, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("loading kubeconfig %s: %w", kubeconfig, err)
	}
	// Tests create many objects quickly; the client's default 5 QPS would
	// make them measure the rate limiter.
	cfg.QPS, cfg.Burst = 200, 400
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("creating a client for %s: %w", kubeconfig, err)
	}
	return &Cluster{Kubeconfig: kubeconfig, kwok: k, owned: owned, rest: cfg, clientset: cs}, nil
}

// RESTConfig returns a copy of the admin client configuration.
func (c *Cluster) RESTConfig() *rest.Config { return rest.CopyConfig(c.rest) }

// Clientset returns a typed client for the cluster.
func (c *Cluster) Clientset() kubernetes.Interface { return c.clientset }

// Namespace creates a fresh namespace named after the test and deletes it
// when the test ends, so tests sharing the cluster do not see each other.
// It returns once the namespace's default ServiceAccount exists, so pods
// can be created in it at once (the apiserver refuses them before).
func (c *Cluster) Namespace(tb testing.TB) string {
	tb.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: namespacePrefix(tb.Name())}}
	got, err := c.clientset.CoreV1().Namespaces().Create(tb.Context(), ns, metav1.CreateOptions{})
	if err != nil {
		tb.Fatalf("testcluster: creating a namespace: %v", err)
	}
	if err := c.waitDefaultServiceAccount(tb.Context(), got.Name); err != nil {
		tb.Fatalf("testcluster: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err := c.clientset.CoreV1().Namespaces().Delete(ctx, got.Name, metav1.DeleteOptions{})
		if err != nil {
			tb.Errorf("testcluster: deleting namespace %s: %v", got.Name, err)
		}
	})
	return got.Name
}

// namespacePrefix turns a test name into a DNS label prefix for GenerateName.
func namespacePrefix(testName string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(testName) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
		if b.Len() >= 40 {
			break
		}
	}
	return "t-" + strings.TrimSuffix(b.String(), "-") + "-"
}

// RestartAPIServer stops kube-apiserver and starts it again, returning once
// it serves. etcd and the other components keep running, as they would while
// a real control plane restarts; clients see refused connections meanwhile.
func (c *Cluster) RestartAPIServer(ctx context.Context) error {
	if c.kwok == nil {
		return ErrNoRestart
	}
	if err := c.kwok.restartAPIServer(ctx); err != nil {
		return fmt.Errorf("restarting kube-apiserver: %w", err)
	}
	// kwokctl start only warns when the apiserver does not come back.
	if _, err := c.clientset.Discovery().ServerVersion(); err != nil {
		return fmt.Errorf("restarting kube-apiserver: %w; its log ends:\n%s", err, c.kwok.logTail("kube-apiserver"))
	}
	return nil
}

// Stop stops a cluster this process started and deletes its files; a reused
// cluster is left running.
func (c *Cluster) Stop(ctx context.Context) error {
	if !c.owned || c.kwok == nil {
		return nil
	}
	if err := c.kwok.destroy(ctx); err != nil {
		return fmt.Errorf("stopping the cluster: %w", err)
	}
	return nil
}

// ownerFile records the pid of the test process owning a working directory,
// so a later run can remove clusters whose owner died without cleaning up.
const ownerFile = "owner.pid"

func newKwok(t tools) (*kwok, error) {
	dir, err := os.MkdirTemp("", workdirPrefix)
	if err != nil {
		return nil, fmt.Errorf("creating the cluster's working directory: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o600); err != nil {
		return nil, fmt.Errorf("creating the cluster's working directory: %w", err)
	}
	return &kwok{tools: t, workdir: dir, name: clusterName}, nil
}
