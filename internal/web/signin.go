package web

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

type signInPage struct {
	base
	Email string
	Next  string
}

func (s *Server) signInForm(w http.ResponseWriter, r *http.Request) {
	if stateOf(r).session != nil {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	if n, err := s.DB.CountUsers(r.Context()); err == nil && n == 0 {
		p := s.page(r, "setup.title", "")
		s.render(w, r, http.StatusOK, "setup_needed", struct{ base }{p})
		return
	}
	s.render(w, r, http.StatusOK, "signin", signInPage{base: s.page(r, "signin.title", ""), Next: r.URL.Query().Get("next")})
}

// signInClient names who is trying to sign in to the account at email, for
// the throttle. The browser counts as a known device only when its device
// cookie is live and belongs to that account; this is decided from the
// cookie, never by looking the submitted address up, so it says nothing
// about whether an account exists.
func (s *Server) signInClient(r *http.Request, email string) store.SignInClient {
	who := store.SignInClient{Account: store.NormaliseEmail(email), Client: auth.ThrottleClient(clientIP(r))}
	if c, err := r.Cookie(deviceCookie); err == nil && c.Value != "" {
		hash := auth.HashToken(c.Value)
		if _, owner, err := s.DB.KnownDevice(r.Context(), hash); err == nil && store.NormaliseEmail(owner) == who.Account {
			who.Device = hash
		}
	}
	return who
}

// holdBack answers an attempt the throttle holds back with 429 and when to
// try again, and reports whether it did. The answer depends only on the
// failures recorded for the address typed and the client, whether or not
// an account has that address, and costs no password check. Nothing
// sleeps: the client is told when to come back.
//
// Attempts on one account run one at a time on this server (from a known
// device: one at a time per device), so that a burst of simultaneous
// guesses cannot all pass before the first failure is recorded. The
// caller must call release once it has recorded the outcome.
func (s *Server) holdBack(w http.ResponseWriter, r *http.Request, who store.SignInClient, page string, data any, b *base) (release func(), held bool) {
	key := store.SignInClient{Account: who.Account}
	if who.Device != "" {
		key = who
	}
	release, ok := s.signingIn.take(key)
	if !ok {
		s.throttledReply(w, r, who, "concurrent", time.Second, page, data, b)
		return nil, true
	}
	now := s.Now()
	f, err := s.DB.SignInFailures(r.Context(), who, now.Add(-s.Throttle.PairMemory), now.Add(-s.Throttle.Window))
	if err != nil {
		release()
		s.fail(w, r, err)
		return nil, true
	}
	wait, scope := s.Throttle.Wait(f, who.Device != "", now)
	if wait <= 0 {
		return release, false
	}
	release()
	s.throttledReply(w, r, who, scope, wait, page, data, b)
	return nil, true
}

// throttledReply answers 429 with when to try again, and logs the event.
func (s *Server) throttledReply(w http.ResponseWriter, r *http.Request, who store.SignInClient, scope string, wait time.Duration, page string, data any, b *base) {
	secs := int(math.Ceil(wait.Seconds()))
	// The e-mail address is logged as a hash: people type passwords into
	// the address field, and the log leaves mamori's access control.
	s.Logger.Info("sign-in throttled", "component", "signin", "scope", scope, "account_hash", accountHash(who.Account),
		"client", who.Client, "known_device", who.Device != "", "retry_after_s", secs)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	msg := problem.New(problem.TooMany, "signin.throttled_seconds", secs)
	switch {
	case secs <= 1:
		msg = problem.New(problem.TooMany, "signin.throttled_moment")
	case secs > 90:
		msg = problem.New(problem.TooMany, "signin.throttled_minutes", (secs+59)/60)
	}
	s.formError(w, r, msg, page, data, b)
}

// pairLocks lets one sign-in attempt per key run at a time.
type pairLocks struct {
	mu   sync.Mutex
	busy map[store.SignInClient]bool
}

func (l *pairLocks) take(who store.SignInClient) (release func(), ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.busy[who] {
		return nil, false
	}
	if l.busy == nil {
		l.busy = map[store.SignInClient]bool{}
	}
	l.busy[who] = true
	return func() {
		l.mu.Lock()
		delete(l.busy, who)
		l.mu.Unlock()
	}, true
}

// accountHash is how logs name an account: the first 16 hex digits of the
// SHA-256 of the normalised e-mail address (docs/operations.md shows how
// to compute it for a given address).
func accountHash(account string) string { return auth.HashToken(account)[:16] }

const deviceCookie = "mamori_device"

// rememberDevice makes this browser a known device of u after a full
// sign-in: another use of the device it already is (known), or a new one.
func (s *Server) rememberDevice(w http.ResponseWriter, r *http.Request, u auth.User, known string) error {
	maxAge := int(auth.DeviceLifetime.Seconds())
	if c, err := r.Cookie(deviceCookie); err == nil && known != "" && auth.HashToken(c.Value) == known {
		if err := s.DB.TouchDevice(r.Context(), known); err != nil {
			return err
		}
		setDeviceCookie(w, c.Value, maxAge)
		return nil
	}
	token, hash := auth.NewToken()
	actor := stateOf(r).actor(r)
	actor.UserID, actor.Label = u.ID, u.Email
	if err := s.DB.RememberDevice(r.Context(), actor, u.ID, hash); err != nil {
		return err
	}
	setDeviceCookie(w, token, maxAge)
	return nil
}

// setDeviceCookie sets the known-device cookie, sent only to the sign-in
// pages.
func setDeviceCookie(w http.ResponseWriter, token string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: deviceCookie, Value: token, Path: "/signin", MaxAge: maxAge,
		HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
}

func (s *Server) signInSubmit(w http.ResponseWriter, r *http.Request) {
	p := signInPage{base: s.page(r, "signin.title", "")}
	if err := parseForm(r); err != nil {
		s.formError(w, r, err, "signin", &p, &p.base)
		return
	}
	p.Email, p.Next = strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("next")
	ctx := r.Context()
	who := s.signInClient(r, p.Email)
	release, held := s.holdBack(w, r, who, "signin", &p, &p.base)
	if held {
		return
	}
	defer release()
	u, err := s.DB.UserByEmail(ctx, p.Email)
	if err != nil && problem.CodeOf(err) != problem.NotFound {
		s.fail(w, r, err)
		return
	}
	hash := u.PasswordHash
	if u.Disabled {
		hash = ""
	}
	if !auth.CheckPassword(hash, r.PostFormValue("password")) {
		st := stateOf(r)
		if err := s.DB.RecordSignInFailure(ctx, st.actor(r), p.Email, who); err != nil {
			s.fail(w, r, err)
			return
		}
		s.formError(w, r, problem.New(problem.Unauthorized, "signin.wrong"), "signin", &p, &p.base)
		return
	}
	if u.HasTOTP() {
		if err := s.startSession(w, r, u, auth.StageOTP, "pwd"); err != nil {
			s.fail(w, r, err)
			return
		}
		http.Redirect(w, r, "/signin/otp?next="+urlEscape(localPath(p.Next)), http.StatusSeeOther)
		return
	}
	if err := s.DB.ClearSignInFailures(ctx, who); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.startSession(w, r, u, auth.StageFull, "pwd"); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.rememberDevice(w, r, u, who.Device); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, localPath(p.Next), http.StatusSeeOther)
}

// startSession creates a session for u, replacing whatever session the
// browser had (rotation at every step), and sets the cookie.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u auth.User, stage, amr string) error {
	st := stateOf(r)
	replacing := ""
	if c, err := r.Cookie(sessionCookie); err == nil {
		replacing = auth.HashToken(c.Value)
	}
	token, hash := auth.NewToken()
	now := s.Now().UTC()
	expires := now.Add(auth.SessionAbsolute)
	if stage != auth.StageFull {
		expires = now.Add(auth.PendingLifetime)
	}
	sess := auth.Session{ID: hash, UserID: u.ID, Stage: stage, AMR: amr, IP: clientIP(r), UserAgent: truncate(r.UserAgent(), 200),
		CreatedAt: now, LastSeenAt: now, ExpiresAt: expires}
	actor := st.actor(r)
	actor.UserID, actor.Label = u.ID, u.Email
	if err := s.DB.StartSession(r.Context(), actor, sess, replacing); err != nil {
		return err
	}
	setSessionCookie(w, token, int(auth.SessionAbsolute.Seconds()))
	return nil
}

func setSessionCookie(w http.ResponseWriter, token string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
}

type otpPage struct {
	base
	Next string
}

func (s *Server) otpForm(w http.ResponseWriter, r *http.Request) {
	if stateOf(r).pending == nil {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "otp", otpPage{base: s.page(r, "otp.title", ""), Next: r.URL.Query().Get("next")})
}

func (s *Server) otpSubmit(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := otpPage{base: s.page(r, "otp.title", "")}
	if st.pending == nil {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	}
	if err := parseForm(r); err != nil {
		s.formError(w, r, err, "otp", &p, &p.base)
		return
	}
	p.Next = r.PostFormValue("next")
	u, ctx := *st.user, r.Context()
	who := s.signInClient(r, u.Email)
	release, held := s.holdBack(w, r, who, "otp", &p, &p.base)
	if held {
		return
	}
	defer release()
	code := strings.TrimSpace(r.PostFormValue("code"))
	amr, ok := "pwd otp", false
	if secret, err := s.Box.Open(u.TOTPSecret, totpContext(u.ID)); err == nil {
		if step, valid := auth.CheckTOTP(string(secret), code, s.Now(), u.TOTPLastStep); valid {
			if ok, err = s.DB.UseTOTPStep(ctx, u.ID, step); err != nil {
				s.fail(w, r, err)
				return
			}
		}
	}
	if !ok && len(code) >= 10 {
		actor := st.actor(r)
		actor.UserID, actor.Label = u.ID, u.Email
		var err error
		if ok, err = s.DB.UseRecoveryCode(ctx, actor, u.ID, auth.HashRecoveryCode(code)); err != nil {
			s.fail(w, r, err)
			return
		}
		amr = "pwd rc"
	}
	if !ok {
		if err := s.DB.RecordSignInFailure(ctx, st.actor(r), u.Email, who); err != nil {
			s.fail(w, r, err)
			return
		}
		s.formError(w, r, problem.Field("code", "otp.wrong"), "otp", &p, &p.base)
		return
	}
	if err := s.DB.ClearSignInFailures(ctx, who); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.startSession(w, r, u, auth.StageFull, amr); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.rememberDevice(w, r, u, who.Device); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, localPath(p.Next), http.StatusSeeOther)
}

type linkPage struct {
	base
	Token string
}

// linkForm shows a button rather than signing in on GET, so that a mail
// scanner or link preview cannot use up the one-time link.
func (s *Server) linkForm(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	if err := s.DB.CheckOneTimeToken(r.Context(), store.TokenSignIn, auth.HashToken(tok)); err != nil {
		s.fail(w, r, problem.New(problem.NotFound, "link.invalid"))
		return
	}
	s.render(w, r, http.StatusOK, "link", linkPage{base: s.page(r, "link.title", ""), Token: tok})
}

func (s *Server) linkSubmit(w http.ResponseWriter, r *http.Request) {
	uid, err := s.DB.ConsumeOneTimeToken(r.Context(), store.TokenSignIn, auth.HashToken(r.PathValue("token")))
	if err != nil {
		s.fail(w, r, problem.New(problem.NotFound, "link.invalid"))
		return
	}
	u, err := s.DB.User(r.Context(), uid)
	if err != nil || u.Disabled {
		s.fail(w, r, problem.New(problem.NotFound, "link.invalid"))
		return
	}
	if u.HasTOTP() {
		// The link stands for the password; a second factor still follows.
		if err := s.startSession(w, r, u, auth.StageOTP, "link"); err != nil {
			s.fail(w, r, err)
			return
		}
		http.Redirect(w, r, "/signin/otp?next=%2F", http.StatusSeeOther)
		return
	}
	if err := s.startSession(w, r, u, auth.StageFull, "link"); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if err := s.DB.EndSession(r.Context(), st.actor(r), st.session.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	setSessionCookie(w, "", -1)
	redirect(w, r, "/signin", "signed_out")
}

func (s *Server) signOutAll(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if _, err := s.DB.EndAllSessions(r.Context(), st.actor(r), st.user.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	setSessionCookie(w, "", -1)
	setDeviceCookie(w, "", -1)
	redirect(w, r, "/signin", "signed_out_all")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
