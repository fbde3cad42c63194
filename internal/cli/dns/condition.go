package dns

import (
	"encoding/hex"
	"errors"
	"strings"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	ferrydns "ferry.dev/ferry/internal/dns"
)

func addIfMatch(cmd *cobra.Command, ifMatch *string) {
	cmd.Flags().StringVar(ifMatch, "if-match", "",
		"change only if the record set is still this `REVISION` (as ferry dns get shows it); default: unconditional")
}

// condition turns --if-match into the change's condition: none given is
// unconditional, an operator's own change. The revision may be quoted, as
// the admin API's ETag header shows it.
func condition(ifMatch string) (ferrydns.Condition, error) {
	if ifMatch == "" {
		return ferrydns.Always(), nil
	}
	rev := strings.Trim(ifMatch, `"`)
	if b, err := hex.DecodeString(rev); err != nil || len(b) != 32 || strings.ToLower(rev) != rev {
		return ferrydns.Condition{}, clio.Usage(errors.New("--if-match: want the 64 lower-case hex digits of a revision, as `ferry dns get` shows it"))
	}
	return ferrydns.IfRevision(rev), nil
}

// describeNow tells what a refused --if-match found: the record set there
// now, with its full revision to retry with, or that there is none.
func describeNow(current *ferrydns.RecordSet) string {
	if current == nil {
		return "there is no such record set now"
	}
	var b strings.Builder
	b.WriteString("what is there now:\n")
	_ = printRecordSet(&b, *current, "") // a strings.Builder never fails
	return strings.TrimSuffix(b.String(), "\n")
}
