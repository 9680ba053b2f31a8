package web

import (
	"net/http"

	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
)

// home sends a user to their only organisation, or to the portfolio when
// they serve several (an IT advisor) or none yet.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	orgs, err := s.DB.UserOrgs(r.Context(), stateOf(r).user.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Invitations wait on the portfolio, where the person answers them.
	invites, err := s.DB.UserInvitations(r.Context(), stateOf(r).user.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(orgs) == 1 && len(invites) == 0 {
		http.Redirect(w, r, "/o/"+orgs[0].Slug+"/", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/portfolio", http.StatusSeeOther)
}

type portfolioRow struct {
	store.MemberOrg
	Summary   store.Summary
	Attention bool
}

type portfolioPage struct {
	base
	Rows        []portfolioRow
	Attention   int
	Invitations []store.Invitation // addressed to this user, awaiting an answer
}

// portfolio lists the organisations of the user, the ones needing
// attention first.
func (s *Server) portfolio(w http.ResponseWriter, r *http.Request) {
	orgs, err := s.DB.UserOrgs(r.Context(), stateOf(r).user.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := portfolioPage{base: s.page(r, "portfolio.title", "portfolio")}
	if p.Invitations, err = s.DB.UserInvitations(r.Context(), stateOf(r).user.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	var calm []portfolioRow
	for _, o := range orgs {
		sum, err := s.DB.Tenant(o.ID).Summary(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		row := portfolioRow{MemberOrg: o, Summary: sum, Attention: sum.NeedsAttention(o.Org)}
		if row.Attention {
			p.Rows = append(p.Rows, row)
			p.Attention++
		} else {
			calm = append(calm, row)
		}
	}
	p.Rows = append(p.Rows, calm...)
	s.render(w, r, http.StatusOK, "portfolio", p)
}

type checkItem struct {
	Key  string // catalogue key
	Done bool
	Link string
}

type dashboardPage struct {
	base
	Score     findings.Score
	Lines     []deductionView
	Summary   store.Summary
	Checklist []checkItem
	AuditRows []auditRow
	Modules   []string
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	d, err := s.dash.get(r.Context(), s.DB, st.tenant, s.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := dashboardPage{base: s.page(r, "dashboard.title", "dashboard"), Summary: d.summary,
		Modules: []string{"inventory", "findings", "assessments", "routines", "incidents"}}
	if st.can(org.EditProgramme) || st.can(org.ManageSettings) {
		p.Checklist = []checkItem{
			{Key: "check.own_totp", Done: st.user.HasTOTP(), Link: "/account/totp"},
			{Key: "check.people", Done: d.summary.People > 0, Link: p.OrgURL("/people")},
			{Key: "check.members_totp", Done: d.summary.MembersNoTOTP == 0, Link: p.OrgURL("/members")},
			{Key: "check.require_totp", Done: st.org.RequireTOTP, Link: p.OrgURL("/settings")},
		}
	}
	if st.can(org.ViewProgramme) {
		p.Score = findings.ScoreOf(d.open)
		for _, x := range p.Score.Top(3) {
			p.Lines = append(p.Lines, deductionView{Deduction: x, Check: p.checkView(x.CheckID)})
		}
	}
	if st.can(org.ViewAudit) {
		p.AuditRows = p.auditRows(d.recent, d.names)
	}
	s.render(w, r, http.StatusOK, "dashboard", p)
}

type modulePage struct {
	base
	Module string
}

// module renders the page of a module still to come, saying what it will do.
func (s *Server) module(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.render(w, r, http.StatusOK, "module", modulePage{base: s.page(r, "nav."+name, name), Module: name})
	}
}
