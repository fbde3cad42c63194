package clio

import (
	"errors"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Exit statuses shared by every command.
const (
	ExitOK     = 0
	ExitFailed = 1
	ExitUsage  = 2
)

// ExitError carries the exit status an error should end the process with.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// Usage marks err as bad input or usage (exit status 2).
func Usage(err error) error {
	if err == nil {
		return nil
	}
	return &ExitError{Code: ExitUsage, Err: err}
}

// Failed marks err as a failed operation (exit status 1).
func Failed(err error) error {
	if err == nil {
		return nil
	}
	return &ExitError{Code: ExitFailed, Err: err}
}

// Code is the exit status for err: 0 for nil, the code of the outermost
// ExitError in its chain, and 1 for any other error.
func Code(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return ExitFailed
}

// ErrReported marks an error whose details have already been written to the
// user (for example a list of validation problems). The root command prints
// nothing more for it and only uses its exit status:
//
//	return clio.Usage(clio.ErrReported)
var ErrReported = errors.New("problems reported above")

// FlagError is the FlagErrorFunc of ferry's commands: every flag mistake
// is bad usage (exit status 2). A value refused by one of clio's own flags
// (AddOutputFlag) already says what is wrong and is reported as it is,
// without pflag's `invalid argument "x" for "-o, --output" flag:` before it.
func FlagError(_ *cobra.Command, err error) error {
	var invalid *pflag.InvalidValueError
	var own *ExitError
	if errors.As(err, &invalid) && errors.As(invalid.Unwrap(), &own) {
		return own
	}
	return Usage(err)
}
