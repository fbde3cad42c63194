package release

import (
	"testing"

	"ferry.dev/ferry/internal/deploy"
)

// A write is remembered while the cache is behind it, forgotten once the
// cache holds it or anything later, and forgotten when the object is
// pruned: the record protects reads right after an apply and is not kept
// for good.
func TestWrittenIsForgottenOnceTheCacheHoldsIt(t *testing.T) {
	api := deploy.Ref{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "api"}
	web := deploy.Ref{APIVersion: "v1", Kind: "Service", Namespace: "shop", Name: "web"}
	var w written
	w.note(deploy.Event{Kind: deploy.EventApplied, Ref: api, ResourceVersion: "120"})
	w.note(deploy.Event{Kind: deploy.EventApplied, Ref: api, ResourceVersion: "110"}) // a late answer does not lower it
	w.note(deploy.Event{Kind: deploy.EventApplied, Ref: web, ResourceVersion: "130"})
	w.note(deploy.Event{Kind: deploy.EventUnchanged, Ref: web, ResourceVersion: "1"})

	for _, tc := range []struct {
		ref    deploy.Ref
		cached string
		want   bool
	}{
		{api, "100", true},
		{api, "115", true},
		{api, "not-a-number", true},
		{api, "120", false}, // caught up: forgotten
		{api, "100", false}, // nothing left to protect
		{web, "129", true},
	} {
		if got := w.behind(tc.ref, tc.cached); got != tc.want {
			t.Errorf("behind(%s, %s) = %v, want %v", tc.ref, tc.cached, got, tc.want)
		}
	}
	w.note(deploy.Event{Kind: deploy.EventPruned, Ref: web})
	if w.behind(web, "1") || len(w.rv) != 0 {
		t.Errorf("after the catch-up and the prune, %d records are left: %v", len(w.rv), w.rv)
	}
}
