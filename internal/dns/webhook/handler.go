package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/externaldns"
)

// Records is what the webhook serves from: a DNS provider that can also
// list every record set it holds.
type Records interface {
	dns.Provider
	List(ctx context.Context) ([]dns.RecordSet, error)
}

// maxBody bounds one request body: a plan for thousands of endpoints fits.
const maxBody = 8 << 20

// Handler is the webhook provider's HTTP API. Build it with New.
type Handler struct {
	records    Records
	zones      []string
	defaultTTL uint32
	log        *slog.Logger
	mux        *http.ServeMux
}

var _ http.Handler = (*Handler)(nil)

// New serves records for the given zones (the domain filter external-dns
// negotiates). defaultTTL is the TTL of a record created without one.
func New(records Records, zones []string, defaultTTL uint32, log *slog.Logger) *Handler {
	h := &Handler{records: records, defaultTTL: defaultTTL, log: log, mux: http.NewServeMux()}
	for _, z := range zones {
		h.zones = append(h.zones, strings.TrimSuffix(dns.CanonicalName(z), "."))
	}
	h.mux.HandleFunc("GET /{$}", h.negotiate)
	h.mux.HandleFunc("GET /records", h.list)
	h.mux.HandleFunc("POST /records", h.apply)
	h.mux.HandleFunc("POST /adjustendpoints", h.adjust)
	h.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	return h
}

// ServeHTTP answers one request of the protocol.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

func (h *Handler) negotiate(w http.ResponseWriter, _ *http.Request) {
	h.write(w, DomainFilter{Include: h.zones})
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	sets, err := h.records.List(r.Context())
	if err != nil {
		h.fail(w, http.StatusInternalServerError, fmt.Errorf("listing records: %w", err))
		return
	}
	out := []externaldns.Endpoint{}
	for _, rs := range sets {
		out = append(out, externaldns.Endpoints(rs, externaldns.WebhookWeight)...)
	}
	h.write(w, out)
}

func (h *Handler) adjust(w http.ResponseWriter, r *http.Request) {
	var eps []externaldns.Endpoint
	if !h.decode(w, r, &eps) {
		return
	}
	for i, e := range eps {
		n, err := externaldns.Normal(e, externaldns.WebhookWeight)
		if err != nil {
			h.fail(w, http.StatusBadRequest, err)
			return
		}
		eps[i] = n
	}
	h.write(w, eps)
}

// apply makes external-dns's changes, one conditional write per record
// set. A record set changed since it was read fails its write: external-dns
// gets an error and plans again from what is there.
func (h *Handler) apply(w http.ResponseWriter, r *http.Request) {
	var ch Changes
	if !h.decode(w, r, &ch) {
		return
	}
	current, err := h.records.List(r.Context())
	if err != nil {
		h.fail(w, http.StatusInternalServerError, fmt.Errorf("listing records: %w", err))
		return
	}
	plan, err := Plan(current, ch, h.defaultTTL)
	if err == nil {
		err = h.applyPlan(r.Context(), plan)
	}
	switch {
	case errors.Is(err, dns.ErrInvalid):
		h.fail(w, http.StatusBadRequest, err)
	case err != nil:
		h.fail(w, http.StatusInternalServerError, err)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

func (h *Handler) applyPlan(ctx context.Context, plan []Change) error {
	for _, c := range plan {
		cond := dns.IfAbsent()
		if c.Current != nil {
			cond = dns.IfMatch(*c.Current)
		}
		var err error
		if c.Next == nil {
			err = h.records.Delete(ctx, c.Name, c.Type, cond)
		} else {
			err = h.records.Replace(ctx, *c.Next, cond)
		}
		if err != nil {
			return fmt.Errorf("applying external-dns's change to %s %s: %w", c.Name, c.Type, err)
		}
		h.log.Info("external-dns changed a record", "name", c.Name, "type", c.Type, "deleted", c.Next == nil)
	}
	return nil
}

func (h *Handler) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err == nil {
		err = json.Unmarshal(body, v)
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		h.fail(w, http.StatusRequestEntityTooLarge, err)
		return false
	case err != nil:
		h.fail(w, http.StatusBadRequest, fmt.Errorf("decoding the request: %w", err))
		return false
	}
	return true
}

func (h *Handler) write(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", MediaType)
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(v)
}

// fail answers an error; external-dns logs the status and retries on its
// next loop, so the reason goes to ferry's log.
func (h *Handler) fail(w http.ResponseWriter, status int, err error) {
	h.log.Warn("external-dns webhook request failed", "status", status, "error", err)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, err.Error()+"\n")
}
