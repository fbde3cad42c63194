package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fewServices lets the fast path take files of two services or more, so
// small inputs (and the fuzzer's) go through it.
func fewServices(tb testing.TB) {
	old := parallelServices
	parallelServices = 2
	tb.Cleanup(func() { parallelServices = old })
}

// variedFile is a plain file of n services that between them use most of
// the format: defaults, a migration block, comments between and inside
// services, flow and block lists, quoted values, a block scalar, and a
// top-level key after the services.
func variedFile(n int) string {
	var b strings.Builder
	b.WriteString(`# shop services
apiVersion: ferry.dev/v1alpha1
kind: Services
defaults:
  namespace: shop
  ingressClass: nginx
  issuer: {name: shop-ca, kind: Issuer}
  dnsTTL: 120s
services:
`)
	for i := range n {
		fmt.Fprintf(&b, "  svc-%03d:   # service %d\n", i, i)
		fmt.Fprintf(&b, "    image: \"registry.example.com/shop/svc-%d:1.%d.0\"\n", i, i)
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "    port: 8080\n    domains: [svc-%d.example.com, 'www.svc-%d.example.com']\n    tls: true\n", i, i)
			b.WriteString("    env:\n      GREETING: |\n        hello\n        world\n      MODE: \"fast # not a comment\"\n")
		case 1:
			fmt.Fprintf(&b, "    port: 9000\n    domain: svc-%d.example.org\n    replicas: 5\n    readiness: {path: /ready, period: 10s}\n", i)
			b.WriteString("# a comment at the top level, between services\n\n")
		case 2:
			b.WriteString("    command: [/bin/worker]\n    args:\n      - --queue\n      - \"jobs\"\n    cpu: 100m\n    memory: 64Mi\n")
			fmt.Fprintf(&b, "    secrets: [svc-%d-env]\n", i)
		case 3:
			fmt.Fprintf(&b, "    port: 80\n    domain: svc-%d.example.net\n    legacy: {address: \"192.0.2.%d\"}\n    cluster: 198.51.100.%d\n", i, i%250+1, i%250+1)
			b.WriteString("    labels: {team: payments}\n\n    # a comment inside a service\n    health: /healthz\n")
		}
	}
	b.WriteString("migration:\n  dns: {provider: ferry, server: \"http://127.0.0.1:8081\", tokenFile: dns.token}\n  ttl: 30s\n")
	return b.String()
}

// TestLoadParallelGivesLoadOnesFile: on every plain file the fast path
// loads, its file is exactly the reference's (services, positions and
// all), and it does take the plain files ferry writes.
func TestLoadParallelGivesLoadOnesFile(t *testing.T) {
	fewServices(t)
	inputs := map[string][]byte{
		"varied-7.yaml":   []byte(variedFile(7)),
		"varied-300.yaml": []byte(variedFile(300)),
	}
	for _, pattern := range []string{"example.yaml", "../render/testdata/*.yaml", "../cli/testdata/*.yaml"} {
		paths, _ := filepath.Glob(pattern)
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			inputs[p] = data
		}
	}
	taken := 0
	for name, data := range inputs {
		f, ok := loadParallel(name, data)
		if !ok {
			t.Logf("%s: not taken by the fast path", name)
			continue
		}
		taken++
		ref, err := loadOne(name, data)
		if err != nil {
			t.Fatalf("%s: the fast path loaded a file the reference rejects:\n%v", name, err)
		}
		if !sameFile(f, ref) {
			t.Errorf("%s: the fast path's file differs from the reference's", name)
			got := f.pos.flat()
			for path, p := range ref.pos.flat() {
				if got[path] != p {
					t.Errorf("  %s: at %v, reference %v", path, got[path], p)
				}
			}
		}
	}
	for _, name := range []string{"varied-7.yaml", "varied-300.yaml", "example.yaml"} {
		if _, ok := loadParallel(name, inputs[name]); !ok {
			t.Errorf("%s: the fast path did not take it", name)
		}
	}
	t.Logf("%d of %d files taken by the fast path", taken, len(inputs))
}

// TestLoadParallelGivesWay: what the fast path does not take, Load
// reports exactly as the reference does.
func TestLoadParallelGivesWay(t *testing.T) {
	fewServices(t)
	plain := variedFile(6)
	cases := map[string]string{
		"a service named twice": strings.Replace(plain, "svc-004:", "svc-001:", 1),
		"an alias across services": strings.Replace(strings.Replace(plain,
			`image: "registry.example.com/shop/svc-1:1.1.0"`, `image: &img "registry.example.com/shop/svc-1:1.1.0"`, 1),
			`image: "registry.example.com/shop/svc-2:1.2.0"`, `image: *img`, 1),
		"CRLF line ends": strings.ReplaceAll(plain, "\n", "\r\n"),
		"a quoted value spanning into the next service": strings.Replace(plain,
			"    secrets: [svc-2-env]\n", "    secrets: [\"svc-2-env\n  svc-009: x\"]\n", 1),
		"a bad value in one service":  strings.Replace(plain, "replicas: 5", "replicas: five", 1),
		"a domain served twice":       strings.Replace(plain, "svc-5.example.org", "svc-1.example.org", 1),
		"services in flow style":      "apiVersion: ferry.dev/v1alpha1\nkind: Services\nservices: {a: {image: x}, b: {image: y}}\n",
		"a tab before a service":      strings.Replace(plain, "  svc-003:", "\tsvc-003:", 1),
		"a second services key":       plain + "services:\n  extra:\n    image: nginx\n",
		"a service key less indented": strings.Replace(plain, "  svc-003:", " svc-003:", 1),
		"a quoted service name":       strings.Replace(plain, "  svc-003:", "  \"svc-003\":", 1),
		"a second document":           plain + "---\nkind: Services\n",
		"an empty service":            strings.Replace(plain, "  svc-005:   # service 5\n", "  svc-005:\n  svc-0055:\n", 1),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			if _, ok := loadParallel("f.yaml", []byte(data)); ok {
				t.Fatal("the fast path took it")
			}
			_, got := Load("f.yaml", []byte(data))
			_, want := loadOne("f.yaml", []byte(data))
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("Load says\n%v\nthe reference says\n%v", got, want)
			}
		})
	}
}

// FuzzLoadParallel: whatever bytes come in, when the fast path takes them
// the reference loads them too, to the same file. Run:
// go test ./internal/spec -run '^$' -fuzz FuzzLoadParallel
func FuzzLoadParallel(f *testing.F) {
	fewServices(f)
	f.Add([]byte(variedFile(5)))
	f.Add([]byte("apiVersion: ferry.dev/v1alpha1\nkind: Services\nservices:\n  a:\n    image: x\n  b:\n    image: y\n"))
	if data, err := os.ReadFile("example.yaml"); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, ok := loadParallel("fuzz.yaml", data)
		if !ok {
			return
		}
		ref, err := loadOne("fuzz.yaml", data)
		if err != nil {
			t.Fatalf("the fast path loaded what the reference rejects:\n%v\n%s", err, data)
		}
		if !sameFile(fast, ref) {
			t.Fatalf("the fast path's file differs from the reference's:\n%s", data)
		}
	})
}

// sameFile reports whether a and b are the same file, whatever maps their
// positions are kept in.
func sameFile(a, b *File) bool {
	fa, fb := *a, *b
	fa.pos, fb.pos = positions{a.pos.flat()}, positions{b.pos.flat()}
	return reflect.DeepEqual(fa, fb)
}

// flat is every position in one map.
func (ps positions) flat() map[string]Pos {
	out := map[string]Pos{}
	for _, m := range ps {
		for path, p := range m {
			if _, dup := out[path]; dup {
				out[path+" (twice)"] = p
			}
			out[path] = p
		}
	}
	return out
}
