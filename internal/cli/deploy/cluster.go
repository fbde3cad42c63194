package deploy

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/load"
	"ferry.dev/ferry/internal/incluster"
	"ferry.dev/ferry/internal/kube"
	"ferry.dev/ferry/internal/spec"
)

// clusterMode is --in-cluster and how long the controller may take.
type clusterMode struct {
	inCluster bool
	observe   time.Duration
}

func (m *clusterMode) add(fs *pflag.FlagSet, usage string) {
	fs.BoolVar(&m.inCluster, "in-cluster", false, usage)
	fs.DurationVar(&m.observe, "controller-timeout", incluster.DefaultObserve, "in-cluster mode: how long the controller may take to act on the ServiceFile before ferry says none is running")
}

// on is --in-cluster when given, else the file's runIn; f may be nil (the
// file is then read when there is one to read).
func (m *clusterMode) on(cmd *cobra.Command, streams clio.Streams, t *target, f *spec.File) (bool, error) {
	if fl := cmd.Flag("in-cluster"); fl != nil && fl.Changed {
		return m.inCluster, nil
	}
	if f == nil {
		if t.name != "" || t.file == "-" {
			return false, nil
		}
		if _, err := os.Stat(t.file); err != nil {
			return false, nil // no file: nothing says cluster
		}
		var err error
		if f, err = load.File(streams, t.file); err != nil {
			return false, err
		}
	}
	return f.RunIn == spec.RunCluster, nil
}

// client connects to the cluster for ferry's objects.
func (m *clusterMode) client(kc *kube.Client) (*incluster.Client, error) {
	if m.observe <= 0 {
		return nil, clio.Usage(fmt.Errorf("--controller-timeout %s: want a positive duration", m.observe))
	}
	ic, err := incluster.New(kc.Config, kc.Namespace)
	if err != nil {
		return nil, clio.Failed(err)
	}
	ic.Observe = m.observe
	return ic, nil
}

// serviceFile reads the release's ServiceFile, with a hint when there is none.
func serviceFile(cmd *cobra.Command, ic *incluster.Client, name string) (*v1alpha1.ServiceFile, error) {
	sf, err := ic.ServiceFile(cmd.Context(), name)
	if errors.Is(err, incluster.ErrNotFound) {
		return nil, clio.Failed(fmt.Errorf("%w: `ferry deploy --in-cluster` creates it", err))
	}
	if err != nil {
		return nil, clio.Failed(err)
	}
	return sf, nil
}

// clusterFailed adds what to do to the errors a person can act on.
func clusterFailed(err error) error {
	if errors.Is(err, incluster.ErrNoController) {
		return clio.Failed(fmt.Errorf("%w\nis a controller running? `ferry controller install --image …` installs one (or `ferry controller run` runs one here); the ServiceFile stays, and a controller that starts deploys it", err))
	}
	return clio.Failed(err)
}

// describe is one line on how the controller sees sf.
func describe(sf *v1alpha1.ServiceFile) string {
	s := fmt.Sprintf("ServiceFile %s/%s: revision %d, %s, %s", sf.Namespace, sf.Name, sf.Status.Revision, orUnknown(sf.Status.Sync), orUnknown(sf.Status.Health))
	if sf.Status.Message != "" {
		s += ": " + sf.Status.Message
	}
	return s
}

func orUnknown(s string) string {
	if s == "" {
		return "Unknown"
	}
	return s
}
