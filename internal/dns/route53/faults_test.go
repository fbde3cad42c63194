package route53

import (
	"errors"
	"strings"
	"testing"
	"time"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/route53/r53test"
)

func newProxy(t testing.TB) *r53test.Proxy {
	t.Helper()
	px, err := r53test.NewProxy(moto.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(px.Close)
	return px
}

// TestThrottlingAndSlowSync: with a third of the calls answered Throttling
// and every change PENDING for three polls, each step still completes,
// backing off; the calls per step are counted.
func TestThrottlingAndSlowSync(t *testing.T) {
	t.Parallel()
	zone, _ := newZone(t)
	name := "api." + zone
	px := newProxy(t)
	p := newProvider(t, px.URL, Options{})
	if err := p.Replace(t.Context(), weighted(name, 100, 0), dns.IfAbsent()); err != nil {
		t.Fatal(err)
	}
	px.Set(0.33, 3, false)
	last := weighted(name, 100, 0)
	before := p.Calls()
	for _, c := range []int{10, 50, 100} {
		next := weighted(name, 100-c, c)
		start := time.Now()
		if err := p.Replace(t.Context(), next, dns.IfMatch(last)); err != nil {
			t.Fatalf("step %d under throttling: %v", c, err)
		}
		t.Logf("step %d: %v", c, time.Since(start))
		last = next
	}
	after := p.Calls()
	seen, throttled := px.Counts()
	t.Logf("3 steps: %d calls (%v), %d retries; the proxy saw %v, throttled %d", after.Total()-before.Total(), after.ByOp, after.Retries-before.Retries, seen, throttled)
	if after.ByOp["GetChange"]-before.ByOp["GetChange"] < 3*4 {
		t.Errorf("GetChange polled %d times for 3 changes PENDING for 3 polls each, want at least 12", after.ByOp["GetChange"]-before.ByOp["GetChange"])
	}
	if throttled > 0 && after.Retries == before.Retries {
		t.Errorf("the proxy throttled %d calls but the provider counted no retry", throttled)
	}
}

// TestSyncDeadline: a change never INSYNC returns ErrNotInSync after
// SyncTimeout; the change itself is made, so the retry succeeds once it is.
func TestSyncDeadline(t *testing.T) {
	t.Parallel()
	zone, _ := newZone(t)
	name := "api." + zone
	px := newProxy(t)
	px.Set(0, 1000, false)
	p := newProvider(t, px.URL, Options{SyncTimeout: 300 * time.Millisecond})
	rs := weighted(name, 100, 0)
	if err := p.Replace(t.Context(), rs, dns.IfAbsent()); !errors.Is(err, ErrNotInSync) || errors.Is(err, dns.ErrTerminal) {
		t.Fatalf("a change never in sync = %v, want a transient ErrNotInSync", err)
	}
	px.Set(0, 0, false)
	if err := p.Replace(t.Context(), rs, dns.IfAbsent()); err != nil {
		t.Errorf("the retry once in sync = %v, want nil", err)
	}
}

// TestAccessDeniedAndNoSecret: Route 53 refusing the credentials is
// ErrUnauthorized, and the secret the test signs with appears in no error.
func TestAccessDeniedAndNoSecret(t *testing.T) {
	zone, _ := newZone(t)
	px := newProxy(t)
	px.Set(0, 0, true)
	p := newProvider(t, px.URL, Options{})
	var msgs []string
	_, err := p.Get(t.Context(), "api."+zone, dns.TypeA)
	if !errors.Is(err, dns.ErrUnauthorized) || !errors.Is(err, dns.ErrTerminal) {
		t.Errorf("Get when denied = %v, want ErrUnauthorized", err)
	}
	msgs = append(msgs, errString(err))
	err = p.Replace(t.Context(), weighted("api."+zone, 1, 0), dns.Always())
	if !errors.Is(err, dns.ErrUnauthorized) {
		t.Errorf("Replace when denied = %v, want ErrUnauthorized", err)
	}
	msgs = append(msgs, errString(err))
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_PROFILE", "ferry-no-such-profile")
	q, err := New(t.Context(), Options{Endpoint: moto.URL})
	if err == nil {
		_, err = q.Get(t.Context(), "api."+zone, dns.TypeA)
	}
	if !errors.Is(err, dns.ErrUnauthorized) && !strings.Contains(errString(err), "profile") {
		t.Errorf("no credentials at all = %v, want ErrUnauthorized or a missing profile", err)
	}
	msgs = append(msgs, errString(err))
	for _, m := range msgs {
		if strings.Contains(m, r53test.Secret) {
			t.Errorf("an error carries the secret: %s", m)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestBatchIsThePrecondition: a hand edit that lands between ferry's read
// and its batch fails the batch at Route 53 (its DELETE no longer matches);
// the provider reports a conflict with the edit, and nothing is overwritten.
func TestBatchIsThePrecondition(t *testing.T) {
	t.Parallel()
	zone, zoneID := newZone(t)
	name := "api." + zone
	px := newProxy(t)
	p := newProvider(t, px.URL, Options{})
	half := weighted(name, 50, 50)
	if err := p.Replace(t.Context(), half, dns.IfAbsent()); err != nil {
		t.Fatal(err)
	}
	px.BeforeChange(func() {
		awsChange(t, zoneID, `{"Changes":[{"Action":"UPSERT","ResourceRecordSet":{"Name":"`+name+`","Type":"A","SetIdentifier":"cluster","Weight":0,"TTL":60,"ResourceRecords":[{"Value":"10.0.0.2"}]}}]}`)
	})
	before := p.Calls()
	err := p.Replace(t.Context(), weighted(name, 0, 100), dns.IfMatch(half))
	var conflict *dns.ConflictError
	if !errors.As(err, &conflict) || conflict.Current == nil || !conflict.Current.Equal(weighted(name, 50, 0)) {
		t.Fatalf("a batch racing a hand edit = %v, want a conflict carrying the edit", err)
	}
	if n := p.Calls().ByOp["ChangeResourceRecordSets"] - before.ByOp["ChangeResourceRecordSets"]; n != 1 {
		t.Errorf("%d batches sent, want 1 (refused by Route 53)", n)
	}
	if got := simplify(awsList(t, zoneID, name, "A")); got["cluster"].Weight != 0 || got["legacy"].Weight != 50 {
		t.Errorf("the hand edit was overwritten: %v", got)
	}
}
