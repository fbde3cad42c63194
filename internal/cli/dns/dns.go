package dns

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"ferry.dev/ferry/internal/cli/clio"
	ferrydns "ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/adminclient"
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

// clientFlags are the flags of every command that talks to the admin API.
type clientFlags struct {
	server    string
	tokenFile string
}

func (f *clientFlags) add(fs *pflag.FlagSet) {
	server := os.Getenv(envServer)
	if server == "" {
		server = "http://" + defaultAdmin
	}
	fs.StringVar(&f.server, "server", server, "admin API URL of the DNS server (env "+envServer+")")
	fs.StringVar(&f.tokenFile, "token-file", os.Getenv(envTokenFile), "file holding the admin API token (env "+envTokenFile+")")
}

// client builds the admin API client; its errors are usage errors.
func (f *clientFlags) client() (*adminclient.Client, error) {
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
