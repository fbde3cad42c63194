package testcluster

import "testing"

func TestNamespacePrefix(t *testing.T) {
	tests := []struct {
		name, test, want string
	}{
		{name: "simple", test: "TestApply", want: "t-testapply-"},
		{name: "subtest", test: "TestApply/Deployment_web", want: "t-testapply-deployment-web-"},
		{name: "symbols only", test: "/_/", want: "t--"},
		{name: "long", test: "TestAVeryLongNameThatGoesOnAndOnForeverAndEver/sub", want: "t-testaverylongnamethatgoesonandonforevera-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := namespacePrefix(tt.test); got != tt.want {
				t.Errorf("namespacePrefix(%q) = %q, want %q", tt.test, got, tt.want)
			}
		})
	}
}

func TestProcessState(t *testing.T) {
	tests := []struct {
		name, stat, want string
	}{
		{name: "running", stat: "42 (kube-apiserver) R 1 42", want: "R"},
		{name: "zombie", stat: "42 (kube-apiserver) Z 1 42", want: "Z"},
		{name: "parenthesis in name", stat: "42 (a) b) S 1", want: "S"},
		{name: "truncated", stat: "42 (x)", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := processState(tt.stat); got != tt.want {
				t.Errorf("processState(%q) = %q, want %q", tt.stat, got, tt.want)
			}
		})
	}
}

func TestFreePortsAreDistinctAndInRange(t *testing.T) {
	ports, err := freePorts(6)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range ports {
		if p < portBase || p >= portBase+portSpan {
			t.Errorf("port %d outside %d-%d", p, portBase, portBase+portSpan-1)
		}
		if seen[p] {
			t.Errorf("port %d chosen twice", p)
		}
		seen[p] = true
	}
	if len(ports) != 6 {
		t.Errorf("got %d ports, want 6", len(ports))
	}
}
