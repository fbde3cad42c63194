// Package secrets reads one key of a Secret for the controller: the DNS
// token of a migration, the URL of a notification. Reads are gets from
// the API server, never cached, and errors name the Secret, never its
// data.
package secrets
