package web

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/routine"
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
	Own        bool // the reader is staff here: their own page, no figures
	Summary    store.Summary
	Score      findings.Score
	Attention  bool
	Reason     string // the first reason to look, in words
	Routines   store.RoutineFigures
	RoleLabel  string
	LastChange string
	LastDone   string // the last completed routine, as the page writes a day
	Incidents  string // open incidents and the mean time to close, in words
}

// portfolioLabels are the words of every row, translated once for the
// page rather than once a row: an advisor may serve hundreds of companies.
type portfolioLabels struct {
	Org, Role, Status, Score, NotAssessed, People, NoTOTP, LastChange, Attention, OK, Overdue, LastDone, Never string
	Incidents                                                                                                  string
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
	data, err := s.portfolios.get(r.Context(), s.DB, stateOf(r).user.ID, s.Now())
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
		NoTOTP: p.T("portfolio.no_totp"), LastChange: p.T("portfolio.last_change"), Attention: p.T("portfolio.attention"), OK: p.T("portfolio.ok"),
		Overdue: p.T("portfolio.routines_overdue"), LastDone: p.T("portfolio.routine_last_done"), Never: p.T("portfolio.never"),
		Incidents: p.T("portfolio.incidents")}
	roles := map[org.Role]string{}
	var calm []portfolioRow
	for _, o := range data.orgs {
		if _, ok := roles[o.Role]; !ok {
			roles[o.Role] = p.T("role." + string(o.Role))
		}
		if !o.Role.Can(org.ViewDashboard) {
			// A member sees the company's name and their page, no figures.
			calm = append(calm, portfolioRow{MemberOrg: o.MemberOrg, RoleLabel: roles[o.Role], Own: true})
			continue
		}
		f := data.figs[o.ID]
		if f == nil {
			f = &store.OrgFigures{} // joined after the figures were read
		}
		figs := f.Routines
		row := portfolioRow{MemberOrg: o.MemberOrg, Summary: o.Summary, Score: findings.ScoreOf(f.Open, o.Summary.Records()), Routines: figs,
			RoleLabel: roles[o.Role], LastChange: p.DateTime(o.Summary.LastChange), LastDone: p.Date(figs.LastDone)}
		row.Incidents = newIncidentFigures(p.base, f.Incidents).Portfolio
		row.Attention, row.Reason = p.attention(o.Org, o.Summary, row.Score, figs)
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
	p.Table = portfolioTable(p.L, p.Rows)
	s.render(w, r, http.StatusOK, "portfolio", p)
}

// attention says whether the advisor should look at a company and why,
// the weightiest reason first: an urgent finding, an administrator of
// mamori without a second factor, an empty inventory, a serious finding.
func (b base) attention(o org.Org, sum store.Summary, score findings.Score, figs store.RoutineFigures) (bool, string) {
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
	case figs.Escalated > 0 || figs.Overdue > 0:
		return true, b.T("portfolio.reason.routines_overdue", figs.Overdue)
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
		if r.Own {
			td("", l.Org, `<a href="/o/`+esc(url.PathEscape(r.Slug))+`/me">`+esc(r.Name)+"</a>")
			td("", l.Role, esc(r.RoleLabel))
			for _, label := range []string{l.Status, l.Score, l.People, l.NoTOTP, l.Overdue, l.LastDone, l.LastChange} {
				td("", label, "")
			}
			b.WriteString("\n  </tr>")
			continue
		}
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
		overdue := "0"
		if r.Routines.Overdue > 0 {
			overdue = `<a href="/o/` + esc(url.PathEscape(r.Slug)) + `/routines">` + strconv.Itoa(r.Routines.Overdue) + "</a>"
		}
		td("num", l.Overdue, overdue)
		last := esc(l.Never)
		if !r.Routines.LastDone.IsZero() {
			last = esc(r.LastDone)
		}
		td("", l.LastDone, last)
		td("", l.Incidents, esc(r.Incidents))
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
	{"scan.title", "module.scan.summary", "/scans"},
	{"nav.findings", "module.findings.summary", "/findings"},
	{"nav.routines", "module.routines.summary", "/routines"},
	{"nav.risks", "module.risks.summary", "/risks"},
	{"nav.incidents", "module.incidents.summary", "/incidents"},
	{"nav.people", "module.people.summary", "/people"},
	{"nav.lessons", "module.lessons.summary", "/lessons"},
	{"nav.policy", "module.policy.summary", "/policy"},
	{"nav.audit", "module.audit.summary", "/audit"},
	{"nav.nearmiss", "module.nearmiss.summary", "/near-misses"},
	{"nav.mailguard", "module.mailguard.summary", "/mailguard"},
	{"selfdiag.title", "module.selfdiag.summary", "/selfdiag"},
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
	Modules   []moduleLine
	Leaving   []leavingView
	NearMiss  *nearMissMonth // this month's near misses by category (keepers)
	Risks     riskFigure
	Lessons   *lessonsDash // overall lesson completion, for ViewProgramme
	Policy    policyFigure
	// Mail is the mail guard's figures: today and the last 30 days.
	Mail      [2]mailguard.Day
	Incidents *incidentFigures // for the roles that see the programme
	Selfdiag  *selfdiagDash    // the self-diagnosis and SECURITY ACTION card
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

// leavingViews are the people of the leaving window (as
// Tenant.LeavingBetween reads them) who leave within
// inventory.LeavingSoonDays of today, soonest first.
func leavingViews(today string, people []inventory.Person) []leavingView {
	out := make([]leavingView, 0, len(people))
	for _, p := range people {
		if days, soon := p.LeavingIn(today); soon {
			out = append(out, leavingView{ID: p.ID, Name: p.Name, Date: p.LeaveDate, Days: days})
		}
	}
	return out
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if memberHome(st) {
		// Staff see their own page, nothing of the organisation's figures.
		http.Redirect(w, r, "/o/"+st.org.Slug+"/me", http.StatusSeeOther)
		return
	}
	// One round trip for both versions; then the figures, each kept
	// until its version or the day moves.
	v, mv, err := s.DB.Versions(r.Context(), st.tenant.OrgID())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	k := dashKey{version: v, mail: mv, day: calendar.Of(s.Now()).String()}
	d, err := s.dash.at(r.Context(), st.tenant, k)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key := dashPageKey{user: *st.user, org: st.org, role: st.role, locale: st.locale, version: d.version, day: d.day,
		uri: r.URL.RequestURI(), block: renderBlock(r), mail: mv}
	if body, ok := s.dashPages.get(key); ok {
		writeHTML(w, http.StatusOK, body)
		return
	}
	m, err := s.dashMods.at(r.Context(), st.tenant, k, d.open)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := dashboardPage{base: s.page(r, "dashboard.title", "dashboard"), Summary: d.summary, Risks: d.risks, Policy: m.policy.of(st.user.ID)}
	if st.can(org.ViewProgramme) {
		p.Mail = m.mail // the mail log's figures, for the roles that may see it
	}
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
		today := calendar.Of(s.Now())
		p.Leaving = leavingViews(today.String(), m.leaving)
		nm := nearMissMonthOf(p.base, today, m.nearMiss)
		p.NearMiss = &nm
		p.Lessons = &lessonsDash{base: p.base, Rate: m.lessons, Link: p.OrgURL("/lessons")}
		p.Incidents = newIncidentFigures(p.base, d.incidents)
		p.Selfdiag = dashSelfdiag(p.base, m.selfdiag)
		p.Score = findings.ScoreOf(d.open, d.summary.Records())
		for _, x := range p.Score.Top(3) {
			p.Lines = append(p.Lines, deductionView{Deduction: x, Check: p.checkView(x.CheckID)})
		}
	}
	if st.can(org.ViewAudit) {
		p.AuditRows = p.auditRows(d.recent, d.names)
	}
	if err := s.fillWeekList(r, &p, m.week); err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if !s.execute(&buf, r, "dashboard", p) {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	s.dashPages.put(key, buf.Bytes())
	writeHTML(w, http.StatusOK, buf.Bytes())
}

// fillWeekList makes the keeper's week one list: overdue routines (the
// escalated first), the top findings, routines due in the coming week,
// leavers' items, then the set-up steps not yet done.
func (s *Server) fillWeekList(r *http.Request, p *dashboardPage, os []store.Occurrence) error {
	st := stateOf(r)
	p.CanDo = st.can(org.EditProgramme)
	if !st.can(org.ViewProgramme) {
		return nil
	}
	today := calendar.Of(s.Now())
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

// maxWeekLeaverItems bounds the leavers' items on the dashboard; the
// checklists page lists them all.
const maxWeekLeaverItems = 10

// leaverItems are the open items of leavers' checklists, the soonest due
// first, each linked to the person's page where it is one click from done.
func (s *Server) leaverItems(r *http.Request) ([]weekItem, error) {
	st := stateOf(r)
	items, err := st.tenant.OpenLeaverItems(r.Context())
	if err != nil || len(items) == 0 {
		return nil, err
	}
	n, err := newNamer(r.Context(), st.tenant)
	if err != nil {
		return nil, err
	}
	b := s.page(r, "dashboard.title", "dashboard")
	today := calendar.Of(s.Now())
	var out []weekItem
	for _, it := range items[:min(len(items), maxWeekLeaverItems)] {
		v := n.item(b, it)
		out = append(out, weekItem{Kind: "leaver", Title: v.Text, Link: b.OrgURL("/people/" + strconv.FormatInt(it.PersonID, 10)),
			Due: b.Date(it.Due.Time()), Overdue: it.Overdue(today)})
	}
	return out, nil
}
