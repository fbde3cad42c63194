package migrate

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/api/meta"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/incluster"
	"ferry.dev/ferry/internal/kube"
	"ferry.dev/ferry/internal/migrate/store"
	"ferry.dev/ferry/internal/spec"
)

// clusterFlags choose in-cluster mode and the cluster it talks to.
type clusterFlags struct {
	inCluster bool
	kube      kube.Flags
	observe   time.Duration
}

func (c *clusterFlags) add(fs *pflag.FlagSet) {
	fs.BoolVar(&c.inCluster, "in-cluster", false, "let the controller run the migration: create and command a Migration object instead of running it here (default: the file's runIn)")
	c.kube.Add(fs)
	fs.DurationVar(&c.observe, "controller-timeout", incluster.DefaultObserve, "in-cluster mode: how long the controller may take to act on the Migration before ferry says none is running")
}

// inClusterFor is --in-cluster when given, else the file's runIn.
func (c *clusterFlags) inClusterFor(cmd *cobra.Command, f *spec.File) bool {
	if fl := cmd.Flag("in-cluster"); fl != nil && fl.Changed {
		return c.inCluster
	}
	return f.RunIn == spec.RunCluster
}

// client connects to the cluster; a kubeconfig that cannot be loaded is
// bad input.
func (c *clusterFlags) client() (*incluster.Client, error) {
	if c.observe <= 0 {
		return nil, clio.Usage(fmt.Errorf("--controller-timeout %s: want a positive duration", c.observe))
	}
	kc, err := c.kube.Connect()
	if err != nil {
		return nil, clio.Usage(err)
	}
	ic, err := incluster.New(kc.Config, kc.Namespace)
	if err != nil {
		return nil, clio.Failed(err)
	}
	ic.Observe = c.observe
	return ic, nil
}

// clusterFailed words what went wrong in the cluster so a person knows
// what to do next; every one is a failed operation (exit 1).
func clusterFailed(err error, service string) error {
	var notOwned *incluster.NotOwnedError
	switch {
	case errors.Is(err, incluster.ErrNoController):
		return clio.Failed(fmt.Errorf("%w\nis a controller running? `ferry controller install --image …` installs one (or `ferry controller run` runs one here); the Migration stays, and a controller that starts runs it", err))
	case errors.As(err, &notOwned):
		return clio.Failed(fmt.Errorf("%w\nif a `ferry migrate start %s` outside the cluster holds the domain, command that one (without --in-cluster), or stop it: the controller takes the migration over once its lease expires", err, service))
	case errors.Is(err, incluster.ErrNotFound):
		return clio.Failed(fmt.Errorf("%w: `ferry migrate start %s --in-cluster` creates it", err, service))
	}
	return clio.Failed(err)
}

// clusterRunner is the controller replica running m, as status shows it.
func clusterRunner(m *v1alpha1.MigrationResource) runner {
	obj := "Migration " + m.Namespace + "/" + m.Name
	r := runner{idle: "no controller runs it now; one resumes it (`kubectl describe migration " + m.Name + " -n " + m.Namespace + "` says why it stopped)",
		flags: " --in-cluster -n " + m.Namespace}
	if c := meta.FindStatusCondition(m.Status.Conditions, "Running"); c != nil && c.Status == "False" {
		r.idle = fmt.Sprintf("no: %s: %s", c.Reason, c.Message)
	}
	if h := incluster.Runner(m); h != "" {
		r.holder = &store.Holder{Host: h, Command: "ferry controller: " + obj}
		if c := meta.FindStatusCondition(m.Status.Conditions, "Running"); c != nil {
			r.holder.Started = c.LastTransitionTime.Time
		}
		r.text = "the controller " + h + " (" + obj + ")"
	}
	return r
}
