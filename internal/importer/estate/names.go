package estate

import (
	"strconv"
	"strings"
)

// maxName keeps a service name short enough for every object name ferry
// derives from it.
const maxName = 40

// nameServices names each service after the first label of its domain
// (api.shop.example.com → api), else after its balancer; a name taken twice
// gets -2, -3.
func nameServices(svcs []Service) {
	taken := map[string]int{}
	for i := range svcs {
		name := label(svcs[i].lbName)
		if len(svcs[i].Domains) > 0 {
			first, _, _ := strings.Cut(svcs[i].Domains[0].Text, ".")
			name = label(first)
		}
		taken[name]++
		if n := taken[name]; n > 1 {
			name += "-" + strconv.Itoa(n)
		}
		svcs[i].Name = name
	}
}

// label turns any name into a DNS-1035 label.
func label(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
		switch {
		case ok:
			b.WriteRune(r)
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.Trim(b.String(), "-")
	if out == "" || out[0] < 'a' || out[0] > 'z' {
		out = "svc-" + out
	}
	if len(out) > maxName {
		out = strings.TrimRight(out[:maxName], "-")
	}
	return strings.TrimSuffix(out, "-")
}
