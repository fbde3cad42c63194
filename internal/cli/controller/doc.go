// Package controller is "ferry controller": run the reconcilers of ferry's
// custom resources (internal/controller), and install or uninstall them.
// Flags become options here; the work is internal/controller's.
package controller
