package testcluster

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeGo is put first on PATH so that hack/tools.sh can never start a real
// build here: it records that it ran and fails.
const fakeGo = "#!/bin/sh\necho \"$@\" >>\"$FAKE_GO_LOG\"\nexit 1\n"

// toolsEnv runs hack/tools.sh's world in a fresh cache with the fake go.
type toolsEnv struct {
	root, cache, goLog string
	env                []string
}

func newToolsEnv(t *testing.T) toolsEnv {
	t.Helper()
	if _, err := exec.LookPath("flock"); err != nil {
		t.Fatalf("flock (util-linux) is missing: %v", err)
	}
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	fakeDir := filepath.Join(dir, "fakebin")
	if err := os.Mkdir(fakeDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(fakeDir, "go"), []byte(fakeGo), 0o755); err != nil {
		t.Fatal(err)
	}
	e := toolsEnv{root: root, cache: filepath.Join(dir, "cache"), goLog: filepath.Join(dir, "go.log")}
	e.env = append(os.Environ(), "FERRY_CACHE="+e.cache, "FAKE_GO_LOG="+e.goLog,
		"PATH="+fakeDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return e
}

// bash runs a script in the repository with the environment's settings.
func (e toolsEnv) bash(ctx context.Context, script string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Dir, cmd.Env = e.root, e.env
	return cmd
}

// binAndStamp are the binaries' directory and the stamp that makes them
// count as built, as hack/lib-k8s.sh computes them.
func (e toolsEnv) binAndStamp(t *testing.T) (bin, stamp string) {
	t.Helper()
	out, err := e.bash(t.Context(), "source hack/lib.sh && source hack/lib-k8s.sh && ferry::tools_bin && ferry::tools_stamp").Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 {
		t.Fatalf("tools_bin and tools_stamp printed %q", out)
	}
	return lines[0], lines[1]
}

// TestToolsScriptBuildsWithTheFakeGo makes sure the fake go is what
// hack/tools.sh runs when nothing is built, so the next test's "go never
// ran" means something.
func TestToolsScriptBuildsWithTheFakeGo(t *testing.T) {
	e := newToolsEnv(t)
	if err := e.bash(t.Context(), "bash hack/tools.sh").Run(); err == nil {
		t.Error("hack/tools.sh succeeded with a go that fails")
	}
	if _, err := os.Stat(e.goLog); err != nil {
		t.Errorf("hack/tools.sh did not run the fake go: %v", err)
	}
}

// TestToolsScriptWaitsForARunningBuild: while another build holds the lock
// in FERRY_CACHE, hack/tools.sh waits; once that build has written its
// stamp and let go, it prints the directory and builds nothing itself.
func TestToolsScriptWaitsForARunningBuild(t *testing.T) {
	e := newToolsEnv(t)
	bin, stamp := e.binAndStamp(t)
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	// The other build: flock holds the lock until its stdin closes.
	holder := exec.CommandContext(t.Context(), "flock", filepath.Join(e.cache, "tools.lock"), "cat")
	release, err := holder.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = release.Close(); _ = holder.Wait() }()
	waitFor(t, "the holder to take the lock", func() bool {
		return exec.Command("flock", "-n", filepath.Join(e.cache, "tools.lock"), "true").Run() != nil
	})

	var stdout bytes.Buffer
	stderr := &lockedBuffer{}
	second := e.bash(t.Context(), "bash hack/tools.sh")
	second.Stdout, second.Stderr = &stdout, stderr
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "hack/tools.sh to say it waits", func() bool { return strings.Contains(stderr.String(), "waiting") })

	if err := os.WriteFile(filepath.Join(bin, ".stamp"), []byte(stamp+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_ = release.Close()
	if err := second.Wait(); err != nil {
		t.Fatalf("hack/tools.sh after waiting: %v\nstderr: %s", err, stderr.String())
	}
	if got := strings.TrimSpace(stdout.String()); got != bin {
		t.Errorf("hack/tools.sh printed %q, want %q", got, bin)
	}
	if log, err := os.ReadFile(e.goLog); err == nil {
		t.Errorf("hack/tools.sh built although the other build had finished: go %s", log)
	}
}

func waitFor(t *testing.T, what string, done func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !done() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// lockedBuffer is a bytes.Buffer written by a process and read by a test.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
