package deploy

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
)

// NewStatusCommand returns "ferry status".
func NewStatusCommand(streams clio.Streams) *cobra.Command {
	return reportCommand(streams, &cobra.Command{
		Use:   "status [-f FILE | --name RELEASE]",
		Short: "Show each service of a release: replicas, revision, image, domain, age",
		Example: `  ferry status -f examples/shop.yaml
  ferry status --name shop -o json`,
	}, runStatus)
}

func runStatus(cmd *cobra.Command, streams clio.Streams, t *target, output clio.Format) error {
	d, kc, err := t.connect(nil)
	if err != nil {
		return err
	}
	sf, err := t.inCluster(cmd, streams, kc, d.Release())
	if err != nil {
		return err
	}
	sts, err := d.Status(cmd.Context())
	if err != nil {
		return clio.Failed(err)
	}
	if sf != nil {
		fmt.Fprintln(streams.ErrOut, describe(sf))
	}
	if output == clio.JSON {
		return clio.WriteJSON(streams.Out, sts)
	}
	tw := tabwriter.NewWriter(streams.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tNAMESPACE\tREADY\tUP-TO-DATE\tREVISION\tIMAGE\tDOMAIN\tAGE")
	now := time.Now()
	for _, s := range sts {
		ready, age := fmt.Sprintf("%d/%d", s.Ready, s.Desired), shortAge(now.Sub(s.Created))
		if s.Missing {
			ready, age = "missing", "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\n", s.Service, s.Namespace, ready, s.Updated, s.Revision,
			s.Image, orDash(strings.Join(s.Domains, ",")), age)
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// shortAge prints an age as kubectl does: 45s, 12m, 5h, 3d.
func shortAge(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}
