package lease_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/lease"
	"ferry.dev/ferry/internal/dns/server/servertest"
)

const domain = "api.example.test"

var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

func want(holder, id string, expires time.Time) lease.Lease {
	return lease.Lease{Holder: holder, ID: id, Expires: expires}
}

// TestOneMigrationPerDomain walks two holders, each with its own client
// of the real server, through refusal, resume, renewal, expiry, takeover
// and release.
func TestOneMigrationPerDomain(t *testing.T) {
	srv := servertest.Start(t, "example.test")
	a, b := servertest.Client(t, srv), servertest.Client(t, srv)
	ctx := t.Context()

	heldA, err := lease.Acquire(ctx, a, domain, want("host-a:41", "m1", at(5*time.Minute)), false, t0)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := srv.Get(ctx, "_ferry-lease.api.example.test.", dns.TypeTXT)
	wantRS := dns.RecordSet{Name: "_ferry-lease.api.example.test.", Type: dns.TypeTXT, TTL: lease.TTL, Sets: []dns.WeightedSet{
		{ID: "lease", Weight: 1, Values: []string{"holder=host-a:41 id=m1 expires=2026-03-01T10:05:00Z"}}}}
	if diff := cmp.Diff(wantRS, rs); err != nil || diff != "" {
		t.Errorf("the lease record (-want +got):\n%s%v", diff, err)
	}

	_, err = lease.Acquire(ctx, b, domain, want("host-b:42", "m2", at(6*time.Minute)), false, at(time.Minute))
	var held *lease.HeldError
	if !errors.As(err, &held) || held.Lease != heldA.Lease() || !strings.Contains(err.Error(), "host-a:41") {
		t.Fatalf("a second migration: %v, want a HeldError naming host-a:41", err)
	}

	// The same migration, resumed from another process, takes its lease again.
	resumed, err := lease.Acquire(ctx, b, domain, want("host-a:43", "m1", at(7*time.Minute)), false, at(2*time.Minute))
	if err != nil {
		t.Fatalf("resuming m1: %v", err)
	}
	if err := heldA.Renew(ctx, at(3*time.Minute)); !errors.Is(err, lease.ErrLost) || !strings.Contains(err.Error(), "host-a:43") {
		t.Errorf("renewing a lease written over by the resumed run: %v, want ErrLost naming host-a:43", err)
	}
	if err := resumed.Renew(ctx, at(4*time.Minute)); err != nil {
		t.Fatal(err)
	}
	l, ok, err := lease.Read(ctx, a, domain)
	if diff := cmp.Diff(want("host-a:43", "m1", at(9*time.Minute)), l); err != nil || !ok || diff != "" {
		t.Errorf("after renewing at +4m for a 5m term (-want +got):\n%s%v %v", diff, ok, err)
	}

	// Expired: another migration takes it over; the old holder finds out.
	heldB, err := lease.Acquire(ctx, b, domain, want("host-b:42", "m2", at(15*time.Minute)), false, at(10*time.Minute))
	if err != nil {
		t.Fatalf("taking over an expired lease: %v", err)
	}
	if err := resumed.Renew(ctx, at(10*time.Minute)); !errors.Is(err, lease.ErrLost) || !strings.Contains(err.Error(), "host-b:42") {
		t.Errorf("renewing after a takeover: %v, want ErrLost naming host-b:42", err)
	}
	if err := resumed.Release(ctx); !errors.Is(err, lease.ErrLost) {
		t.Errorf("releasing after a takeover: %v, want ErrLost", err)
	}
	if l, _, _ := lease.Read(ctx, a, domain); l != heldB.Lease() {
		t.Errorf("the old holder's release changed the new lease: %+v", l)
	}

	// Force takes over an unexpired lease.
	heldC, err := lease.Acquire(ctx, a, domain, want("operator", "m3", at(20*time.Minute)), true, at(11*time.Minute))
	if err != nil {
		t.Fatalf("force: %v", err)
	}
	if err := heldB.Renew(ctx, at(12*time.Minute)); !errors.Is(err, lease.ErrLost) {
		t.Errorf("renewing after a forced takeover: %v, want ErrLost", err)
	}
	if err := heldC.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if err := heldC.Release(ctx); err != nil {
		t.Errorf("releasing twice: %v", err)
	}
	if _, ok, err := lease.Read(ctx, a, domain); ok || err != nil {
		t.Errorf("after release: held %v, %v", ok, err)
	}
}

// TestConcurrentAcquiresOneWins: holders racing for a free lease, then for
// an expired one: each time exactly one wins and the others are refused
// naming it.
func TestConcurrentAcquiresOneWins(t *testing.T) {
	srv := servertest.Start(t, "example.test")
	const racers = 8
	for round, now := range []time.Time{t0, at(time.Hour)} { // free, then expired
		wins := make([]*lease.Held, racers)
		errs := make([]error, racers)
		var wg sync.WaitGroup
		for i := range racers {
			c := servertest.Client(t, srv)
			wg.Go(func() {
				w := want(fmt.Sprintf("host-%d", i), fmt.Sprintf("r%d-m%d", round, i), now.Add(5*time.Minute))
				wins[i], errs[i] = lease.Acquire(t.Context(), c, domain, w, false, now)
			})
		}
		wg.Wait()
		current, _, err := lease.Read(t.Context(), servertest.Client(t, srv), domain)
		if err != nil {
			t.Fatal(err)
		}
		var winners []int
		for i, err := range errs {
			var held *lease.HeldError
			switch {
			case err == nil:
				winners = append(winners, i)
			case !errors.As(err, &held):
				t.Errorf("round %d racer %d: %v, want a HeldError", round, i, err)
			case held.Lease != current:
				t.Errorf("round %d racer %d: refused naming %+v, the lease is %+v", round, i, held.Lease, current)
			}
		}
		if len(winners) != 1 || wins[winners[0]].Lease() != current {
			t.Fatalf("round %d: winners %v, lease %+v; want exactly one, holding it", round, winners, current)
		}
	}
}

// TestUnreadableLease: a lease record that does not parse is still
// somebody's: refused without force, taken over with it.
func TestUnreadableLease(t *testing.T) {
	srv := servertest.Start(t, "example.test")
	c := servertest.Client(t, srv)
	junk := dns.RecordSet{Name: lease.Name(domain), Type: dns.TypeTXT, TTL: 60, Sets: []dns.WeightedSet{{ID: "x", Weight: 1, Values: []string{"locked by bob"}}}}
	if err := c.Replace(t.Context(), junk, dns.Always()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := lease.Read(t.Context(), c, domain); err == nil || !strings.Contains(err.Error(), "locked by bob") {
		t.Errorf("Read of junk: %v, want an error quoting it", err)
	}
	w := want("host-a", "m1", at(time.Minute))
	if _, err := lease.Acquire(t.Context(), c, domain, w, false, t0); err == nil || !strings.Contains(err.Error(), "by force") {
		t.Errorf("Acquire over junk: %v, want a refusal mentioning force", err)
	}
	if _, err := lease.Acquire(t.Context(), c, domain, w, true, t0); err != nil {
		t.Errorf("Acquire over junk by force: %v", err)
	}
}

func TestAcquireRefusesABadLease(t *testing.T) {
	r := dns.NewRecorder()
	cases := map[string]lease.Lease{
		"no holder":         want("", "m1", at(time.Minute)),
		"no id":             want("h", "", at(time.Minute)),
		"no expiry":         want("h", "m1", time.Time{}),
		"expired already":   want("h", "m1", t0),
		"within the second": want("h", "m1", t0.Add(500*time.Millisecond)),
	}
	for name, l := range cases {
		if _, err := lease.Acquire(t.Context(), r, domain, l, false, t0); !errors.Is(err, dns.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	if len(r.Changes()) != 0 {
		t.Errorf("refused leases were written: %v", r.Changes())
	}
}
