// Package clio holds what every ferry command shares at its edge: the I/O
// streams it writes to, terminal detection, the -o/--output flag and the
// one JSON writer behind every -o json (AddOutputFlag, WriteJSON), and the
// mapping from errors to exit statuses (0 success, 1 the operation failed,
// 2 bad input or usage).
//
// It makes no decisions; commands wrap their errors with Usage or Failed and
// the root command turns them into an exit status with Code.
package clio
