package server

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/netip"
	"sync/atomic"
	"time"
)

// Defaults of the TCP transport's limits (Config).
const (
	defaultTCPIdleTimeout   = 10 * time.Second
	defaultMaxTCPConns      = 512
	defaultMaxTCPConnsPerIP = 16
)

// tcpConn is one open TCP connection and when it last sent a query.
type tcpConn struct {
	conn   net.Conn
	client netip.Addr
	active atomic.Int64 // unix nanoseconds
}

func (s *Server) serveTCP(ln net.Listener) {
	m := s.metrics.shard()
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		tc, ok := s.admitTCP(c)
		if !ok {
			_ = c.Close() // closing, or this client holds its share
			continue
		}
		s.goServe(func() {
			defer s.untrack(tc)
			s.serveConn(tc, m)
		})
	}
}

// admitTCP tracks a new connection so Close can end it. It refuses once
// the server is closed or when the client already holds its share of
// connections; when every connection is taken, the one idle the longest
// is closed to make room, so idle connections (a flood of them, or
// clients that never hang up) cannot keep resolvers falling back from a
// truncated UDP answer out.
func (s *Server) admitTCP(c net.Conn) (*tcpConn, bool) {
	client := netip.Addr{}
	if ap, err := netip.ParseAddrPort(c.RemoteAddr().String()); err == nil {
		client = ap.Addr().Unmap()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.perIP[client] >= orDefault(s.cfg.MaxTCPConnsPerClient, defaultMaxTCPConnsPerIP) {
		return nil, false
	}
	if len(s.conns) >= orDefault(s.cfg.MaxTCPConns, defaultMaxTCPConns) {
		s.evictIdlest()
	}
	tc := &tcpConn{conn: c, client: client}
	tc.active.Store(time.Now().UnixNano())
	s.conns[tc] = struct{}{}
	s.perIP[client]++
	return tc, true
}

// evictIdlest closes the connection that has been idle the longest. s.mu
// is held.
func (s *Server) evictIdlest() {
	var oldest *tcpConn
	for tc := range s.conns {
		if oldest == nil || tc.active.Load() < oldest.active.Load() {
			oldest = tc
		}
	}
	if oldest != nil {
		s.forget(oldest)
		_ = oldest.conn.Close() // its goroutine ends on the closed socket
	}
}

func (s *Server) untrack(tc *tcpConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forget(tc)
}

// forget drops tc from the books once. s.mu is held.
func (s *Server) forget(tc *tcpConn) {
	if _, ok := s.conns[tc]; !ok {
		return
	}
	delete(s.conns, tc)
	if s.perIP[tc.client]--; s.perIP[tc.client] <= 0 {
		delete(s.perIP, tc.client)
	}
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// serveConn answers length-prefixed queries on one TCP connection in order
// until the client closes it, stays idle too long or is evicted.
func (s *Server) serveConn(tc *tcpConn, m *counters) {
	c := tc.conn
	// A close error on a finished connection has nobody to go to.
	defer func() { _ = c.Close() }()
	idle := orDefault(s.cfg.TCPIdleTimeout, defaultTCPIdleTimeout)
	in := make([]byte, 65535)
	var resp, framed []byte
	for {
		_ = c.SetDeadline(time.Now().Add(idle))
		if _, err := io.ReadFull(c, in[:2]); err != nil {
			return
		}
		n := int(binary.BigEndian.Uint16(in[:2]))
		if _, err := io.ReadFull(c, in[:n]); err != nil {
			return
		}
		tc.active.Store(time.Now().UnixNano())
		if resp = s.view.Load().respond(resp, in[:n], true, m); resp == nil {
			continue
		}
		framed = binary.BigEndian.AppendUint16(framed[:0], uint16(len(resp)))
		framed = append(framed, resp...)
		if _, err := c.Write(framed); err != nil {
			return
		}
	}
}
