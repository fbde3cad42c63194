package check

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"ferry.dev/ferry/internal/testcluster"
)

// manualStatus marks a node whose status the test owns: this package's
// cluster runs kwok with disregardStatusWithAnnotationSelector on it, so
// kwok leaves such a node NotReady instead of healing it at once (kwok's
// node-initialize stage turns every NotReady node it manages Ready again).
const manualStatus = "ferry.dev/node-status"

// kwokName is the kwokctl cluster name of this package's cluster.
const kwokName = "ferry-check"

// kwokConfig is testcluster's configuration (loopback, pinned ports) plus
// the kwok option the NotReady step needs. Giving kwok a configuration
// replaces its defaults, hence the parallelism values (kwok's own).
const kwokConfig = `apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  bindAddress: 127.0.0.1
  etcdPeerPort: %d
  etcdPort: %d
  kubeApiserverPort: %d
  kwokControllerPort: %d
  kubeControllerManagerPort: %d
  kubeSchedulerPort: %d
---
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokConfiguration
options:
  cidr: 10.0.0.0/24
  podPlayStageParallelism: 4
  nodePlayStageParallelism: 4
  nodeLeaseParallelism: 4
  podsOnNodeSyncParallelism: 1
  enablePodsOnNodeSyncListPager: true
  disregardStatusWithAnnotationSelector: ` + manualStatus + `=manual
`

// ownCluster is the kwok cluster this test process started, if any. Tests
// get it through liveCluster; TestMain removes it when they are done.
var ownCluster struct {
	once    sync.Once
	workdir string
	bin     string
	err     error
}

func TestMain(m *testing.M) {
	code := testcluster.Main(m)
	if ownCluster.workdir != "" {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := kwokctl(ctx, "delete", "cluster", "--kubeconfig", filepath.Join(ownCluster.workdir, "kubeconfig")); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
		_ = os.RemoveAll(ownCluster.workdir)
	}
	os.Exit(code)
}

// liveCluster returns the real control plane for the live tests: the one
// testcluster.EnvKubeconfig names (it must honour manualStatus for the
// NotReady step), or else one this package starts with kwokctl from the
// binaries hack/tools.sh builds, with testcluster's six worker nodes.
func liveCluster(t *testing.T) *testcluster.Cluster {
	t.Helper()
	if os.Getenv(testcluster.EnvKubeconfig) == "" || ownCluster.workdir != "" {
		ownCluster.once.Do(func() { ownCluster.err = startKwok(t.Context()) })
		if ownCluster.err != nil {
			t.Fatalf("starting the cluster: %v", ownCluster.err)
		}
		t.Setenv(testcluster.EnvKubeconfig, filepath.Join(ownCluster.workdir, "clusters", kwokName, "kubeconfig.yaml"))
	}
	return testcluster.Start(t)
}

func startKwok(ctx context.Context) error {
	root, err := filepath.Abs("../../..")
	if err != nil {
		return err
	}
	tools := exec.CommandContext(ctx, "bash", "hack/tools.sh")
	tools.Dir, tools.Stderr = root, os.Stderr
	out, err := tools.Output()
	if err != nil {
		return fmt.Errorf("building the control plane with hack/tools.sh: %w", err)
	}
	ownCluster.bin = strings.TrimSpace(string(out))
	if ownCluster.workdir, err = os.MkdirTemp("", "ferry-check-kwok-"); err != nil {
		return err
	}
	ports, err := freePorts(6)
	if err != nil {
		return err
	}
	cfg := fmt.Sprintf(kwokConfig, ports[0], ports[1], ports[2], ports[3], ports[4], ports[5])
	if err := os.WriteFile(filepath.Join(ownCluster.workdir, "kwok.yaml"), []byte(cfg), 0o600); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	b := func(name string) string { return filepath.Join(ownCluster.bin, name) }
	err = kwokctl(ctx, "create", "cluster", "--runtime", "binary",
		"--etcd-binary", b("etcd"), "--kube-apiserver-binary", b("kube-apiserver"),
		"--kube-controller-manager-binary", b("kube-controller-manager"),
		"--kube-scheduler-binary", b("kube-scheduler"), "--kwok-controller-binary", b("kwok"),
		"--kubeconfig", filepath.Join(ownCluster.workdir, "kubeconfig"), "--quiet-pull", "--wait", "2m")
	if err != nil {
		return err
	}
	return createWorkers(ctx, filepath.Join(ownCluster.workdir, "clusters", kwokName, "kubeconfig.yaml"))
}

func kwokctl(ctx context.Context, args ...string) error {
	cmd := exec.CommandContext(ctx, filepath.Join(ownCluster.bin, "kwokctl"), append(args, "--name", kwokName)...)
	cmd.Env = append(os.Environ(), "KWOK_WORKDIR="+ownCluster.workdir, "KWOK_KUBECTL_BINARY="+filepath.Join(ownCluster.bin, "kubectl"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("kwokctl %s: %w\n%s", strings.Join(args, " "), err, out.String())
	}
	return nil
}

// createWorkers registers testcluster's worker nodes and waits until kwok
// has made them Ready.
func createWorkers(ctx context.Context, kubeconfig string) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return err
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	nodes, err := testcluster.Nodes()
	if err != nil {
		return err
	}
	for i := range nodes {
		if _, err := cs.CoreV1().Nodes().Create(ctx, &nodes[i], metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("creating node %s: %w", nodes[i].Name, err)
		}
	}
	for range 600 { // bounded; the context is the real limit
		ready := 0
		for _, n := range nodes {
			got, err := cs.CoreV1().Nodes().Get(ctx, n.Name, metav1.GetOptions{})
			if err == nil && testcluster.NodeReady(got) {
				ready++
			}
		}
		if ready == len(nodes) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the worker nodes to be Ready: %w", ctx.Err())
		case <-time.After(pollEvery):
		}
	}
	return fmt.Errorf("the worker nodes did not become Ready")
}

// freePorts returns n distinct loopback ports the kernel reports free.
func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
