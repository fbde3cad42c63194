package kube

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const config = `apiVersion: v1
kind: Config
current-context: one
clusters:
- name: one
  cluster: {server: "https://127.0.0.1:1001"}
- name: two
  cluster: {server: "https://127.0.0.1:1002"}
users:
- name: alice
  user: {token: a}
- name: bob
  user: {token: b}
contexts:
- name: one
  context: {cluster: one, user: alice, namespace: shop}
- name: two
  context: {cluster: two, user: bob}
`

// extra is a second file for $KUBECONFIG: a third context, merged in.
const extra = `apiVersion: v1
kind: Config
clusters:
- name: three
  cluster: {server: "https://127.0.0.1:1003"}
users:
- name: carol
  user: {token: c}
contexts:
- name: three
  context: {cluster: three, user: carol, namespace: ops}
`

func TestConnectFollowsKubectlConventions(t *testing.T) {
	dir := t.TempDir()
	main := filepath.Join(dir, "config")
	second := filepath.Join(dir, "extra")
	for path, content := range map[string]string{main: config, second: extra} {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("USER", "dev")
	tests := []struct {
		name       string
		kubeconfig string // the KUBECONFIG variable
		flags      Flags
		wantHost   string
		wantNS     string
		wantUser   string
		wantCtx    string
	}{
		{name: "current context", flags: Flags{Kubeconfig: main}, wantHost: "https://127.0.0.1:1001", wantNS: "shop", wantUser: "dev (alice)", wantCtx: "one"},
		{name: "--context", flags: Flags{Kubeconfig: main, Context: "two"}, wantHost: "https://127.0.0.1:1002", wantNS: "default", wantUser: "dev (bob)", wantCtx: "two"},
		{name: "-n wins", flags: Flags{Kubeconfig: main, Namespace: "ops"}, wantHost: "https://127.0.0.1:1001", wantNS: "ops", wantUser: "dev (alice)", wantCtx: "one"},
		{name: "KUBECONFIG lists files", kubeconfig: main + string(os.PathListSeparator) + second, flags: Flags{Context: "three"}, wantHost: "https://127.0.0.1:1003", wantNS: "ops", wantUser: "dev (carol)", wantCtx: "three"},
		{name: "timeout", flags: Flags{Kubeconfig: main, Timeout: 7 * time.Second}, wantHost: "https://127.0.0.1:1001", wantNS: "shop", wantUser: "dev (alice)", wantCtx: "one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("KUBECONFIG", tt.kubeconfig)
			c, err := tt.flags.Connect()
			if err != nil {
				t.Fatal(err)
			}
			if c.Config.Host != tt.wantHost || c.Namespace != tt.wantNS || c.User != tt.wantUser || c.Context != tt.wantCtx {
				t.Errorf("Connect = host %s, namespace %s, user %q, context %q; want %s, %s, %q, %q",
					c.Config.Host, c.Namespace, c.User, c.Context, tt.wantHost, tt.wantNS, tt.wantUser, tt.wantCtx)
			}
			if c.Config.Timeout != tt.flags.Timeout {
				t.Errorf("request timeout %s, want %s", c.Config.Timeout, tt.flags.Timeout)
			}
		})
	}
	t.Run("no kubeconfig anywhere", func(t *testing.T) {
		t.Setenv("KUBECONFIG", filepath.Join(dir, "missing"))
		t.Setenv("HOME", t.TempDir())
		_, err := Flags{}.Connect()
		if err == nil || !strings.Contains(err.Error(), "no kubeconfig found: pass --kubeconfig or set KUBECONFIG") {
			t.Errorf("Connect without a kubeconfig = %v, want it to say how to give one", err)
		}
	})
	t.Run("unknown context", func(t *testing.T) {
		if _, err := (Flags{Kubeconfig: main, Context: "nope"}).Connect(); err == nil {
			t.Error("Connect with an unknown context succeeded")
		}
	})
}
