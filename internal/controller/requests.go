package controller

import (
	"errors"
	"net/http"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
)

// RequestsMetric counts the controller's requests to the API server by
// verb and resource, so a benchmark (or an operator) can see where they
// come from, not only how many there are.
const RequestsMetric = "ferry_controller_api_requests_total"

var (
	requestsOnce sync.Once
	requests     *prometheus.CounterVec
)

// requestCounter is the counter behind RequestsMetric, registered once
// with controller-runtime's registry (served on --metrics-addr).
func requestCounter() *prometheus.CounterVec {
	requestsOnce.Do(func() {
		requests = prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: RequestsMetric,
			Help: "Requests the ferry controller sent to the API server, by verb and resource.",
		}, []string{"verb", "resource"})
		var dup prometheus.AlreadyRegisteredError
		if err := metrics.Registry.Register(requests); errors.As(err, &dup) {
			requests = dup.ExistingCollector.(*prometheus.CounterVec)
		}
	})
	return requests
}

// Counted returns a copy of cfg whose requests are counted by verb and
// resource into inc (after any transport cfg already wraps).
func Counted(cfg *rest.Config, inc func(verb, resource string)) *rest.Config {
	out := rest.CopyConfig(cfg)
	out.Wrap(func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(req *http.Request) (*http.Response, error) {
			inc(Classify(req))
			return rt.RoundTrip(req)
		})
	})
	return out
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Classify names a request to the API server as the API server's own
// metrics would: verb (get, list, watch, create, update, patch, delete,
// with "-dryrun" for a dry run) and resource ("deployments",
// "servicefiles/status"); anything else is "other".
func Classify(req *http.Request) (verb, resource string) {
	parts := strings.Split(strings.Trim(req.URL.Path, "/"), "/")
	// /api/v1/... or /apis/group/version/...
	switch {
	case len(parts) >= 2 && parts[0] == "api":
		parts = parts[2:]
	case len(parts) >= 3 && parts[0] == "apis":
		parts = parts[3:]
	default:
		return strings.ToLower(req.Method), "other"
	}
	if len(parts) >= 2 && parts[0] == "namespaces" && len(parts) != 2 {
		parts = parts[2:] // namespaced: drop "namespaces/NAME"
	}
	var name bool
	switch len(parts) {
	case 0:
		return strings.ToLower(req.Method), "discovery"
	case 1:
		resource = parts[0]
	case 2:
		resource, name = parts[0], true
	default:
		resource, name = parts[0]+"/"+parts[2], true
	}
	q := req.URL.Query()
	switch verb = strings.ToLower(req.Method); {
	case verb == "get" && q.Get("watch") == "true":
		verb = "watch"
	case verb == "get" && !name:
		verb = "list"
	case verb == "post":
		verb = "create"
	case verb == "put":
		verb = "update"
	}
	if q.Get("dryRun") != "" {
		verb += "-dryrun"
	}
	return verb, resource
}
