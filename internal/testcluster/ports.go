package testcluster

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
)

// configFile is where kwokctl looks for its configuration under KWOK_WORKDIR.
const configFile = "kwok.yaml"

// Ports are drawn from [portBase, portBase+portSpan), below the kernel's
// ephemeral range (32768 and up) where every httptest server and outgoing
// connection takes its port, and below the ports kwokctl would choose itself
// (it scans down from 32767 in every process, so two clusters starting at
// once, or one starting while another restarts its apiserver, meet there).
// hack/cluster.sh draws from the same range.
const (
	portBase = 20000
	portSpan = 10000
)

// writeConfig writes the cluster's kwok configuration before kwokctl
// creates it: kwok-config.yaml (shared with hack/cluster.sh) followed by
// the addresses, ports from the range above on loopback only, which kwokctl
// merges into the KwokctlConfiguration there.
func writeConfig(workdir string) error {
	ports, err := freePorts(6)
	if err != nil {
		return fmt.Errorf("choosing the cluster's ports: %w", err)
	}
	config := fmt.Sprintf(`%s---
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  bindAddress: 127.0.0.1
  etcdPeerPort: %d
  etcdPort: %d
  kubeApiserverPort: %d
  kwokControllerPort: %d
  kubeControllerManagerPort: %d
  kubeSchedulerPort: %d
`, kwokConfigYAML, ports[0], ports[1], ports[2], ports[3], ports[4], ports[5])
	if err := os.WriteFile(filepath.Join(workdir, configFile), []byte(config), 0o600); err != nil {
		return fmt.Errorf("writing the kwokctl configuration: %w", err)
	}
	return nil
}

// freePorts returns n distinct loopback TCP ports from the range that it
// could listen on, holding each open until all are chosen.
func freePorts(n int) ([]int, error) {
	var ports []int
	for range 20 * n {
		if len(ports) == n {
			return ports, nil
		}
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", portBase+rand.IntN(portSpan)))
		if err != nil {
			continue // taken, or held by us already
		}
		defer func() { _ = l.Close() }()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return nil, fmt.Errorf("found %d of %d free ports in %d-%d", len(ports), n, portBase, portBase+portSpan-1)
}
