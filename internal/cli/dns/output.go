package dns

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	ferrydns "ferry.dev/ferry/internal/dns"
)

// printRecordSets writes one line per record set, its sets in the syntax
// "ferry dns set" takes, or the admin API's JSON.
func printRecordSets(w io.Writer, all []ferrydns.RecordSet, output string) error {
	if output == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(all)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tTYPE\tTTL\tSETS")
	for _, rs := range all {
		sets := make([]string, len(rs.Sets))
		for i, s := range rs.Sets {
			sets[i] = fmt.Sprintf("%s=%d:%s", s.ID, s.Weight, strings.Join(s.Values, ","))
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", rs.Name, rs.Type, rs.TTL, strings.Join(sets, " "))
	}
	return tw.Flush()
}

// shownRecordSet is the JSON of `get -o json`: the admin API's record set
// and its revision (the API's ETag), which --if-match takes.
type shownRecordSet struct {
	ferrydns.RecordSet
	Revision string `json:"revision"`
}

// printRecordSet writes rs as a table, or as the admin API's JSON with its
// revision.
func printRecordSet(w io.Writer, rs ferrydns.RecordSet, output string) error {
	if output == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(shownRecordSet{RecordSet: rs, Revision: rs.Digest()})
	}
	total := 0
	for _, s := range rs.Sets {
		total += s.Weight
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%s %s\nrevision %s\n", rs.Name, rs.Type, rs.Digest())
	fmt.Fprintln(tw, "ID\tWEIGHT\tSHARE\tVALUES\tTTL")
	for _, s := range rs.Sets {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%d\n", s.ID, s.Weight, share(s.Weight, total, len(rs.Sets)), strings.Join(s.Values, ","), rs.TTL)
	}
	return tw.Flush()
}

// share is the part of the queries a set answers, as Route 53 computes it.
func share(weight, total, sets int) string {
	if total == 0 {
		return strconv.FormatFloat(100/float64(sets), 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(100*float64(weight)/float64(total), 'f', 1, 64) + "%"
}
