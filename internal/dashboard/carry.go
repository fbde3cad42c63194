package dashboard

import (
	"context"
	"fmt"
	"path/filepath"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/providers"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/store"
)

// Connector builds the DNS provider a migration's settings name.
type Connector func(ctx context.Context, cfg migrate.Config) (dns.Provider, error)

// RegistryConnector connects through ferry's one registry of providers; a
// relative tokenFile is read relative to baseDir (the service file's
// directory: the parent of its default state directory, .ferry).
func RegistryConnector(baseDir string) Connector {
	return func(ctx context.Context, cfg migrate.Config) (dns.Provider, error) {
		d := cfg.DNS
		return providers.Registry().New(ctx, d.Provider, dns.Settings{
			Server: d.Server, TokenFile: d.TokenFile, Settings: d.Settings, BaseDir: baseDir,
		})
	}
}

// carryOut performs a rollback or an abort that no running process can
// apply, as `ferry migrate rollback` does without a start: it opens the
// migration's session here (its lock and ownership lease), lets the
// executor apply the queued command, and returns once the migration has
// ended. The command was queued by migrate.Control already.
func (l *Local) carryOut(ctx context.Context, s migrate.State, kind migrate.CommandKind) (string, error) {
	p, err := l.Connect(ctx, s.Config)
	if err != nil {
		return "", fmt.Errorf("%s queued, but connecting to the DNS provider to carry it out failed: %w", kind, err)
	}
	holder := store.ThisProcess("ferry dashboard: " + string(kind))
	sess, err := migrate.OpenSession(ctx, migrate.SessionOptions{
		Config: s.Config, Store: l.store, Commands: l.store, Provider: p,
		Connect: func() (dns.Provider, error) { return l.Connect(ctx, s.Config) },
		Lock:    l.store.Locker(holder),
		Holder:  holder.LeaseName(),
		Logger:  l.Logger,
	})
	if err != nil {
		return "", fmt.Errorf("%s queued, but opening the migration to carry it out failed: %w", kind, err)
	}
	defer func() { _ = sess.Close() }()
	final, err := sess.Run(ctx)
	if err != nil {
		return "", fmt.Errorf("%s queued; carrying it out stopped at stage %s (%s): %w", kind, final.Stage, final.Weights, err)
	}
	return fmt.Sprintf("%s carried out here (nothing ran the migration of %s): it ended %s at %s", kind, s.Config.Domain, final.Stage, final.Weights), nil
}

// baseDir is the directory a state directory's relative settings are
// relative to: the service file's, when dir is its .ferry.
func baseDir(dir string) string { return filepath.Dir(filepath.Clean(dir)) }
