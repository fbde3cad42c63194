package dashboard

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/dashboard"
)

type flags struct {
	addr      string
	tokenFile string
	stateDirs []string
}

// NewCommand returns "ferry dashboard".
func NewCommand(streams clio.Streams) *cobra.Command {
	f := &flags{}
	cmd := &cobra.Command{
		Use:   "dashboard",
		Short: "Watch and steer migrations in a browser: traffic split, gates, timeline, rollback",
		Long: `ferry dashboard serves a web page showing every migration in the given state
directories (default .ferry, where ferry migrate keeps them): stage and step,
the weights set in DNS, each side's gate figures against their thresholds,
the timeline of decisions, and buttons for promote, pause, resume, rollback
and abort. It updates live over one Server-Sent Events stream.

It listens on loopback unless told otherwise; any other address needs a
token (from --token-file, or a new one printed in the URL).`,
		Example: `  ferry dashboard
  ferry dashboard --state-dir team-a/.ferry --state-dir team-b/.ferry
  ferry dashboard --addr 0.0.0.0:7070 --token-file dashboard.token`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return f.run(cmd, streams) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", "127.0.0.1:7070", "address to listen on")
	fl.StringVar(&f.tokenFile, "token-file", "", "file holding the token every request must carry (required off loopback; default: a new one)")
	fl.StringArrayVar(&f.stateDirs, "state-dir", []string{".ferry"}, "a state directory to show (repeatable)")
	return cmd
}

func (f *flags) run(cmd *cobra.Command, streams clio.Streams) error {
	var sources []dashboard.Source
	for _, d := range f.stateDirs {
		l, err := dashboard.NewLocal(d)
		if err != nil {
			return clio.Usage(fmt.Errorf("--state-dir: %w", err))
		}
		sources = append(sources, l)
	}
	token := ""
	if f.tokenFile != "" {
		data, err := os.ReadFile(f.tokenFile)
		if err != nil {
			return clio.Usage(fmt.Errorf("--token-file: %w", err))
		}
		if token = strings.TrimSpace(string(data)); token == "" {
			return clio.Usage(fmt.Errorf("--token-file %s is empty", f.tokenFile))
		}
	}
	ln, err := dashboard.Listen(f.addr, token)
	if err != nil {
		return clio.Failed(err)
	}
	srv, err := dashboard.New(dashboard.Options{Sources: sources, Token: ln.Token})
	if err != nil {
		_ = ln.Close()
		return clio.Failed(err)
	}
	fmt.Fprintf(streams.ErrOut, "ferry dashboard: %s (Ctrl-C stops it)\n", ln.URL)
	if err := srv.Serve(cmd.Context(), ln); err != nil { // until Ctrl-C (cmd/ferry)
		return clio.Failed(err)
	}
	return nil
}
