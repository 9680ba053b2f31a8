package web

import (
	"net/http"
	"net/url"
	"sort"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/routine"

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
	Routines  store.RoutineFigures
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
	today := calendar.Of(s.Now())
	for _, o := range orgs {
		sum, err := s.DB.Tenant(o.ID).Summary(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		figs, err := s.DB.Tenant(o.ID).RoutineFigures(r.Context(), today)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		row := portfolioRow{MemberOrg: o, Summary: sum, Routines: figs, Attention: sum.NeedsAttention(o.Org) || figs.Overdue > 0}
		if row.Attention {
			p.Rows = append(p.Rows, row)
			p.Attention++
		} else {
			calm = append(calm, row)
		}
	}
	// The companies needing attention first, the most overdue chores
	// first among them.
	sort.SliceStable(p.Rows, func(i, j int) bool { return p.Rows[i].Routines.Overdue > p.Rows[j].Routines.Overdue })
	p.Rows = append(p.Rows, calm...)
	s.render(w, r, http.StatusOK, "portfolio", p)
}

type checkItem struct {
	Key  string // catalogue key
	Done bool
	Link string
}

// weekItem is one line of the keeper's week: a finding to act on, a
// routine due or overdue, a leaver's item, or a set-up step; each one
// click from done.
type weekItem struct {
	Kind      string // finding, routine, leaver, setup
	Title     string
	Link      string
	Due       string
	Overdue   bool
	Escalated bool
	// OccurrenceID, for a routine: the one-click completion posts here.
	OccurrenceID int64
	Hint         string
}

type dashboardPage struct {
	base
	Score     findings.Score
	Lines     []deductionView
	Summary   store.Summary
	Checklist []checkItem
	Week      []weekItem
	Escalated int // routines escalated to the owner
	CanDo     bool
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
		p.AuditRows = p.auditRows(d.recent)
	}
	if err := s.fillWeekList(r, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "dashboard", p)
}

// fillWeekList makes the keeper's week one list: overdue routines (the
// escalated first), the top findings, routines due in the coming week,
// leavers' items, then the set-up steps not yet done.
func (s *Server) fillWeekList(r *http.Request, p *dashboardPage) error {
	st := stateOf(r)
	p.CanDo = st.can(org.EditProgramme)
	if !st.can(org.ViewProgramme) {
		return nil
	}
	today := calendar.Of(s.Now())
	os, err := st.tenant.Occurrences(r.Context(), store.OccurrenceQuery{Through: today.AddDays(7), Waiting: true, AnyAssignee: true})
	if err != nil {
		return err
	}
	var overdue, due []weekItem
	for _, o := range os {
		row := p.occRow(o, today)
		it := weekItem{Kind: "routine", Title: row.Title, Link: row.URL, Due: row.Due, Overdue: row.Status == routine.Overdue,
			Escalated: !o.EscalatedAt.IsZero(), OccurrenceID: o.ID, Hint: row.Who}
		if it.Escalated {
			p.Escalated++
		}
		if it.Overdue {
			overdue = append(overdue, it)
		} else {
			due = append(due, it)
		}
	}
	sort.SliceStable(overdue, func(i, j int) bool { return overdue[i].Escalated && !overdue[j].Escalated })
	p.Week = append(p.Week, overdue...)
	for _, l := range p.Lines {
		p.Week = append(p.Week, weekItem{Kind: "finding", Title: l.Check.Title, Link: p.OrgURL("/findings?check=" + url.QueryEscape(l.CheckID)),
			Hint: p.T("findings.n_records", l.Open)})
	}
	p.Week = append(p.Week, due...)
	leavers, err := s.leaverItems(r)
	if err != nil {
		return err
	}
	p.Week = append(p.Week, leavers...)
	for _, c := range p.Checklist {
		if !c.Done {
			p.Week = append(p.Week, weekItem{Kind: "setup", Title: p.T(c.Key), Link: c.Link})
		}
	}
	return nil
}

// leaverItems is the seam for the leavers' checklists (issue 9, item 4):
// their open items join the week's list here, as weekItem{Kind: "leaver"}.
func (s *Server) leaverItems(r *http.Request) ([]weekItem, error) { return nil, nil }

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
