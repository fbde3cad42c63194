package server

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"ferry.dev/ferry/internal/dns"
)

// maxBody bounds one admin request body.
const maxBody = 1 << 20

// APIError is the JSON body of every admin API error.
type APIError struct {
	Error string `json:"error"`
}

// ConflictBody is the JSON body of a 412 answer (a condition that did not
// hold): the error, and the record set there now, null when there is none.
type ConflictBody struct {
	Error   string         `json:"error"`
	Current *dns.RecordSet `json:"current"`
}

// AdminHandler is the admin HTTP API: GET, PUT and DELETE on
// /v1/records/{name}/{type}, GET /v1/records and GET /metrics. Every route
// requires "Authorization: Bearer <token>". GET of a record answers its
// Digest as the ETag; PUT and DELETE honour If-Match and If-None-Match: *
// (see conditionOf) and answer 412 with a ConflictBody when they fail.
func (s *Server) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/records", s.handleList)
	mux.HandleFunc("GET /v1/records/{name}/{type}", s.handleGet)
	mux.HandleFunc("PUT /v1/records/{name}/{type}", s.handlePut)
	mux.HandleFunc("DELETE /v1/records/{name}/{type}", s.handleDelete)
	mux.HandleFunc("GET /v1/replication", s.handleReplication)
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		_ = s.metrics.write(w)
		_ = s.writeReplication(w)
	})
	return requireToken(s.cfg.Token, mux)
}

// requireToken answers 401 unless the request carries the bearer token. The
// comparison takes the same time whatever the token's content and length.
func requireToken(token string, next http.Handler) http.Handler {
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := bearerToken(r.Header.Get("Authorization"))
		sum := sha256.Sum256([]byte(got))
		if subtle.ConstantTimeCompare(want[:], sum[:]) != 1 || !ok || token == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="ferry-dns"`)
			writeError(w, http.StatusUnauthorized, errors.New("missing or wrong bearer token"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// bearerToken returns the credentials of an "Authorization: Bearer <token>"
// header. The scheme is matched case-insensitively, as RFC 7235 (section
// 2.1) requires: "bearer" and "BEARER" are the same scheme.
func bearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimLeft(token, " "), true
}

func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.List(r.Context()))
}

func (s *Server) handleGet(w http.ResponseWriter, r *http.Request) {
	rs, err := s.Get(r.Context(), r.PathValue("name"), r.PathValue("type"))
	if err != nil {
		writeError(w, statusOf(err), err)
		return
	}
	setETag(w, &rs)
	writeJSON(w, http.StatusOK, rs)
}

func (s *Server) handlePut(w http.ResponseWriter, r *http.Request) {
	cond, err := conditionOf(r.Header)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	rs, err := decodeRecordSet(r)
	if err != nil {
		writeError(w, statusOf(err), err)
		return
	}
	if err := s.Replace(r.Context(), rs, cond); err != nil {
		writeChangeError(w, err)
		return
	}
	stored, err := s.Get(r.Context(), rs.Name, rs.Type)
	if err != nil { // deleted again in between: report what was written
		stored = Canonical(rs)
	}
	setETag(w, &stored)
	writeJSON(w, http.StatusOK, stored)
}

// decodeRecordSet reads the body strictly and reconciles it with the path:
// a name or type left out of the body is taken from the path.
func decodeRecordSet(r *http.Request) (dns.RecordSet, error) {
	body, err := readBody(r)
	if err != nil {
		return dns.RecordSet{}, err
	}
	errs := []error{checkShape(body, recordSetShape())}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var rs dns.RecordSet
	if err := dec.Decode(&rs); err != nil {
		return dns.RecordSet{}, fmt.Errorf("%w: %w", dns.ErrInvalid, errors.Join(append(errs, fmt.Errorf("body: %w", err))...))
	}
	if dec.More() {
		return dns.RecordSet{}, fmt.Errorf("%w: body: more than one JSON value", dns.ErrInvalid)
	}
	pathName, pathType := dns.CanonicalName(r.PathValue("name")), strings.ToUpper(r.PathValue("type"))
	if rs.Name == "" {
		rs.Name = pathName
	} else if dns.CanonicalName(rs.Name) != pathName {
		errs = append(errs, fmt.Errorf("name: %q differs from the path's %q", rs.Name, pathName))
	}
	if rs.Type == "" {
		rs.Type = pathType
	} else if strings.ToUpper(rs.Type) != pathType {
		errs = append(errs, fmt.Errorf("type: %q differs from the path's %q", rs.Type, pathType))
	}
	if err := errors.Join(errs...); err != nil {
		return dns.RecordSet{}, fmt.Errorf("%w: %w", dns.ErrInvalid, err)
	}
	return rs, nil
}

// readBody reads a request body of at most maxBody bytes; a larger one is
// errBodyTooLarge (413), not a malformed one.
func readBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, fmt.Errorf("%w: body: larger than %d bytes", errBodyTooLarge, maxBody)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: body: %w", dns.ErrInvalid, err)
	}
	return body, nil
}

func (s *Server) handleDelete(w http.ResponseWriter, r *http.Request) {
	cond, err := conditionOf(r.Header)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	if err := s.Delete(r.Context(), r.PathValue("name"), r.PathValue("type"), cond); err != nil {
		writeChangeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// errBodyTooLarge is a request body over maxBody: 413.
var errBodyTooLarge = errors.New("request too large")

func statusOf(err error) int {
	switch {
	case errors.Is(err, errBodyTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrReadOnly):
		return http.StatusForbidden
	case errors.Is(err, dns.ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, dns.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, dns.ErrConflict):
		return http.StatusPreconditionFailed
	}
	return http.StatusInternalServerError
}

// writeChangeError answers a refused PUT or DELETE: 412 with what is there
// now when its condition did not hold.
func writeChangeError(w http.ResponseWriter, err error) {
	var conflict *dns.ConflictError
	if !errors.As(err, &conflict) {
		writeError(w, statusOf(err), err)
		return
	}
	setETag(w, conflict.Current)
	writeJSON(w, http.StatusPreconditionFailed, ConflictBody{Error: err.Error(), Current: conflict.Current})
}

// setETag sends rs's Digest as the (strong) ETag; nil sends none.
func setETag(w http.ResponseWriter, rs *dns.RecordSet) {
	if rs != nil {
		w.Header().Set("ETag", `"`+rs.Digest()+`"`)
	}
}

func writeError(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, APIError{Error: err.Error()})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
