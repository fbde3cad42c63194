package server_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	mdns "github.com/miekg/dns"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/adminclient"
	"ferry.dev/ferry/internal/dns/server"
	"ferry.dev/ferry/internal/dns/server/servertest"
)

// TestAdminReadsBodiesExactly: what encoding/json would read loosely is
// refused, naming the field, and nothing is stored.
func TestAdminReadsBodiesExactly(t *testing.T) {
	srv := startServer(t, t.TempDir())
	const path = "/v1/records/a.example.test./A"
	cases := []struct{ name, body, want string }{
		{name: "field in another case", body: `{"TTL":30,"sets":[{"id":"a","weight":1,"values":["127.0.0.1"]}]}`, want: `TTL: unknown field (field names are exact: \"ttl\")`},
		{name: "set field in another case", body: `{"ttl":30,"sets":[{"id":"a","Weight":1,"values":["127.0.0.1"]}]}`, want: "sets[0].Weight: unknown field"},
		{name: "duplicate key", body: `{"ttl":30,"ttl":60,"sets":[{"id":"a","weight":1,"values":["127.0.0.1"]}]}`, want: "ttl: given twice"},
		{name: "duplicate key in a set", body: `{"ttl":30,"sets":[{"id":"a","weight":1,"weight":0,"values":["127.0.0.1"]}]}`, want: "sets[0].weight: given twice"},
		{name: "weight left out", body: `{"ttl":30,"sets":[{"id":"a","values":["127.0.0.1"]}]}`, want: "sets[0].weight: is required"},
		{name: "unknown nested field", body: `{"ttl":30,"sets":[{"id":"a","weight":1,"values":["127.0.0.1"],"health":"x"}]}`, want: "sets[0].health: unknown field"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := do(t, srv, "PUT", path, tc.body)
			if status != http.StatusBadRequest || !strings.Contains(body, tc.want) {
				t.Errorf("got %d %s, want 400 saying %q", status, body, tc.want)
			}
			if _, err := srv.Get(t.Context(), "a.example.test.", "A"); err == nil {
				t.Error("a refused body was stored")
			}
		})
	}
	big := `{"ttl":30,"sets":[{"id":"a","weight":1,"values":["` + strings.Repeat("x", 2<<20) + `"]}]}`
	if status, body := do(t, srv, "PUT", "/v1/records/a.example.test./TXT", big); status != http.StatusRequestEntityTooLarge {
		t.Errorf("a 2 MiB body: %d %.200s, want 413", status, body)
	}
}

// TestIdenticalPutChangesNothing: the serial, the revision and the log
// stay as they were when a PUT (conditional or not) writes what is there.
func TestIdenticalPutChangesNothing(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, dir)
	body := `{"ttl":30,"sets":[{"id":"a","weight":1,"values":["127.0.0.1","127.0.0.2"]}]}`
	if status, b := do(t, srv, "PUT", "/v1/records/same.example.test./A", body); status != 200 {
		t.Fatalf("first PUT: %d %s", status, b)
	}
	serial := func() uint32 {
		return query(t, "udp", srv.DNSAddr(), "example.test.", mdns.TypeSOA, false).Answer[0].(*mdns.SOA).Serial
	}
	rev, before := srv.Revision(), serial()
	logBefore, err := os.Stat(filepath.Join(dir, "wal.log"))
	if err != nil {
		t.Fatal(err)
	}
	// The same set, spelled otherwise: values in another order, name in
	// another case.
	again := `{"name":"SAME.example.test","ttl":30,"sets":[{"id":"a","weight":1,"values":["127.0.0.2","127.0.0.1"]}]}`
	for range 3 {
		if status, b := do(t, srv, "PUT", "/v1/records/same.example.test./A", again); status != 200 {
			t.Fatalf("identical PUT: %d %s", status, b)
		}
	}
	logAfter, err := os.Stat(filepath.Join(dir, "wal.log"))
	if err != nil {
		t.Fatal(err)
	}
	if srv.Revision() != rev || serial() != before || logAfter.Size() != logBefore.Size() {
		t.Errorf("identical PUTs changed revision %d→%d, serial %d→%d, log %d→%d bytes",
			rev, srv.Revision(), before, serial(), logBefore.Size(), logAfter.Size())
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns
// their paths and a pool trusting it.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ferry-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestAdminOffLoopbackNeedsTLS: an admin API on every interface is
// refused in clear text unless asked for, and served over HTTPS with a
// certificate, where the provider contract works as over HTTP.
func TestAdminOffLoopbackNeedsTLS(t *testing.T) {
	zones := []server.Zone{server.DefaultZone("example.test")}
	_, err := server.New(t.Context(), server.Config{Zones: zones, DataDir: t.TempDir(), AdminAddr: "0.0.0.0:0", Token: servertest.Token})
	if err == nil || !strings.Contains(err.Error(), "not a loopback address") {
		t.Errorf("admin on 0.0.0.0 without TLS: %v, want refused", err)
	}
	servertest.Run(t, server.Config{Zones: zones, AdminAddr: "0.0.0.0:0", Token: servertest.Token, InsecureAdmin: true})
	certFile, keyFile, pool := selfSigned(t)
	srv := servertest.Run(t, server.Config{Zones: zones, AdminAddr: "127.0.0.1:0", Token: servertest.Token,
		AdminCertFile: certFile, AdminKeyFile: keyFile})
	if !strings.HasPrefix(srv.AdminURL(), "https://") {
		t.Fatalf("admin URL %s, want https", srv.AdminURL())
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	c, err := adminclient.New(srv.AdminURL(), servertest.Token, hc)
	if err != nil {
		t.Fatal(err)
	}
	rs := dns.RecordSet{Name: "tls.example.test.", Type: "A", TTL: 30, Sets: []dns.WeightedSet{{ID: "a", Weight: 1, Values: []string{"127.0.0.1"}}}}
	if err := c.Replace(t.Context(), rs, dns.IfAbsent()); err != nil {
		t.Fatalf("PUT over HTTPS: %v", err)
	}
	plain := "http" + strings.TrimPrefix(srv.AdminURL(), "https")
	resp, err := http.Get(fmt.Sprintf("%s/v1/records", plain))
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("plain HTTP to the HTTPS admin API: %d, want refused", resp.StatusCode)
		}
	}
}
