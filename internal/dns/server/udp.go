package server

import (
	"errors"
	"net"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// udpBatch is how many datagrams one worker reads (and answers) with one
// system call: recvmmsg and sendmmsg on Linux, one at a time elsewhere.
// Under load, a batch turns two system calls per query into two per
// batch; at low load a read returns whatever is there, often one.
const udpBatch = 32

// batchConn is what x/net's ipv4 and ipv6 PacketConns share.
type batchConn interface {
	ReadBatch(ms []ipv4.Message, flags int) (int, error)
	WriteBatch(ms []ipv4.Message, flags int) (int, error)
}

func newBatchConn(conn *net.UDPConn) batchConn {
	if a, ok := conn.LocalAddr().(*net.UDPAddr); ok && a.IP.To4() == nil && len(a.IP) == net.IPv6len {
		return ipv6.NewPacketConn(conn)
	}
	return ipv4.NewPacketConn(conn)
}

// serveUDP answers datagrams on conn until it is closed. Each worker owns
// its buffers; the answers to one batch go out in one batch.
func (s *Server) serveUDP(conn net.PacketConn) {
	uc, ok := conn.(*net.UDPConn)
	if !ok {
		s.serveUDPOneByOne(conn)
		return
	}
	m := s.metrics.shard()
	bc := newBatchConn(uc)
	in := make([]ipv4.Message, udpBatch)
	out := make([]ipv4.Message, udpBatch)
	bufs := make([][]byte, udpBatch)
	for i := range in {
		in[i].Buffers = [][]byte{make([]byte, 65535)}
		out[i].Buffers = [][]byte{nil}
		bufs[i] = make([]byte, 0, 65535)
	}
	for {
		n, err := bc.ReadBatch(in, 0)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		v := s.view.Load()
		k := 0
		for i := range n {
			resp := v.respond(bufs[i], in[i].Buffers[0][:in[i].N], false, m)
			if resp == nil {
				continue
			}
			bufs[i] = resp
			out[k].Buffers[0], out[k].Addr = resp, in[i].Addr
			k++
		}
		writeAll(bc, out[:k])
	}
}

// writeAll sends every message, skipping one the kernel refuses (a
// client gone away must not stop the answers to the others).
func writeAll(bc batchConn, ms []ipv4.Message) {
	for len(ms) > 0 {
		n, err := bc.WriteBatch(ms, 0)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			n = max(n, 1)
		}
		ms = ms[n:]
	}
}

// serveUDPOneByOne is serveUDP for a PacketConn that is not a UDPConn.
func (s *Server) serveUDPOneByOne(conn net.PacketConn) {
	m := s.metrics.shard()
	in := make([]byte, 65535)
	out := make([]byte, 0, 65535)
	for {
		n, addr, err := conn.ReadFrom(in)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		if resp := s.view.Load().respond(out, in[:n], false, m); resp != nil {
			out = resp
			_, _ = conn.WriteTo(resp, addr)
		}
	}
}
