package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferry.dev/ferry/internal/migrate/migratetest"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/route53/r53test"
	"ferry.dev/ferry/internal/dns/server/servertest"
	"ferry.dev/ferry/internal/migrate/store"
)

// TestAliasMigration: the domain's plain alias record to the legacy load
// balancer (its DNS name: localhost, where the legacy backend listens),
// created with the AWS CLI as Terraform would, is adopted into a weighted
// group of the alias and the cluster's address, shifted, cut over and
// drained for the alias's 60 s TTL to done.
func TestAliasMigration(t *testing.T) {
	t.Parallel()
	e := newEnvOf(t, "alias", shape{ttl: "60s", steps: "[50, 100]", hold: "0s",
		legacyIP: "127.0.0.1", legacyAddress: "localhost", legacyAlias: ", alias: {hostedZoneId: Z35SXDOTRQ7X7K}",
		plain: `"Type":"A","AliasTarget":{"HostedZoneId":"Z35SXDOTRQ7X7K","DNSName":"localhost","EvaluateTargetHealth":false}`})
	code, text := migrateCmd(t.Context(), "-f", e.file, "plan", "api")
	checkExit(t, "plan", result{code, text}, 0, `"AliasTarget"`, "is an alias: Route 53 answers it with the target's addresses and TTL (60 s")
	r := <-e.start(t.Context())
	checkExit(t, "start", r, 0, "adopted the record", "done: legacy has drained")
	sets, err := r53test.List(t.Context(), moto.URL, e.zoneID, e.domain, "A")
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != 1 || sets[0].SetIdentifier != "" || sets[0].TTL != 60 || sets[0].ResourceRecords[0].Value != "127.0.0.3" {
		t.Errorf("DNS at done: %+v, want one plain record for the cluster, 127.0.0.3, TTL 60", sets)
	}
}

// TestAliasMigrationOnFerrysServer: the same services block runs against
// ferry's own DNS server, which answers the alias with a CNAME to the load
// balancer; the migration ends with the cluster alone.
func TestAliasMigrationOnFerrysServer(t *testing.T) {
	t.Parallel()
	srv := servertest.Start(t, "alias.ferry.test")
	e := &env{domain: "api.alias.ferry.test"}
	legacy := dns.Alias{HostedZoneID: "Z35SXDOTRQ7X7K", DNSName: "localhost"}.String()
	err := servertest.Client(t, srv).Replace(t.Context(), dns.RecordSet{Name: e.domain + ".", Type: dns.TypeA, TTL: 60,
		Sets: []dns.WeightedSet{{ID: "default", Weight: 1, Values: []string{legacy}}}}, dns.IfAbsent())
	if err != nil {
		t.Fatal(err)
	}
	port := migratetest.ServePair(t, "127.0.0.1", &e.legacy, &e.cluster)
	dir := t.TempDir()
	token := filepath.Join(dir, "dns.token")
	if err := os.WriteFile(token, []byte(servertest.Token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf(migrationFile, "60s", "[50, 100]", "0s", "", e.domain, "localhost", port, ", alias: {hostedZoneId: Z35SXDOTRQ7X7K}", port)
	body = strings.Replace(body, `dns: {provider: route53, endpoint: "", retryFor: 5s}`,
		fmt.Sprintf(`dns: {provider: ferry, server: %q, tokenFile: %q, retryFor: 5s}`, srv.AdminURL(), token), 1)
	e.file = filepath.Join(dir, "ferry.yaml")
	if err := os.WriteFile(e.file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	e.st = &store.File{Dir: filepath.Join(dir, ".ferry")}
	r := <-e.start(t.Context())
	checkExit(t, "start", r, 0, "adopted the record", "done: legacy has drained")
	rs, err := srv.Get(t.Context(), e.domain+".", dns.TypeA)
	if err != nil || len(rs.Sets) != 1 || rs.Sets[0].ID != "cluster" {
		t.Errorf("DNS at done: %+v, %v; want cluster alone", rs, err)
	}
}
