package spec

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// The regular expressions grammar.go replaced, kept as the definition the
// hand-written checks must agree with.
const (
	refDomainLabel = `[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?`
	refDomain      = refDomainLabel + `(?:\.` + refDomainLabel + `)*(?::[0-9]+)?`
	refComponent   = `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
)

var (
	dns1035Label = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)
	dns1123Label = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	envName      = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	hostedZoneID = regexp.MustCompile(`^(/hostedzone/)?[A-Z0-9]{1,32}$`)
	imageRefRE   = regexp.MustCompile(`^(?:` + refDomain + `/)?` + refComponent + `(?:/` + refComponent + `)*` +
		`(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}))?$`)
)

// grammarsAgree fails t for the first grammar where s is judged
// differently by the hand-written check and its regular expression.
func grammarsAgree(t *testing.T, s string) {
	t.Helper()
	m := imageRefRE.FindStringSubmatch(s)
	valid, pinned := imageRef(s)
	if valid != (m != nil) || (valid && pinned != (m[1] != "" || m[2] != "")) {
		t.Fatalf("imageRef(%q) = %v, %v; the expression matches %q", s, valid, pinned, m)
	}
	for _, g := range []struct {
		name string
		got  bool
		re   *regexp.Regexp
	}{
		{"isLabel(1035)", isLabel(s, true), dns1035Label},
		{"isLabel(1123)", isLabel(s, false), dns1123Label},
		{"isEnvName", isEnvName(s), envName},
		{"isHostedZoneID", isHostedZoneID(s), hostedZoneID},
	} {
		if want := g.re.MatchString(s); g.got != want {
			t.Fatalf("%s(%q) = %v, the expression says %v", g.name, s, g.got, want)
		}
	}
}

var grammarSeeds = []string{
	"", "a", "A", "0", "-", "_", "a-b", "a--b", "-a", "a-", "0a", "a0", "Ab", "AB_9", "9ab", "a.b",
	"api:1.0", "registry.example.com/team/api:1.4.2", "localhost:5000/app", "localhost:5000",
	"host:5000/app:v1", "Host.Example.com:443/a/b__c/d---e:latest", "a/b/c", "a//b", "/a", "a/",
	"a__b", "a___b", "a._b", "a.-b", "a:b:c", "a:", "a:-x", "a:_x", "a:.x", "a@sha256:" + strings.Repeat("a", 64),
	"a:1@sha512:" + strings.Repeat("0", 128), "a@sha256:" + strings.Repeat("A", 64), "a@sha256:abc", "a@b@c",
	"a:" + strings.Repeat("x", 128), "a:" + strings.Repeat("x", 129), "ex-.com/a", "ex.-com/a", "h:/a", "h:1x/a",
	"UPPER/a:1", "a/UPPER:1", "/hostedzone/Z123", "/hostedzone/", "Z" + strings.Repeat("1", 31), "Z" + strings.Repeat("1", 32),
	"é", "a\n", "a:1\n", "ä/b:1",
}

// TestGrammarsAgree compares the checks with their expressions on hand-made
// cases and on a million random strings made of the characters that matter.
func TestGrammarsAgree(t *testing.T) {
	for _, s := range grammarSeeds {
		grammarsAgree(t, s)
	}
	const alphabet = "ab0Z-._:/@sh256f"
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	n := 1_000_000
	if testing.Short() {
		n = 50_000
	}
	for range n {
		b.Reset()
		if r.IntN(4) == 0 { // start from a real reference and break it
			b.WriteString(grammarSeeds[r.IntN(len(grammarSeeds))])
		}
		for range r.IntN(12) {
			b.WriteByte(alphabet[r.IntN(len(alphabet))])
		}
		grammarsAgree(t, b.String())
	}
}

// FuzzGrammars looks further: go test ./internal/spec -run '^$' -fuzz FuzzGrammars
func FuzzGrammars(f *testing.F) {
	for _, s := range grammarSeeds {
		f.Add(s)
	}
	f.Fuzz(grammarsAgree)
}
