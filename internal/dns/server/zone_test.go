package server_test

import (
	"strings"
	"testing"

	"ferry.dev/ferry/internal/dns/server"
)

func TestParseZoneRefusesWhatItCannotServe(t *testing.T) {
	const head = `$ORIGIN example.test.
$TTL 300
@ IN SOA ns1 hostmaster 1 3600 600 604800 60
@ IN NS ns1
`
	cases := []struct {
		name string
		body string // after head: its first line is line 5
		want []string
	}{
		{name: "wildcard A", body: "* IN A 192.0.2.1\n", want: []string{"bad.zone:5: *.example.test.: wildcard"}},
		{name: "wildcard below a name", body: "www IN A 192.0.2.1\n*.www IN MX 10 mail\n", want: []string{"bad.zone:6: *.www.example.test.: wildcard"}},
		{name: "CNAME beside A", body: "alias IN CNAME www\nwww IN A 192.0.2.1\nalias IN A 192.0.2.2\n",
			want: []string{"bad.zone:5: alias.example.test.: CNAME cannot sit beside A records", "(at bad.zone:7)"}},
		{name: "CNAME beside MX and TXT", body: "mx IN MX 10 mail\nmx IN TXT hi\nmx IN CNAME www\n",
			want: []string{"bad.zone:7: mx.example.test.: CNAME cannot sit beside MX, TXT records", "(at bad.zone:5, bad.zone:6)"}},
		{name: "CNAME at the apex", body: "@ IN CNAME www.other.test.\n",
			want: []string{"bad.zone:5: example.test.: CNAME cannot sit beside NS, SOA records"}},
		{name: "two CNAMEs", body: "a IN CNAME b\na IN CNAME c\n", want: []string{"bad.zone:6: a.example.test.: a second CNAME"}},
		{name: "TTL 0", body: "zero 0 IN A 192.0.2.1\n", want: []string{"bad.zone:5: zero.example.test. A: ttl:"}},
		{name: "outside the zone", body: "www.example.org. IN A 192.0.2.1\n", want: []string{"bad.zone:5: www.example.org.: outside the zone"}},
		{name: "delegation", body: "sub IN NS ns.elsewhere.test.\n", want: []string{"bad.zone:5: sub.example.test.: NS below the apex"}},
		{name: "lines counted through parentheses, comments, quotes and $GENERATE", body: `; a comment (with a parenthesis
txt IN TXT "a ; not a comment (" ( ; a real one
        "second string" )

$GENERATE 1-3 host$ A 192.0.2.$
multi IN MX ( 10
   mail )
* IN A 192.0.2.1
`, want: []string{"bad.zone:12: *.example.test.: wildcard"}},
		{name: "a class other than the zone's", body: "chaos CH TXT hello\n", want: []string{"bad.zone:5: chaos.example.test.: class CH"}},
		{name: "an owner with a control character", body: "a\\007b IN A 192.0.2.1\n", want: []string{"bad.zone:5: owner:", "control byte 0x07"}},
		{name: "a CNAME beside A through another spelling", body: "esc\\065 IN A 192.0.2.1\nesca IN CNAME www\n",
			want: []string{"bad.zone:6: esca.example.test.: CNAME cannot sit beside A"}},
		{name: "every problem at once", body: "* IN A 192.0.2.1\nc IN CNAME x\nc IN TXT y\n",
			want: []string{"bad.zone:5: *.example.test.", "bad.zone:6: c.example.test.: CNAME"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := server.ParseZone(strings.NewReader(head+tc.body), "bad.zone", "")
			if err == nil {
				t.Fatal("the zone was accepted")
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error does not say %q:\n%v", want, err)
				}
			}
		})
	}
}

// TestParseZoneAcceptsWhatItServes checks that the line scan does not get
// in the way of a zone with every construct the scan has to follow.
func TestParseZoneAcceptsWhatItServes(t *testing.T) {
	z, err := server.ParseZone(strings.NewReader(`$ORIGIN example.test.
$TTL 300
@ IN SOA ns1 hostmaster ( 1 ; serial
    3600 600 604800 60 )
@ IN NS ns1
ns1 IN A 192.0.2.53
txt IN TXT "semi;colon" "paren(" ; comment )
$GENERATE 1-3 host$ A 192.0.2.$
alias IN CNAME www.other.test.
mx IN MX 10 mail
`), "good.zone", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(z.Seed) != 6 {
		t.Errorf("%d record sets to seed, want 6: %v", len(z.Seed), z.Seed)
	}
}
