// Package dashboard is ferry's web UI: an HTTP API, a Server-Sent Events
// stream and the page that uses them, embedded in the binary (plain HTML,
// CSS and JavaScript, no build step, nothing fetched from elsewhere).
//
// What it shows comes from Sources: a Source lists the migrations it can
// see and hands operator commands to them. Local reads state directories
// (.ferry/ next to a service file), the same files `ferry migrate` keeps;
// an in-cluster source (Migration objects, once ferry's controller exists)
// implements the same interface. A TrafficSource, when there is one (the
// demo's clients), adds the requests each side really served, from which
// the observed split is drawn next to the weights DNS was set to.
//
// One poller reads the sources every Options.Every and pushes what changed
// to every open page over one SSE stream; a page that reconnects gets the
// whole picture again (history first), so nothing polls per client.
//
// Safety: the server listens on loopback unless given a token, which every
// request must then carry; without a token it answers only requests whose
// Host is a loopback name (against DNS rebinding). Every state-changing
// request is a POST carrying the page's per-server CSRF token in a header,
// and an Origin, when sent, must be the server's own. The page writes data
// only through textContent, never as HTML, and a Content-Security-Policy
// allows nothing but the server's own scripts and styles.
//
// The package never writes to the terminal; Serve logs through the
// slog.Logger it is given.
package dashboard
