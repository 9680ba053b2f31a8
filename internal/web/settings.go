package web

import (
	"net/http"

	"github.com/mamori-sec/mamori/internal/problem"
)

type settingsPage struct {
	base
	Name        string
	RequireTOTP bool
}

func (s *Server) settingsForm(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := settingsPage{base: s.page(r, "settings.title", "settings"), Name: st.org.Name, RequireTOTP: st.org.RequireTOTP}
	s.render(w, r, http.StatusOK, "settings", p)
}

func (s *Server) settingsSubmit(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := settingsPage{base: s.page(r, "settings.title", "settings")}
	if err := parseForm(r); err != nil {
		s.formError(w, r, err, "settings", &p, &p.base)
		return
	}
	p.Name, p.RequireTOTP = r.PostFormValue("name"), r.PostFormValue("require_totp") == "on"
	// Requiring a second factor while lacking one would lock the owner out.
	if p.RequireTOTP && !st.user.HasTOTP() {
		s.formError(w, r, problem.Field("require_totp", "settings.own_totp_first"), "settings", &p, &p.base)
		return
	}
	if err := st.tenant.UpdateOrg(r.Context(), st.actor(r), p.Name, p.RequireTOTP); err != nil {
		s.formError(w, r, err, "settings", &p, &p.base)
		return
	}
	redirect(w, r, p.OrgURL("/settings"), "saved")
}
