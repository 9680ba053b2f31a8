package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/problem"
)

// base is embedded in every page's data: the layout reads it.
type base struct {
	cat     *i18n.Catalogue
	chromes *chromeCache
	Locale  i18n.Locale
	Title   string // catalogue key of the page title
	User    *auth.User
	Org     org.Org
	Role    org.Role
	Nav     string // the navigation item to highlight
	Flash   string // catalogue key of a one-line confirmation
	Error   string // translated error shown above a form
	Field   string // the form field at fault
	Path    string // current path, for the language switch
	Version string
}

// T translates key in the page's language.
func (b base) T(key string, args ...any) string { return b.cat.T(b.Locale, key, args...) }

// Can reports whether the viewer's role holds a permission (named as in
// package org), to show only the links they may follow.
func (b base) Can(p string) bool { return b.Role.Can(org.Permission(p)) }

// HasOrg reports whether the page belongs to an organisation.
func (b base) HasOrg() bool { return b.Org.ID != 0 }

// OrgURL prefixes p with the organisation's path.
func (b base) OrgURL(p string) string { return "/o/" + b.Org.Slug + p }

// OtherLocale is the language the switch offers.
func (b base) OtherLocale() i18n.Locale {
	if b.Locale == i18n.Japanese {
		return i18n.English
	}
	return i18n.Japanese
}

// page builds the base for a request.
func (s *Server) page(r *http.Request, title, nav string) base {
	st := stateOf(r)
	b := base{cat: s.Catalogue, chromes: s.chromes, Locale: st.locale, Title: title, Nav: nav, Path: r.URL.RequestURI(), Version: s.Version}
	if st.session != nil {
		b.User = st.user
	}
	b.Org, b.Role = st.org, st.role
	if f := r.URL.Query().Get("ok"); f != "" && s.Catalogue.Has("flash."+f) {
		b.Flash = "flash." + f
	}
	return b
}

// render writes page name with data. An htmx request gets only the
// "content" block (or the block named by fragment), others the whole layout.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if !s.execute(buf, r, name, data) {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	writeHTML(w, status, buf.Bytes())
}

// execute renders page name into buf, logging a failure.
func (s *Server) execute(buf *bytes.Buffer, r *http.Request, name string, data any) bool {
	t, ok := s.pages[name]
	if !ok {
		s.Logger.Error("missing page template", "component", "http", "page", name)
		return false
	}
	if err := t.ExecuteTemplate(buf, renderBlock(r), data); err != nil {
		s.Logger.Error("render", "component", "http", "page", name, "error", err)
		return false
	}
	return true
}

// renderBlock is the block a request gets: "content" for htmx, else the
// whole layout.
func renderBlock(r *http.Request) string {
	if r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Boosted") != "true" {
		return "content"
	}
	return "layout"
}

func writeHTML(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
}

// bufPool reuses render buffers: a page is rendered whole before any byte
// is sent, so that a template error can still become an error page.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

var statusOf = map[problem.Code]int{
	problem.Invalid:      http.StatusBadRequest,
	problem.NotFound:     http.StatusNotFound,
	problem.Conflict:     http.StatusConflict,
	problem.Unauthorized: http.StatusUnauthorized,
	problem.Forbidden:    http.StatusForbidden,
	problem.TooMany:      http.StatusTooManyRequests,
	problem.TooLarge:     http.StatusRequestEntityTooLarge,
	problem.Internal:     http.StatusInternalServerError,
}

type errorPage struct {
	base
	Status  int
	Message string
}

// fail is the one place errors become responses: the code picks the
// status, the catalogue the message; internal details are logged once and
// never shown.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if isAPI(r) {
		s.apiFail(w, r, err)
		return
	}
	code := problem.CodeOf(err)
	status := statusOf[code]
	key := "error.internal"
	var args []any
	if e, ok := problem.As(err); ok {
		key, args = e.Key, e.Args
		if e.Code == problem.Internal && e.Err != nil {
			s.Logger.Error("request failed", "component", "http", "path", r.URL.Path, "error", err)
		}
	} else {
		s.Logger.Error("request failed", "component", "http", "path", r.URL.Path, "error", err)
	}
	p := errorPage{base: s.page(r, "error.title", ""), Status: status}
	p.Message = p.T(key, args...)
	s.render(w, r, status, "error", p)
}

// formError renders a form page again with the problem shown next to it;
// errors that are not about the input go through fail.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, err error, name string, data any, b *base) {
	e, ok := problem.As(err)
	if !ok || (e.Code != problem.Invalid && e.Code != problem.Conflict && e.Code != problem.TooMany && e.Code != problem.Unauthorized) {
		s.fail(w, r, err)
		return
	}
	b.Error, b.Field = b.T(e.Key, e.Args...), e.Field
	s.render(w, r, statusOf[e.Code], name, data)
}

// redirect answers a successful post with 303 to target, adding a
// confirmation key.
func redirect(w http.ResponseWriter, r *http.Request, target, flash string) {
	if flash != "" {
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + "ok=" + url.QueryEscape(flash)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// parseForm reads a posted form, mapping an oversized body to 413.
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		if strings.Contains(err.Error(), "too large") {
			return problem.New(problem.TooLarge, "error.too_large")
		}
		return problem.New(problem.Invalid, "error.bad_form")
	}
	return nil
}

// localPath accepts only a path on this site as a place to return to.
func localPath(p string) string {
	if p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n") {
		return "/"
	}
	return p
}
