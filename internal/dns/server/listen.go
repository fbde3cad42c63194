package server

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"time"
)

// Start binds the DNS listeners (UDP and TCP on one port) and the admin API,
// serves in the background, and stops when ctx ends or Close is called.
func (s *Server) Start(ctx context.Context) error {
	udp, tcp, err := listenDNS(ctx, s.cfg.DNSAddr)
	if err != nil {
		return err
	}
	var admin net.Listener
	if s.cfg.AdminAddr != "" {
		if admin, err = (&net.ListenConfig{}).Listen(ctx, "tcp", s.cfg.AdminAddr); err != nil {
			// Binding failed: the sockets served nothing, so their close
			// errors cannot matter next to the one returned.
			_ = udp.Close()
			_ = tcp.Close()
			return fmt.Errorf("listening for the admin API: %w", err)
		}
		if s.tls != nil {
			admin = tls.NewListener(admin, s.tls)
		}
	}
	s.mu.Lock()
	s.udp, s.tcp, s.admin = udp, tcp, admin
	s.mu.Unlock()
	workers := max(runtime.GOMAXPROCS(0), 2)
	for range workers {
		s.goServe(func() { s.serveUDP(udp) })
	}
	s.goServe(func() { s.serveTCP(tcp) })
	if s.primary != nil {
		fctx, cancel := context.WithCancel(ctx)
		s.goServe(func() { <-s.done(ctx); cancel() })
		s.goServe(func() { s.follow(fctx, s.primary) })
	}
	if admin != nil {
		hs := &http.Server{Handler: s.AdminHandler(), ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: time.Minute}
		s.goServe(func() { _ = hs.Serve(admin) })
		s.goServe(func() { <-s.done(ctx); shutdownHTTP(hs) })
	}
	s.goServe(func() { <-s.done(ctx); s.closeListeners() })
	return nil
}

// shutdownHTTP lets requests in flight (a PUT being fsynced) finish.
func shutdownHTTP(hs *http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if hs.Shutdown(ctx) != nil {
		_ = hs.Close()
	}
}

func (s *Server) goServe(f func()) {
	s.wg.Add(1)
	go func() { defer s.wg.Done(); f() }()
}

// done closes when ctx ends or Close is called.
func (s *Server) done(ctx context.Context) <-chan struct{} {
	ch := make(chan struct{})
	go func() {
		defer close(ch)
		select {
		case <-ctx.Done():
		case <-s.stop:
		}
	}()
	return ch
}

// listenDNS binds UDP and then TCP on the same port, retrying when port 0
// gave UDP a port that TCP cannot have.
func listenDNS(ctx context.Context, addr string) (net.PacketConn, net.Listener, error) {
	var lc net.ListenConfig
	var lastErr error
	for range 10 {
		udp, err := lc.ListenPacket(ctx, "udp", addr)
		if err != nil {
			return nil, nil, fmt.Errorf("listening on UDP %s: %w", addr, err)
		}
		tcp, err := lc.Listen(ctx, "tcp", udp.LocalAddr().String())
		if err == nil {
			return udp, tcp, nil
		}
		_ = udp.Close() // unused socket: try another port
		lastErr = err
		if _, port, _ := net.SplitHostPort(addr); port != "0" {
			break
		}
	}
	return nil, nil, fmt.Errorf("listening on TCP %s: %w", addr, lastErr)
}

// DNSAddr is the bound UDP and TCP address, e.g. "127.0.0.1:40123".
func (s *Server) DNSAddr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.udp == nil {
		return ""
	}
	return s.udp.LocalAddr().String()
}

// AdminURL is the admin API's base URL, e.g. "http://127.0.0.1:8053", or ""
// when there is none.
func (s *Server) AdminURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.admin == nil {
		return ""
	}
	if s.tls != nil {
		return "https://" + s.admin.Addr().String()
	}
	return "http://" + s.admin.Addr().String()
}

func (s *Server) closeListeners() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		close(s.stop)
	}
	if s.udp != nil {
		_ = s.udp.Close()
	}
	if s.tcp != nil {
		_ = s.tcp.Close()
	}
	if s.admin != nil {
		_ = s.admin.Close()
	}
	for c := range s.conns {
		_ = c.conn.Close()
	}
}

// Close stops serving, waits for the workers and closes the store.
func (s *Server) Close() error {
	s.closeListeners()
	s.wg.Wait()
	<-s.committerDone // no change is being written
	return s.store.Close()
}
