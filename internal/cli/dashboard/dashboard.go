package dashboard

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/dashboard"
	"ferry.dev/ferry/internal/kube"
)

type flags struct {
	addr      string
	tokenFile string
	stateDirs []string
	deploys   bool
	kube      kube.Flags
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
and abort; with --deploys, each release's services and history too. It
updates live over one Server-Sent Events stream.

It listens on loopback unless told otherwise; any other address needs a
token (from --token-file, or a new one printed in the URL).`,
		Example: `  ferry dashboard
  ferry dashboard --state-dir team-a/.ferry --state-dir team-b/.ferry
  ferry dashboard --addr 0.0.0.0:7070 --token-file dashboard.token
  ferry dashboard --deploys -n shop   # and the releases deployed to namespace shop`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return f.run(cmd, streams) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", "127.0.0.1:7070", "address to listen on")
	fl.StringVar(&f.tokenFile, "token-file", "", "file holding the token every request must carry (required off loopback; default: a new one)")
	fl.StringArrayVar(&f.stateDirs, "state-dir", []string{".ferry"}, "a state directory to show (repeatable)")
	fl.BoolVar(&f.deploys, "deploys", false, "also show the releases that ferry deploy recorded in the kubeconfig's namespace")
	f.kube.Add(fl)
	return cmd
}

func (f *flags) run(cmd *cobra.Command, streams clio.Streams) error {
	token, err := f.token()
	if err != nil {
		return err
	}
	opt, err := f.options()
	if err != nil {
		return err
	}
	ln, err := dashboard.Listen(f.addr, token)
	if err != nil {
		return clio.Failed(err)
	}
	defer func() { _ = ln.Close() }() // Serve closes it too; a second close is harmless
	opt.Token = ln.Token              // the file's, or a new one off loopback
	srv, err := dashboard.New(opt)
	if err != nil {
		return clio.Failed(err)
	}
	fmt.Fprintf(streams.ErrOut, "ferry dashboard: %s (Ctrl-C stops it)\n", ln.URL)
	if err := srv.Serve(cmd.Context(), ln); err != nil { // until Ctrl-C (cmd/ferry)
		return clio.Failed(err)
	}
	return nil
}

// token is --token-file's content, or none.
func (f *flags) token() (string, error) {
	if f.tokenFile == "" {
		return "", nil
	}
	data, err := os.ReadFile(f.tokenFile)
	if err != nil {
		return "", clio.Usage(fmt.Errorf("--token-file: %w", err))
	}
	token := strings.TrimSpace(string(data))
	if token == "" {
		return "", clio.Usage(fmt.Errorf("--token-file %s is empty", f.tokenFile))
	}
	return token, nil
}

// options turns the flags into the dashboard's sources.
func (f *flags) options() (dashboard.Options, error) {
	var opt dashboard.Options
	for _, d := range f.stateDirs {
		l, err := dashboard.NewLocal(d)
		if err != nil {
			return opt, clio.Usage(fmt.Errorf("--state-dir: %w", err))
		}
		opt.Sources = append(opt.Sources, l)
	}
	if f.deploys {
		client, err := f.kube.Connect()
		if err != nil {
			return opt, clio.Usage(err)
		}
		opt.Deploys = []dashboard.DeploySource{&dashboard.Cluster{Client: client}}
	}
	return opt, nil
}
