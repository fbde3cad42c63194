package dns

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
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
	fl.StringArrayVar(&f.ns, "ns", nil, "an NS record of every --zone zone, as NAME or NAME=IP; an IP is served as the name's A/AAAA record (repeatable; the first is the SOA's MNAME; default ns1.ZONE)")
	fl.StringArrayVar(&f.zoneFiles, "zone-file", nil, "an RFC 1035 zone file, optionally as ORIGIN=FILE (repeatable)")
	fl.StringVar(&f.listen, "listen", defaultListen, "UDP and TCP address for DNS")
	fl.StringVar(&f.admin, "admin", defaultAdmin, "address of the admin HTTP API")
	fl.StringVar(&f.data, "data", "", "directory holding the records (created if missing)")
	fl.StringVar(&f.tokenFile, "token-file", os.Getenv(envTokenFile), "admin API token; generated there if missing (env "+envTokenFile+")")
	return cmd
}

func runServe(cmd *cobra.Command, streams clio.Streams, f serveFlags) error {
	cfg, err := f.config()
	if err != nil {
		return clio.Usage(err)
	}
	token, err := loadOrCreateToken(streams, f.tokenFile)
	if err != nil {
		return err
	}
	cfg.Token = token
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
		"admin", srv.AdminURL(), "data", cfg.DataDir, "revision", srv.Revision())
	<-ctx.Done()
	cfg.Logger.Info("stopping")
	return clio.Failed(srv.Close())
}

// config turns the flags into a server configuration, loading zone files.
func (f serveFlags) config() (server.Config, error) {
	var errs []error
	cfg := server.Config{DNSAddr: f.listen, AdminAddr: f.admin, DataDir: f.data}
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
	return cfg, errors.Join(errs...)
}

// parseNS reads "NAME[=IP]" values; one name may be given several times to
// give it several addresses.
func parseNS(values []string) ([]server.NameServer, error) {
	var out []server.NameServer
	var errs []error
	for _, v := range values {
		name, ip, hasIP := strings.Cut(v, "=")
		ns := server.NameServer{Name: name}
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
		return tok, nil
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
