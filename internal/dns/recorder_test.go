package dns_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/dns"
)

// TestRecorderKeepsTheContract: the Recorder decides conditions as a real
// provider does and records exactly the changes it accepts.
func TestRecorderKeepsTheContract(t *testing.T) {
	ctx := t.Context()
	seed := split(100, 0)
	r := dns.NewRecorder(seed)
	if got := r.Changes(); len(got) != 0 {
		t.Fatalf("seeding recorded %v", got)
	}
	read, err := r.Get(ctx, "API.example.test", "a")
	if err != nil || !read.Equal(seed) {
		t.Fatalf("Get = %v, %v", read, err)
	}
	read.Sets[0].Weight = 7 // a copy: the recorder's set stays
	next, drift := split(90, 10), split(0, 100)
	steps := []struct {
		name     string
		call     func() error
		conflict bool
	}{
		{name: "replace if match", call: func() error { return r.Replace(ctx, next, dns.IfMatch(seed)) }},
		{name: "the same again (a retry)", call: func() error { return r.Replace(ctx, next, dns.IfMatch(seed)) }},
		{name: "stale replace", call: func() error { return r.Replace(ctx, drift, dns.IfMatch(seed)) }, conflict: true},
		{name: "create if absent, taken", call: func() error { return r.Replace(ctx, drift, dns.IfAbsent()) }, conflict: true},
		{name: "stale delete", call: func() error { return r.Delete(ctx, next.Name, next.Type, dns.IfMatch(seed)) }, conflict: true},
		{name: "delete if match", call: func() error { return r.Delete(ctx, next.Name, next.Type, dns.IfRevision(next.Digest())) }},
		{name: "delete what is gone", call: func() error { return r.Delete(ctx, next.Name, next.Type, dns.Always()) }},
		{name: "create if absent", call: func() error { return r.Replace(ctx, drift, dns.IfAbsent()) }},
		{name: "overwrite", call: func() error { return r.Replace(ctx, seed, dns.Always()) }},
	}
	for _, st := range steps {
		err := st.call()
		var conflict *dns.ConflictError
		if st.conflict != errors.As(err, &conflict) || (!st.conflict && err != nil) {
			t.Errorf("%s: %v, want conflict %v", st.name, err, st.conflict)
		}
		if st.conflict && (conflict.Current == nil || !conflict.Current.Equal(next)) {
			t.Errorf("%s: the conflict carries %v, want %v", st.name, conflict.Current, next)
		}
	}
	want := []dns.Recorded{
		{Op: dns.OpReplace, RecordSet: next, Cond: dns.IfMatch(seed)},
		{Op: dns.OpDelete, RecordSet: next, Cond: dns.IfRevision(next.Digest())},
		{Op: dns.OpReplace, RecordSet: drift, Cond: dns.IfAbsent()},
		{Op: dns.OpReplace, RecordSet: seed, Cond: dns.Always()},
	}
	got := r.Changes()
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b dns.Condition) bool { return a.String() == b.String() })); diff != "" {
		t.Errorf("Changes() (-want +got):\n%s", diff)
	}
	got[0].RecordSet.Sets[0].Weight = 3
	if r.Changes()[0].RecordSet.Sets[0].Weight != 90 {
		t.Error("changing what Changes returned changed the record")
	}
}

func TestRecorderRefusesWhatProvidersRefuse(t *testing.T) {
	r := dns.NewRecorder(split(100, 0))
	bad := split(100, 0)
	bad.TTL = 0
	cases := map[string]error{
		"replace without a condition": r.Replace(t.Context(), split(0, 100), dns.Condition{}),
		"delete without a condition":  r.Delete(t.Context(), "api.example.test.", "A", dns.Condition{}),
		"an invalid set":              r.Replace(t.Context(), bad, dns.Always()),
	}
	for name, err := range cases {
		if !errors.Is(err, dns.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	if _, err := r.Get(t.Context(), "nothing.example.test.", "A"); !errors.Is(err, dns.ErrNotFound) {
		t.Errorf("Get of nothing: %v, want ErrNotFound", err)
	}
	if got := r.Changes(); len(got) != 0 {
		t.Errorf("refused changes were recorded: %v", got)
	}
}
