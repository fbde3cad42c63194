package lease_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/lease"
)

func TestLeaseRecordRoundTrips(t *testing.T) {
	for _, l := range []lease.Lease{
		want("host:42", "2026-03-01T10:00:00Z", at(time.Minute)),
		want(`ci runner 7 "eu" = 50% \ done`, "id with spaces", at(time.Hour)),
		want("ünïcode\tand\ncontrol", "x", at(time.Second)),
	} {
		r := dns.NewRecorder()
		if _, err := lease.Acquire(t.Context(), r, domain, l, false, t0); err != nil {
			t.Fatal(err)
		}
		value := r.Changes()[0].RecordSet.Sets[0].Values[0]
		if strings.ContainsAny(value, "\"\\\t\n") || strings.Count(value, " ") != 2 {
			t.Errorf("value %q is not three plain words", value)
		}
		got, ok, err := lease.Read(t.Context(), r, domain)
		if diff := cmp.Diff(l, got); err != nil || !ok || diff != "" {
			t.Errorf("read back (-want +got):\n%s%v", diff, err)
		}
	}
}

func TestLeaseRecordParsing(t *testing.T) {
	cases := []struct {
		name, value string
		want        *lease.Lease // nil: refused
		msg         string
	}{
		{name: "documented form", value: "holder=host:42 id=m1 expires=2026-03-01T10:05:00Z",
			want: &lease.Lease{Holder: "host:42", ID: "m1", Expires: at(5 * time.Minute)}},
		{name: "keys in another order and one unknown", value: "expires=2026-03-01T10:05:00Z future=1 id=m1 holder=h",
			want: &lease.Lease{Holder: "h", ID: "m1", Expires: at(5 * time.Minute)}},
		{name: "expiry in another zone", value: "holder=h id=m1 expires=2026-03-01T11:05:00+01:00",
			want: &lease.Lease{Holder: "h", ID: "m1", Expires: at(5 * time.Minute)}},
		{name: "no expiry", value: "holder=h id=m1", msg: "expires: missing"},
		{name: "bad expiry", value: "holder=h id=m1 expires=tomorrow", msg: "expires:"},
		{name: "not key=value", value: "holder=h id=m1 expires=2026-03-01T10:05:00Z junk", msg: `"junk" is not key=value`},
		{name: "bad escape", value: "holder=h%zz id=m1 expires=2026-03-01T10:05:00Z", msg: "holder:"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := dns.NewRecorder(dns.RecordSet{Name: lease.Name(domain), Type: dns.TypeTXT, TTL: 60,
				Sets: []dns.WeightedSet{{ID: lease.SetID, Weight: 1, Values: []string{tc.value}}}})
			got, ok, err := lease.Read(t.Context(), r, domain)
			if tc.want == nil {
				if err == nil || !strings.Contains(err.Error(), tc.msg) {
					t.Errorf("Read = %+v, %v; want an error naming %q", got, err, tc.msg)
				}
				return
			}
			if diff := cmp.Diff(*tc.want, got, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); err != nil || !ok || diff != "" {
				t.Errorf("Read (-want +got):\n%s%v", diff, err)
			}
		})
	}
}
