package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/dns/route53/r53test"
)

// TestForeignSetsLeftAlone: weighted record sets ferry did not write share
// the domain's name and type — one holding the legacy value itself, made
// with the AWS CLI. plan reports them with their share of the queries,
// start refuses to adopt, and the AWS CLI reads them back untouched: ferry
// neither replaced them nor wrote its own sets beside them.
func TestForeignSetsLeftAlone(t *testing.T) {
	t.Parallel()
	// foreign is a CREATE of a weighted A record set at 127.0.0.2 (legacy).
	foreign := func(id string, weight int) string {
		return `{"Action":"CREATE","ResourceRecordSet":{"Name":"%[1]s","Type":"A","SetIdentifier":"` + id + `","Weight":` +
			strconv.Itoa(weight) + `,"TTL":1,"ResourceRecords":[{"Value":"127.0.0.2"}]}}`
	}
	cases := []struct {
		name   string
		sets   []string // the CLI's changes; %[1]s is the domain
		want   map[string]int64
		report []string
	}{
		{name: "blue", sets: []string{foreign("blue", 1)}, want: map[string]int64{"blue": 1},
			report: []string{"blue (weight 1 → 127.0.0.2, 100.0% of queries today)", "cluster at 10% would get 9.9%"}},
		{name: "beside", sets: []string{foreign("legacy", 100), foreign("canary", 0)},
			want:   map[string]int64{"legacy": 100, "canary": 0},
			report: []string{"canary (weight 0 → 127.0.0.2, 0.0% of queries today)", "refuses a plain record beside weighted ones"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnvOf(t, "foreign-"+tc.name, shape{ttl: "1s", steps: "[10, 50, 100]", hold: "0s", legacyIP: "127.0.0.2", legacyAddress: "127.0.0.2",
				plain: `"Type":"TXT","TTL":1,"ResourceRecords":[{"Value":"\"not the A record\""}]`})
			changes := fmt.Sprintf(strings.Join(tc.sets, ","), e.domain)
			if err := r53test.ChangeBatch(t.Context(), moto.URL, e.zoneID, `{"Changes":[`+changes+`]}`); err != nil {
				t.Fatal(err)
			}
			code, text := migrateCmd(t.Context(), "-f", e.file, "plan", "api")
			checkExit(t, "plan", result{code, text}, 0, append([]string{"REFUSED", "did not write"}, tc.report...)...)
			r := <-e.start(t.Context())
			checkExit(t, "start", r, 1, append([]string{"refusing to start", "leaves these as they are"}, tc.report...)...)
			if d := cmp.Diff(tc.want, e.weights(t)); d != "" {
				t.Errorf("the foreign record sets were changed (-want +got):\n%s", d)
			}
			lease, err := r53test.List(t.Context(), moto.URL, e.zoneID, "_ferry-lease."+e.domain, "TXT")
			if err != nil || len(lease) != 0 {
				t.Errorf("a refused start left its lease behind: %+v %v", lease, err)
			}
		})
	}
}
