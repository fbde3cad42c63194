package demo

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"ferry.dev/ferry/internal/demo"
	"ferry.dev/ferry/internal/migrate"
)

func migrateSide(s string) migrate.Side { return migrate.Side(s) }

// printSummary writes the demo's result as tables.
func printSummary(w io.Writer, sum *demo.Summary) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "\nferry demo: the migration of %s ended %s after %.1fs\n", demo.Domain, strings.ToUpper(sum.Result), sum.DurationSeconds)
	if sum.Reason != "" {
		fmt.Fprintf(b, "reason: %s\n", sum.Reason)
	}
	fmt.Fprintf(b, "client requests: %d, failed: %d (legacy %d, cluster %d)\n\n", sum.Requests, sum.Failed, sum.PerSide["legacy"], sum.PerSide["cluster"])
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "STAGE\tDNS legacy/cluster\tSTART s\tSECONDS\tREQUESTS\tLEGACY\tCLUSTER\tFAILED\tP50 ms\tP99 ms\t")
	for _, st := range sum.Stages {
		fmt.Fprintf(tw, "%s\t%d/%d\t%.1f\t%.1f\t%d\t%d\t%d\t%d\t%.2f\t%.2f\t\n", st.Stage, st.Weights.Legacy, st.Weights.Cluster,
			st.StartSeconds, st.Seconds, st.Requests, st.PerSide["legacy"], st.PerSide["cluster"], st.Failed, st.P50Ms, st.P99Ms)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if sum.Result == "rolled-back" && !sum.FailStarted.IsZero() {
		fmt.Fprintf(b, "\nthe cluster started failing at %d%%; DNS was back at legacy 100%% %.2fs later (%d failing probes; %d per %.1fs interval, %d failing evaluations in a row to act)\n",
			sum.FailAt, sum.DecisionSeconds, sum.FailingProbes, sum.ProbesPerInterval, sum.ProbeInterval, sum.GateFailures)
		fmt.Fprintf(b, "client failures: %d; %d of them on DNS answers fetched after the rollback or kept past their TTL (%.0fs)\n",
			sum.Failed, sum.LateFailures, sum.TTLSeconds)
	}
	fmt.Fprintln(b, "\ntimeline:")
	var start = sum.Timeline[0].At
	for _, e := range sum.Timeline {
		fmt.Fprintf(b, "  %+7.1fs  %-12s %3d/%-3d %s\n", e.At.Sub(start).Seconds(), e.Stage, e.Weights.Legacy, e.Weights.Cluster, e.Message)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
