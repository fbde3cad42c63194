// Package dashboard implements "ferry dashboard": the web page that shows
// and steers migrations (see internal/dashboard for what it serves).
package dashboard
