package version

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
)

// Version is set at build time with -ldflags "-X ferry.dev/ferry/internal/cli/version.Version=v1.2.3".
var Version = "dev"

// Info is what "ferry version -o json" prints.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit,omitempty"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

// NewCommand returns "ferry version".
func NewCommand(streams clio.Streams) *cobra.Command {
	var output clio.Format
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print ferry's version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			info := current()
			if output == clio.JSON {
				return clio.WriteJSON(streams.Out, info)
			}
			_, err := fmt.Fprintf(streams.Out, "ferry %s (%s, %s)\n", info.Version, info.GoVersion, info.Platform)
			return err
		},
	}
	clio.AddOutputFlag(cmd.Flags(), &output, clio.Table, clio.JSON)
	return cmd
}

func current() Info {
	info := Info{Version: Version, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				info.Commit = s.Value
			}
		}
	}
	return info
}
