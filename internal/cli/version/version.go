package version

import (
	"encoding/json"
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
	var output string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print ferry's version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			info := current()
			switch output {
			case "json":
				enc := json.NewEncoder(streams.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(info)
			case "":
				_, err := fmt.Fprintf(streams.Out, "ferry %s (%s, %s)\n", info.Version, info.GoVersion, info.Platform)
				return err
			default:
				return clio.Usage(fmt.Errorf("--output %q: want json or nothing", output))
			}
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "output format: json")
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
