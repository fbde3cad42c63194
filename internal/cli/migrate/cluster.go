package migrate

import (
	"errors"
	"fmt"

	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/api/meta"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/clusterflag"
	"ferry.dev/ferry/internal/incluster"
	"ferry.dev/ferry/internal/kube"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/store"
)

// clusterFlags choose in-cluster mode and the cluster it talks to.
type clusterFlags struct {
	clusterflag.Mode
	kube kube.Flags
}

func (c *clusterFlags) add(fs *pflag.FlagSet) {
	c.Add(fs, "let the controller run the migration: create and command a Migration object instead of running it here (default: the file's runIn)", "Migration")
	c.kube.Add(fs)
}

// client connects to the cluster; a kubeconfig that cannot be loaded is
// bad input.
func (c *clusterFlags) client() (*incluster.Client, error) {
	kc, err := c.kube.Connect()
	if err != nil {
		return nil, clio.Usage(err)
	}
	return c.Client(kc)
}

// clusterFailed words what went wrong in the cluster so a person knows
// what to do next; every one is a failed operation (exit 1).
func clusterFailed(err error, service string) error {
	var notOwned *incluster.NotOwnedError
	switch {
	case errors.Is(err, incluster.ErrNoController):
		return clusterflag.NoController(err, "Migration", "runs it")
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
	// A migration that has ended runs nowhere, whether or not the
	// controller has recorded that yet (it saves the final state, then
	// sets Running=False): status right after the end says so, as a local
	// run's does.
	if h := incluster.Runner(m); h != "" && !migrate.Stage(m.Status.Stage).Terminal() {
		r.holder = &store.Holder{Host: h, Command: "ferry controller: " + obj}
		if c := meta.FindStatusCondition(m.Status.Conditions, "Running"); c != nil {
			r.holder.Started = c.LastTransitionTime.Time
		}
		r.text = "the controller " + h + " (" + obj + ")"
	}
	return r
}
