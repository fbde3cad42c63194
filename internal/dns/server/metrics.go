package server

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	mdns "github.com/miekg/dns"
)

// Query types and rcodes are counted in small fixed tables; everything else
// is "other".
const (
	numTypes  = 9
	numRcodes = 8
)

// typeIndex is the row of qtype in the counters.
func typeIndex(qtype uint16) int {
	switch qtype {
	case mdns.TypeA:
		return 0
	case mdns.TypeAAAA:
		return 1
	case mdns.TypeCNAME:
		return 2
	case mdns.TypeTXT:
		return 3
	case mdns.TypeSOA:
		return 4
	case mdns.TypeNS:
		return 5
	case mdns.TypeMX:
		return 6
	case typeANY:
		return 7
	}
	return numTypes - 1
}

func typeLabel(i int) string {
	labels := [numTypes]string{"A", "AAAA", "CNAME", "TXT", "SOA", "NS", "MX", "ANY", "other"}
	return labels[i]
}

// rcodeIndex is the column of rcode in the counters.
func rcodeIndex(rcode int) int {
	switch rcode {
	case rcodeOK, rcodeFormat, 2, rcodeNX, rcodeNotImp, rcodeRefuse:
		return rcode
	case rcodeBadVer:
		return 6
	}
	return numRcodes - 1
}

func rcodeLabel(i int) string {
	labels := [numRcodes]string{"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "BADVERS", "other"}
	return labels[i]
}

// counters are one worker's query counts. Each worker owns one, so counting
// is an uncontended atomic add; the metrics page sums them.
type counters struct {
	queries [numTypes][numRcodes]atomic.Uint64
	dropped atomic.Uint64
	_       [64]byte // keep neighbouring workers off this cache line
}

func (c *counters) count(qtype uint16, rcode int) {
	c.queries[typeIndex(qtype)][rcodeIndex(rcode)].Add(1)
}

// metrics holds every worker's counters and the per-set answer counters,
// which outlive the views they are used in.
type metrics struct {
	mu      sync.Mutex
	shards  []*counters
	answers map[[3]string]*atomic.Uint64
}

func newMetrics() *metrics {
	return &metrics{answers: map[[3]string]*atomic.Uint64{}}
}

// shard returns a new counters for one worker.
func (m *metrics) shard() *counters {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := &counters{}
	m.shards = append(m.shards, c)
	return c
}

// counter returns the lasting answer counter for one set.
func (m *metrics) counter(name, rrtype, id string) *atomic.Uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := [3]string{name, rrtype, id}
	c, ok := m.answers[k]
	if !ok {
		c = &atomic.Uint64{}
		m.answers[k] = c
	}
	return c
}

// retain forgets the answer counters of every set v does not serve, so a
// set that was replaced or deleted leaves /metrics instead of staying there
// for the life of the process. Queries still running on an older view may
// count into a forgotten counter; those few answers are not reported.
func (m *metrics) retain(v *view) {
	live := map[*atomic.Uint64]bool{}
	for _, n := range v.names {
		if n.cname != nil {
			n.cname.liveCounters(live)
		}
		for _, rs := range n.rrsets {
			rs.liveCounters(live)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, c := range m.answers {
		if !live[c] {
			delete(m.answers, k)
		}
	}
}

func (r *rrset) liveCounters(live map[*atomic.Uint64]bool) {
	for i := range r.sets {
		live[r.sets[i].answers] = true
	}
}

// labelValue escapes v for a label value of the Prometheus text format,
// which knows exactly three escapes: backslash, double quote and newline.
// (Go's %q would also escape tabs and invalid UTF-8 in ways a scraper
// rejects.)
var labelValue = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace

// write prints the metrics in the Prometheus text format.
func (m *metrics) write(w io.Writer) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var sb strings.Builder
	sb.WriteString("# HELP ferry_dns_queries_total DNS queries answered, by query type and response code.\n")
	sb.WriteString("# TYPE ferry_dns_queries_total counter\n")
	var dropped uint64
	for t := range numTypes {
		for r := range numRcodes {
			var n uint64
			for _, c := range m.shards {
				n += c.queries[t][r].Load()
			}
			if n > 0 {
				fmt.Fprintf(&sb, "ferry_dns_queries_total{type=%q,rcode=%q} %d\n", typeLabel(t), rcodeLabel(r), n)
			}
		}
	}
	for _, c := range m.shards {
		dropped += c.dropped.Load()
	}
	sb.WriteString("# HELP ferry_dns_dropped_total Packets dropped without an answer (responses, fragments shorter than a header).\n")
	sb.WriteString("# TYPE ferry_dns_dropped_total counter\n")
	fmt.Fprintf(&sb, "ferry_dns_dropped_total %d\n", dropped)
	sb.WriteString("# HELP ferry_dns_answers_total Answers given, by name, type and weighted set id.\n")
	sb.WriteString("# TYPE ferry_dns_answers_total counter\n")
	keys := make([][3]string, 0, len(m.answers))
	for k := range m.answers {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [3]string) int { return strings.Compare(a[0]+a[1]+a[2], b[0]+b[1]+b[2]) })
	for _, k := range keys {
		fmt.Fprintf(&sb, "ferry_dns_answers_total{name=\"%s\",type=\"%s\",set=\"%s\"} %d\n",
			labelValue(k[0]), labelValue(k[1]), labelValue(k[2]), m.answers[k].Load())
	}
	_, err := io.WriteString(w, sb.String())
	return err
}
