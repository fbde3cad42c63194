package spec

import "testing"

func TestExampleLoads(t *testing.T) {
	f, err := Load("example.yaml", Example())
	if err != nil {
		t.Fatalf("the init example must load as is:\n%v", err)
	}
	if got := len(f.Services); got != 2 {
		t.Fatalf("services = %d, want 2", got)
	}
}
