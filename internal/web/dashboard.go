package web

import (
	"net/http"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/inventory"
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
	Score     findings.Score
	Attention bool
	Reason    string // the first reason to look, in words
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
		open, err := s.DB.Tenant(o.ID).OpenByCheck(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		row := portfolioRow{MemberOrg: o, Summary: sum, Score: findings.ScoreOf(open, sum.Records())}
		row.Attention, row.Reason = p.attention(o.Org, sum, row.Score)
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

// attention says whether the advisor should look at a company and why,
// the weightiest reason first: an urgent finding, an administrator of
// mamori without a second factor, an empty inventory, a serious finding.
func (b base) attention(o org.Org, sum store.Summary, score findings.Score) (bool, string) {
	var top *findings.Deduction
	if t := score.Top(1); len(t) == 1 {
		top = &t[0]
	}
	reason := func(d *findings.Deduction) string {
		return b.T("portfolio.reason.check", b.checkView(d.CheckID).Title, d.Open)
	}
	switch {
	case top != nil && top.Severity == findings.Critical:
		return true, reason(top)
	case sum.PrivilegedNoTOTP > 0:
		return true, b.T("portfolio.reason.privileged_no_totp", sum.PrivilegedNoTOTP)
	case o.RequireTOTP && sum.MembersNoTOTP > 0:
		return true, b.T("portfolio.reason.members_no_totp", sum.MembersNoTOTP)
	case !score.Assessed:
		return true, b.T("portfolio.reason.no_data")
	case sum.People == 0:
		return true, b.T("portfolio.reason.no_people")
	case top != nil && top.Severity == findings.High:
		return true, reason(top)
	case top != nil:
		return false, reason(top)
	}
	return false, ""
}

type checkItem struct {
	Key      string // catalogue key
	Done     bool
	Link     string // "" when the reader may not open the page
	AskOwner bool   // the reader's role cannot take this step
}

// moduleLine is one line of the dashboard's "what mamori does": only what
// works today, linked when the reader may open it.
type moduleLine struct {
	Label, Summary string // catalogue keys
	Link           string
}

// dashboardModules lists what mamori does today, in the dashboard's order.
var dashboardModules = []struct{ label, summary, path string }{
	{"nav.inventory", "module.inventory.summary", "/inventory"},
	{"intake.title", "module.import.summary", "/import"},
	{"inv.where.title", "module.where.summary", "/inventory/where"},
	{"nav.findings", "module.findings.summary", "/findings"},
	{"nav.people", "module.people.summary", "/people"},
	{"nav.audit", "module.audit.summary", "/audit"},
}

type dashboardPage struct {
	base
	Score     findings.Score
	Lines     []deductionView
	Summary   store.Summary
	Checklist []checkItem
	AuditRows []auditRow
	Modules   []moduleLine
	Leaving   []leavingView
}

// leavingView is a person whose leave date is near: a notice, not a
// finding, so that the leaver work starts before the day.
type leavingView struct {
	ID   int64
	Name string
	Date string // YYYY-MM-DD; the page writes it in the reader's language
	Days int
}

// LeavingDays is how far ahead the notice looks.
func (dashboardPage) LeavingDays() int { return inventory.LeavingSoonDays }

// leavingSoon lists up to limit people of the organisation who leave
// within inventory.LeavingSoonDays of now, soonest first.
func (s *Server) leavingSoon(r *http.Request, limit int) ([]leavingView, error) {
	today := calendar.Of(s.Now()).String()
	after, until := inventory.LeavingWindow(today)
	people, err := stateOf(r).tenant.LeavingBetween(r.Context(), after, until, limit)
	if err != nil {
		return nil, err
	}
	out := make([]leavingView, 0, len(people))
	for _, p := range people {
		if days, soon := p.LeavingIn(today); soon {
			out = append(out, leavingView{ID: p.ID, Name: p.Name, Date: p.LeaveDate, Days: days})
		}
	}
	return out, nil
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	d, err := s.dash.get(r.Context(), s.DB, st.tenant, s.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := dashboardPage{base: s.page(r, "dashboard.title", "dashboard"), Summary: d.summary}
	for _, m := range dashboardModules {
		line := moduleLine{Label: m.label, Summary: m.summary}
		if link := p.OrgURL(m.path); s.links.mayOpen(st.role, link) {
			line.Link = link
		}
		p.Modules = append(p.Modules, line)
	}
	if st.can(org.EditProgramme) || st.can(org.ManageSettings) {
		p.Checklist = []checkItem{
			{Key: "check.own_totp", Done: st.user.HasTOTP(), Link: "/account/totp"},
			{Key: "check.people", Done: d.summary.People > 0, Link: p.OrgURL("/people")},
			{Key: "check.members_totp", Done: d.summary.MembersNoTOTP == 0, Link: p.OrgURL("/members")},
			{Key: "check.require_totp", Done: st.org.RequireTOTP, Link: p.OrgURL("/settings")},
		}
		// A step the reader's role may not take is named, without a link
		// to a page that would refuse them, with whom to ask.
		for i := range p.Checklist {
			if !s.links.mayOpen(st.role, p.Checklist[i].Link) {
				p.Checklist[i].Link, p.Checklist[i].AskOwner = "", true
			}
		}
	}
	if st.can(org.ViewProgramme) {
		if p.Leaving, err = s.leavingSoon(r, 20); err != nil {
			s.fail(w, r, err)
			return
		}
		p.Score = findings.ScoreOf(d.open, d.summary.Records())
		for _, x := range p.Score.Top(3) {
			p.Lines = append(p.Lines, deductionView{Deduction: x, Check: p.checkView(x.CheckID)})
		}
	}
	if st.can(org.ViewAudit) {
		p.AuditRows = p.auditRows(d.recent)
	}
	s.render(w, r, http.StatusOK, "dashboard", p)
}
