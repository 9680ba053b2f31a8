package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"rsc.io/qr"

	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

type accountPage struct {
	base
	Sessions     []auth.Session
	CurrentID    string
	RecoveryLeft int
	MinPassword  int
	Locales      []i18n.Locale
	Tokens       []store.APIToken
	NewToken     string // shown once, right after creation
	Now          time.Time
	MaxTokenDays int   // the smallest maximum among the user's organisations
	TokenDays    []int // lifetimes a new token may have
	TokenDefault int
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := accountPage{base: s.page(r, "account.title", "account"), CurrentID: st.session.ID, MinPassword: auth.MinPasswordLength, Locales: i18n.Locales}
	s.fillAccount(w, r, &p)
	s.render(w, r, http.StatusOK, "account", p)
}

func (s *Server) fillAccount(w http.ResponseWriter, r *http.Request, p *accountPage) {
	st := stateOf(r)
	var err error
	if p.Sessions, err = s.DB.UserSessions(r.Context(), st.user.ID); err != nil {
		s.Logger.Error("sessions", "component", "http", "error", err)
	}
	if p.RecoveryLeft, err = s.DB.RecoveryCodesLeft(r.Context(), st.user.ID); err != nil {
		s.Logger.Error("recovery codes", "component", "http", "error", err)
	}
	if p.Tokens, err = s.DB.APITokens(r.Context(), st.user.ID); err != nil {
		s.Logger.Error("api tokens", "component", "http", "error", err)
	}
	if p.MaxTokenDays, err = s.DB.MaxTokenDays(r.Context(), st.user.ID); err != nil {
		s.Logger.Error("token lifetime", "component", "http", "error", err)
	}
	p.Now, p.TokenDays = s.Now(), auth.TokenDayChoices(p.MaxTokenDays)
	if p.TokenDefault == 0 {
		p.TokenDefault = auth.DefaultTokenDaysUnder(p.MaxTokenDays)
	}
}

// createToken issues a personal API token and shows it once. Its lifetime
// is chosen here, no longer than the smallest maximum among the user's
// organisations (the store refuses more).
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := accountPage{base: s.page(r, "account.title", "account"), CurrentID: st.session.ID, MinPassword: auth.MinPasswordLength, Locales: i18n.Locales}
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	days := 0
	if v := r.PostFormValue("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			n = -1 // refused by the store, naming the maximum
		}
		days, p.TokenDefault = n, n
	}
	token, _ := auth.NewToken()
	token = "mamori_" + token // recognisable if it leaks into a repository or a log
	if _, err := s.DB.CreateAPIToken(r.Context(), st.actor(r), st.user.ID, r.PostFormValue("name"), auth.HashToken(token), days); err != nil {
		s.fillAccount(w, r, &p)
		s.formError(w, r, err, "account", &p, &p.base)
		return
	}
	s.fillAccount(w, r, &p)
	p.NewToken = token
	p.Flash = "flash.token_created"
	s.render(w, r, http.StatusOK, "account", p)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, problem.ErrNotFound)
		return
	}
	if err := s.DB.RevokeAPIToken(r.Context(), st.actor(r), st.user.ID, id); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/account", "token_revoked")
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := accountPage{base: s.page(r, "account.title", "account"), CurrentID: st.session.ID, MinPassword: auth.MinPasswordLength, Locales: i18n.Locales}
	s.fillAccount(w, r, &p)
	if err := parseForm(r); err != nil {
		s.formError(w, r, err, "account", &p, &p.base)
		return
	}
	if !auth.CheckPassword(st.user.PasswordHash, r.PostFormValue("current")) {
		s.formError(w, r, problem.Field("current", "account.current_wrong"), "account", &p, &p.base)
		return
	}
	pw := r.PostFormValue("password")
	if err := auth.CheckPasswordPolicy(pw); err != nil {
		s.formError(w, r, err, "account", &p, &p.base)
		return
	}
	if pw != r.PostFormValue("password_confirm") {
		s.formError(w, r, problem.Field("password_confirm", "password.mismatch"), "account", &p, &p.base)
		return
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Changing the password signs out every session, then this browser
	// signs in again with a fresh one.
	if err := s.DB.SetPassword(r.Context(), st.actor(r), st.user.ID, hash); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.startSession(w, r, *st.user, auth.StageFull, st.session.AMR); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/account", "password_changed")
}

func (s *Server) setUserLocale(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	l := i18n.Parse(r.PostFormValue("locale"))
	if err := s.DB.SetLocale(r.Context(), st.actor(r), st.user.ID, string(l)); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/account", "saved")
}

// setLocaleCookie is the language switch in the header, for everyone.
func (s *Server) setLocaleCookie(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	l := i18n.Parse(r.PostFormValue("locale"))
	if l == "" {
		s.fail(w, r, problem.Field("locale", "error.bad_form"))
		return
	}
	http.SetCookie(w, &http.Cookie{Name: localeCookie, Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
	st := stateOf(r)
	if st.session != nil && st.user.Locale != "" && st.user.Locale != string(l) {
		if err := s.DB.SetLocale(r.Context(), st.actor(r), st.user.ID, string(l)); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.Redirect(w, r, localPath(r.PostFormValue("back")), http.StatusSeeOther)
}

func totpContext(userID int64) string { return fmt.Sprintf("totp:%d", userID) }

type totpPage struct {
	base
	Enabled       bool
	Pending       bool
	Secret        string // grouped for typing, while pending
	RecoveryCodes []string
	RecoveryLeft  int
	RequiredBy    string
}

func (s *Server) totpPage(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := totpPage{base: s.page(r, "totp.title", "account"), Enabled: st.user.HasTOTP(), RequiredBy: r.URL.Query().Get("required")}
	if !p.Enabled && st.user.TOTPSecret != "" {
		secret, err := s.Box.Open(st.user.TOTPSecret, totpContext(st.user.ID))
		if err == nil {
			p.Pending, p.Secret = true, groupSecret(string(secret))
		}
	}
	if p.Enabled {
		p.RecoveryLeft, _ = s.DB.RecoveryCodesLeft(r.Context(), st.user.ID)
	}
	s.render(w, r, http.StatusOK, "totp", p)
}

func groupSecret(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (s *Server) totpBegin(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if st.user.HasTOTP() {
		s.fail(w, r, problem.New(problem.Conflict, "totp.already"))
		return
	}
	sealed := s.Box.Seal([]byte(auth.NewTOTPSecret()), totpContext(st.user.ID))
	if err := s.DB.SetPendingTOTP(r.Context(), st.actor(r), st.user.ID, sealed); err != nil {
		s.fail(w, r, err)
		return
	}
	target := "/account/totp"
	if req := r.PostFormValue("required"); req != "" {
		target += "?required=" + urlEscape(req)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// totpQR draws the pending secret as a QR code. It is served only to the
// signed-in user whose secret it is, and never cached.
func (s *Server) totpQR(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if st.user.HasTOTP() || st.user.TOTPSecret == "" {
		s.fail(w, r, problem.ErrNotFound)
		return
	}
	secret, err := s.Box.Open(st.user.TOTPSecret, totpContext(st.user.ID))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	code, err := qr.Encode(auth.TOTPURL(string(secret), "mamori", st.user.Email), qr.M)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	code.Scale = 6
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(code.PNG())
}

func (s *Server) totpConfirm(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := totpPage{base: s.page(r, "totp.title", "account"), RequiredBy: r.PostFormValue("required")}
	if st.user.HasTOTP() || st.user.TOTPSecret == "" {
		http.Redirect(w, r, "/account/totp", http.StatusSeeOther)
		return
	}
	secret, err := s.Box.Open(st.user.TOTPSecret, totpContext(st.user.ID))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Pending, p.Secret = true, groupSecret(string(secret))
	step, ok := auth.CheckTOTP(string(secret), r.PostFormValue("code"), s.Now(), 0)
	if !ok {
		s.formError(w, r, problem.Field("code", "totp.wrong"), "totp", &p, &p.base)
		return
	}
	codes := auth.NewRecoveryCodes()
	hashes := make([]string, len(codes))
	for i, c := range codes {
		hashes[i] = auth.HashRecoveryCode(c)
	}
	if err := s.DB.EnableTOTP(r.Context(), st.actor(r), st.user.ID, step, hashes); err != nil {
		s.fail(w, r, err)
		return
	}
	// The codes are shown once, on this response, and never again.
	p = totpPage{base: s.page(r, "totp.title", "account"), Enabled: true, RecoveryCodes: codes, RecoveryLeft: len(codes), RequiredBy: p.RequiredBy}
	p.Flash = "flash.totp_enabled"
	s.render(w, r, http.StatusOK, "totp", p)
}

func (s *Server) totpDisable(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := totpPage{base: s.page(r, "totp.title", "account"), Enabled: st.user.HasTOTP()}
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	if !auth.CheckPassword(st.user.PasswordHash, r.PostFormValue("current")) {
		s.formError(w, r, problem.Field("current", "account.current_wrong"), "totp", &p, &p.base)
		return
	}
	if err := s.DB.DisableTOTP(r.Context(), st.actor(r), st.user.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/account/totp", "totp_disabled")
}

func (s *Server) recoveryCodes(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if !st.user.HasTOTP() {
		s.fail(w, r, problem.New(problem.Conflict, "totp.not_enabled"))
		return
	}
	codes := auth.NewRecoveryCodes()
	hashes := make([]string, len(codes))
	for i, c := range codes {
		hashes[i] = auth.HashRecoveryCode(c)
	}
	if err := s.DB.ReplaceRecoveryCodes(r.Context(), st.actor(r), st.user.ID, hashes); err != nil {
		s.fail(w, r, err)
		return
	}
	p := totpPage{base: s.page(r, "totp.title", "account"), Enabled: true, RecoveryCodes: codes, RecoveryLeft: len(codes)}
	s.render(w, r, http.StatusOK, "totp", p)
}
