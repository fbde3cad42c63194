package dns_test

import (
	"errors"
	"strings"
	"testing"

	"ferry.dev/ferry/internal/dns"
)

func TestParseName(t *testing.T) {
	cases := []struct {
		in, want, err string
	}{
		{in: "API.Example.Test", want: "api.example.test."},
		{in: `sp\032ace.test.`, want: `sp\ ace.test.`},
		{in: "sp ace.test.", want: `sp\ ace.test.`},
		{in: `esc\065.test`, want: "esca.test."},
		{in: `a\.b.test.`, want: `a\.b.test.`},
		{in: "_ferry-lease.api.test.", want: "_ferry-lease.api.test."},
		{in: "Bücher.test.", want: "xn--bcher-kva.test."},
		{in: "xn--bcher-kva.test.", want: "xn--bcher-kva.test."},
		{in: ".", want: "."},
		{in: "\u212Aelvin.test.", err: "not a valid internationalised label"},
		{in: "B\u00dcCHER.test.", err: "not a valid internationalised label"},
		{in: "xn--zz.test.", err: "not a valid A-label"},
		{in: "a\x00b.test.", err: "control character U+0000"},
		{in: "a\tb.test.", err: "control character U+0009"},
		{in: `a\000b.test.`, err: "control byte 0x00"},
		{in: `caf\233.test.`, err: "byte 0xE9"},
		{in: "caf\xe9.test.", err: "not valid UTF-8"},
		{in: "a..test.", err: "not a DNS name"},
		{in: strings.Repeat("a", 64) + ".test.", err: "not a DNS name"},
		{in: "", err: "empty"},
	}
	for _, tc := range cases {
		got, err := dns.ParseName(tc.in)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || !errors.Is(err, dns.ErrBadName)):
			t.Errorf("ParseName(%q) = %q, %v; want an error saying %q", tc.in, got, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("ParseName(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}
