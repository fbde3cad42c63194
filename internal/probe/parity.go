package probe

import (
	"bytes"
	"context"
	"fmt"
	"strings"
)

// ParityResult is the comparison of both sides on the same requests.
type ParityResult struct {
	Checked    int
	Mismatches []string
}

// String is the result for a log line: "N path(s) alike" or the
// mismatches.
func (r ParityResult) String() string {
	if len(r.Mismatches) == 0 {
		return fmt.Sprintf("%d path(s) alike", r.Checked)
	}
	return strings.Join(r.Mismatches, "; ")
}

// Parity sends GET path to both sides for every path and compares status
// codes, and bodies when compareBodies is set. A side that cannot be
// reached is a mismatch, and so is a legacy answer other than 2xx/3xx (two
// sides failing alike are not alike).
func Parity(ctx context.Context, legacy, cluster *Prober, paths []string, compareBodies bool) ParityResult {
	res := ParityResult{}
	for _, path := range paths {
		l, c := legacy.Get(ctx, path), cluster.Get(ctx, path)
		res.Checked++
		switch {
		case l.Err != nil || c.Err != nil:
			res.Mismatches = append(res.Mismatches, fmt.Sprintf("GET %s: legacy %s, cluster %s", path, describe(l), describe(c)))
		case !l.OK():
			// Both sides failing alike proves nothing: the path (or
			// legacy) is broken, and the cluster is not shown to work.
			res.Mismatches = append(res.Mismatches, fmt.Sprintf("GET %s: legacy answers %d, not 2xx/3xx: nothing to compare against (check parity.paths)", path, l.Status))
		case l.Status != c.Status:
			res.Mismatches = append(res.Mismatches, fmt.Sprintf("GET %s: legacy %d, cluster %d", path, l.Status, c.Status))
		case compareBodies && !bytes.Equal(l.Body, c.Body):
			res.Mismatches = append(res.Mismatches, fmt.Sprintf("GET %s: bodies differ (%d vs %d bytes)", path, len(l.Body), len(c.Body)))
		}
	}
	return res
}

func describe(r Response) string {
	if r.Err != nil {
		return "error: " + r.Err.Error()
	}
	return fmt.Sprint(r.Status)
}
