package dns

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Settings are what a service file says about its DNS provider
// (migration.dns): the provider's API, its credentials, and settings of
// its own.
type Settings struct {
	// Server is the provider's API address (ferry's: the admin API URL).
	Server string
	// TokenFile holds the provider's credentials; read it with ReadToken.
	TokenFile string
	// Token is the credential itself, when the caller read it from
	// elsewhere (the controller, from a Secret); it takes the place of
	// TokenFile. Check it with CheckToken; never log it.
	Token string
	// Settings are the provider's own settings; a provider refuses any key
	// it does not know.
	Settings map[string]string
	// BaseDir is what a relative TokenFile is relative to: the directory of
	// the file that names it.
	BaseDir string
}

// TokenPath returns TokenFile, resolved against BaseDir when relative.
func (s Settings) TokenPath() string {
	if s.TokenFile == "" || filepath.IsAbs(s.TokenFile) || s.BaseDir == "" {
		return s.TokenFile
	}
	return filepath.Join(s.BaseDir, s.TokenFile)
}

// Constructor builds one kind of Provider from its settings. Its errors
// for bad settings wrap ErrInvalid and name the field at fault
// (migration.dns.server, …).
type Constructor func(ctx context.Context, s Settings) (Provider, error)

// Registry maps a provider's name (migration.dns.provider) to its
// Constructor. It is an explicit value passed to whoever needs it, never
// a global; dns/providers builds ferry's.
type Registry map[string]Constructor

// New builds the provider called name. An unknown name is an error
// wrapping ErrInvalid that lists the known ones.
func (r Registry) New(ctx context.Context, name string, s Settings) (Provider, error) {
	c, ok := r[name]
	if !ok || c == nil {
		return nil, fmt.Errorf("%w: dns provider %q is not known (known: %s)", ErrInvalid, name, strings.Join(r.Names(), ", "))
	}
	return c(ctx, s)
}

// Names returns the known provider names, sorted.
func (r Registry) Names() []string {
	return slices.Sorted(maps.Keys(r))
}

// ReadToken is the one place token files are read. It returns the file's
// content as CheckToken accepts it. Its errors name the path.
func ReadToken(path string) (string, error) {
	if path == "" {
		return "", errors.New("reading token: no token file given")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading token: %w", err)
	}
	return CheckToken(string(b), path)
}

// CheckToken returns raw without one trailing newline ("\n" or "\r\n"),
// and refuses a token that is empty or that an HTTP header cannot carry as
// it is (control characters such as a second line, or spaces at either
// end, which HTTP drops). Its errors name where the token came from
// (source), never the token.
func CheckToken(raw, source string) (string, error) {
	tok := strings.TrimSuffix(strings.TrimSuffix(raw, "\n"), "\r")
	switch {
	case tok == "":
		return "", fmt.Errorf("reading token: %s is empty", source)
	case strings.ContainsFunc(tok, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "", fmt.Errorf("reading token: %s holds a control character or more than one line; a token is one line", source)
	case strings.TrimSpace(tok) != tok:
		return "", fmt.Errorf("reading token: %s starts or ends with a space, which HTTP would drop", source)
	}
	return tok, nil
}
