// Package promtest runs a real Prometheus (Debian's prometheus package,
// installed by hack/deps/prometheus.sh) on loopback for tests: one per test
// package, started from TestMain, scraping targets that each test adds by
// writing a file into the server's file-based discovery directory.
package promtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
)

// ScrapeInterval is how often the test Prometheus scrapes every target.
const ScrapeInterval = 200 * time.Millisecond

// Server is a running Prometheus.
type Server struct {
	URL  string
	dir  string
	cmd  *exec.Cmd
	next atomic.Int64
}

// Start runs Prometheus with its data and configuration in dir; stop it
// with Close. It returns once Prometheus answers ready.
func Start(ctx context.Context, dir string) (*Server, error) {
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		return nil, fmt.Errorf("prometheus is not installed (run hack/deps/prometheus.sh): %w", err)
	}
	sd := filepath.Join(dir, "targets")
	if err := os.MkdirAll(sd, 0o755); err != nil {
		return nil, err
	}
	cfg := fmt.Sprintf("global: {scrape_interval: %s, evaluation_interval: 1s}\nscrape_configs:\n"+
		"  - job_name: tests\n    file_sd_configs: [{files: [%q], refresh_interval: 1s}]\n",
		ScrapeInterval, filepath.Join(sd, "*.json"))
	cfgFile := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgFile, []byte(cfg), 0o644); err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + addr, dir: dir}
	s.cmd = exec.Command(bin, "--config.file="+cfgFile, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--log.level=warn")
	s.cmd.Stdout, s.cmd.Stderr = nil, nil
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting prometheus: %w", err)
	}
	if err := s.waitReady(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Server) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/-/ready", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("prometheus did not become ready within 30s")
}

// Scrape makes Prometheus scrape addr (host:port, path /metrics) with the
// target label job=job from now on. It returns a function that stops it.
func (s *Server) Scrape(job, addr string) (stop func(), err error) {
	f := filepath.Join(s.dir, "targets", fmt.Sprintf("t%d.json", s.next.Add(1)))
	body, _ := json.Marshal([]map[string]any{{"targets": []string{addr}, "labels": map[string]string{"job": job}}})
	tmp := f + ".tmp"
	if err := os.WriteFile(tmp, body, 0o644); err != nil {
		return nil, err
	}
	return func() { _ = os.Remove(f) }, os.Rename(tmp, f)
}

// Close stops Prometheus (SIGKILL: its data is thrown away).
func (s *Server) Close() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
	}
}

// Stop kills Prometheus mid-test, as an outage would.
func (s *Server) Stop() { s.Close() }

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer func() { _ = l.Close() }()
	return l.Addr().String(), nil
}

// Main runs a test package's tests with one Prometheus shared by all of
// them, passed to set; it returns the exit code for os.Exit.
func Main(run func() int, set func(*Server)) int {
	dir, err := os.MkdirTemp("", "promtest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = os.RemoveAll(dir) }()
	s, err := Start(context.Background(), dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "promtest:", strings.TrimSpace(err.Error()))
		return 1
	}
	defer s.Close()
	set(s)
	return run()
}

// TargetsFile is a path in the server's discovery directory: a
// file_sd_configs file written there (targets with a job label) is
// scraped within a second.
func (s *Server) TargetsFile(name string) string {
	return filepath.Join(s.dir, "targets", name+".json")
}
