package dns

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"ferry.dev/ferry/internal/cli/clio"
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
// provider: ferry's admin API, or Route 53.
type clientFlags struct {
	provider     string
	server       string
	tokenFile    string
	endpoint     string
	hostedZoneID string
}

func (f *clientFlags) add(fs *pflag.FlagSet) {
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

// dnsProvider builds the provider --provider names, through the one
// registry; bad settings are usage errors.
func (f *clientFlags) dnsProvider(ctx context.Context) (ferrydns.Provider, error) {
	if f.provider == "ferry" {
		return f.client()
	}
	settings := map[string]string{}
	for k, v := range map[string]string{"endpoint": f.endpoint, "hostedZoneId": f.hostedZoneID} {
		if v != "" {
			settings[k] = v
		}
	}
	p, err := providers.Registry().New(ctx, f.provider, ferrydns.Settings{Settings: settings})
	if err != nil {
		return nil, clio.Usage(fmt.Errorf("--provider %s: %w", f.provider, err))
	}
	return p, nil
}

// client builds the admin API client; its errors are usage errors.
func (f *clientFlags) client() (*adminclient.Client, error) {
	if f.provider != "ferry" {
		return nil, clio.Usage(fmt.Errorf("--provider %s: listing every record is for ferry's server only (for Route 53: aws route53 list-resource-record-sets)", f.provider))
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
