package migrate

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/providers"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/store"
	"ferry.dev/ferry/internal/spec"
)

// options are the flags every subcommand shares.
type options struct {
	file     string
	stateDir string
	output   clio.Format
	streams  clio.Streams
	cluster  clusterFlags
	// detach and wait are start's: whether to follow a Migration.
	detach, wait bool
}

// NewCommand returns "ferry migrate" and its subcommands.
func NewCommand(streams clio.Streams) *cobra.Command {
	o := &options{streams: streams}
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Move a service's domain from legacy to the cluster with weighted DNS, gates and rollback",
		Long: `ferry migrate moves a service's traffic from its legacy endpoint to the
cluster: preview → weighted shift (one step at a time, each held while
gates on both sides pass) → cutover (legacy record removed) → drain (legacy
kept until DNS caches have expired) → done. A failing cluster gate rolls
back to legacy 100% on its own. State is saved before every action, so a
killed "ferry migrate start" resumes where it stopped.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	pf := cmd.PersistentFlags()
	pf.StringVarP(&o.file, "file", "f", "ferry.yaml", "the service file")
	pf.StringVar(&o.stateDir, "state-dir", "", "where migration state and locks live (default .ferry/ next to the file)")
	clio.AddOutputFlag(pf, &o.output, clio.Table, clio.JSON)
	o.cluster.add(pf)
	cmd.AddCommand(o.planCommand(), o.startCommand(), o.statusCommand())
	for _, k := range []migrate.CommandKind{migrate.Promote, migrate.Pause, migrate.Resume, migrate.Rollback, migrate.Abort} {
		cmd.AddCommand(o.controlCommand(k))
	}
	return cmd
}

// setup is what every subcommand starts from.
type setup struct {
	file  *spec.File
	cfg   migrate.Config
	store *store.File // nil in cluster mode
	// inCluster: the controller runs the migration (--in-cluster, else
	// the file's runIn).
	inCluster bool
}

func (o *options) setup(cmd *cobra.Command, service string) (*setup, error) {
	f, err := spec.LoadFile(o.file, o.streams.In)
	if err != nil {
		var problems spec.ProblemList
		if errors.As(err, &problems) {
			fmt.Fprintln(o.streams.ErrOut, err)
			return nil, clio.Usage(clio.ErrReported)
		}
		return nil, clio.Usage(err)
	}
	cfg, err := migrate.FromSpec(f, service)
	if err != nil {
		return nil, clio.Usage(err)
	}
	if o.cluster.On(cmd, f) {
		return &setup{file: f, cfg: cfg, inCluster: true}, nil
	}
	dir := o.stateDir
	if dir == "" {
		dir = filepath.Join(filepath.Dir(o.file), ".ferry")
	}
	st, err := store.NewFile(dir)
	if err != nil {
		return nil, clio.Failed(err)
	}
	return &setup{file: f, cfg: cfg, store: st}, nil
}

// provider connects to the DNS provider the file names, through the one
// registry of providers. Bad settings are bad input (exit 2).
func (o *options) provider(ctx context.Context, cfg migrate.Config) (dns.Provider, error) {
	d := cfg.DNS
	p, err := providers.Registry().New(ctx, d.Provider, dns.Settings{
		Server: d.Server, TokenFile: d.TokenFile, Settings: d.Settings, BaseDir: filepath.Dir(o.file),
	})
	if errors.Is(err, dns.ErrInvalid) {
		return nil, clio.Usage(err)
	}
	if err != nil {
		return nil, clio.Failed(err)
	}
	return p, nil
}
