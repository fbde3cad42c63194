package route53

import (
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"ferry.dev/ferry/internal/dns/route53/r53test"
)

// moto is the package's moto_server, started by TestMain.
var moto *r53test.Moto

func TestMain(m *testing.M) {
	os.Exit(r53test.Main(m, func(m *r53test.Moto) { moto = m }))
}

var zoneSeq atomic.Int64

// newZone creates a fresh hosted zone for one test, so that tests never
// see each other's records, and returns its name and id.
func newZone(t testing.TB) (string, string) {
	t.Helper()
	name := fmt.Sprintf("z%d.example.test.", zoneSeq.Add(1))
	id, err := r53test.CreateZone(t.Context(), moto.URL, name)
	if err != nil {
		t.Fatal(err)
	}
	return name, id
}

// newProvider returns a Provider for endpoint with fast polling.
func newProvider(t testing.TB, endpoint string, o Options) *Provider {
	t.Helper()
	o.Endpoint = endpoint
	o.PollInterval = cmpOrDur(o.PollInterval, 20*time.Millisecond)
	o.Retry = Retry{Attempts: 12, Base: 10 * time.Millisecond, Max: 100 * time.Millisecond}
	p, err := New(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func cmpOrDur(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// awsCreate creates a record with the AWS CLI, as Terraform would.
func awsChange(t *testing.T, zoneID, batch string) {
	t.Helper()
	if err := r53test.ChangeBatch(t.Context(), moto.URL, zoneID, batch); err != nil {
		t.Fatal(err)
	}
}

func awsList(t *testing.T, zoneID, name, rrtype string) []r53test.RecordSet {
	t.Helper()
	sets, err := r53test.List(t.Context(), moto.URL, zoneID, name, rrtype)
	if err != nil {
		t.Fatal(err)
	}
	return sets
}
