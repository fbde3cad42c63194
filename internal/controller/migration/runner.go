package migration

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/controller/migstore"
	"ferry.dev/ferry/internal/controller/objects"
	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/lease"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/notify"
)

// retryAfter is how long a runner that failed for a reason that may pass
// (the DNS provider away, a conflict) waits before the object is
// reconciled again.
const retryAfter = 5 * time.Second

// launch starts the runner of key in the manager's context.
func (r *Reconciler) launch(key types.NamespacedName, cfg migrate.Config, notes []v1alpha1.Notification) {
	r.mu.Lock()
	ctx, cancel := context.WithCancel(r.base)
	r.runs[key] = cancel
	r.mu.Unlock()
	go func() {
		retry := r.run(ctx, key, cfg, notes)
		r.mu.Lock()
		delete(r.runs, key)
		r.mu.Unlock()
		cancel()
		if retry > 0 && r.base.Err() == nil {
			r.retryLater(r.base, key, retry)
		}
	}()
}

// run opens the session of key's migration and runs it until it ends or
// stops; it returns when to try again (0: not on its own).
func (r *Reconciler) run(ctx context.Context, key types.NamespacedName, cfg migrate.Config, notes []v1alpha1.Notification) time.Duration {
	log := r.Logger.With("migration", key.String())
	p, err := r.provider(ctx, key.Namespace, cfg)
	if err != nil {
		return r.stopped(ctx, key, "ProviderFailed", err, retryAfter)
	}
	store := &migstore.Store{Client: objects.Of(r.Direct, nil), Reader: objects.Of(r.Direct, r.Cached), Key: key, Holder: r.Identity}
	ev := &eventSink{r: r, key: key}
	opts := migrate.SessionOptions{
		Config: cfg, Store: store, Commands: store, Provider: p,
		Connect: func() (dns.Provider, error) { return r.provider(ctx, key.Namespace, cfg) },
		Lock:    func(domain string) (func() error, error) { return r.locks.lock(domain, key.String()) },
		Holder:  r.Identity + ": Migration " + key.String(),
		Logger:  log, Observe: ev.observe,
	}
	if r.Sensors != nil {
		opts.Sensors = r.Sensors(cfg)
	}
	sess, err := migrate.OpenSession(ctx, opts)
	if err != nil {
		return r.openFailed(ctx, key, err)
	}
	defer func() { _ = sess.Close() }()
	n := notify.New(context.WithoutCancel(ctx), r.notifyTargets(ctx, key, notes), notify.Options{Logger: log})
	defer n.Flush(context.WithoutCancel(ctx), notifyFlush)
	seen := len(sess.State().Timeline) // what is past is neither an event nor a notification again
	ev.mu.Lock()
	ev.seen, ev.notify = seen, notify.Watch(n, seen)
	ev.mu.Unlock()
	r.note(ctx, key, "Running", fmt.Sprintf("running on %s (resumed: %t)", r.Identity, sess.Resumed()), true)
	final, err := sess.Run(ctx)
	return r.finished(ctx, key, final, err)
}

// provider connects to the DNS provider of cfg, with the token from the
// Secret its settings name in namespace ns, if they name one.
func (r *Reconciler) provider(ctx context.Context, ns string, cfg migrate.Config) (dns.Provider, error) {
	d := cfg.DNS
	token, err := r.token(ctx, ns, d.TokenSecret)
	if err != nil {
		return nil, err
	}
	return r.Providers.New(ctx, d.Provider, dns.Settings{Server: d.Server, TokenFile: d.TokenFile, Token: token, Settings: d.Settings})
}

// openFailed says why the session did not open and when to try again.
func (r *Reconciler) openFailed(ctx context.Context, key types.NamespacedName, err error) time.Duration {
	var held *lease.HeldError
	switch {
	case errors.As(err, &held):
		wait := max(time.Until(held.Lease.Expires)+time.Second, time.Second)
		return r.stopped(ctx, key, "LeaseHeld", err, wait)
	case errors.Is(err, migrate.ErrForeignRecord), errors.Is(err, dns.ErrTerminal), errors.Is(err, dns.ErrInvalid):
		return r.stopped(ctx, key, "Refused", err, 0)
	}
	return r.stopped(ctx, key, "OpenFailed", err, retryAfter)
}

// finished reports how a run ended and when to run again.
func (r *Reconciler) finished(ctx context.Context, key types.NamespacedName, final migrate.State, err error) time.Duration {
	switch {
	case ctx.Err() != nil:
		return 0 // stopped: deleted, or leadership ended
	case errors.Is(err, migrate.ErrNeedsOperator):
		// A command in spec changes the generation and brings it back.
		return r.stopped(ctx, key, "NeedsOperator", fmt.Errorf("%s", final.Alert), 0)
	case errors.Is(err, migrate.ErrLeaseLost):
		return r.stopped(ctx, key, "LeaseLost", err, final.Config.Lease)
	case err != nil:
		return r.stopped(ctx, key, "Failed", err, retryAfter)
	}
	r.note(ctx, key, "Ended", fmt.Sprintf("the migration ended %s (%s) %s", final.Stage, final.Weights, final.Reason), false)
	return 0
}

// stopped records why the runner stopped (condition Running=False and a
// Warning event) and passes retry on.
func (r *Reconciler) stopped(ctx context.Context, key types.NamespacedName, reason string, err error, retry time.Duration) time.Duration {
	msg := err.Error()
	if retry > 0 {
		msg += fmt.Sprintf(" (retrying in %s)", retry.Round(time.Second))
	}
	r.Logger.Warn("migration stopped", "migration", key.String(), "reason", reason, "error", err)
	r.note(ctx, key, reason, msg, false)
	return retry
}

// note sets condition Running and records an event about it.
func (r *Reconciler) note(ctx context.Context, key types.NamespacedName, reason, msg string, running bool) {
	ctx = context.WithoutCancel(ctx)
	m := &v1alpha1.MigrationResource{}
	if err := r.Direct.Get(ctx, key, m); err != nil {
		return
	}
	if err := r.condition(ctx, m, condRunning, running, reason, msg); err != nil {
		r.Logger.Warn("writing a condition", "migration", key.String(), "error", err)
	}
	kind := corev1.EventTypeNormal
	if !running && reason != "Ended" {
		kind = corev1.EventTypeWarning
	}
	if r.Events != nil {
		r.Events.Eventf(m, nil, kind, reason, "Run", "%s", msg)
	}
}
