package dns_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/dns"
)

// TestTally: calls made under a context from WithTally are counted into
// its Tally alone; Add sums without changing either side.
func TestTally(t *testing.T) {
	var a, b dns.Tally
	ctxA := dns.WithTally(t.Context(), &a)
	for _, c := range []struct {
		ctx   context.Context
		op    string
		retry bool
	}{{ctxA, "GetChange", false}, {ctxA, "GetChange", true}, {dns.WithTally(t.Context(), &b), "ListResourceRecordSets", false}, {t.Context(), "GetChange", false}} {
		if tl := dns.TallyOf(c.ctx); tl != nil {
			tl.Count(c.op, c.retry)
		}
	}
	if d := cmp.Diff(dns.Calls{ByOp: map[string]int{"GetChange": 2}, Retries: 1}, a.Calls()); d != "" {
		t.Errorf("tally A (-want +got):\n%s", d)
	}
	sum := a.Calls().Add(b.Calls())
	if sum.Total() != 3 || sum.Retries != 1 || a.Calls().Total() != 2 || b.Calls().Total() != 1 {
		t.Errorf("Add: %+v from %+v and %+v", sum, a.Calls(), b.Calls())
	}
	if (dns.Calls{}).Add(dns.Calls{}).ByOp != nil {
		t.Error("Add of nothing made a map")
	}
}
