package web

import (
	"net/http"
	"net/url"

	"github.com/mamori-sec/mamori/internal/problem"
)

// healthz answers load balancers and the end-to-end tests: 200 when the
// database answers.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.DB.Ping(r.Context()); err != nil {
		s.Logger.Error("health", "component", "http", "error", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return
	}
	w.Write([]byte("ok\n"))
}

// staticFile serves embedded files under content-hash names, cached for a
// year: a new build gives new names.
func (s *Server) staticFile(w http.ResponseWriter, r *http.Request) {
	f, ok := s.static[r.PathValue("file")]
	if !ok {
		s.notFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(f.body)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, problem.ErrNotFound)
}

func urlEscape(s string) string { return url.QueryEscape(s) }
