package dns

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/load"
	ferrydns "ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/adminclient"
	"ferry.dev/ferry/internal/dns/providers"
)

// Defaults shared by serve and the client commands.
const (
	defaultListen = "127.0.0.1:1053"
	defaultAdmin  = "127.0.0.1:8053"
	envServer     = "FERRY_DNS_SERVER"
	envTokenFile  = "FERRY_DNS_TOKEN_FILE"
)

// NewCommand returns "ferry dns" and its subcommands.
func NewCommand(streams clio.Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dns",
		Short: "Run ferry's weighted DNS server and change its records",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	cmd.AddCommand(newServeCommand(streams), newGetCommand(streams), newListCommand(streams), newSetCommand(streams), newDeleteCommand(streams), newWebhookCommand(streams))
	return cmd
}

// clientFlags are the flags of every command that talks to a DNS
// provider: ferry's admin API or Route 53 named by flags, or whatever
// provider a service file's migration.dns names (-f).
type clientFlags struct {
	provider     string
	server       string
	tokenFile    string
	endpoint     string
	hostedZoneID string
	file         string

	fs      *pflag.FlagSet
	streams clio.Streams
}

// connFlags are the flags -f stands in for.
var connFlags = []string{"provider", "server", "token-file", "endpoint", "hosted-zone-id"}

func (f *clientFlags) add(fs *pflag.FlagSet, streams clio.Streams) {
	f.fs, f.streams = fs, streams
	server := os.Getenv(envServer)
	if server == "" {
		server = "http://" + defaultAdmin
	}
	fs.StringVar(&f.server, "server", server, "admin API URL of the DNS server (env "+envServer+")")
	fs.StringVar(&f.tokenFile, "token-file", os.Getenv(envTokenFile), "file holding the admin API token (env "+envTokenFile+")")
	fs.StringVar(&f.provider, "provider", "ferry", "DNS provider: ferry (the admin API) or route53 (credentials from the standard AWS chain)")
	fs.StringVar(&f.endpoint, "endpoint", "", "route53: API address of a local stand-in (default AWS_ENDPOINT_URL_ROUTE_53, else AWS)")
	fs.StringVar(&f.hostedZoneID, "hosted-zone-id", "", "route53: the hosted zone (default: the zone with the longest name matching each record)")
}

// addFile registers -f, for the commands that work with every provider.
func (f *clientFlags) addFile(fs *pflag.FlagSet) {
	fs.StringVarP(&f.file, "file", "f", "", "take the provider and its settings from this service file's migration.dns instead of the flags above")
}

// dnsProvider builds the provider -f or --provider names, through the one
// registry; bad settings are usage errors.
func (f *clientFlags) dnsProvider(ctx context.Context) (ferrydns.Provider, error) {
	if f.file != "" {
		return f.fromFile(ctx)
	}
	if f.provider == "ferry" {
		return f.client()
	}
	settings := map[string]string{}
	for k, v := range map[string]string{"endpoint": f.endpoint, "hostedZoneId": f.hostedZoneID} {
		if v != "" {
			settings[k] = v
		}
	}
	return newProvider(ctx, "--provider "+f.provider, f.provider, ferrydns.Settings{Settings: settings})
}

// fromFile builds the provider of the service file's migration.dns, the
// one `ferry migrate` uses. A connection flag given beside -f is refused
// rather than silently ignored.
func (f *clientFlags) fromFile(ctx context.Context) (ferrydns.Provider, error) {
	for _, name := range connFlags {
		if f.fs != nil && f.fs.Changed(name) {
			return nil, clio.Usage(fmt.Errorf("--%s: the provider comes from -f %s (migration.dns); give one or the other", name, f.file))
		}
	}
	file, err := load.File(f.streams, f.file)
	if err != nil {
		return nil, err
	}
	m := file.Migration
	return newProvider(ctx, f.file+": migration.dns", m.Provider, ferrydns.Settings{
		Server: m.Server, TokenFile: m.TokenFile, Settings: m.DNSSettings, BaseDir: filepath.Dir(f.file),
	})
}

// newProvider builds provider name from the registry; what names the
// settings (a flag, a file) prefixes its errors.
func newProvider(ctx context.Context, what, name string, s ferrydns.Settings) (ferrydns.Provider, error) {
	p, err := providers.Registry().New(ctx, name, s)
	if errors.Is(err, ferrydns.ErrInvalid) {
		return nil, clio.Usage(fmt.Errorf("%s: %w", what, err))
	}
	if err != nil {
		return nil, clio.Failed(fmt.Errorf("%s: %w", what, err))
	}
	return p, nil
}

// client builds the admin API client from the flags; its errors are usage
// errors.
func (f *clientFlags) client() (*adminclient.Client, error) {
	if f.provider != "ferry" {
		return nil, clio.Usage(fmt.Errorf("--provider %s: this command works with ferry's own DNS server only", f.provider))
	}
	if f.tokenFile == "" {
		return nil, clio.Usage(errors.New("--token-file: must be set (or " + envTokenFile + ")"))
	}
	token, err := ferrydns.ReadToken(f.tokenFile)
	if err != nil {
		return nil, clio.Usage(fmt.Errorf("--token-file: %w", err))
	}
	c, err := adminclient.New(f.server, token, nil)
	if err != nil {
		return nil, clio.Usage(fmt.Errorf("--server/--token-file: %w", err))
	}
	return c, nil
}
