package gate

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// RequestMetrics counts the requests a handler answers in the exporter
// shape: http_requests_total{code} and the http_request_duration_seconds
// histogram. Serve it at /metrics with Handler.
type RequestMetrics struct {
	mu      sync.Mutex
	byCode  map[int]uint64
	buckets []uint64 // cumulative counts are computed on export
	sum     float64
	count   uint64
}

// LatencyBuckets are the histogram's upper bounds in seconds.
func LatencyBuckets() []float64 {
	return []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}
}

// Observe records one answered request.
func (m *RequestMetrics) Observe(code int, took time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.byCode == nil {
		m.byCode = map[int]uint64{}
		m.buckets = make([]uint64, len(LatencyBuckets()))
	}
	m.byCode[code]++
	s := took.Seconds()
	if i, _ := slices.BinarySearch(LatencyBuckets(), s); i < len(m.buckets) {
		m.buckets[i]++
	}
	m.sum += s
	m.count++
}

// Wrap counts every request h answers (but not /metrics itself).
func (m *RequestMetrics) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/metrics" {
			m.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		h.ServeHTTP(rec, r)
		m.Observe(rec.code, time.Since(start))
	})
}

// ServeHTTP writes the metrics in Prometheus's text format.
func (m *RequestMetrics) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	fmt.Fprintln(w, "# TYPE http_requests_total counter")
	codes := make([]int, 0, len(m.byCode))
	for c := range m.byCode {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		fmt.Fprintf(w, "http_requests_total{code=%q} %d\n", strconv.Itoa(c), m.byCode[c])
	}
	fmt.Fprintln(w, "# TYPE http_request_duration_seconds histogram")
	var cum uint64
	for i, le := range LatencyBuckets() {
		if m.buckets != nil {
			cum += m.buckets[i]
		}
		fmt.Fprintf(w, "http_request_duration_seconds_bucket{le=%q} %d\n", strconv.FormatFloat(le, 'g', -1, 64), cum)
	}
	fmt.Fprintf(w, "http_request_duration_seconds_bucket{le=\"+Inf\"} %d\n", m.count)
	fmt.Fprintf(w, "http_request_duration_seconds_sum %g\nhttp_request_duration_seconds_count %d\n", m.sum, m.count)
}

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.code = code
	r.ResponseWriter.WriteHeader(code)
}
