package dns

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	ferrydns "ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/server"
)

type serveFlags struct {
	zones     []string
	ns        []string
	zoneFiles []string
	listen    string
	admin     string
	data      string
	tokenFile string
	adminCert string
	adminKey  string
	insecure  bool
	replicate string
	replCA    string
	profile   string
}

func newServeCommand(streams clio.Streams) *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve --zone ZONE [--ns NAME[=IP]...] [--zone-file [ORIGIN=]FILE] --data DIR --token-file FILE",
		Short: "Serve weighted DNS records authoritatively over UDP and TCP",
		Example: `  ferry dns serve --zone example.test --data /var/lib/ferry/dns --token-file /etc/ferry/dns.token
  ferry dns serve --zone shop.example.com --ns ns1.shop.example.com=192.0.2.53 --ns ns2.example.net \
      --listen 192.0.2.53:53 --data /var/lib/ferry/dns --token-file /etc/ferry/dns.token
  ferry dns serve --zone-file db.example.test --listen 127.0.0.1:1053 --admin 127.0.0.1:8053 \
      --data ./dns-data --token-file ./dns.token`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd, streams, f)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.zones, "zone", nil, "a zone to serve with a generated SOA and NS (repeatable)")
	fl.StringArrayVar(&f.ns, "ns", nil, "an NS record of every --zone zone, as NAME or NAME=IP, or of one zone, as ZONE:NAME[=IP]; an IP is served as the name's A/AAAA record and as glue in NS answers (repeatable; the first is the SOA's MNAME; default ns1.ZONE)")
	fl.StringArrayVar(&f.zoneFiles, "zone-file", nil, "an RFC 1035 zone file, optionally as ORIGIN=FILE (repeatable)")
	fl.StringVar(&f.listen, "listen", defaultListen, "UDP and TCP address for DNS")
	fl.StringVar(&f.admin, "admin", defaultAdmin, "address of the admin HTTP API")
	fl.StringVar(&f.data, "data", "", "directory holding the records (created if missing)")
	fl.StringVar(&f.tokenFile, "token-file", os.Getenv(envTokenFile), "admin API token; generated there if missing (env "+envTokenFile+"); one line of at least 16 bytes, readable by its owner only")
	fl.StringVar(&f.adminCert, "admin-cert", "", "TLS certificate (PEM) of the admin API; with --admin-key it is served over HTTPS")
	fl.StringVar(&f.adminKey, "admin-key", "", "TLS key (PEM) of --admin-cert")
	fl.StringVar(&f.replicate, "replicate-from", "", "run as a secondary of the primary whose admin API is at this URL (same zones, same --token-file); changes go to the primary")
	fl.StringVar(&f.replCA, "replicate-ca", "", "PEM CA certificate of an https --replicate-from primary (default: the system's roots)")
	fl.BoolVar(&f.insecure, "insecure-admin", false, "allow the admin API on a non-loopback address without TLS (the token crosses the network in clear text)")
	fl.StringVar(&f.profile, "cpuprofile", "", "write a Go CPU profile of the whole run to this file (for hack/bench/dns.sh)")
	_ = fl.MarkHidden("cpuprofile") // a benchmark's tool, not an operator's
	return cmd
}

// startProfile starts a CPU profile into path; the returned function
// stops it and closes the file.
func startProfile(path string) (func() error, error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close() // the profile never started; its error is the one to report
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return func() error { pprof.StopCPUProfile(); return f.Close() }, nil
}

func runServe(cmd *cobra.Command, streams clio.Streams, f serveFlags) error {
	cfg, err := f.config()
	if err != nil {
		return clio.Usage(err)
	}
	if _, err := os.Stat(f.tokenFile); f.replicate != "" && errors.Is(err, fs.ErrNotExist) {
		return clio.Usage(fmt.Errorf("--token-file: %s does not exist; a secondary needs the primary's token", f.tokenFile))
	}
	token, err := loadOrCreateToken(streams, f.tokenFile)
	if err != nil {
		return err
	}
	cfg.Token = token
	stopProfile, err := startProfile(f.profile)
	if err != nil {
		return clio.Failed(err)
	}
	defer func() { _ = stopProfile() }() // a lost profile never fails the server
	cfg.Logger = slog.New(slog.NewTextHandler(streams.ErrOut, nil))
	ctx := cmd.Context()
	srv, err := server.New(ctx, cfg)
	if err != nil {
		return clio.Failed(err)
	}
	if err := srv.Start(ctx); err != nil {
		return clio.Failed(errors.Join(err, srv.Close()))
	}
	cfg.Logger.Info("serving DNS", "zones", strings.Join(srv.Zones(), ","), "udp+tcp", srv.DNSAddr(),
		"admin", srv.AdminURL(), "data", cfg.DataDir, "revision", srv.Revision(), "replicate_from", cfg.ReplicateFrom)
	<-ctx.Done()
	cfg.Logger.Info("stopping")
	return clio.Failed(srv.Close())
}

// config turns the flags into a server configuration, loading zone files.
func (f serveFlags) config() (server.Config, error) {
	var errs []error
	cfg := server.Config{DNSAddr: f.listen, AdminAddr: f.admin, DataDir: f.data,
		AdminCertFile: f.adminCert, AdminKeyFile: f.adminKey, InsecureAdmin: f.insecure,
		ReplicateFrom: f.replicate, ReplicateCAFile: f.replCA}
	ns, err := parseNS(f.ns)
	if err == nil {
		cfg.Zones, err = server.GeneratedZones(f.zones, ns)
	}
	if err != nil {
		errs = append(errs, fmt.Errorf("--ns: %w", err))
	}
	if len(f.ns) > 0 && len(f.zones) == 0 {
		errs = append(errs, errors.New("--ns: sets the name servers of --zone zones, and there is none (a zone file has its own NS records)"))
	}
	for _, zf := range f.zoneFiles {
		origin, path, ok := strings.Cut(zf, "=")
		if !ok {
			origin, path = "", zf
		}
		z, err := server.LoadZoneFile(path, origin)
		if err != nil {
			errs = append(errs, fmt.Errorf("--zone-file: %w", err))
			continue
		}
		cfg.Zones = append(cfg.Zones, z)
	}
	if len(f.zones)+len(f.zoneFiles) == 0 {
		errs = append(errs, errors.New("--zone or --zone-file: at least one zone is needed"))
	}
	if f.data == "" {
		errs = append(errs, errors.New("--data: must be set"))
	}
	if f.admin != "" && f.tokenFile == "" {
		errs = append(errs, errors.New("--token-file: must be set when --admin is"))
	}
	errs = append(errs, twice(cfg.Zones), adminFlags(f), replicationFlags(f))
	return cfg, errors.Join(errs...)
}

// twice refuses a zone given twice (--zone, or a zone file's origin): the
// second would be a second truth for the same names.
func twice(zones []server.Zone) error {
	var errs []error
	seen := map[string]bool{}
	for _, z := range zones {
		if seen[z.Origin] {
			errs = append(errs, fmt.Errorf("--zone/--zone-file: %s is given twice", z.Origin))
		}
		seen[z.Origin] = true
	}
	return errors.Join(errs...)
}

// replicationFlags checks --replicate-from: an http(s) URL, and a token
// to show the primary.
func replicationFlags(f serveFlags) error {
	if f.replicate == "" {
		if f.replCA != "" {
			return errors.New("--replicate-ca: only means something with --replicate-from")
		}
		return nil
	}
	u, err := url.Parse(f.replicate)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--replicate-from %q: want the primary's admin API URL, http(s)://HOST:PORT", f.replicate)
	}
	if f.tokenFile == "" {
		return errors.New("--token-file: must be set with --replicate-from (the primary's token)")
	}
	return nil
}

// adminFlags refuses an admin API whose token would cross the network in
// clear text, as the server would, but as bad input (exit 2) naming flags.
func adminFlags(f serveFlags) error {
	switch {
	case f.admin == "":
		return nil
	case (f.adminCert == "") != (f.adminKey == ""):
		return errors.New("--admin-cert and --admin-key: give both or neither")
	case f.adminCert == "" && !f.insecure && !server.IsLoopback(f.admin):
		return fmt.Errorf("--admin %s: not a loopback address, so the admin token would cross the network in clear text; "+
			"give --admin-cert and --admin-key (HTTPS), or --insecure-admin if that is really meant", f.admin)
	}
	return nil
}

// parseNS reads "NAME[=IP]" values; one name may be given several times to
// give it several addresses.
func parseNS(values []string) ([]server.NameServer, error) {
	var out []server.NameServer
	var errs []error
	for _, v := range values {
		name, ip, hasIP := strings.Cut(v, "=")
		ns := server.NameServer{Name: name}
		if zone, n, ok := strings.Cut(name, ":"); ok {
			ns.Zone, ns.Name = zone, n
		}
		if hasIP {
			a, err := netip.ParseAddr(ip)
			if err != nil {
				errs = append(errs, fmt.Errorf("%q: %q is not an IP address", v, ip))
				continue
			}
			ns.Addrs = []netip.Addr{a}
		}
		out = append(out, ns)
	}
	return out, errors.Join(errs...)
}

// loadOrCreateToken reads the token, or writes a new random one (mode 0600)
// when the file does not exist yet.
func loadOrCreateToken(streams clio.Streams, path string) (string, error) {
	if path == "" {
		return "", nil
	}
	tok, err := ferrydns.ReadToken(path)
	if err == nil {
		return tok, clio.Usage(checkTokenFile(path, tok))
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", clio.Usage(fmt.Errorf("--token-file: %w", err))
	}
	raw := make([]byte, 32)
	_, _ = rand.Read(raw) // crypto/rand.Read never fails on supported platforms
	tok = hex.EncodeToString(raw)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", clio.Failed(fmt.Errorf("creating token file: %w", err))
	}
	if err := os.WriteFile(path, []byte(tok+"\n"), 0o600); err != nil {
		return "", clio.Failed(fmt.Errorf("writing token file: %w", err))
	}
	fmt.Fprintf(streams.ErrOut, "generated a new admin token in %s (mode 0600)\n", path)
	return tok, nil
}

// checkTokenFile refuses the token of a server that anyone but its owner
// can read, or that is too short to be a secret.
func checkTokenFile(path, tok string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("--token-file: %w", err)
	}
	var errs []error
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		errs = append(errs, fmt.Errorf("--token-file: %s is readable or writable by group or others (mode %04o); chmod 600 it", path, perm))
	}
	if len(tok) < server.MinTokenLength {
		errs = append(errs, fmt.Errorf("--token-file: %s holds %d bytes, shorter than the %d an admin token needs", path, len(tok), server.MinTokenLength))
	}
	return errors.Join(errs...)
}
