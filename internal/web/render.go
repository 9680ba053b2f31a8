package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/calendar"
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
	Printed string // today, as the printed page's header says it
	// Evaluating shows that the organisation's findings are being brought
	// up to date (dashboard, findings, and the page an import lands on).
	Evaluating bool
	// MailGuard: the organisation has turned the mail guard on, so the
	// navigation offers its pages.
	MailGuard bool
}

// T translates key in the page's language.
func (b base) T(key string, args ...any) string { return b.cat.T(b.Locale, key, args...) }

// Date writes the day of t, in Japan, the way the reader's language does:
// 2026年12月6日 or 6 Dec 2026. Every date on a page goes through Date,
// DateTime or Day.
func (b base) Date(t time.Time) string { return i18n.FormatDate(b.Locale, t.In(calendar.Japan)) }

// DateTime writes the day and time of t, in Japan.
func (b base) DateTime(t time.Time) string {
	return i18n.FormatDateTime(b.Locale, t.In(calendar.Japan))
}

// Day writes a calendar day kept as text (2026-12-06) like Date; other
// text (「退職後7年」) as it is.
func (b base) Day(day string) string { return i18n.FormatDay(b.Locale, day) }

// Can reports whether the viewer's role holds a permission (named as in
// package org), to show only the links they may follow.
func (b base) Can(p string) bool { return b.Role.Can(org.Permission(p)) }

// HasOrg reports whether the page belongs to an organisation.
func (b base) HasOrg() bool { return b.Org.ID != 0 }

// OrgURL prefixes p with the organisation's path.
func (b base) OrgURL(p string) string { return "/o/" + b.Org.Slug + p }

// LanguageName is l's name in l itself (日本語, English), for the
// language menu.
func (b base) LanguageName(l i18n.Locale) string { return b.cat.T(l, "language.name") }

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
	if st.org.ID != 0 {
		b.MailGuard, _ = s.DB.Tenant(st.org.ID).MailguardEnabled(r.Context()) // in doubt, no link
	}
	b.Printed = b.Date(s.Now())
	if f := r.URL.Query().Get("ok"); f != "" && s.Catalogue.Has("flash."+f) {
		b.Flash = "flash." + f
	}
	if st.org.ID != 0 && (nav == "dashboard" || nav == "findings" || b.Flash == "flash.imported") {
		ev, err := s.DB.Tenant(st.org.ID).Evaluation(r.Context())
		b.Evaluating = err == nil && ev.Busy()
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
// confirmation key. Targets are built by handlers, partly from stored
// values (slugs, ids); they go through localPath all the same.
func redirect(w http.ResponseWriter, r *http.Request, target, flash string) {
	if flash != "" {
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + "ok=" + url.QueryEscape(flash)
	}
	http.Redirect(w, r, localPath(target), http.StatusSeeOther)
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

// localPath returns p as a path on this site, or "/" when p could lead
// anywhere else. It does not compare strings against a list of tricks: it
// refuses every byte a browser strips or reinterprets inside a URL (C0
// controls, DEL, backslash, which browsers read as "/"), parses what is
// left, keeps only the path and query, and refuses a path that, once
// percent-decoded, has "//", a backslash or a dot segment in it (each of
// which a later parser could turn into "//host"). The result is rebuilt by
// net/url, so it carries no byte that was not escaped by us.
func localPath(p string) string {
	const home = "/"
	if p == "" || p[0] != '/' {
		return home
	}
	if strippedByBrowsers(p) {
		return home
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Opaque != "" || u.User != nil || u.Host != "" {
		return home
	}
	if !strings.HasPrefix(u.Path, "/") || strings.Contains(u.Path, "//") || strippedByBrowsers(u.Path) || hasDotSegment(u.Path) {
		return home
	}
	out := url.URL{Path: u.Path, RawPath: u.RawPath, RawQuery: escapeQuery(u.RawQuery)}
	return out.String()
}

// strippedByBrowsers reports whether s has a byte that browsers remove from
// a URL or read as another one: C0 controls, DEL and the backslash.
func strippedByBrowsers(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return true
		}
	}
	return false
}

// hasDotSegment reports whether path has a "." or ".." segment, which a
// browser removes before it reads the rest ("/.//host" becomes "//host").
func hasDotSegment(path string) bool {
	for _, seg := range strings.Split(path, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// escapeQuery percent-encodes the bytes a query may not carry as they are
// (space, quotes, angle brackets, non-ASCII…), leaving its structure alone.
func escapeQuery(q string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"#<>\\^`{|}", c) >= 0 {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
