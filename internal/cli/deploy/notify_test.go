package deploy_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"ferry.dev/ferry/internal/cli"
	"ferry.dev/ferry/internal/cli/clitest"
	"ferry.dev/ferry/internal/notify"
	"ferry.dev/ferry/internal/testcluster"
)

// TestDeployNotifies: ferry deploy against the real control plane tells a
// JSON receiver on loopback about a deploy that succeeded (with its
// revision) and one that failed (with why), one payload each.
func TestDeployNotifies(t *testing.T) {
	c := testcluster.Start(t)
	ns := c.Namespace(t)
	var mu sync.Mutex
	var got []notify.Event
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var e notify.Event
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &e); err != nil {
			t.Errorf("receiver: %v: %s", err, body)
		}
		mu.Lock()
		got = append(got, e)
		mu.Unlock()
	}))
	t.Cleanup(hook.Close)
	t.Setenv("FERRY_TEST_DEPLOY_HOOK", hook.URL)
	dir := t.TempDir()
	with := func(tag, extra string) string {
		return write(t, dir, "shop.yaml", fmt.Sprintf(file, ns, tag)+extra+
			"notifications:\n  - {format: json, urlEnv: FERRY_TEST_DEPLOY_HOOK}\n")
	}
	if res := clitest.Run(t, cli.Run, "deploy", "-f", with("1", ""), "--kubeconfig", c.Kubeconfig, "-n", ns); res.Code != 0 {
		t.Fatalf("deploy = exit %d\n%s", res.Code, res.Stderr)
	}
	res := clitest.Run(t, cli.Run, "deploy", "-f", with("2", "    cpu: \"900\"\n"), "--kubeconfig", c.Kubeconfig, "-n", ns, "--timeout", "3s")
	if res.Code != 1 {
		t.Fatalf("deploy that cannot finish = exit %d, want 1\n%s", res.Code, res.Stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0].Kind != "deployed" || got[0].Figures["revision"] != "1" || got[1].Kind != "deploy-failed" || got[1].Message == "" {
		t.Errorf("notifications = %+v; want deployed (revision 1), then deploy-failed with its reason", got)
	}
}
