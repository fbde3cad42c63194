package dns

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	ferrydns "ferry.dev/ferry/internal/dns"
)

func newGetCommand(streams clio.Streams) *cobra.Command {
	var cf clientFlags
	var output clio.Format
	cmd := &cobra.Command{
		Use:     "get NAME TYPE",
		Short:   "Show the weighted sets of one name and type",
		Example: "  ferry dns get api.example.test A\n  ferry dns get api.example.test A -o json",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cf.dnsProvider(cmd.Context())
			if err != nil {
				return err
			}
			rs, err := c.Get(cmd.Context(), args[0], args[1])
			if err != nil {
				return classify(err)
			}
			return printRecordSet(streams.Out, rs, output)
		},
	}
	cf.add(cmd.Flags(), streams)
	cf.addFile(cmd.Flags())
	clio.AddOutputFlag(cmd.Flags(), &output, clio.Table, clio.JSON)
	return cmd
}

func newSetCommand(streams clio.Streams) *cobra.Command {
	var cf clientFlags
	var output clio.Format
	var ifMatch string
	var ttl uint32
	cmd := &cobra.Command{
		Use:   "set NAME TYPE ID=WEIGHT:VALUE[,VALUE...]... [--if-match REVISION]",
		Short: "Replace every weighted set of one name and type at once",
		Example: `  ferry dns set api.example.test A legacy=90:127.0.0.2 cluster=10:127.0.0.3
  ferry dns set api.example.test CNAME --ttl 60 legacy=100:lb-123.elb.example.com cluster=0:ingress.example.test
  ferry dns set api.example.test A legacy=100:127.0.0.2 --if-match "$(ferry dns get api.example.test A -o json | jq -r .revision)"`,
		Args: cobra.MinimumNArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			cond, err := condition(ifMatch)
			if err != nil {
				return err
			}
			rs, err := parseRecordSet(args[0], args[1], ttl, args[2:])
			if err != nil {
				return clio.Usage(err)
			}
			c, err := cf.dnsProvider(cmd.Context())
			if err != nil {
				return err
			}
			if err := c.Replace(cmd.Context(), rs, cond); err != nil {
				return classify(err)
			}
			now, err := c.Get(cmd.Context(), rs.Name, rs.Type)
			if err != nil {
				return classify(err)
			}
			return printRecordSet(streams.Out, now, output)
		},
	}
	cf.add(cmd.Flags(), streams)
	cf.addFile(cmd.Flags())
	addIfMatch(cmd, &ifMatch)
	cmd.Flags().Uint32Var(&ttl, "ttl", 30, "TTL in seconds")
	clio.AddOutputFlag(cmd.Flags(), &output, clio.Table, clio.JSON)
	return cmd
}

func newListCommand(streams clio.Streams) *cobra.Command {
	var cf clientFlags
	var output clio.Format
	var zone string
	cmd := &cobra.Command{
		Use:     "list [--zone ZONE]",
		Short:   "Show every weighted record set the provider holds",
		Example: "  ferry dns list\n  ferry dns list --zone example.test -o json\n  ferry dns list --provider route53 --hosted-zone-id Z0123456789ABCDEFGHIJ\n  ferry dns list -f ferry.yaml   # the provider of the file's migration.dns",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := cf.dnsProvider(cmd.Context())
			if err != nil {
				return err
			}
			c, ok := p.(ferrydns.Lister)
			if !ok {
				return clio.Usage(fmt.Errorf("this DNS provider cannot list its records; ferry dns get NAME TYPE reads one"))
			}
			all, err := c.List(cmd.Context())
			if err != nil {
				return classify(err)
			}
			return printRecordSets(streams.Out, inZone(all, zone), output)
		},
	}
	cf.add(cmd.Flags(), streams)
	cf.addFile(cmd.Flags())
	cmd.Flags().StringVar(&zone, "zone", "", "only names at or below this one")
	clio.AddOutputFlag(cmd.Flags(), &output, clio.Table, clio.JSON)
	return cmd
}

// inZone keeps the record sets at or below zone (all of them when zone is
// empty), never returning nil, so JSON shows [] rather than null.
func inZone(all []ferrydns.RecordSet, zone string) []ferrydns.RecordSet {
	out := []ferrydns.RecordSet{}
	z := ferrydns.CanonicalName(zone)
	for _, rs := range all {
		if zone == "" || rs.Name == z || strings.HasSuffix(rs.Name, "."+z) {
			out = append(out, rs)
		}
	}
	return out
}

func newDeleteCommand(streams clio.Streams) *cobra.Command {
	var cf clientFlags
	var ifMatch string
	cmd := &cobra.Command{
		Use:     "delete NAME TYPE [--if-match REVISION]",
		Short:   "Remove every weighted set of one name and type",
		Example: "  ferry dns delete api.example.test A\n  ferry dns delete api.example.test A --if-match 3f2a…",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			cond, err := condition(ifMatch)
			if err != nil {
				return err
			}
			c, err := cf.dnsProvider(cmd.Context())
			if err != nil {
				return err
			}
			if err := c.Delete(cmd.Context(), args[0], args[1], cond); err != nil {
				return classify(err)
			}
			_, err = fmt.Fprintf(streams.Out, "deleted %s %s\n", ferrydns.CanonicalName(args[0]), strings.ToUpper(args[1]))
			return err
		},
	}
	cf.add(cmd.Flags(), streams)
	cf.addFile(cmd.Flags())
	addIfMatch(cmd, &ifMatch)
	return cmd
}

// classify gives the server's verdict its exit status: the caller's input
// (2) or a failed operation (1), a failed --if-match included.
func classify(err error) error {
	if errors.Is(err, ferrydns.ErrInvalid) {
		return clio.Usage(err)
	}
	var conflict *ferrydns.ConflictError
	if errors.As(err, &conflict) {
		return clio.Failed(fmt.Errorf("%w\n%s", err, describeNow(conflict.Current)))
	}
	return clio.Failed(err)
}

// parseRecordSet reads "ID=WEIGHT:VALUE[,VALUE...]" arguments, reporting
// every bad one at once.
func parseRecordSet(name, rrtype string, ttl uint32, args []string) (ferrydns.RecordSet, error) {
	rs := ferrydns.RecordSet{Name: ferrydns.CanonicalName(name), Type: strings.ToUpper(rrtype), TTL: ttl}
	var errs []error
	for i, arg := range args {
		s, err := parseSet(arg)
		if err != nil {
			errs = append(errs, fmt.Errorf("set %d %q: %w", i+1, arg, err))
			continue
		}
		rs.Sets = append(rs.Sets, s)
	}
	if err := errors.Join(errs...); err != nil {
		return rs, err
	}
	return rs, rs.Validate()
}

func parseSet(arg string) (ferrydns.WeightedSet, error) {
	id, rest, ok := strings.Cut(arg, "=")
	if !ok || id == "" {
		return ferrydns.WeightedSet{}, errors.New("want ID=WEIGHT:VALUE[,VALUE...]")
	}
	w, vals, ok := strings.Cut(rest, ":")
	if !ok {
		return ferrydns.WeightedSet{}, errors.New("want ID=WEIGHT:VALUE[,VALUE...] (no ':' after the weight)")
	}
	weight, err := strconv.Atoi(w)
	if err != nil {
		return ferrydns.WeightedSet{}, fmt.Errorf("weight %q is not a whole number", w)
	}
	return ferrydns.WeightedSet{ID: id, Weight: weight, Values: strings.Split(vals, ",")}, nil
}
