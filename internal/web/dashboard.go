package web

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

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
	Summary    store.Summary
	Score      findings.Score
	Attention  bool
	Reason     string // the first reason to look, in words
	RoleLabel  string
	LastChange string
}

// portfolioLabels are the words of every row, translated once for the
// page rather than once a row: an advisor may serve hundreds of companies.
type portfolioLabels struct {
	Org, Role, Status, Score, NotAssessed, People, NoTOTP, LastChange, Attention, OK string
}

type portfolioPage struct {
	base
	L           portfolioLabels
	Rows        []portfolioRow
	Table       template.HTML // the rows, rendered by portfolioTable
	Attention   int
	Invitations []store.Invitation // addressed to this user, awaiting an answer
}

// portfolio lists the organisations of the user, the ones needing
// attention first.
func (s *Server) portfolio(w http.ResponseWriter, r *http.Request) {
	orgs, err := s.portfolios.get(r.Context(), s.DB, stateOf(r).user.ID, s.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := portfolioPage{base: s.page(r, "portfolio.title", "portfolio")}
	if p.Invitations, err = s.DB.UserInvitations(r.Context(), stateOf(r).user.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	p.L = portfolioLabels{Org: p.T("portfolio.org"), Role: p.T("portfolio.role"), Status: p.T("portfolio.status"), Score: p.T("findings.score"),
		NotAssessed: p.T("findings.not_assessed"), People: p.T("portfolio.people"),
		NoTOTP: p.T("portfolio.no_totp"), LastChange: p.T("portfolio.last_change"), Attention: p.T("portfolio.attention"), OK: p.T("portfolio.ok")}
	roles := map[org.Role]string{}
	var calm []portfolioRow
	for _, o := range orgs {
		if _, ok := roles[o.Role]; !ok {
			roles[o.Role] = p.T("role." + string(o.Role))
		}
		open, err := s.DB.Tenant(o.ID).OpenByCheck(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		row := portfolioRow{MemberOrg: o.MemberOrg, Summary: o.Summary, Score: findings.ScoreOf(open, o.Summary.Records()),
			RoleLabel: roles[o.Role], LastChange: p.DateTime(o.Summary.LastChange)}
		row.Attention, row.Reason = p.attention(o.Org, o.Summary, row.Score)
		if row.Attention {
			p.Rows = append(p.Rows, row)
			p.Attention++
		} else {
			calm = append(calm, row)
		}
	}
	p.Rows = append(p.Rows, calm...)
	p.Table = portfolioTable(p.L, p.Rows)
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

// portfolioTable renders the rows of the portfolio's table. An advisor may
// serve hundreds of companies, and html/template's dozen reflective calls
// a row cost more than the query; here every value is escaped for the
// quoted attribute or the text it stands in, and the slug, the one value in
// a URL, is escaped as a path segment as well.
func portfolioTable(l portfolioLabels, rows []portfolioRow) template.HTML {
	esc := template.HTMLEscapeString
	var b strings.Builder
	b.Grow(len(rows) * 700)
	td := func(class, label, inner string) {
		b.WriteString("\n    <td")
		if class != "" {
			b.WriteString(` class="` + class + `"`)
		}
		b.WriteString(` data-label="` + esc(label) + `">` + inner + "</td>")
	}
	for _, r := range rows {
		b.WriteString("\n  <tr>")
		td("", l.Org, `<a href="/o/`+esc(url.PathEscape(r.Slug))+`/">`+esc(r.Name)+"</a>")
		td("", l.Role, esc(r.RoleLabel))
		status := `<span class="badge ok">` + esc(l.OK) + "</span>"
		if r.Attention {
			status = `<span class="badge warn">` + esc(l.Attention) + "</span>"
		}
		if r.Reason != "" {
			status += `<br><span class="reason">` + esc(r.Reason) + "</span>"
		}
		td("", l.Status, status)
		score := esc(l.NotAssessed)
		if r.Score.Assessed {
			score = esc(r.Score.Shown())
		}
		td("num", l.Score, score)
		td("num", l.People, strconv.Itoa(r.Summary.People))
		td("num", l.NoTOTP, strconv.Itoa(r.Summary.MembersNoTOTP))
		td("", l.LastChange, esc(r.LastChange))
		b.WriteString("\n  </tr>")
	}
	return template.HTML(b.String())
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
	key := dashPageKey{user: *st.user, org: st.org, role: st.role, locale: st.locale, version: d.version, day: d.day,
		uri: r.URL.RequestURI(), block: renderBlock(r)}
	if body, ok := s.dashPages.get(key); ok {
		writeHTML(w, http.StatusOK, body)
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
		p.AuditRows = p.auditRows(d.recent, d.names)
	}
	var buf bytes.Buffer
	if !s.execute(&buf, r, "dashboard", p) {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	s.dashPages.put(key, buf.Bytes())
	writeHTML(w, http.StatusOK, buf.Bytes())
}
