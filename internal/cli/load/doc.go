// Package load reads the service file for a command: the -f flag every
// file-reading command shares, and the printing of load problems.
package load
