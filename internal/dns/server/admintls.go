package server

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// MinTokenLength is the shortest admin token ferry dns serve accepts:
// shorter ones can be guessed by anyone who can reach the admin API.
const MinTokenLength = 16

// checkAdmin refuses an admin API the token of which would cross a network
// in clear text. (The token's length is ferry dns serve's to check, on the
// file an operator wrote: tests and in-process callers pick their own.)
func (c *Config) checkAdmin() error {
	if c.AdminAddr == "" {
		return nil
	}
	var errs []error
	if (c.AdminCertFile == "") != (c.AdminKeyFile == "") {
		errs = append(errs, errors.New("admin TLS: give both a certificate and its key"))
	}
	if c.AdminCertFile == "" && !c.InsecureAdmin && !IsLoopback(c.AdminAddr) {
		errs = append(errs, fmt.Errorf("admin: %s is not a loopback address, so the bearer token would cross the network in clear text: "+
			"give a TLS certificate and key, or say it is meant with the insecure-admin setting", c.AdminAddr))
	}
	return errors.Join(errs...)
}

// IsLoopback reports whether addr (host:port) binds loopback only. A
// wildcard ("", 0.0.0.0, ::) binds every interface, so it is not.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// adminTLS loads the admin API's certificate, or returns nil without one.
func (c *Config) adminTLS() (*tls.Config, error) {
	if c.AdminCertFile == "" {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(c.AdminCertFile, c.AdminKeyFile)
	if err != nil {
		return nil, fmt.Errorf("loading the admin API's TLS certificate: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}
