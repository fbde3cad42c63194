package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/server/store"
)

// Config describes one server.
type Config struct {
	// Zones the server is authoritative for (DefaultZone or LoadZoneFile).
	Zones []Zone
	// DataDir holds the durable record sets; it is created if missing.
	DataDir string
	// DNSAddr is where UDP and TCP are served, e.g. "127.0.0.1:5353";
	// port 0 picks one free port for both.
	DNSAddr string
	// AdminAddr is where the admin HTTP API listens; empty means none.
	AdminAddr string
	// Token is the bearer token the admin API requires when AdminAddr is
	// set (ferry dns serve wants at least MinTokenLength bytes).
	Token string
	// AdminCertFile and AdminKeyFile, when set, serve the admin API over
	// TLS with this certificate (PEM) and key.
	AdminCertFile, AdminKeyFile string
	// ReplicateFrom, when set, makes this server a secondary of the
	// primary whose admin API is at this URL: it follows the primary's
	// changes (authenticating with Token), serves them, refuses changes
	// of its own (ErrReadOnly) and imports no zone file. Give it the same
	// zones as the primary, so its answers (SOA serials included) are the
	// same.
	ReplicateFrom string
	// ReplicateCAFile is a PEM file of the CA that signed an https
	// primary's certificate; empty: the system's roots.
	ReplicateCAFile string
	// InsecureAdmin allows the admin API on a non-loopback address without
	// TLS. Without it (or TLS), such an address is refused.
	InsecureAdmin bool
	// TCPIdleTimeout closes a TCP connection that sends nothing for this
	// long; 0 means 10 seconds.
	TCPIdleTimeout time.Duration
	// MaxTCPConns bounds open TCP connections; when they are all open, a
	// new one closes the connection idle the longest. 0 means 512.
	MaxTCPConns int
	// MaxTCPConnsPerClient bounds the TCP connections of one client
	// address; more are closed as they come. 0 means 16.
	MaxTCPConnsPerClient int
	// CompactEvery is how many changes the write-ahead log holds before a
	// snapshot; 0 means store.DefaultCompactEvery.
	CompactEvery int
	// Logger receives the server's logs; nil means slog.Default().
	Logger *slog.Logger
}

// Server is an authoritative DNS server with weighted record sets. Create
// it with New; it is safe for concurrent use.
type Server struct {
	cfg     Config
	tls     *tls.Config // of the admin API; nil: plain HTTP
	log     *slog.Logger
	store   *store.Store
	metrics *metrics
	view    atomic.Pointer[view]
	replica replicaStatus
	primary *follower  // a secondary's link to its primary; nil on a primary
	writeMu sync.Mutex // orders store changes with the views built from them
	// commits carries changes to the committer (commit.go), which closes
	// committerDone when it stops.
	commits       chan *pending
	committerDone chan struct{}

	mu     sync.Mutex // guards the fields below
	udp    net.PacketConn
	tcp    net.Listener
	admin  net.Listener
	closed bool
	conns  map[*tcpConn]struct{} // open TCP connections
	perIP  map[netip.Addr]int    // open TCP connections per client
	stop   chan struct{}         // closed by Close
	wg     sync.WaitGroup
}

var _ dns.Provider = (*Server)(nil)

// New opens the store in cfg.DataDir, imports zone files the store has not
// seen yet, and compiles the first view. It binds nothing; call Start.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	tlsConfig, err := cfg.adminTLS()
	if err != nil {
		return nil, err
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	st, err := store.Open(cfg.DataDir, store.Options{CompactEvery: cfg.CompactEvery, Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("opening store: %w", err)
	}
	s := &Server{cfg: cfg, tls: tlsConfig, log: logger, commits: make(chan *pending, maxGroup), committerDone: make(chan struct{}), store: st, metrics: newMetrics(), stop: make(chan struct{}), conns: map[*tcpConn]struct{}{}, perIP: map[netip.Addr]int{}}
	if cut, kept := st.CutOnOpen(); cut > 0 {
		s.log.Warn("cut a torn end off the write-ahead log (a change being written when the process died, never acknowledged)",
			"bytes", cut, "dir", cfg.DataDir, "copy_of_the_log", kept)
	}
	if cfg.ReplicateFrom != "" {
		if s.primary, err = newFollower(cfg); err != nil {
			return nil, errors.Join(err, st.Close())
		}
	} else if err := s.seed(ctx); err != nil { // a secondary gets its records from the primary
		return nil, errors.Join(err, st.Close())
	}
	if err := s.publish(st.State()); err != nil {
		return nil, errors.Join(err, st.Close())
	}
	go s.committer()
	return s, nil
}

func (c *Config) validate() error {
	var errs []error
	if len(c.Zones) == 0 {
		errs = append(errs, errors.New("zones: at least one zone is needed"))
	}
	seen := map[string]bool{}
	for _, z := range c.Zones {
		if seen[z.Origin] {
			errs = append(errs, fmt.Errorf("zones: %s is given twice", z.Origin))
		}
		seen[z.Origin] = true
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("data directory: must be set"))
	}
	if c.AdminAddr != "" && c.Token == "" {
		errs = append(errs, errors.New("token: the admin API needs a token"))
	}
	errs = append(errs, c.checkAdmin())
	return errors.Join(errs...)
}

// seed imports each zone file's records the first time its zone is served,
// and warns about zone files edited since their import.
func (s *Server) seed(ctx context.Context) error {
	imported := s.store.State().Seeded
	s.warnDrift(imported)
	for _, z := range s.cfg.Zones {
		if imported[z.Origin] {
			continue
		}
		ops := []store.Op{{Seeded: z.Origin}}
		st := s.store.State()
		for _, rs := range z.Seed {
			rs = Canonical(rs)
			// The checks every change through the admin API passes.
			if err := errors.Join(s.check(rs), s.conflicts(st, rs)); err != nil {
				return fmt.Errorf("zone %s: %w", z.Origin, err)
			}
			op := store.Op{Put: &rs}
			st = st.Next(op)
			ops = append(ops, op)
		}
		if _, err := s.store.Apply(ctx, nil, ops...); err != nil {
			return fmt.Errorf("importing zone %s: %w", z.Origin, err)
		}
	}
	return nil
}

// publish compiles st into a view and makes it the one queries read.
func (s *Server) publish(st store.State) error {
	v, err := buildView(s.cfg.Zones, st, s.metrics.counter)
	if err != nil {
		return fmt.Errorf("compiling zones: %w", err)
	}
	s.view.Store(v)
	s.metrics.retain(v)
	return nil
}

// Zones returns the origins the server is authoritative for.
func (s *Server) Zones() []string {
	out := make([]string, 0, len(s.cfg.Zones))
	for _, z := range s.cfg.Zones {
		out = append(out, z.Origin)
	}
	return out
}

// Revision is the number of changes ever made; SOA serials grow with it.
func (s *Server) Revision() uint64 { return s.store.State().Rev }
