package clio

import (
	"errors"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func TestAddOutputFlag(t *testing.T) {
	tests := []struct {
		name    string
		formats []Format
		args    []string
		want    Format
		wantErr string // "" for none
	}{
		{name: "default is the first format", formats: []Format{Table, JSON}, want: Table},
		{name: "json", formats: []Format{Table, JSON}, args: []string{"-o", "json"}, want: JSON},
		{name: "long form", formats: []Format{YAML, JSON}, args: []string{"--output=json"}, want: JSON},
		{name: "table by name", formats: []Format{Table, JSON}, args: []string{"-o", "table"}, want: Table},
		{name: "empty means the default", formats: []Format{YAML, JSON}, args: []string{"-o", ""}, want: YAML},
		{name: "unsupported", formats: []Format{Table, JSON}, args: []string{"-o", "yaml"}, wantErr: `--output "yaml": want table or json`},
		{name: "three formats", formats: []Format{Table, JSON, YAML}, args: []string{"-o", "xml"}, wantErr: "want table, json or yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
			var got Format
			AddOutputFlag(fs, &got, tt.formats...)
			err := fs.Parse(tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || Code(err) != ExitUsage {
					t.Errorf("Parse(%q) = %v (exit %d), want an error with %q and exit 2", tt.args, err, Code(err), tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Parse(%q) = %q, %v; want %q", tt.args, got, err, tt.want)
			}
		})
	}
}

// TestFlagError: through a command, a refused -o value reads as clio words
// it; other flag mistakes keep pflag's words; all exit 2.
func TestFlagError(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // the whole message
	}{
		{name: "refused format", args: []string{"-o", "xml"}, want: `--output "xml": want table or json`},
		{name: "bad duration", args: []string{"--wait", "soon"}, want: `invalid argument "soon" for "--wait" flag: time: invalid duration "soon"`},
		{name: "unknown flag", args: []string{"--nope"}, want: "unknown flag: --nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var format Format
			cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return errors.New("ran") }}
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			AddOutputFlag(cmd.Flags(), &format, Table, JSON)
			cmd.Flags().Duration("wait", 0, "")
			cmd.SetFlagErrorFunc(FlagError)
			cmd.SetArgs(tt.args)
			err := cmd.Execute()
			if err == nil || err.Error() != tt.want || Code(err) != ExitUsage {
				t.Errorf("Execute(%q) = %v (exit %d), want %q and exit 2", tt.args, err, Code(err), tt.want)
			}
		})
	}
}
