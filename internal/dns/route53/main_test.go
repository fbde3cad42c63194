package route53

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"ferry.dev/ferry/internal/dns/route53/r53test"
)

// moto is the package's moto_server, started by TestMain.
var moto *r53test.Moto

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "ferry-route53-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	moto, err = r53test.Start(ctx, dir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "route53 tests: %v\n", err)
		return 1
	}
	defer moto.Stop()
	for _, kv := range r53test.Env() {
		k, v, _ := strings.Cut(kv, "=")
		os.Setenv(k, v)
	}
	return m.Run()
}

var zoneSeq atomic.Int64

// newZone creates a fresh hosted zone for one test (moto deletes weighted
// sets by SetIdentifier across a whole zone, so tests never share one) and
// returns its name and id.
func newZone(t *testing.T) (string, string) {
	t.Helper()
	name := fmt.Sprintf("z%d.example.test.", zoneSeq.Add(1))
	id, err := r53test.CreateZone(t.Context(), moto.URL, name)
	if err != nil {
		t.Fatal(err)
	}
	return name, id
}

// newProvider returns a Provider for endpoint with fast polling.
func newProvider(t *testing.T, endpoint string, o Options) *Provider {
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
