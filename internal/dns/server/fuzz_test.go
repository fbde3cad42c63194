package server

import (
	"encoding/binary"
	"os"
	"testing"

	mdns "github.com/miekg/dns"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/server/store"
)

// fuzzView is the test zone plus weighted and chained records.
func fuzzView(t testing.TB) *view {
	f, err := os.Open("testdata/example.test.zone")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := ParseZone(f, "example.test.zone", "")
	if err != nil {
		t.Fatal(err)
	}
	st := store.State{Rev: 7, Records: map[store.Key]dns.RecordSet{}}
	for _, rs := range append(z.Seed,
		dns.RecordSet{Name: "api.example.test.", Type: "A", TTL: 30, Sets: []dns.WeightedSet{
			{ID: "legacy", Weight: 10, Values: []string{"127.0.0.2"}}, {ID: "cluster", Weight: 90, Values: []string{"127.0.0.3", "127.0.0.4"}}}},
		dns.RecordSet{Name: "loop1.example.test.", Type: "CNAME", TTL: 30, Sets: []dns.WeightedSet{{ID: "x", Values: []string{"loop2.example.test."}}}},
		dns.RecordSet{Name: "loop2.example.test.", Type: "CNAME", TTL: 30, Sets: []dns.WeightedSet{{ID: "x", Values: []string{"loop1.example.test."}}}},
	) {
		st.Records[store.KeyOf(rs)] = rs
	}
	m := newMetrics()
	v, err := buildView([]Zone{z, DefaultZone("other.test")}, st, m.counter)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func seedQueries(f *testing.F) {
	for _, q := range []struct {
		name  string
		qtype uint16
		edns  bool
	}{
		{"www.example.test.", mdns.TypeA, false}, {"API.example.test.", mdns.TypeA, true},
		{"loop1.example.test.", mdns.TypeA, true}, {"alias.example.test.", mdns.TypeANY, false},
		{"nope.example.test.", mdns.TypeTXT, true}, {"example.org.", mdns.TypeA, false}, {".", mdns.TypeNS, true},
	} {
		m := new(mdns.Msg)
		m.SetQuestion(q.name, q.qtype)
		if q.edns {
			m.SetEdns0(4096, true)
			m.IsEdns0().Option = append(m.IsEdns0().Option, &mdns.EDNS0_COOKIE{Code: mdns.EDNS0COOKIE, Cookie: "0102030405060708"})
		}
		b, err := m.Pack()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)-3])
	}
	f.Add([]byte{})
	f.Add([]byte{0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 0x0C, 0, 1, 0, 1})
	f.Add([]byte{0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 1, 'a', 0, 0, 1, 0, 1, 0, 0, 41, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 41, 2, 0, 0, 0, 0, 0, 0, 0})
}

// FuzzRespond feeds malformed packets to the query handler: it must not
// panic, and whatever it sends must be a well-formed answer to that query.
func FuzzRespond(f *testing.F) {
	seedQueries(f)
	v := fuzzView(f)
	m := &counters{}
	f.Fuzz(func(t *testing.T, msg []byte) {
		for _, tcp := range []bool{false, true} {
			out := v.respond(nil, msg, tcp, m)
			if out == nil {
				continue
			}
			checkResponse(t, msg, out, tcp)
		}
	})
}

func checkResponse(t *testing.T, msg, out []byte, tcp bool) {
	t.Helper()
	if len(out) < headerLen || binary.BigEndian.Uint16(out) != binary.BigEndian.Uint16(msg) {
		t.Fatalf("answer %x does not carry the query's id", out)
	}
	if out[2]&0x80 == 0 {
		t.Fatalf("answer %x lacks the QR bit", out)
	}
	if !tcp && len(out) > ednsSize {
		t.Fatalf("UDP answer of %d bytes", len(out))
	}
	var r mdns.Msg
	if err := r.Unpack(out); err != nil {
		t.Fatalf("answer to %x does not parse: %v (%x)", msg, err, out)
	}
}

func TestRespondDoesNotAllocate(t *testing.T) {
	v := fuzzView(t)
	m := new(mdns.Msg)
	m.SetQuestion("api.example.test.", mdns.TypeA)
	m.SetEdns0(1232, false)
	q, err := m.Pack()
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 0, 65535)
	c := &counters{}
	if n := testing.AllocsPerRun(100, func() { buf = v.respond(buf, q, false, c) }); n != 0 {
		t.Errorf("respond allocates %v times per query", n)
	}
}

func BenchmarkRespond(b *testing.B) {
	v := fuzzView(b)
	m := new(mdns.Msg)
	m.SetQuestion("api.example.test.", mdns.TypeA)
	q, err := m.Pack()
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 65535)
	c := &counters{}
	b.ReportAllocs()
	for b.Loop() {
		buf = v.respond(buf, q, false, c)
	}
}
