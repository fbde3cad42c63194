package dashboard_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ferry.dev/ferry/internal/dashboard"
	"ferry.dev/ferry/internal/deploy"
	"ferry.dev/ferry/internal/kube"
	"ferry.dev/ferry/internal/spec"
	"ferry.dev/ferry/internal/testcluster"
)

// TestDeploysInBrowser deploys a release twice to a real control plane
// (kwok runs the pods) and reads it on the page: rolled out, each
// service's ready replicas, and both revisions in the history.
func TestDeploysInBrowser(t *testing.T) {
	c := testcluster.Start(t)
	ns := c.Namespace(t)
	client, err := kube.ForConfig(c.RESTConfig(), ns, "tester")
	if err != nil {
		t.Fatal(err)
	}
	d, err := deploy.New(client, "shop", "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, image := range []string{"example.invalid/api:1", "example.invalid/api:2"} {
		if _, err := d.Run(t.Context(), deploy.Request{File: shopFile(t, ns, image), Wait: true, Timeout: 2 * time.Minute}); err != nil {
			t.Fatalf("deploying %s: %v", image, err)
		}
	}
	local, err := dashboard.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := dashboard.New(dashboard.Options{
		Sources: []dashboard.Source{local}, Deploys: []dashboard.DeploySource{&dashboard.Cluster{Client: client}},
		Every: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := dashboard.Listen("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(t.Context(), ln) }()

	p := openPage(t, ln.URL)
	p.do("release shown", chromedp.WaitVisible(chromedp.CSS(`[data-release="shop"] [data-testid="rollout"]`)))
	if got := p.text(`[data-release="shop"] [data-testid="rollout"]`); got != "✓ rolled out" {
		t.Errorf("rollout reads %q, want ✓ rolled out", got)
	}
	services := p.text(`[data-release="shop"] table[aria-label="Services"] tbody`)
	if !strings.Contains(services, "api") || !strings.Contains(services, "2/2") || !strings.Contains(services, "example.invalid/api:2") {
		t.Errorf("services table reads %q, want api 2/2 on image :2", services)
	}
	history := p.text(`[data-release="shop"] table[aria-label="History, newest first"] tbody`)
	if !strings.HasPrefix(strings.TrimSpace(history), "2") || strings.Count(history, "tester") != 2 {
		t.Errorf("history reads %q, want revisions 2 then 1, both by tester", history)
	}
}

func shopFile(t *testing.T, ns, image string) *spec.File {
	t.Helper()
	path := filepath.Join(t.TempDir(), "shop.yaml")
	body := fmt.Sprintf(`apiVersion: ferry.dev/v1alpha1
kind: Services
defaults:
  namespace: %s
services:
  api:
    image: %s
    port: 8080
    replicas: 2
`, ns, image)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := spec.LoadFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
