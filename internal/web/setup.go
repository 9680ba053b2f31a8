package web

import (
	"net/http"
	"strings"

	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

type setupPage struct {
	base
	Token                  string
	OrgName, OrgSlug, Name string
	Email                  string
	MinPasswordLength      int
}

// setupAllowed checks that no user exists yet and that the one-time setup
// token printed by serve is valid: a fresh install exposed on a network
// cannot be claimed by whoever finds it first.
func (s *Server) setupAllowed(r *http.Request, token string) error {
	n, err := s.DB.CountUsers(r.Context())
	if err != nil {
		return err
	}
	if n > 0 {
		return problem.ErrNotFound
	}
	if err := s.DB.CheckOneTimeToken(r.Context(), store.TokenSetup, auth.HashToken(token)); err != nil {
		return problem.New(problem.NotFound, "setup.token_invalid")
	}
	return nil
}

func (s *Server) setupForm(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("token")
	if err := s.setupAllowed(r, tok); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "setup", setupPage{base: s.page(r, "setup.title", ""), Token: tok, MinPasswordLength: auth.MinPasswordLength})
}

func (s *Server) setupSubmit(w http.ResponseWriter, r *http.Request) {
	p := setupPage{base: s.page(r, "setup.title", ""), MinPasswordLength: auth.MinPasswordLength}
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	p.Token = r.PostFormValue("token")
	if err := s.setupAllowed(r, p.Token); err != nil {
		s.fail(w, r, err)
		return
	}
	p.OrgName, p.OrgSlug = strings.TrimSpace(r.PostFormValue("org_name")), strings.TrimSpace(r.PostFormValue("org_slug"))
	p.Name, p.Email = strings.TrimSpace(r.PostFormValue("name")), strings.TrimSpace(r.PostFormValue("email"))
	pw := r.PostFormValue("password")
	if err := auth.CheckPasswordPolicy(pw); err != nil {
		s.formError(w, r, err, "setup", &p, &p.base)
		return
	}
	if pw != r.PostFormValue("password_confirm") {
		s.formError(w, r, problem.Field("password_confirm", "password.mismatch"), "setup", &p, &p.base)
		return
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := auth.User{Email: p.Email, Name: p.Name, PasswordHash: hash, Locale: string(i18n.Parse(r.PostFormValue("locale")))}
	actor := stateOf(r).actor(r)
	actor.Label = "setup"
	uid, _, err := s.DB.SetupFirstRun(r.Context(), actor, u, org.Org{Slug: p.OrgSlug, Name: p.OrgName})
	if err != nil {
		s.formError(w, r, err, "setup", &p, &p.base)
		return
	}
	if _, err := s.DB.ConsumeOneTimeToken(r.Context(), store.TokenSetup, auth.HashToken(p.Token)); err != nil {
		s.fail(w, r, err)
		return
	}
	u.ID = uid
	if err := s.startSession(w, r, u, auth.StageFull, "pwd"); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/o/"+p.OrgSlug+"/", "setup_done")
}
