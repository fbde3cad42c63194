package e2e

import (
	"fmt"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/externaldns"
	"ferry.dev/ferry/internal/dns/route53/r53test"
)

// TestTakeOverRefused: a plain record at legacy that the file's
// external-dns does not own is refused before anything is written, with
// a message saying why: another cluster's external-dns owns it (the
// failure mode of external-dns#1698), or no external-dns does.
func TestTakeOverRefused(t *testing.T) {
	tests := []struct {
		name, registry string
		says           []string
	}{
		{name: "another owner", registry: "heritage=external-dns,external-dns/owner=other-cluster,external-dns/resource=ingress/shop/api",
			says: []string{`owned by external-dns owner "other-cluster"`, "resource ingress/shop/api", `txtOwnerId is "` + OwnerID + `"`, "external-dns#1698"}},
		{name: "no owner", says: []string{"external-dns does not own it", "migrate it with provider route53"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, fmt.Sprintf("refused%d", i))
			changes := fmt.Sprintf(`{"Action":"CREATE","ResourceRecordSet":{"Name":%q,"Type":"A","TTL":300,"ResourceRecords":[{"Value":"127.0.0.2"}]}}`, e.domain)
			if tt.registry != "" {
				changes += fmt.Sprintf(`,{"Action":"CREATE","ResourceRecordSet":{"Name":%q,"Type":"TXT","TTL":300,"ResourceRecords":[{"Value":%q}]}}`,
					externaldns.Registry{}.TXTName(e.domain, dns.TypeA), `"`+tt.registry+`"`)
			}
			if err := r53test.ChangeBatch(t.Context(), moto.URL, e.zoneID, `{"Changes":[`+changes+`]}`); err != nil {
				t.Fatal(err)
			}
			r := e.migrate(t, "start", "api")
			checkExit(t, "start", r, 1, tt.says...)
			e.checkWeights(t, "after the refusal", map[string]int64{"": -1})
			_, err := e.dyn.Resource(externaldns.GVR).Namespace(e.ns).Get(t.Context(), externaldns.ObjectName(e.domain, dns.TypeA), metav1.GetOptions{})
			if !apierrors.IsNotFound(err) {
				t.Errorf("ferry's DNSEndpoint after the refusal: %v, want none", err)
			}
		})
	}
}
