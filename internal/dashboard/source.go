package dashboard

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/store"
)

// Source is where the dashboard finds migrations and sends them commands.
//
// Contract: Name says what the source reads, for the page ("state
// directory /srv/shop/.ferry"). Migrations returns every migration the
// source holds now; it is called every poll interval, so it must be cheap,
// and an error is shown on the page next to the source's name. Control
// hands an operator's command to the migration of domain, waiting as long
// as delivering it takes, and returns a sentence saying what became of it;
// an error means it was not delivered (or refused), and says why.
type Source interface {
	Name() string
	Migrations(ctx context.Context) ([]Migration, error)
	Control(ctx context.Context, domain string, kind migrate.CommandKind) (string, error)
}

// Migration is one migration as a source sees it.
type Migration struct {
	State migrate.State
	// RunningBy names the process running the migration; empty when none
	// does.
	RunningBy string
}

// Local is a Source over one state directory, as `ferry migrate` keeps it:
// every <domain>.json there is a migration.
type Local struct {
	Dir string
	// Connect builds a migration's DNS provider when a rollback or an abort
	// must be carried out here because no process runs the migration; nil
	// leaves such commands queued, and the answer names the `ferry migrate`
	// command that carries them out.
	Connect Connector
	// Logger receives the decisions of migrations carried out here.
	Logger *slog.Logger
	store  *store.File
}

var _ Source = (*Local)(nil)

// NewLocal is the Source of the state directory dir. It carries out
// rollbacks and aborts itself when nothing runs their migration,
// connecting through the registry of providers with relative token files
// read from dir's parent (the service file's directory, for .ferry).
func NewLocal(dir string) (*Local, error) {
	st, err := store.NewFile(dir)
	if err != nil {
		return nil, err
	}
	return &Local{Dir: dir, store: st, Connect: RegistryConnector(baseDir(dir)), Logger: slog.New(slog.DiscardHandler)}, nil
}

// Name is "state directory DIR".
func (l *Local) Name() string { return "state directory " + l.Dir }

// Migrations loads every migration saved in the directory, by domain. A
// directory that does not exist yet holds none.
func (l *Local) Migrations(ctx context.Context) ([]Migration, error) {
	entries, err := os.ReadDir(l.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", l.Dir, err)
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || filepath.Ext(name) != ".json" {
			continue // temporary files being written start with a dot
		}
		domain := strings.TrimSuffix(name, ".json")
		s, err := l.store.Load(ctx, domain)
		if err != nil {
			return nil, err
		}
		m := Migration{State: s}
		if h, ok := l.store.Holder(domain); ok {
			m.RunningBy = h.String()
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b Migration) int { return strings.Compare(a.State.Config.Domain, b.State.Config.Domain) })
	return out, nil
}

// Control sends kind through migrate.Control, the one way commands reach a
// migration: applied by the process running it, or queued for the next
// `ferry migrate start` when none runs.
func (l *Local) Control(ctx context.Context, domain string, kind migrate.CommandKind) (string, error) {
	running := func(d string) (string, bool) {
		h, ok := l.store.Holder(d)
		return h.String(), ok
	}
	d, err := migrate.Control(ctx, migrate.ControlOptions{Domain: domain, Store: l.store, Commands: l.store, Running: running}, kind)
	if err != nil {
		return "", err
	}
	s, _ := l.store.Load(ctx, domain)
	switch d {
	case migrate.Applied:
		return fmt.Sprintf("%s applied by the process running the migration of %s", kind, domain), nil
	case migrate.RunHere:
		if kind != migrate.Resume && l.Connect != nil {
			// Rollback and abort end the migration at once; a resume
			// would run it to its end inside this request.
			return l.carryOut(ctx, s, kind)
		}
		return fmt.Sprintf("%s queued: nothing runs the migration of %s; `ferry migrate %s %s` in the service's directory carries it out now",
			kind, domain, kind, s.Config.Service), nil
	}
	return fmt.Sprintf("%s queued: nothing runs the migration of %s; the next `ferry migrate start %s` applies it", kind, domain, s.Config.Service), nil
}
