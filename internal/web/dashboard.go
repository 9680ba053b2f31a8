package web

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/posture"
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
	Attention  bool
	RoleLabel  string
	LastChange string
}

// portfolioLabels are the words of every row, translated once for the
// page rather than once a row: an advisor may serve hundreds of companies.
type portfolioLabels struct {
	Org, Role, Status, People, NoTOTP, LastChange, Attention, OK string
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
	p.L = portfolioLabels{Org: p.T("portfolio.org"), Role: p.T("portfolio.role"), Status: p.T("portfolio.status"), People: p.T("portfolio.people"),
		NoTOTP: p.T("portfolio.no_totp"), LastChange: p.T("portfolio.last_change"), Attention: p.T("portfolio.attention"), OK: p.T("portfolio.ok")}
	roles := map[org.Role]string{}
	var calm []portfolioRow
	for _, o := range orgs {
		if _, ok := roles[o.Role]; !ok {
			roles[o.Role] = p.T("role." + string(o.Role))
		}
		row := portfolioRow{MemberOrg: o.MemberOrg, Summary: o.Summary, Attention: o.Summary.NeedsAttention(o.Org),
			RoleLabel: roles[o.Role], LastChange: fmtDateTime(o.Summary.LastChange)}
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
		if r.Attention {
			td("", l.Status, `<span class="badge warn">`+esc(l.Attention)+"</span>")
		} else {
			td("", l.Status, `<span class="badge ok">`+esc(l.OK)+"</span>")
		}
		td("num", l.People, strconv.Itoa(r.Summary.People))
		td("num", l.NoTOTP, strconv.Itoa(r.Summary.MembersNoTOTP))
		td("", l.LastChange, esc(r.LastChange))
		b.WriteString("\n  </tr>")
	}
	return template.HTML(b.String())
}

type checkItem struct {
	Key  string // catalogue key
	Done bool
	Link string
}

type dashboardPage struct {
	base
	Score     posture.Score
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
	key := dashPageKey{user: *st.user, org: st.org, role: st.role, locale: st.locale, version: d.version, day: d.day,
		uri: r.URL.RequestURI(), block: renderBlock(r)}
	if body, ok := s.dashPages.get(key); ok {
		writeHTML(w, http.StatusOK, body)
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
		p.Score = posture.ScoreOf(d.open)
		for _, x := range p.Score.Top(3) {
			p.Lines = append(p.Lines, deductionView{Deduction: x, Check: p.checkView(x.CheckID)})
		}
	}
	if st.can(org.ViewAudit) {
		p.AuditRows = p.auditRows(d.recent)
	}
	var buf bytes.Buffer
	if !s.execute(&buf, r, "dashboard", p) {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	s.dashPages.put(key, buf.Bytes())
	writeHTML(w, http.StatusOK, buf.Bytes())
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
