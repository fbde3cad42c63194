//go:build !windows

package companion

import (
	"os"
	"syscall"
)

// exeSuffix ends the name of an executable file.
const exeSuffix = ""

// replace replaces this process with path run with argv.
func replace(path string, argv []string) error {
	return syscall.Exec(path, argv, os.Environ())
}
