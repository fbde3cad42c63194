package probe

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestProbeAimsAtOneSide checks that the probe reaches the side's address
// while presenting the domain as Host and TLS server name.
func TestProbeAimsAtOneSide(t *testing.T) {
	var gotHost, gotSNI string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotHost, gotSNI = r.Host, r.TLS.ServerName
		fmt.Fprint(w, "hello")
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "https://")
	p, err := New(Target{Address: addr, Domain: "api.example.test", Scheme: "https", Path: "/healthz", Insecure: true}, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	r := p.Get(t.Context(), "")
	if !r.OK() || string(r.Body) != "hello" {
		t.Fatalf("Get = %d %q %v, want 200 hello", r.Status, r.Body, r.Err)
	}
	if gotHost != "api.example.test" || gotSNI != "api.example.test" {
		t.Errorf("Host %q, SNI %q; want both api.example.test", gotHost, gotSNI)
	}
}

func TestParity(t *testing.T) {
	mk := func(status map[string]int, body string) *Prober {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status[r.URL.Path])
			fmt.Fprint(w, body)
		}))
		t.Cleanup(srv.Close)
		p, err := New(Target{Address: strings.TrimPrefix(srv.URL, "http://"), Domain: "api.example.test"}, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	legacy := mk(map[string]int{"/": 200, "/healthz": 200}, "v1")
	same := mk(map[string]int{"/": 200, "/healthz": 200}, "v2")
	broken := mk(map[string]int{"/": 200, "/healthz": 503}, "v1")
	tests := []struct {
		name    string
		legacy  *Prober // nil: the healthy legacy
		cluster *Prober
		bodies  bool
		want    int
	}{
		{name: "same statuses", cluster: same, want: 0},
		{name: "bodies differ when compared", cluster: same, bodies: true, want: 2},
		{name: "status differs", cluster: broken, want: 1},
		{name: "both fail alike", legacy: broken, cluster: broken, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := legacy
			if tt.legacy != nil {
				l = tt.legacy
			}
			res := Parity(t.Context(), l, tt.cluster, []string{"/", "/healthz"}, tt.bodies)
			if len(res.Mismatches) != tt.want || res.Checked != 2 {
				t.Errorf("Parity = %+v, want %d mismatches of 2", res, tt.want)
			}
		})
	}
}

func TestWindow(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	w := &Window{Span: 10 * time.Second}
	for i := range 100 {
		w.Add(Sample{At: t0.Add(time.Duration(i) * 100 * time.Millisecond), OK: i%10 != 0, Latency: time.Duration(i+1) * time.Millisecond})
	}
	want := Stats{N: 100, SuccessRatio: 0.9, P50: 50 * time.Millisecond, P99: 99 * time.Millisecond}
	if d := cmp.Diff(want, w.Stats()); d != "" {
		t.Errorf("Stats (-want +got):\n%s", d)
	}
	// A sample 15 s later pushes everything older than 5 s out.
	w.Add(Sample{At: t0.Add(15 * time.Second), OK: true, Latency: time.Millisecond})
	want = Stats{N: 51, SuccessRatio: 46.0 / 51, P50: 75 * time.Millisecond, P99: 100 * time.Millisecond}
	if d := cmp.Diff(want, w.Stats()); d != "" {
		t.Errorf("Stats after sliding (-want +got):\n%s", d)
	}
}

// TestLegacyRateFromPrometheus: a query returning no series is an error
// (a typo must not read as no traffic and end the drain at once).
func TestLegacyRateFromPrometheus(t *testing.T) {
	tests := []struct {
		name    string
		answer  string
		want    float64
		wantErr string
	}{
		{"sample", `{"status":"success","data":{"result":[{"value":[1700000000,"2.5"]}]}}`, 2.5, ""},
		{"no series", `{"status":"success","data":{"result":[]}}`, 0, "returned no series"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, tt.answer) }))
			defer srv.Close()
			got, err := LegacyRate(t.Context(), "", srv.URL, "sum(rate(legacy_requests_total[1m]))")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("LegacyRate = %v, %v; want error %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("LegacyRate = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}
