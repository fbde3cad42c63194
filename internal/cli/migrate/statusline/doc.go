// Package statusline draws a running operation on a writer (stderr): whole
// lines (events, logs), and on a terminal one live status line redrawn in
// place below them. "ferry migrate start" and "ferry demo" share it.
package statusline
