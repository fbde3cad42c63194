package testcluster

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
)

// configFile is where kwokctl looks for its configuration under KWOK_WORKDIR.
const configFile = "kwok.yaml"

// writeConfig pins the cluster's addresses before kwokctl creates it.
// kwokctl's own choice scans down from port 32767 in every process, so two
// clusters starting at once (go test runs packages in parallel) can pick the
// same ports, and a port freed while the apiserver restarts is the next one
// another kwokctl takes. Ports the kernel hands out from its ephemeral range
// avoid both. Everything listens on loopback only.
func writeConfig(workdir string) error {
	ports, err := freePorts(6)
	if err != nil {
		return fmt.Errorf("choosing the cluster's ports: %w", err)
	}
	config := fmt.Sprintf(`apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  bindAddress: 127.0.0.1
  etcdPeerPort: %d
  etcdPort: %d
  kubeApiserverPort: %d
  kwokControllerPort: %d
  kubeControllerManagerPort: %d
  kubeSchedulerPort: %d
`, ports[0], ports[1], ports[2], ports[3], ports[4], ports[5])
	if err := os.WriteFile(filepath.Join(workdir, configFile), []byte(config), 0o600); err != nil {
		return fmt.Errorf("writing the kwokctl configuration: %w", err)
	}
	return nil
}

// freePorts returns n distinct loopback TCP ports the kernel reports free,
// holding all of them open until every one is chosen.
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
