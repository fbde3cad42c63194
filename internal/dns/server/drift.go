package server

import (
	"slices"
	"strings"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/server/store"
)

// maxDriftNamed bounds how many records one drift warning names.
const maxDriftNamed = 20

// warnDrift logs, for each zone imported on an earlier start, the zone
// file's A, AAAA, CNAME and TXT records that differ from the store. The
// store wins by design (a restart must never undo a migration), so an edit
// to those records in the file has no effect; the warning says so rather
// than let the edit pass for applied.
func (s *Server) warnDrift(imported map[string]bool) {
	st := s.store.State()
	for _, z := range s.cfg.Zones {
		if !imported[z.Origin] {
			continue
		}
		diffs := zoneDrift(z, st, s.zoneOf)
		if len(diffs) == 0 {
			continue
		}
		named := diffs
		if len(named) > maxDriftNamed {
			named = append(slices.Clone(named[:maxDriftNamed]), "…")
		}
		s.log.Warn("the zone file's A/AAAA/CNAME/TXT records differ from the store, which is what the server answers with: "+
			"they were imported on the zone's first start; change them with ferry dns set (or the admin API)",
			"zone", z.Origin, "file", z.File, "differing", len(diffs), "records", strings.Join(named, "; "))
	}
}

// zoneDrift lists the records of z's file that differ from st: changed
// since, only in the file (added to it), or imported from it and since
// removed from it. Records created through the API are not the file's
// business and are not listed.
func zoneDrift(z Zone, st store.State, zoneOf func(string) string) []string {
	var out []string
	inFile := map[store.Key]bool{}
	for _, rs := range z.Seed {
		rs = Canonical(rs)
		k := store.KeyOf(rs)
		inFile[k] = true
		stored, ok := st.Records[k]
		switch {
		case !ok:
			out = append(out, k.Name+" "+k.Type+" only in the file")
		case !sameRecordSet(rs, stored):
			out = append(out, k.Name+" "+k.Type+" changed")
		}
	}
	for _, rs := range st.Sorted() {
		k := store.KeyOf(rs)
		if inFile[k] || zoneOf(rs.Name) != z.Origin {
			continue
		}
		if _, imported := rs.Set(SeedSetID); imported {
			out = append(out, k.Name+" "+k.Type+" only in the store")
		}
	}
	slices.Sort(out)
	return out
}

func sameRecordSet(a, b dns.RecordSet) bool {
	return a.Name == b.Name && a.Type == b.Type && a.TTL == b.TTL &&
		slices.EqualFunc(a.Sets, b.Sets, func(x, y dns.WeightedSet) bool {
			return x.ID == y.ID && x.Weight == y.Weight && slices.Equal(x.Values, y.Values)
		})
}
