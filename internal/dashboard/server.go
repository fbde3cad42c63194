package dashboard

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

// Options shape a Server.
type Options struct {
	// Sources are read in order; at least one.
	Sources []Source
	// Traffic adds the requests each side served (optional).
	Traffic TrafficSource
	// Deploys are where releases are read (optional), every DeployEvery
	// (default 10s).
	Deploys     []DeploySource
	DeployEvery time.Duration
	// Absent names sources the dashboard cannot show yet and why; the
	// page lists them so nobody mistakes an absent source for an empty one.
	// Default: DefaultAbsent.
	Absent []string
	// Token, when set, is required of every request (a bearer token, the
	// ferry_token cookie, or ?token= once, which sets the cookie). Without
	// one, only loopback Host names are answered.
	Token string
	// Every is how often the sources are read; default 1s.
	Every  time.Duration
	Logger *slog.Logger
	Now    func() time.Time
}

// DefaultAbsent is what no source shows yet, listed on the page so that
// nobody mistakes a missing source for an empty one.
func DefaultAbsent(deploys bool) []string {
	out := []string{
		"Migration objects in a cluster: ferry's controller does not exist yet; only local state directories are read.",
		"Metric gates' values: not recorded in the migration state yet; the gates shown are the probes'.",
	}
	if !deploys {
		out = append(out, "Deploys (releases, revisions, rollout state, history): no cluster given; `ferry dashboard --deploys` reads them from the kubeconfig's namespace.")
	}
	return out
}

// Server is the dashboard: Handler serves the page and its API, Run keeps
// the picture current.
type Server struct {
	o    Options
	csrf string
	hub  *hub
	// deploys is the last read of Deploys; guarded by polling.
	deploys deployCache
	// polling serialises reads of the sources, so a command's refresh
	// and the ticker's never publish out of order.
	polling sync.Mutex
}

// New checks o and returns a Server.
func New(o Options) (*Server, error) {
	if len(o.Sources) == 0 {
		return nil, errors.New("dashboard: no source of migrations")
	}
	if o.Every == 0 {
		o.Every = time.Second
	}
	if o.Every < 0 {
		return nil, fmt.Errorf("dashboard: poll interval %v must be positive", o.Every)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Absent == nil {
		o.Absent = DefaultAbsent(len(o.Deploys) > 0)
	}
	if o.DeployEvery == 0 {
		o.DeployEvery = 10 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	csrf, err := NewToken()
	if err != nil {
		return nil, err
	}
	return &Server{o: o, csrf: csrf, hub: newHub()}, nil
}

// NewToken returns 32 random bytes in hex: an access or CSRF token.
func NewToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("making a token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// Refresh reads the sources once and pushes what changed to open pages.
func (s *Server) Refresh(ctx context.Context) {
	s.polling.Lock()
	defer s.polling.Unlock()
	if err := s.hub.update(s.poll(ctx)); err != nil {
		s.o.Logger.Warn("encoding the dashboard's snapshot", "error", err)
	}
}

// Run refreshes the picture every Options.Every until ctx ends.
func (s *Server) Run(ctx context.Context) {
	t := time.NewTicker(s.o.Every)
	defer t.Stop()
	for {
		s.Refresh(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Serve runs the server on ln until ctx ends, then shuts it down.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go s.Run(ctx)
	hs := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serving the dashboard: %w", err)
	case <-ctx.Done():
	}
	shut, stop := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer stop()
	_ = hs.Shutdown(shut) // open streams end with ctx (BaseContext)
	return nil
}

// Listener is where the dashboard listens and how a person opens it.
type Listener struct {
	net.Listener
	// Token is what every request must carry; empty on loopback.
	Token string
	// URL opens the page (with the token, which the page then keeps in a
	// cookie).
	URL string
}

// Listen opens addr for the dashboard. A loopback address needs no token;
// any other does: token, or a new random one when token is empty (anyone
// who can reach the address could otherwise roll migrations back).
func Listen(addr, token string) (*Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("dashboard address %q: %w", addr, err)
	}
	if !isLoopback(host) && token == "" {
		if token, err = NewToken(); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening for the dashboard: %w", err)
	}
	l := &Listener{Listener: ln, Token: token, URL: "http://" + ln.Addr().String() + "/"}
	if host == "" || net.ParseIP(host) != nil && net.ParseIP(host).IsUnspecified() {
		l.URL = "http://" + net.JoinHostPort(hostname(), port(ln)) + "/"
	}
	if token != "" {
		l.URL += "?token=" + token
	}
	return l, nil
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return "localhost"
	}
	return h
}

func port(ln net.Listener) string {
	_, p, _ := net.SplitHostPort(ln.Addr().String())
	return p
}

// isLoopback reports whether host names this machine's loopback only.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
