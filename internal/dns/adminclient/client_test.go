package adminclient_test

import (
	"errors"
	"io"
	"log/slog"
	"testing"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/adminclient"
	"ferry.dev/ferry/internal/dns/server"
)

func TestErrorsFollowTheProviderContract(t *testing.T) {
	srv, err := server.New(t.Context(), server.Config{
		Zones: []server.Zone{server.DefaultZone("example.test")}, DataDir: t.TempDir(),
		DNSAddr: "127.0.0.1:0", AdminAddr: "127.0.0.1:0", Token: "right",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	good, err := adminclient.New(srv.AdminURL(), "right", nil)
	if err != nil {
		t.Fatal(err)
	}
	wrong, err := adminclient.New(srv.AdminURL(), "wrong", nil)
	if err != nil {
		t.Fatal(err)
	}
	bad := dns.RecordSet{Name: "a.example.test.", Type: "A", TTL: 30, Sets: []dns.WeightedSet{{ID: "x", Weight: 300, Values: []string{"127.0.0.1"}}}}
	cases := []struct {
		name string
		call func() error
		want error
	}{
		{name: "get missing", call: func() error { _, err := good.Get(t.Context(), "a.example.test.", "A"); return err }, want: dns.ErrNotFound},
		{name: "replace invalid", call: func() error { return good.Replace(t.Context(), bad) }, want: dns.ErrInvalid},
		{name: "wrong token", call: func() error { _, err := wrong.Get(t.Context(), "a.example.test.", "A"); return err }, want: adminclient.ErrUnauthorized},
		{name: "delete missing", call: func() error { return good.Delete(t.Context(), "a.example.test.", "A") }, want: nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := adminclient.New("127.0.0.1:8053", "t", nil); !errors.Is(err, dns.ErrInvalid) {
		t.Errorf("a URL without scheme: %v, want ErrInvalid", err)
	}
}
