package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// replicaStatus is what a secondary knows of its primary, for /metrics.
type replicaStatus struct {
	primaryRev  atomic.Uint64
	lastContact atomic.Int64 // unix nanoseconds; 0: never
}

// follower fetches the primary's changes over its admin API.
type follower struct {
	base   string
	token  string
	client *http.Client
}

func newFollower(cfg Config) (*follower, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if cfg.ReplicateCAFile != "" {
		pem, err := os.ReadFile(cfg.ReplicateCAFile)
		if err != nil {
			return nil, fmt.Errorf("reading the primary's CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("reading the primary's CA: %s holds no PEM certificate", cfg.ReplicateCAFile)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &follower{base: strings.TrimRight(cfg.ReplicateFrom, "/"), token: cfg.Token,
		client: &http.Client{Transport: tr, Timeout: maxWait + 10*time.Second}}, nil
}

// fetch asks the primary for what follows revision after.
func (f *follower) fetch(ctx context.Context, after uint64) (ReplicationBatch, error) {
	url := fmt.Sprintf("%s/v1/replication?after=%d&wait=%d", f.base, after, int(maxWait/time.Second))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return ReplicationBatch{}, fmt.Errorf("asking the primary: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+f.token)
	resp, err := f.client.Do(req)
	if err != nil {
		return ReplicationBatch{}, fmt.Errorf("asking the primary: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return ReplicationBatch{}, fmt.Errorf("asking the primary %s: %s: %s", f.base, resp.Status, strings.TrimSpace(string(body)))
	}
	var b ReplicationBatch
	if err := json.NewDecoder(resp.Body).Decode(&b); err != nil {
		return ReplicationBatch{}, fmt.Errorf("reading the primary's answer: %w", err)
	}
	return b, nil
}

// follow applies the primary's changes until ctx ends. While the primary
// cannot be reached the secondary keeps serving its last state, retrying
// with a growing pause (at most 5 s); each distinct failure is logged
// once, and the recovery too.
func (s *Server) follow(ctx context.Context, f *follower) {
	pause, lastErr := 100*time.Millisecond, ""
	for ctx.Err() == nil {
		b, err := f.fetch(ctx, s.store.State().Rev)
		if err == nil {
			s.replica.primaryRev.Store(b.Rev)
			s.replica.lastContact.Store(time.Now().UnixNano())
			err = s.applyBatch(ctx, b)
		}
		switch {
		case err != nil && ctx.Err() == nil:
			if err.Error() != lastErr {
				lastErr = err.Error()
				s.log.Error("replication from the primary failed; serving the last state", "primary", f.base, "error", err)
			}
			select {
			case <-ctx.Done():
			case <-time.After(pause):
			}
			pause = min(2*pause, 5*time.Second)
		case err == nil:
			if lastErr != "" {
				lastErr = ""
				s.log.Info("replication from the primary works again", "primary", f.base, "revision", s.store.State().Rev)
			}
			pause = 100 * time.Millisecond
		}
	}
}

// writeReplication writes the revision and, on a secondary, its lag in
// the Prometheus text format.
func (s *Server) writeReplication(w io.Writer) error {
	var sb strings.Builder
	rev := s.store.State().Rev
	sb.WriteString("# HELP ferry_dns_revision Changes ever made to the store; SOA serials grow with it.\n# TYPE ferry_dns_revision gauge\n")
	fmt.Fprintf(&sb, "ferry_dns_revision %d\n", rev)
	if s.cfg.ReplicateFrom != "" {
		primary := s.replica.primaryRev.Load()
		lag := uint64(0)
		if primary > rev {
			lag = primary - rev
		}
		since := -1.0
		if t := s.replica.lastContact.Load(); t != 0 {
			since = time.Since(time.Unix(0, t)).Seconds()
		}
		sb.WriteString("# HELP ferry_dns_replication_primary_revision The primary's revision when it last answered.\n# TYPE ferry_dns_replication_primary_revision gauge\n")
		fmt.Fprintf(&sb, "ferry_dns_replication_primary_revision %d\n", primary)
		sb.WriteString("# HELP ferry_dns_replication_lag_revisions Changes the primary had when it last answered that this secondary does not serve yet.\n# TYPE ferry_dns_replication_lag_revisions gauge\n")
		fmt.Fprintf(&sb, "ferry_dns_replication_lag_revisions %d\n", lag)
		sb.WriteString("# HELP ferry_dns_replication_last_contact_seconds Seconds since the primary last answered (-1: never).\n# TYPE ferry_dns_replication_last_contact_seconds gauge\n")
		fmt.Fprintf(&sb, "ferry_dns_replication_last_contact_seconds %.3f\n", since)
	}
	_, err := io.WriteString(w, sb.String())
	return err
}
