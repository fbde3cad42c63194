package dashboard

import (
	"context"
	"crypto/subtle"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"ferry.dev/ferry/internal/migrate"
)

//go:embed assets
var assets embed.FS

// csrfHeader carries the page's CSRF token on every POST.
const csrfHeader = "X-Ferry-CSRF"

// Handler serves the page, its assets, the API and the stream.
//
//	GET  /                                   the page
//	GET  /assets/...                         its script and styles
//	GET  /api/snapshot                       the latest Snapshot as JSON
//	GET  /api/stream                         SSE: history, then snapshot and samples events
//	POST /api/migrations/{source}/{domain}/{command}   an operator command
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(assets, "assets") // the directory is embedded
	mux.HandleFunc("GET /{$}", s.page)
	mux.Handle("GET /assets/", http.StripPrefix("/assets/", http.FileServerFS(static)))
	mux.HandleFunc("GET /api/snapshot", s.snapshot)
	mux.HandleFunc("GET /api/stream", s.stream)
	mux.HandleFunc("POST /api/migrations/{source}/{domain}/{command}", s.command)
	return s.guard(mux)
}

// guard applies the access rules to every request: the token (or a
// loopback Host when there is none), CSRF on anything but GET, and
// headers that keep the page from running anything not its own.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		if why := s.refuseAccess(w, r); why != "" {
			status := http.StatusUnauthorized
			if s.o.Token == "" {
				status = http.StatusForbidden
			}
			http.Error(w, why, status)
			return
		}
		if r.URL.Query().Has("token") && r.Method == http.MethodGet {
			// The cookie is set; drop the token from the address bar
			// and the browser's history.
			http.Redirect(w, r, r.URL.Path, http.StatusSeeOther)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if why := s.refuseCSRF(r); why != "" {
				http.Error(w, why, http.StatusForbidden)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// refuseAccess says why r may not be answered, or "".
func (s *Server) refuseAccess(w http.ResponseWriter, r *http.Request) string {
	if s.o.Token == "" {
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = r.Host
		}
		if !isLoopback(host) {
			return "this dashboard answers only loopback names (start it with a token to serve others)"
		}
		return ""
	}
	given := r.URL.Query().Get("token")
	if c, err := r.Cookie("ferry_token"); given == "" && err == nil {
		given = c.Value
	}
	if a := r.Header.Get("Authorization"); given == "" && len(a) > 7 && a[:7] == "Bearer " {
		given = a[7:]
	}
	if subtle.ConstantTimeCompare([]byte(given), []byte(s.o.Token)) != 1 {
		return "a valid token is required"
	}
	if r.URL.Query().Get("token") != "" {
		http.SetCookie(w, &http.Cookie{Name: "ferry_token", Value: s.o.Token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	}
	return ""
}

// refuseCSRF says why a state-changing request may not be trusted, or "":
// it must carry the page's token, and come from the page's own origin when
// the browser says where it comes from.
func (s *Server) refuseCSRF(r *http.Request) string {
	if subtle.ConstantTimeCompare([]byte(r.Header.Get(csrfHeader)), []byte(s.csrf)) != 1 {
		return "missing or wrong " + csrfHeader + " header (reload the page)"
	}
	if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host && o != "https://"+r.Host {
		return fmt.Sprintf("cross-origin request from %s refused", o)
	}
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return "cross-site request refused"
	}
	return ""
}

var pageTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.ParseFS(assets, "assets/index.html"))
})

func (s *Server) page(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = pageTemplate().Execute(w, map[string]string{"CSRF": s.csrf})
}

func (s *Server) snapshot(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(s.hub.latest())
}

// stream sends the whole picture, then every change, as Server-Sent
// Events, with a comment every 15s so proxies keep the connection open.
func (s *Server) stream(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	first, c, cancel := s.hub.subscribe()
	defer cancel()
	for _, e := range first {
		writeEvent(w, e)
	}
	fl.Flush()
	keep := time.NewTicker(15 * time.Second)
	defer keep.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case e, open := <-c:
			if !open {
				return
			}
			writeEvent(w, e)
		case <-keep.C:
			_, _ = fmt.Fprint(w, ": keep-alive\n\n")
		}
		fl.Flush()
	}
}

// writeEvent frames e; its data is one line of JSON.
func writeEvent(w http.ResponseWriter, e event) {
	_, _ = fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", e.id, e.name, e.data)
}

// commandResult is the answer to a command.
type commandResult struct {
	OK      bool   `json:"ok"`
	Message string `json:"message"`
}

// command hands an operator command to a migration, refusing it when its
// stage does not allow it (migrate.Allowed, the rule the buttons show).
func (s *Server) command(w http.ResponseWriter, r *http.Request) {
	i, err := strconv.Atoi(r.PathValue("source"))
	if err != nil || i < 0 || i >= len(s.o.Sources) {
		writeResult(w, http.StatusNotFound, fmt.Sprintf("no source %q", r.PathValue("source")))
		return
	}
	src, domain, kind := s.o.Sources[i], r.PathValue("domain"), migrate.CommandKind(r.PathValue("command"))
	m, found, err := find(r.Context(), src, domain)
	switch {
	case err != nil:
		writeResult(w, http.StatusBadGateway, err.Error())
		return
	case !found:
		writeResult(w, http.StatusNotFound, fmt.Sprintf("no migration of %s in %s", domain, src.Name()))
		return
	}
	why, known := migrate.Allowed(m.State)[kind]
	switch {
	case !known:
		writeResult(w, http.StatusBadRequest, fmt.Sprintf("unknown command %q", kind))
		return
	case why != "":
		writeResult(w, http.StatusConflict, fmt.Sprintf("%s refused: %s", kind, why))
		return
	}
	msg, err := src.Control(r.Context(), domain, kind)
	if err != nil {
		writeResult(w, http.StatusConflict, err.Error())
		return
	}
	s.Refresh(r.Context()) // every page sees the effect at once
	writeResult(w, http.StatusOK, msg)
}

func find(ctx context.Context, src Source, domain string) (Migration, bool, error) {
	ms, err := src.Migrations(ctx)
	if err != nil {
		return Migration{}, false, err
	}
	for _, m := range ms {
		if m.State.Config.Domain == domain {
			return m, true, nil
		}
	}
	return Migration{}, false, nil
}

func writeResult(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(commandResult{OK: status == http.StatusOK, Message: msg})
}
