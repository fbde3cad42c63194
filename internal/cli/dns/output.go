package dns

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"ferry.dev/ferry/internal/cli/clio"
	ferrydns "ferry.dev/ferry/internal/dns"
)

// printRecordSets writes one line per record set, its sets in the syntax
// "ferry dns set" takes, or the admin API's JSON.
func printRecordSets(w io.Writer, all []ferrydns.RecordSet, output clio.Format) error {
	if output == clio.JSON {
		return clio.WriteJSON(w, all)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tTYPE\tTTL\tSETS")
	for _, rs := range all {
		sets := make([]string, len(rs.Sets))
		for i, s := range rs.Sets {
			sets[i] = fmt.Sprintf("%s=%d:%s", s.ID, s.Weight, strings.Join(s.Values, ","))
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", escape(rs.Name), escape(rs.Type), rs.TTL, escape(strings.Join(sets, " ")))
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
func printRecordSet(w io.Writer, rs ferrydns.RecordSet, output clio.Format) error {
	if output == clio.JSON {
		return clio.WriteJSON(w, shownRecordSet{RecordSet: rs, Revision: rs.Digest()})
	}
	total := 0
	for _, s := range rs.Sets {
		total += s.Weight
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%s %s\nrevision %s\n", escape(rs.Name), escape(rs.Type), rs.Digest())
	fmt.Fprintln(tw, "ID\tWEIGHT\tSHARE\tVALUES\tTTL")
	for _, s := range rs.Sets {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%d\n", escape(s.ID), s.Weight, share(s.Weight, total, len(rs.Sets)), escape(strings.Join(s.Values, ",")), rs.TTL)
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

// escape writes control bytes and bytes that are not UTF-8 as zone file
// escapes (\DDD), so that what a server holds cannot move the cursor,
// change colours or forge lines on the terminal that shows it.
func escape(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7F || r == utf8.RuneError }) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r < 0x20 || r == 0x7F || (r == utf8.RuneError && n <= 1) {
			fmt.Fprintf(&b, "\\%03d", s[i])
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}
