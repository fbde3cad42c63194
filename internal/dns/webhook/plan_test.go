package webhook_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/externaldns"
	"ferry.dev/ferry/internal/dns/webhook"
)

func a(name string, ttl uint32, sets ...dns.WeightedSet) dns.RecordSet {
	return dns.RecordSet{Name: name, Type: dns.TypeA, TTL: ttl, Sets: sets}
}

func ws(id string, w int, v string) dns.WeightedSet {
	return dns.WeightedSet{ID: id, Weight: w, Values: []string{v}}
}

func ep(name, id, weight, target string) externaldns.Endpoint {
	e := externaldns.Endpoint{DNSName: name, RecordType: "A", Targets: []string{target}, SetIdentifier: id, RecordTTL: 60}
	if weight != "" {
		e.ProviderSpecific = []externaldns.Property{{Name: externaldns.WebhookWeight, Value: weight}}
	}
	return e
}

func TestEndpointsRoundTrip(t *testing.T) {
	plain := a("api.example.test.", 60, ws(externaldns.PlainSetID, 1, "192.0.2.1"))
	weighted := a("shop.example.test.", 60, ws("legacy", 90, "192.0.2.1"), ws("cluster", 10, "192.0.2.2"))
	for _, rs := range []dns.RecordSet{plain, weighted} {
		eps := externaldns.Endpoints(rs, externaldns.WebhookWeight)
		plan, err := webhook.Plan(nil, webhook.Changes{Create: eps}, 300)
		if err != nil || len(plan) != 1 {
			t.Fatalf("Plan(create %v) = %v, %v", eps, plan, err)
		}
		if !plan[0].Next.Equal(rs) {
			t.Errorf("record set → endpoints → record set:\n got %+v\nwant %+v", *plan[0].Next, rs)
		}
	}
	if eps := externaldns.Endpoints(plain, externaldns.WebhookWeight); eps[0].SetIdentifier != "" || eps[0].ProviderSpecific != nil {
		t.Errorf("a plain record became a weighted endpoint: %+v", eps[0])
	}
}

func TestPlan(t *testing.T) {
	current := []dns.RecordSet{
		a("shop.example.test.", 60, ws("blue", 50, "192.0.2.1"), ws("green", 50, "192.0.2.2")),
		a("old.example.test.", 60, ws(externaldns.PlainSetID, 1, "192.0.2.9")),
	}
	tests := []struct {
		name    string
		changes webhook.Changes
		want    map[string]*dns.RecordSet // name → next; nil means deleted
		wantErr error
	}{
		{name: "create a plain record", changes: webhook.Changes{Create: []externaldns.Endpoint{ep("new.example.test", "", "", "192.0.2.7")}},
			want: map[string]*dns.RecordSet{"new.example.test.": ptr(a("new.example.test.", 60, ws(externaldns.PlainSetID, 1, "192.0.2.7")))}},
		{name: "reweight one set of a group, the other kept", changes: webhook.Changes{
			UpdateOld: []externaldns.Endpoint{ep("shop.example.test", "blue", "50", "192.0.2.1")},
			UpdateNew: []externaldns.Endpoint{ep("shop.example.test", "blue", "80", "192.0.2.1")}},
			want: map[string]*dns.RecordSet{"shop.example.test.": ptr(a("shop.example.test.", 60, ws("green", 50, "192.0.2.2"), ws("blue", 80, "192.0.2.1")))}},
		{name: "delete the last set deletes the record", changes: webhook.Changes{Delete: []externaldns.Endpoint{ep("old.example.test", "", "", "192.0.2.9")}},
			want: map[string]*dns.RecordSet{"old.example.test.": nil}},
		{name: "a stale delete is a conflict", changes: webhook.Changes{Delete: []externaldns.Endpoint{ep("gone.example.test", "", "", "192.0.2.9")}},
			wantErr: dns.ErrConflict},
		{name: "creating what exists is a conflict", changes: webhook.Changes{Create: []externaldns.Endpoint{ep("shop.example.test", "blue", "1", "192.0.2.1")}},
			wantErr: dns.ErrConflict},
		{name: "a mistyped weight is refused, never 0", changes: webhook.Changes{Create: []externaldns.Endpoint{ep("w.example.test", "a", "ten", "192.0.2.1")}},
			wantErr: dns.ErrInvalid},
		{name: "a weight over 255 is refused", changes: webhook.Changes{Create: []externaldns.Endpoint{ep("w.example.test", "a", "300", "192.0.2.1")}},
			wantErr: dns.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := webhook.Plan(current, tt.changes, 300)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Plan = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]*dns.RecordSet{}
			for _, c := range plan {
				got[c.Name] = c.Next
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("plan (-want +got):\n%s", d)
			}
		})
	}
}

func ptr(rs dns.RecordSet) *dns.RecordSet { return &rs }
