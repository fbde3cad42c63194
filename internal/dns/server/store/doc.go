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
// Replay requires consecutive revisions, so a record missing whole is
// found too. Every so many changes the whole state is written to a
// snapshot with its CRC-32C (temporary file, fsync, rename, fsync of the
// directory) and the log starts again.
//
// A secondary's store takes its primary's changes with their revisions
// (Append, one fsync per batch) or its whole state (Reset); a primary's
// keeps its last changes in memory for them (Since, Watch).
//
// Store does no validation of its own: the server decides what may be
// written, the store only makes it durable.
package store
