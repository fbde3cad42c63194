package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/clitest"
	"ferry.dev/ferry/internal/migrate"
)

// TestMigrateInClusterRunsToDoneWithTheLocalOutput: "ferry migrate start
// --in-cluster" creates the Migration, the controller runs it to done on
// ferry's DNS server, and start follows it; its -o json and the status
// table have exactly the shape a local run of the same file prints.
func TestMigrateInClusterRunsToDoneWithTheLocalOutput(t *testing.T) {
	e := newClusterEnv(t)
	e.runController(t)
	local := e.migrationFile(t, "local", "local.cli.test", "0s", "auto")
	inCluster := e.migrationFile(t, "incluster", "incluster.cli.test", "0s", "auto")

	want := e.ferry(t, "migrate", "start", "api", "-f", local, "-o", "json")
	if want.Code != 0 {
		t.Fatalf("local start: exit %d\n%s", want.Code, want.Stderr)
	}
	got := e.ferry(t, "migrate", "start", "api", "-f", inCluster, "--in-cluster", "-o", "json")
	if got.Code != 0 {
		t.Fatalf("in-cluster start: exit %d\n%s", got.Code, got.Stderr)
	}
	if d := cmp.Diff(jsonPaths(t, want.Stdout), jsonPaths(t, got.Stdout)); d != "" {
		t.Errorf("-o json of start: shapes differ (-local +in-cluster):\n%s", d)
	}
	var st struct {
		Stage   migrate.Stage   `json:"stage"`
		Weights migrate.Weights `json:"weights"`
	}
	if err := json.Unmarshal([]byte(got.Stdout), &st); err != nil {
		t.Fatal(err)
	}
	if st.Stage != migrate.StageDone || st.Weights.Cluster != 100 {
		t.Errorf("in-cluster start ended at %s %s, want done at cluster 100%%", st.Stage, st.Weights)
	}
	if w := e.weights(t, "incluster.cli.test"); len(w) != 1 || w["cluster"] != 100 {
		t.Errorf("record after the in-cluster run: %v, want the cluster only", w)
	}
	for _, line := range []string{"created Migration " + e.ns + "/api", "done"} {
		if !strings.Contains(got.Stderr, line) {
			t.Errorf("in-cluster start's stderr lacks %q:\n%s", line, got.Stderr)
		}
	}

	wantTable := e.ferry(t, "migrate", "status", "api", "-f", local)
	gotTable := e.ferry(t, "migrate", "status", "api", "-f", inCluster, "--in-cluster")
	if gotTable.Code != 0 || wantTable.Code != 0 {
		t.Fatalf("status: local exit %d, in-cluster exit %d\n%s", wantTable.Code, gotTable.Code, gotTable.Stderr)
	}
	if d := cmp.Diff(tableShape(wantTable.Stdout), tableShape(gotTable.Stdout)); d != "" {
		t.Errorf("status tables differ in shape (-local +in-cluster):\n%s\nin-cluster:\n%s", d, gotTable.Stdout)
	}
}

// TestMigrateInClusterPromoteAndRollback: a manual migration started with
// --in-cluster is followed while promote, promote and rollback from 50%
// reach the controller through the Migration object; start ends as a
// local start ends after the operator's rollback (exit 0), and a command
// to the ended migration is refused.
func TestMigrateInClusterPromoteAndRollback(t *testing.T) {
	e := newClusterEnv(t)
	e.runController(t)
	domain := "manual.cli.test"
	file := e.migrationFile(t, "manual", domain, "0s", "manual")

	type result struct {
		code           int
		stdout, stderr string
	}
	started := make(chan result, 1)
	go func() {
		r := e.ferry(t, "migrate", "start", "api", "-f", file, "--in-cluster")
		started <- result{r.Code, r.Stdout, r.Stderr}
	}()
	awaitWaiting := func(cluster int) {
		t.Helper()
		e.awaitMigration(t, "api", func(m *v1alpha1.MigrationResource) bool {
			return m.Status.Weights != nil && m.Status.Weights.Cluster == cluster && m.Status.Message == "waiting for promote"
		})
	}
	awaitWaiting(0)
	for _, cluster := range []int{10, 50} {
		r := e.ferry(t, "migrate", "promote", "api", "-f", file, "--in-cluster")
		if r.Code != 0 || !strings.Contains(r.Stderr, "applied promote: the migration run by the controller cli-test-controller has saved it") {
			t.Fatalf("promote: exit %d: %s", r.Code, r.Stderr)
		}
		awaitWaiting(cluster)
	}
	if w := e.weights(t, domain); w["legacy"] != 50 || w["cluster"] != 50 {
		t.Fatalf("record at 50%%: %v", w)
	}
	st := e.ferry(t, "migrate", "status", "api", "-f", file, "--in-cluster")
	for _, row := range []string{"stage:     shift (step 2 of 3)", "weights:   legacy 50%, cluster 50%", "running:   the controller cli-test-controller (Migration " + e.ns + "/api)",
		"waiting:   for `ferry migrate promote api --in-cluster -n " + e.ns + "`"} {
		if !strings.Contains(st.Stdout, row) {
			t.Errorf("status --in-cluster lacks %q:\n%s", row, st.Stdout)
		}
	}
	if r := e.ferry(t, "migrate", "rollback", "api", "-f", file, "--in-cluster"); r.Code != 0 {
		t.Fatalf("rollback: exit %d: %s", r.Code, r.Stderr)
	}
	res := <-started
	if res.code != 0 || !strings.Contains(res.stderr, "rolled back as asked") || !strings.Contains(res.stdout, "stage:     rolled-back") {
		t.Errorf("start after the operator's rollback: exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	if w := e.weights(t, domain); len(w) != 1 || w["legacy"] != 100 {
		t.Errorf("record after rollback: %v, want legacy only", w)
	}
	if r := e.ferry(t, "migrate", "promote", "api", "-f", file, "--in-cluster"); r.Code != clio.ExitFailed || !strings.Contains(r.Stderr, "has ended") {
		t.Errorf("promote after the end: exit %d, %q; want 1 and why", r.Code, r.Stderr)
	}
}

// TestMigrateInClusterWithoutController: with no controller, start and a
// command each say that nothing acted on the object and how to get a
// controller (exit 1); a Migration of another domain is not the file's;
// a missing one names the command that creates it; --force is bad input.
func TestMigrateInClusterWithoutController(t *testing.T) {
	e := newClusterEnv(t)
	file := e.migrationFile(t, "alone", "alone.cli.test", "0s", "auto")
	r := e.ferry(t, "migrate", "promote", "api", "-f", file, "--in-cluster")
	if r.Code != clio.ExitFailed || !strings.Contains(r.Stderr, "not found: `ferry migrate start api --in-cluster` creates it") {
		t.Errorf("promote with no Migration: exit %d, %q", r.Code, r.Stderr)
	}
	r = e.ferry(t, "migrate", "start", "api", "-f", file, "--in-cluster", "--controller-timeout", "1s")
	if r.Code != clio.ExitFailed || !strings.Contains(r.Stderr, "no ferry controller acted on it within 1s") ||
		!strings.Contains(r.Stderr, "ferry controller install") {
		t.Errorf("start with no controller: exit %d, %q; want 1 and what to do", r.Code, r.Stderr)
	}
	r = e.ferry(t, "migrate", "pause", "api", "-f", file, "--in-cluster", "--controller-timeout", "1s")
	if r.Code != clio.ExitFailed || !strings.Contains(r.Stderr, "no ferry controller acted on it") {
		t.Errorf("pause with no controller: exit %d, %q", r.Code, r.Stderr)
	}
	other := e.migrationFile(t, "other", "other.cli.test", "0s", "auto")
	r = e.ferry(t, "migrate", "status", "api", "-f", other, "--in-cluster")
	if r.Code != clio.ExitFailed || !strings.Contains(r.Stderr, "the controller does not run the migration in Migration "+e.ns+"/api: it migrates alone.cli.test, not other.cli.test") {
		t.Errorf("status of another domain's Migration: exit %d, %q", r.Code, r.Stderr)
	}
	if r := e.ferry(t, "migrate", "start", "api", "-f", file, "--in-cluster", "--force"); r.Code != clio.ExitUsage {
		t.Errorf("start --in-cluster --force: exit %d, want 2", r.Code)
	}
}

// jsonPaths is the shape of a JSON document: every path to a value,
// array elements as [], sorted and without repeats.
func jsonPaths(t *testing.T, doc string) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, doc)
	}
	seen := map[string]bool{}
	var walk func(string, any)
	walk = func(p string, v any) {
		seen[p] = true
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				walk(p+"."+k, c)
			}
		case []any:
			for _, c := range x {
				walk(p+"[]", c)
			}
		}
	}
	walk("", v)
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

var timelineRow = regexp.MustCompile(`^  \d\d:\d\d:\d\d  `)

// tableShape is a status table's row labels in order; the timeline's
// rows count as one.
func tableShape(table string) []string {
	var labels []string
	for _, line := range strings.Split(strings.TrimRight(table, "\n"), "\n") {
		label := line
		if i := strings.Index(line, ":"); i > 0 && !strings.HasPrefix(line, " ") {
			label = line[:i+1]
		}
		if timelineRow.MatchString(line) {
			label = "(timeline row)"
		}
		if len(labels) == 0 || labels[len(labels)-1] != label {
			labels = append(labels, label)
		}
	}
	return slices.Clip(labels)
}

// awaitMigration polls the Migration until ok.
func (e *clusterEnv) awaitMigration(t *testing.T, name string, ok func(*v1alpha1.MigrationResource) bool) {
	t.Helper()
	awaitObject(t, e, name, &v1alpha1.MigrationResource{}, ok)
}

// TestMigrateInClusterCtrlCStopsFollowingOnly: SIGINT to a following
// "ferry migrate start --in-cluster" (a real process) ends it with exit 0
// and says the controller keeps going, and the controller does; --detach
// returns at once.
func TestMigrateInClusterCtrlCStopsFollowingOnly(t *testing.T) {
	e := newClusterEnv(t)
	e.runController(t)
	domain := "sigint.cli.test"
	file := e.migrationFile(t, "sigint", domain, "10m", "auto")
	bin := clitest.Build(t)
	cmd := exec.CommandContext(t.Context(), bin, "migrate", "start", "api", "-f", file, "--in-cluster", "--kubeconfig", e.c.Kubeconfig, "-n", e.ns)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	e.awaitMigration(t, "api", func(m *v1alpha1.MigrationResource) bool {
		return m.Status.Stage == string(migrate.StagePreview) && strings.Contains(stderr.String(), "parity: both sides answer alike")
	})
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil || !strings.Contains(stderr.String(), "stopped following at stage preview (legacy:100,cluster:0); the controller keeps running the migration") {
		t.Fatalf("start after SIGINT: %v\n%s", err, stderr.String())
	}
	st := e.ferry(t, "migrate", "status", "api", "-f", file, "--in-cluster", "-o", "json")
	var s struct {
		Stage     migrate.Stage `json:"stage"`
		RunningBy struct {
			Host string `json:"host"`
		} `json:"runningBy"`
	}
	if err := json.Unmarshal([]byte(st.Stdout), &s); err != nil || s.Stage != migrate.StagePreview || s.RunningBy.Host != "cli-test-controller" {
		t.Errorf("status after SIGINT: %+v (%v), want preview run by cli-test-controller\n%s", s, err, st.Stderr)
	}
	r := e.ferry(t, "migrate", "start", "api", "-f", file, "--in-cluster", "--detach")
	if r.Code != 0 || !strings.Contains(r.Stderr, "is there already, at stage preview") || r.Stdout != "" {
		t.Errorf("start --detach on the running migration: exit %d\n%s", r.Code, r.Stderr)
	}
	if r := e.ferry(t, "migrate", "rollback", "api", "-f", file, "--in-cluster"); r.Code != 0 {
		t.Errorf("rollback: exit %d: %s", r.Code, r.Stderr)
	}
}
