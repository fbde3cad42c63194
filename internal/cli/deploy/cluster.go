package deploy

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/clusterflag"
	"ferry.dev/ferry/internal/cli/load"
	"ferry.dev/ferry/internal/incluster"
	"ferry.dev/ferry/internal/spec"
)

// clusterMode is the in-cluster mode, read lazily from the file when
// --in-cluster is not given.
type clusterMode struct{ clusterflag.Mode }

// on is --in-cluster when given, else the file's runIn; f may be nil (the
// file is then read when there is one to read).
func (m *clusterMode) on(cmd *cobra.Command, streams clio.Streams, t *target, f *spec.File) (bool, error) {
	if fl := cmd.Flag("in-cluster"); f == nil && (fl == nil || !fl.Changed) {
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
	return m.On(cmd, f), nil
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
	if e := clusterflag.NoController(err, "ServiceFile", "deploys it"); e != nil {
		return e
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
