package route53

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/route53/r53test"
)

// plainBatch is the record Terraform's aws_route53_record creates.
func plainBatch(name, value string) string {
	return fmt.Sprintf(`{"Changes":[{"Action":"CREATE","ResourceRecordSet":{"Name":%q,"Type":"A","TTL":60,"ResourceRecords":[{"Value":%q}]}}]}`, name, value)
}

func weighted(name string, legacy, cluster int) dns.RecordSet {
	return dns.RecordSet{Name: name, Type: dns.TypeA, TTL: 60, Sets: []dns.WeightedSet{
		{ID: "legacy", Weight: legacy, Values: []string{"10.0.0.1"}},
		{ID: "cluster", Weight: cluster, Values: []string{"10.0.0.2"}},
	}}
}

// simple is one awsList row reduced to what a test compares.
type simple struct {
	ID     string
	Weight int64
	TTL    int64
	Values string
}

func simplify(sets []r53test.RecordSet) map[string]simple {
	out := map[string]simple{}
	for _, s := range sets {
		w := int64(-1)
		if s.Weight != nil {
			w = *s.Weight
		}
		v := ""
		for _, r := range s.ResourceRecords {
			v += r.Value
		}
		out[s.SetIdentifier] = simple{ID: s.SetIdentifier, Weight: w, TTL: s.TTL, Values: v}
	}
	return out
}

func TestAdoptShiftCutover(t *testing.T) {
	t.Parallel()
	zone, zoneID := newZone(t)
	name := "api." + zone
	awsChange(t, zoneID, plainBatch(name, "10.0.0.1"))
	p := newProvider(t, moto.URL, Options{})
	ctx := t.Context()

	plain, err := p.Get(ctx, name, dns.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	wantPlain := dns.RecordSet{Name: name, Type: dns.TypeA, TTL: 60, Sets: []dns.WeightedSet{{ID: dns.PlainSetID, Weight: dns.PlainWeight, Values: []string{"10.0.0.1"}}}}
	if diff := cmp.Diff(wantPlain, plain); diff != "" {
		t.Fatalf("the plain record reads as (-want +got):\n%s", diff)
	}

	before := p.Calls().Total()
	adopt := weighted(name, 100, 0)
	if err := p.Replace(ctx, adopt, dns.IfMatch(plain)); err != nil {
		t.Fatalf("adopting: %v", err)
	}
	calls := p.Calls()
	if n := calls.Total() - before; n != 3 {
		t.Errorf("adopting took %d calls (%v), want 3: list, change, GetChange", n, calls.ByOp)
	}
	want := map[string]simple{"legacy": {"legacy", 100, 60, "10.0.0.1"}, "cluster": {"cluster", 0, 60, "10.0.0.2"}}
	if diff := cmp.Diff(want, simplify(awsList(t, zoneID, name, "A"))); diff != "" {
		t.Fatalf("after adoption the AWS CLI lists (-want +got):\n%s", diff)
	}

	last := adopt
	for _, c := range []int{10, 50, 100} {
		next := weighted(name, 100-c, c)
		if err := p.Replace(ctx, next, dns.IfMatch(last)); err != nil {
			t.Fatalf("step %d: %v", c, err)
		}
		got, err := p.Get(ctx, name, dns.TypeA)
		if err != nil || !got.Equal(next) {
			t.Fatalf("step %d reads back %+v, %v", c, got, err)
		}
		last = next
	}

	cut := dns.RecordSet{Name: name, Type: dns.TypeA, TTL: 60, Sets: []dns.WeightedSet{{ID: dns.PlainSetID, Weight: dns.PlainWeight, Values: []string{"10.0.0.2"}}}}
	if err := p.Replace(ctx, cut, dns.IfMatch(last)); err != nil {
		t.Fatalf("cutover to one plain record: %v", err)
	}
	if diff := cmp.Diff(map[string]simple{"": {"", -1, 60, "10.0.0.2"}}, simplify(awsList(t, zoneID, name, "A"))); diff != "" {
		t.Fatalf("after cutover the AWS CLI lists (-want +got):\n%s", diff)
	}
}

func TestHandEditIsAConflictAndNothingIsOverwritten(t *testing.T) {
	t.Parallel()
	zone, zoneID := newZone(t)
	name := "api." + zone
	p := newProvider(t, moto.URL, Options{})
	ctx := t.Context()
	half := weighted(name, 50, 50)
	if err := p.Replace(ctx, half, dns.IfAbsent()); err != nil {
		t.Fatal(err)
	}
	// An operator sends everything back to legacy by hand.
	awsChange(t, zoneID, fmt.Sprintf(`{"Changes":[{"Action":"UPSERT","ResourceRecordSet":{"Name":%q,"Type":"A","SetIdentifier":"legacy","Weight":100,"TTL":60,"ResourceRecords":[{"Value":"10.0.0.1"}]}},
		{"Action":"UPSERT","ResourceRecordSet":{"Name":%q,"Type":"A","SetIdentifier":"cluster","Weight":0,"TTL":60,"ResourceRecords":[{"Value":"10.0.0.2"}]}}]}`, name, name))
	handEdit := simplify(awsList(t, zoneID, name, "A"))

	err := p.Replace(ctx, weighted(name, 0, 100), dns.IfMatch(half))
	var conflict *dns.ConflictError
	if !errors.As(err, &conflict) || !errors.Is(err, dns.ErrConflict) {
		t.Fatalf("Replace over a hand edit = %v, want a *dns.ConflictError", err)
	}
	if conflict.Current == nil || !conflict.Current.Equal(weighted(name, 100, 0)) {
		t.Errorf("the conflict carries %+v, want the hand edit", conflict.Current)
	}
	if diff := cmp.Diff(handEdit, simplify(awsList(t, zoneID, name, "A"))); diff != "" {
		t.Errorf("the hand edit was overwritten (-edit +now):\n%s", diff)
	}
	if err := p.Delete(ctx, name, dns.TypeA, dns.IfMatch(half)); !errors.Is(err, dns.ErrConflict) {
		t.Errorf("Delete over a hand edit = %v, want a conflict", err)
	}
}

func TestRetriesOfAMadeChangeSucceed(t *testing.T) {
	t.Parallel()
	zone, _ := newZone(t)
	name := "api." + zone
	p := newProvider(t, moto.URL, Options{})
	ctx := t.Context()
	first := weighted(name, 100, 0)
	if err := p.Replace(ctx, first, dns.IfAbsent()); err != nil {
		t.Fatal(err)
	}
	// The answer was lost; the caller sends the same change again.
	if err := p.Replace(ctx, first, dns.IfAbsent()); err != nil {
		t.Errorf("retrying a made Replace = %v, want nil", err)
	}
	if err := p.Replace(ctx, weighted(name, 90, 10), dns.IfAbsent()); !errors.Is(err, dns.ErrConflict) {
		t.Errorf("IfAbsent over a record = %v, want a conflict", err)
	}
	if err := p.Delete(ctx, name, dns.TypeA, dns.IfMatch(first)); err != nil {
		t.Fatal(err)
	}
	if err := p.Delete(ctx, name, dns.TypeA, dns.IfMatch(first)); err != nil {
		t.Errorf("retrying a made Delete = %v, want nil", err)
	}
	if _, err := p.Get(ctx, name, dns.TypeA); !errors.Is(err, dns.ErrNotFound) {
		t.Errorf("Get after Delete = %v, want ErrNotFound", err)
	}
}

func TestTXTRoundTrip(t *testing.T) {
	t.Parallel()
	zone, _ := newZone(t)
	p := newProvider(t, moto.URL, Options{})
	long := "holder=host:4242 id=api-20260301T101500Z expires=2026-03-01T10:20:00Z \"quoted\" back\\slash "
	for len(long) < 300 {
		long += "x"
	}
	rs := dns.RecordSet{Name: "_ferry-lease.api." + zone, Type: dns.TypeTXT, TTL: 1, Sets: []dns.WeightedSet{{ID: "lease", Weight: 1, Values: []string{long}}}}
	if err := p.Replace(t.Context(), rs, dns.IfAbsent()); err != nil {
		t.Fatal(err)
	}
	got, err := p.Get(t.Context(), rs.Name, dns.TypeTXT)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rs, got); diff != "" {
		t.Errorf("TXT read back (-want +got):\n%s", diff)
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	zone, zoneID := newZone(t)
	p := newProvider(t, moto.URL, Options{})
	ctx := t.Context()
	name := "api." + zone
	if err := p.Replace(ctx, weighted(name, 0, 0), dns.IfAbsent()); !errors.Is(err, dns.ErrInvalid) {
		t.Errorf("an all-zero group = %v, want ErrInvalid", err)
	}
	if err := p.Replace(ctx, weighted(name, 1, 0), dns.Condition{}); !errors.Is(err, dns.ErrInvalid) {
		t.Errorf("the zero Condition = %v, want ErrInvalid", err)
	}
	awsChange(t, zoneID, fmt.Sprintf(`{"Changes":[{"Action":"CREATE","ResourceRecordSet":{"Name":"www.%s","Type":"CNAME","TTL":60,"ResourceRecords":[{"Value":"lb.example.net"}]}}]}`, zone))
	if err := p.Replace(ctx, weighted("www."+zone, 1, 0), dns.IfAbsent()); !errors.Is(err, dns.ErrInvalid) {
		t.Errorf("an A beside a CNAME = %v, want ErrInvalid", err)
	}
	if _, err := p.Get(ctx, "api.elsewhere.test.", dns.TypeA); !errors.Is(err, dns.ErrInvalid) {
		t.Errorf("a name in no zone = %v, want ErrInvalid", err)
	}
	only := newProvider(t, moto.URL, Options{HostedZoneID: "/hostedzone/" + zoneID})
	if _, err := only.Get(ctx, "api.z0.example.test.", dns.TypeA); !errors.Is(err, dns.ErrInvalid) {
		t.Errorf("a name outside hostedZoneId = %v, want ErrInvalid", err)
	}
	if _, err := only.Get(ctx, name, dns.TypeA); !errors.Is(err, dns.ErrNotFound) {
		t.Errorf("a name in hostedZoneId = %v, want ErrNotFound", err)
	}
}

// TestEndpointFromEnvironment: with no endpoint setting the SDK's
// AWS_ENDPOINT_URL_ROUTE_53 is used; a setting wins over it.
func TestEndpointFromEnvironment(t *testing.T) {
	zone, _ := newZone(t)
	t.Setenv("AWS_ENDPOINT_URL_ROUTE_53", moto.URL)
	p, err := New(t.Context(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Get(t.Context(), "api."+zone, dns.TypeA); !errors.Is(err, dns.ErrNotFound) {
		t.Errorf("through AWS_ENDPOINT_URL_ROUTE_53: %v, want ErrNotFound", err)
	}
	t.Setenv("AWS_ENDPOINT_URL_ROUTE_53", "http://127.0.0.1:1")
	if _, err := newProvider(t, moto.URL, Options{}).Get(t.Context(), "api."+zone, dns.TypeA); !errors.Is(err, dns.ErrNotFound) {
		t.Errorf("the endpoint setting over the environment: %v, want ErrNotFound", err)
	}
}

// TestAliasRoundTrip: a plain alias record to a load balancer, created with
// the AWS CLI as Terraform would, reads as one alias value with Route 53's
// fixed TTL, is adopted into a weighted group beside the cluster's address
// in one batch, and the AWS CLI reads the alias target back.
func TestAliasRoundTrip(t *testing.T) {
	t.Parallel()
	zone, zoneID := newZone(t)
	name := "api." + zone
	awsChange(t, zoneID, fmt.Sprintf(`{"Changes":[{"Action":"CREATE","ResourceRecordSet":{"Name":%q,"Type":"A",
		"AliasTarget":{"HostedZoneId":"Z35SXDOTRQ7X7K","DNSName":"legacy-123.us-east-1.elb.amazonaws.com","EvaluateTargetHealth":false}}}]}`, name))
	p := newProvider(t, moto.URL, Options{})
	plain, err := p.Get(t.Context(), name, dns.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	elb := "alias:Z35SXDOTRQ7X7K:legacy-123.us-east-1.elb.amazonaws.com."
	want := dns.RecordSet{Name: name, Type: dns.TypeA, TTL: dns.AliasTTL, Sets: []dns.WeightedSet{{ID: dns.PlainSetID, Weight: dns.PlainWeight, Values: []string{elb}}}}
	if diff := cmp.Diff(want, plain); diff != "" {
		t.Fatalf("the alias record reads as (-want +got):\n%s", diff)
	}
	adopt := dns.RecordSet{Name: name, Type: dns.TypeA, TTL: dns.AliasTTL, Sets: []dns.WeightedSet{
		{ID: "legacy", Weight: 100, Values: []string{elb}}, {ID: "cluster", Weight: 0, Values: []string{"10.0.0.2"}}}}
	if err := p.Replace(t.Context(), adopt, dns.IfMatch(plain)); err != nil {
		t.Fatalf("adopting the alias: %v", err)
	}
	got, err := p.Get(t.Context(), name, dns.TypeA)
	if err != nil || !got.Equal(adopt) {
		t.Fatalf("reads back %+v, %v; want %+v", got, err, adopt)
	}
	var out struct {
		ResourceRecordSets []struct {
			SetIdentifier string
			AliasTarget   *struct{ DNSName string }
		}
	}
	if err := r53test.AWS(t.Context(), moto.URL, &out, "route53", "list-resource-record-sets", "--hosted-zone-id", zoneID); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range out.ResourceRecordSets {
		found = found || r.SetIdentifier == "legacy" && r.AliasTarget != nil && strings.HasPrefix(r.AliasTarget.DNSName, "legacy-123.")
	}
	if !found {
		t.Errorf("the AWS CLI lists no weighted alias for legacy: %+v", out.ResourceRecordSets)
	}
}
