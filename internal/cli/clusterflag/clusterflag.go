package clusterflag

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/incluster"
	"ferry.dev/ferry/internal/kube"
	"ferry.dev/ferry/internal/spec"
)

// Mode is --in-cluster and how long the controller may take to act.
type Mode struct {
	on      bool
	observe time.Duration
}

// Add adds the flags; usage is --in-cluster's, kind the object the
// controller acts on ("ServiceFile", "Migration").
func (m *Mode) Add(fs *pflag.FlagSet, usage, kind string) {
	fs.BoolVar(&m.on, "in-cluster", false, usage)
	fs.DurationVar(&m.observe, "controller-timeout", incluster.DefaultObserve,
		"in-cluster mode: how long the controller may take to act on the "+kind+" before ferry says none is running")
}

// On is --in-cluster when given, else the file's runIn (f may be nil: no
// file says cluster).
func (m *Mode) On(cmd *cobra.Command, f *spec.File) bool {
	if fl := cmd.Flag("in-cluster"); fl != nil && fl.Changed {
		return m.on
	}
	return f != nil && f.RunIn == spec.RunCluster
}

// Client connects to the cluster kc names for ferry's objects.
func (m *Mode) Client(kc *kube.Client) (*incluster.Client, error) {
	if m.observe <= 0 {
		return nil, clio.Usage(fmt.Errorf("--controller-timeout %s: want a positive duration", m.observe))
	}
	ic, err := incluster.New(kc)
	if err != nil {
		return nil, clio.Failed(err)
	}
	ic.Observe = m.observe
	return ic, nil
}

// NoController is err, with what to do, as a failed operation when err is
// incluster.ErrNoController (kind is the object left for a controller,
// then what a controller does with it); nil for any other error.
func NoController(err error, kind, then string) error {
	if !errors.Is(err, incluster.ErrNoController) {
		return nil
	}
	return clio.Failed(fmt.Errorf("%w\nis a controller running? `ferry controller install --image …` installs one (or `ferry controller run` runs one here); the %s stays, and a controller that starts %s", err, kind, then))
}
