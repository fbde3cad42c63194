package e2e

import (
	"testing"

	"ferry.dev/ferry/internal/dns/route53/r53test"
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
	if len(sets) != 1 || sets[0].SetIdentifier != "cluster" || sets[0].TTL != 60 || sets[0].ResourceRecords[0].Value != "127.0.0.3" {
		t.Errorf("DNS at done: %+v, want cluster alone at 127.0.0.3, TTL 60", sets)
	}
}
