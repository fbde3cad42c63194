package server_test

import (
	"net"
	"testing"
	"time"

	mdns "github.com/miekg/dns"

	"ferry.dev/ferry/internal/dns/server"
	"ferry.dev/ferry/internal/dns/server/servertest"
)

// dialFrom opens a DNS-over-TCP connection from a loopback source address
// (all of 127/8 is loopback on Linux), as a distinct client would.
func dialFrom(t *testing.T, src, addr string) *mdns.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}
	c, err := d.DialContext(t.Context(), "tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return &mdns.Conn{Conn: c}
}

// answered reports whether a query on c gets an answer (false: the server
// closed the connection).
func answered(t *testing.T, c *mdns.Conn) bool {
	t.Helper()
	m := new(mdns.Msg)
	m.SetQuestion("example.test.", mdns.TypeSOA)
	if err := c.WriteMsg(m); err != nil {
		return false
	}
	_, err := c.ReadMsg()
	return err == nil
}

// TestIdleTCPConnectionsCannotLockOutFallback: one client gets a bounded
// share of the connections, and when idle connections from many clients
// hold them all, a resolver falling back to TCP still gets in (the one
// idle the longest makes room).
func TestIdleTCPConnectionsCannotLockOutFallback(t *testing.T) {
	srv := servertest.Run(t, server.Config{Zones: []server.Zone{server.DefaultZone("example.test")},
		MaxTCPConns: 8, MaxTCPConnsPerClient: 4, TCPIdleTimeout: time.Hour})
	addr := srv.DNSAddr()
	var first []*mdns.Conn
	for range 6 {
		first = append(first, dialFrom(t, "127.0.0.2", addr))
	}
	if !answered(t, first[3]) {
		t.Error("the 4th connection of a client was refused; 4 are allowed")
	}
	for i, c := range first[4:] {
		if answered(t, c) {
			t.Errorf("connection %d of one client was served beyond its share of 4", i+5)
		}
	}
	for _, src := range []string{"127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6"} {
		for range 4 {
			dialFrom(t, src, addr) // idle: never sends a query
		}
	}
	for i := range 3 {
		r := query(t, "tcp", addr, "example.test.", mdns.TypeSOA, false)
		if len(r.Answer) != 1 {
			t.Errorf("TCP query %d behind 20 idle connections: %d answers, want the SOA", i, len(r.Answer))
		}
	}
}
