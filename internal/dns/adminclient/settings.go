package adminclient

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"ferry.dev/ferry/internal/dns"
)

// FromSettings is the dns.Constructor of the "ferry" provider: a Client
// for the admin API at s.Server, with the token s.Token, or else the one
// in s.TokenFile (read with dns.ReadToken, relative to s.BaseDir). Missing
// or bad settings are errors wrapping dns.ErrInvalid that name the
// service file's field.
func FromSettings(_ context.Context, s dns.Settings) (dns.Provider, error) {
	var errs []error
	if s.Server == "" {
		errs = append(errs, errors.New("migration.dns.server: the admin API URL of ferry's DNS server is required (like http://127.0.0.1:8053)"))
	} else if err := checkURL(s.Server); err != nil {
		errs = append(errs, fmt.Errorf("migration.dns.server: %w", err))
	}
	if s.TokenFile == "" && s.Token == "" {
		errs = append(errs, errors.New("migration.dns.tokenFile: the file holding the admin API token is required (a tokenSecretRef is read by ferry's controller only)"))
	}
	for _, k := range slices.Sorted(maps.Keys(s.Settings)) {
		errs = append(errs, fmt.Errorf("migration.dns.settings.%s: the ferry provider has no such setting", k))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("%w: %w", dns.ErrInvalid, err)
	}
	token, err := s.Token, error(nil)
	if token == "" {
		if token, err = dns.ReadToken(s.TokenPath()); err != nil {
			return nil, fmt.Errorf("%w: migration.dns.tokenFile: %w", dns.ErrInvalid, err)
		}
	}
	c, err := New(s.Server, token, nil)
	if err != nil { // a nil *Client must not become a non-nil dns.Provider
		return nil, err
	}
	return c, nil
}
