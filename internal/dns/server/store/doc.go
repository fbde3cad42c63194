// Package store keeps the DNS server's record sets on disk so that they
// survive restarts and kill -9.
//
// Every change is one checksummed record appended to a write-ahead log and
// fsynced before Apply returns, so an acknowledged change is never lost. A
// change holds one or more operations that are applied together or not at
// all: a torn final record (the process died while writing it) fails its
// checksum and is cut off on the next Open, after the log is copied aside.
// A damaged record with intact records after it cannot be a torn write: it
// is corruption of acknowledged changes, and Open refuses to go on.
// Every so many changes the whole state is written to a snapshot (temporary
// file, fsync, rename, fsync of the directory) and the log starts again.
//
// Store does no validation of its own: the server decides what may be
// written, the store only makes it durable.
package store
