package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/problem"
)

const (
	sessionCookie = "mamori_session"
	localeCookie  = "mamori_lang"
	amrToken      = "token" // the session of a script signed in with an API token
)

// contentSecurityPolicy allows nothing inline and nothing from elsewhere.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// hsts pins browsers to HTTPS for two years, subdomains included.
const hsts = "max-age=63072000; includeSubDomains"

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		if s.BehindTLSProxy || r.TLS != nil {
			h.Set("Strict-Transport-Security", hsts)
		}
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (s *Server) logRequests(next http.Handler) http.Handler {
	log := s.Logger.With("component", "http")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if r.URL.Path == "/healthz" || strings.HasPrefix(r.URL.Path, "/static/") {
			return
		}
		// The public near-miss channel leaves no line: a logged time next
		// to its path would date an anonymous report to the second.
		if strings.HasPrefix(r.URL.Path, "/h/") {
			return
		}
		// The path only: query strings and link tokens stay out of the log.
		p := r.URL.Path
		if strings.HasPrefix(p, "/signin/link/") {
			p = "/signin/link/…"
		}
		log.Debug("request", "method", r.Method, "path", p, "status", sw.status, "duration_ms", time.Since(start).Milliseconds())
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Logger.Error("panic", "component", "http", "path", r.URL.Path, "error", v)
				s.fail(w, r, errors.New("panic"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func (s *Server) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	// This runs before the session and locale middleware: pick the
	// language from the browser alone.
	r = withState(r, &state{locale: requestLocale(r, "")})
	s.fail(w, r, problem.New(problem.Forbidden, "error.cross_origin"))
}

// limitBody bounds every request body to MaxFormBytes, except the routes
// that take a file (isUpload), whose handlers apply uploadLimit.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Method != http.MethodGet && r.Method != http.MethodHead && !isUpload(r) {
			if r.ContentLength > s.MaxFormBytes {
				s.fail(w, withState(r, &state{locale: requestLocale(r, "")}), problem.New(problem.TooLarge, "error.too_large"))
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, s.MaxFormBytes)
		}
		next.ServeHTTP(w, r)
	})
}

// withSession looks up the session cookie. A full session signs the user
// in; a half-way one (second factor awaited) is only kept as pending.
func (s *Server) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &state{}
		if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			// A script with a personal API token: it acts as its user,
			// through the same authorisation as the browser, on the JSON
			// API only. Pages, /account and signing out need a session.
			bare := withState(r, &state{locale: requestLocale(r, "")})
			if !isAPI(r) {
				s.fail(w, bare, problem.New(problem.Unauthorized, "error.token_api_only"))
				return
			}
			u, t, err := s.DB.UserByAPIToken(r.Context(), auth.HashToken(strings.TrimSpace(tok)))
			switch {
			case errors.Is(err, problem.ErrNotFound):
				s.fail(w, bare, problem.New(problem.Unauthorized, "error.token_invalid"))
				return
			case err != nil:
				s.fail(w, bare, err)
				return
			}
			st.session, st.user, st.token = &auth.Session{UserID: u.ID, Stage: auth.StageFull, AMR: amrToken}, &u, &t
			next.ServeHTTP(w, withState(r, st))
			return
		}
		// The public near-miss channel does not read the session: a
		// signed-in browser filing anonymously is not known to the page,
		// and its session's last-seen time is not moved by the visit.
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" && !strings.HasPrefix(r.URL.Path, "/static/") && !strings.HasPrefix(r.URL.Path, "/h/") {
			sess, u, err := s.DB.Session(r.Context(), auth.HashToken(c.Value))
			switch {
			case err == nil && sess.Stage == auth.StageFull:
				st.session, st.user = &sess, &u
			case err == nil && sess.Stage == auth.StageOTP && s.Now().Sub(sess.CreatedAt) < auth.PendingLifetime:
				st.pending, st.user = &sess, &u
			case err != nil && !errors.Is(err, problem.ErrNotFound):
				s.fail(w, withState(r, st), err)
				return
			}
		}
		next.ServeHTTP(w, withState(r, st))
	})
}

// requestLocale applies the locale rule to a request.
func requestLocale(r *http.Request, userSetting string) i18n.Locale {
	cookie := ""
	if c, err := r.Cookie(localeCookie); err == nil {
		cookie = c.Value
	}
	return i18n.Negotiate(userSetting, cookie, r.Header.Get("Accept-Language"))
}

func (s *Server) withLocale(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := stateOf(r)
		setting := ""
		if st.session != nil {
			setting = st.user.Locale
		}
		st.locale = requestLocale(r, setting)
		w.Header().Add("Vary", "Accept-Language, Cookie, HX-Request")
		next.ServeHTTP(w, r)
	})
}

// requireUser sends people who are not signed in to the sign-in page,
// remembering where they were going; a script calling the API gets 401.
func (s *Server) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if stateOf(r).session == nil {
			if r.Method != http.MethodGet || isAPI(r) {
				s.fail(w, r, problem.New(problem.Unauthorized, "error.unauthorized"))
				return
			}
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sessionOnly admits a signed-in session and refuses an API token: every
// route outside the JSON API (the account, its tokens, password, second
// factor, signing out) needs a person who signed in.
func (s *Server) sessionOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if stateOf(r).token != nil {
			s.fail(w, r, problem.New(problem.Forbidden, "error.token_api_only"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// orgScope resolves {org} and the caller's membership. Not a member looks
// exactly like no such organisation: 404. A member whose role lacks perm
// gets 403, and the refusal goes to the organisation's audit trail (see
// recordDenied). Organisations that require a second factor send members
// without one to enrol first (an API client is refused with 403).
func (s *Server) orgScope(perm org.Permission, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := stateOf(r)
		o, role, err := s.DB.OrgForUser(r.Context(), r.PathValue("org"), st.user.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		st.org, st.role, st.tenant = o, role, s.DB.Tenant(o.ID)
		if st.token != nil && auth.TokenTooOld(st.token.CreatedAt, s.Now(), o.MaxTokenDays) {
			// The organisation's maximum bounds every token acting in it,
			// whenever the token was made and whatever its own expiry.
			s.fail(w, r, problem.New(problem.Unauthorized, "error.token_too_old", o.MaxTokenDays))
			return
		}
		if o.RequireTOTP && !st.user.HasTOTP() {
			if r.Method == http.MethodGet && !isAPI(r) {
				http.Redirect(w, r, "/account/totp?required="+url.QueryEscape(o.Slug), http.StatusSeeOther)
				return
			}
			s.fail(w, r, problem.New(problem.Forbidden, "error.totp_required"))
			return
		}
		if !role.Can(perm) {
			s.recordDenied(r)
			s.fail(w, r, problem.New(problem.Forbidden, "error.forbidden"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
