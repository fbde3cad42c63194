package importcmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/importer"
)

// written is what the command wrote, for the report.
type written struct {
	Draft        string   `json:"draft"`
	Placeholders []string `json:"placeholders"`
	Handoff      string   `json:"handoff,omitempty"`
}

// write writes the draft and the hand-off, refusing (before writing
// either) a file that exists unless --force.
func (o *options) write(res importer.Result) (*written, error) {
	w := &written{Draft: o.draft, Placeholders: res.Draft.Placeholders}
	var files []string
	if o.draft != "-" {
		files = append(files, o.draft)
	}
	if o.handoff != "" && res.Handoff != nil {
		files = append(files, o.handoff)
		w.Handoff = o.handoff
	}
	if !o.force {
		for _, f := range files {
			if _, err := os.Stat(f); err == nil {
				return nil, clio.Usage(fmt.Errorf("%s already exists; keep it, or overwrite it with --force", f))
			} else if !errors.Is(err, fs.ErrNotExist) {
				return nil, clio.Failed(err)
			}
		}
	}
	if o.draft == "-" {
		if _, err := o.streams.Out.Write(res.Draft.Text); err != nil {
			return nil, clio.Failed(err)
		}
	} else if err := writeFile(o.draft, res.Draft.Text); err != nil {
		return nil, err
	}
	if w.Handoff != "" {
		if err := writeFile(o.handoff, res.Handoff); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// writeFile replaces path by data at once: a reader sees the old file or
// the new one, never half of it.
func writeFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return clio.Failed(fmt.Errorf("writing %s: %w", path, err))
	}
	_, err = tmp.Write(data)
	err = errors.Join(err, tmp.Chmod(0o644), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return clio.Failed(fmt.Errorf("writing %s: %w", path, err))
	}
	return nil
}
