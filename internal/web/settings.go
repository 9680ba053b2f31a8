package web

import (
	"net/http"
	"strconv"

	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

type settingsPage struct {
	base
	Name         string
	RequireTOTP  bool
	MaxTokenDays int
	TokenDays    []int
}

func (s *Server) settingsForm(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := settingsPage{base: s.page(r, "settings.title", "settings"), Name: st.org.Name, RequireTOTP: st.org.RequireTOTP,
		MaxTokenDays: st.org.MaxTokenDays, TokenDays: auth.TokenDays}
	s.render(w, r, http.StatusOK, "settings", p)
}

func (s *Server) settingsSubmit(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := settingsPage{base: s.page(r, "settings.title", "settings"), MaxTokenDays: st.org.MaxTokenDays, TokenDays: auth.TokenDays}
	if err := parseForm(r); err != nil {
		s.formError(w, r, err, "settings", &p, &p.base)
		return
	}
	p.Name, p.RequireTOTP = r.PostFormValue("name"), r.PostFormValue("require_totp") == "on"
	if v := r.PostFormValue("max_token_days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || !auth.ValidTokenDays(n) {
			s.formError(w, r, problem.Field("max_token_days", "settings.token_days_invalid"), "settings", &p, &p.base)
			return
		}
		p.MaxTokenDays = n
	}
	// Requiring a second factor while lacking one would lock the owner out.
	if p.RequireTOTP && !st.user.HasTOTP() {
		s.formError(w, r, problem.Field("require_totp", "settings.own_totp_first"), "settings", &p, &p.base)
		return
	}
	if err := st.tenant.UpdateSettings(r.Context(), st.actor(r), store.OrgSettings{Name: p.Name, RequireTOTP: p.RequireTOTP, MaxTokenDays: p.MaxTokenDays}); err != nil {
		s.formError(w, r, err, "settings", &p, &p.base)
		return
	}
	redirect(w, r, p.OrgURL("/settings"), "saved")
}
