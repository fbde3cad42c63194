// Package probe measures one side of a migration at a time over HTTP(S).
//
// A Prober dials the side's own address (legacy or cluster) whatever DNS
// says, sends the migrated domain as the Host header and as the TLS server
// name, and records each outcome in a sliding Window from which success
// ratio and latency percentiles are read. Parity compares both sides'
// answers to the same requests.
package probe
