package web

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/posture"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

// checkView is a check in the page's language.
type checkView struct {
	ID, Title, Explanation, Remediation string
	Severity                            findings.Severity
	SeverityLabel                       string
	FiveRules, SelfCheck, Threats       []int
}

func (b base) checkView(id string) checkView {
	c, ok := checkIndex()[id]
	if !ok {
		return checkView{ID: id, Title: id}
	}
	return checkView{ID: c.ID, Title: b.T(c.TitleKey()), Explanation: b.T(c.ExplanationKey()), Remediation: b.T(c.RemediationKey()),
		Severity: c.Severity, SeverityLabel: b.T(c.Severity.Key()), FiveRules: c.FiveRules, SelfCheck: c.SelfCheck, Threats: c.Threats}
}

// checkIndex is built once: the checks are fixed for the life of the binary.
var checkIndex = sync.OnceValue(func() map[string]findings.Check {
	idx := map[string]findings.Check{}
	for _, c := range findings.Checks() {
		idx[c.ID] = c
	}
	return idx
})

type deductionView struct {
	findings.Deduction
	Check checkView
}

type findingRow struct {
	findings.Record
	Check   checkView
	Subject string // label of the subject record
	Link    string // its page
	Detail  string
	// Worked out once here rather than by template calls on each of the
	// list's hundred rows, the costliest part of rendering it.
	URL, SevClass, StatusLabel, Since string
}

// findingLabels are the column names the list repeats on each row for
// narrow screens.
type findingLabels struct {
	Severity, What, Record, Status, Since string
}

type findingsPage struct {
	base
	Score     findings.Score
	Lines     []deductionView
	Trend     trendChart
	Rows      []findingRow
	Labels    findingLabels
	Total     int
	Over      bool // there are more than Total
	Status    string
	Check     string
	Severity  int
	Counts    map[string]int // by severity name
	CanRerun  bool
	Evaluated string
}

func (s *Server) findingsList(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	q := r.URL.Query()
	p := findingsPage{base: s.page(r, "findings.title", "findings"), Status: q.Get("status"), Check: q.Get("check"), CanRerun: st.can(org.EditProgramme)}
	p.Severity, _ = strconv.Atoi(q.Get("severity"))
	if p.Status != "" && !findings.Status(p.Status).Valid() {
		s.fail(w, r, problem.Field("status", "error.bad_form"))
		return
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	ctx := r.Context()
	// The open findings by check, cached with the dashboard's figures: a
	// large organisation has hundreds of thousands to count.
	d, err := s.dash.get(ctx, s.DB, st.tenant, s.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Score = findings.ScoreOf(d.open)
	for _, d := range p.Score.Deductions {
		p.Lines = append(p.Lines, deductionView{Deduction: d, Check: p.checkView(d.CheckID)})
	}
	history, err := st.tenant.PostureHistory(ctx, s.Now().AddDate(0, 0, -90).In(jst).Format(time.DateOnly))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Trend = newTrend(history)
	fq := store.FindingQuery{Status: findings.Status(p.Status), CheckID: p.Check, Severity: p.Severity, Offset: max(offset, 0), Limit: 100}
	fq.CountUpTo = countUpTo(fq.Offset, fq.Limit, "")
	list, total, err := st.tenant.Findings(ctx, fq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Total = total
	if total > fq.CountUpTo {
		p.Total, p.Over = fq.CountUpTo, true
	}
	p.Labels = findingLabels{Severity: p.T("findings.severity"), What: p.T("findings.what"), Record: p.T("findings.record"),
		Status: p.T("findings.status"), Since: p.T("findings.since")}
	want := inventory.Want{}
	for _, f := range list {
		want.Add(string(f.Subject.Kind), f.Subject.ID)
	}
	names := s.names(ctx, st.tenant, want)
	for _, f := range list {
		p.Rows = append(p.Rows, s.findingRow(p.base, f, names))
	}
	s.render(w, r, http.StatusOK, "findings", p)
}

func (s *Server) findingRow(b base, f findings.Record, names inventory.Names) findingRow {
	row := findingRow{Record: f, Check: b.checkView(f.CheckID), Detail: f.Detail.Render(b.T)}
	row.Subject = b.recordName(inventory.Ref{Kind: string(f.Subject.Kind), ID: f.Subject.ID}, names)
	row.Link = recordLink(b, string(f.Subject.Kind), f.Subject.ID)
	row.URL = b.OrgURL("/findings/" + strconv.FormatInt(f.ID, 10))
	row.SevClass, row.StatusLabel, row.Since = sevClass(row.Check.Severity), b.T("findings.status."+string(f.Status)), fmtDate(f.FirstSeenAt)
	return row
}

// recordLink is the page of an inventory record.
func recordLink(b base, kind string, id int64) string {
	path := map[string]string{"person": "/people/", "account": "/accounts/", "device": "/devices/", "asset": "/assets/", "share": "/shares/", "service": "/services/"}[kind]
	if path == "" {
		return ""
	}
	return b.OrgURL(path + strconv.FormatInt(id, 10))
}

type evidenceView struct {
	Label, Link string
}

type findingPage struct {
	base
	Row       findingRow
	Evidence  []evidenceView
	AuditRows []auditRow
	Today     string
	CanAccept bool
}

func (s *Server) findingShow(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, problem.ErrNotFound)
		return
	}
	f, err := st.tenant.Finding(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := findingPage{base: s.page(r, "finding.title", "findings"), Today: s.Now().In(jst).Format(time.DateOnly), CanAccept: st.can(org.AcceptRisk)}
	s.fillFinding(r, &p, f)
	s.render(w, r, http.StatusOK, "finding", p)
}

func (s *Server) fillFinding(r *http.Request, p *findingPage, f findings.Record) {
	t := stateOf(r).tenant
	history, err := t.History(r.Context(), "finding:"+strconv.FormatInt(f.ID, 10))
	if err != nil {
		s.Logger.Error("finding history", "component", "http", "error", err)
	}
	// One lookup names the subject, the evidence and the history's records.
	want := inventory.Want{}
	want.Add(string(f.Subject.Kind), f.Subject.ID)
	proof := f.Proof()
	for _, e := range proof {
		want.Add(string(e.Kind), e.ID)
	}
	auditWant(want, history)
	names := s.names(r.Context(), t, want)
	p.Row = s.findingRow(p.base, f, names)
	for _, e := range proof {
		p.Evidence = append(p.Evidence, evidenceView{Label: p.recordName(inventory.Ref{Kind: string(e.Kind), ID: e.ID}, names), Link: recordLink(p.base, string(e.Kind), e.ID)})
	}
	p.AuditRows = p.auditRows(history, names)
}

func (s *Server) findingAccept(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, problem.ErrNotFound)
		return
	}
	f, err := st.tenant.Finding(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	today := s.Now().In(jst).Format(time.DateOnly)
	if err := st.tenant.AcceptFinding(r.Context(), st.actor(r), id, r.PostFormValue("reason"), r.PostFormValue("until"), today); err != nil {
		p := findingPage{base: s.page(r, "finding.title", "findings"), Today: today, CanAccept: true}
		s.fillFinding(r, &p, f)
		s.formError(w, r, err, "finding", &p, &p.base)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/findings/"+strconv.FormatInt(id, 10), "risk_accepted")
}

func (s *Server) findingReopen(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, problem.ErrNotFound)
		return
	}
	if err := st.tenant.ReopenFinding(r.Context(), st.actor(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/findings/"+strconv.FormatInt(id, 10), "risk_withdrawn")
}

// findingsEvaluate runs the checks now, for the keeper who just fixed
// something and wants to see it.
func (s *Server) findingsEvaluate(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if _, err := posture.Evaluate(r.Context(), st.tenant, st.actor(r), s.Now()); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/findings", "evaluated")
}

type checksPage struct {
	base
	Checks []checkView
}

// checksCatalogue lists every check with its explanation and mappings.
func (s *Server) checksCatalogue(w http.ResponseWriter, r *http.Request) {
	p := checksPage{base: s.page(r, "checks.title", "findings")}
	for _, c := range findings.Checks() {
		p.Checks = append(p.Checks, p.checkView(c.ID))
	}
	s.render(w, r, http.StatusOK, "checks", p)
}
