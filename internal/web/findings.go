package web

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"

	"github.com/mamori-sec/mamori/internal/calendar"
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

// The findings list shows each check's first groupPreview records; a
// check opened on its own pages through its records groupPage at a time.
const (
	groupPreview = 20
	groupPage    = 50
)

// findingGroupView is one check in the grouped findings list.
type findingGroupView struct {
	Check     checkView
	SevClass  string
	AreaLabel string
	Count     int
	Rows      []findingRow
	More      int    // records of the check not listed here
	MoreURL   string // the check on its own page
	Open      bool
}

type findingsPage struct {
	base
	Score     findings.Score
	Lines     []deductionView
	Areas     []areaView
	Trend     trendChart
	Groups    []findingGroupView
	Labels    findingLabels
	Total     int // findings in the groups
	Status    string
	Check     string
	Area      string
	AreaNames []areaOption
	Severity  int
	CanRerun  bool
	Evaluated string
	// Paging through one check's records.
	PrevURL, NextURL string
	From, To         int
}

type areaOption struct {
	Value, Label string
}

func (s *Server) findingsList(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	q := r.URL.Query()
	p := findingsPage{base: s.page(r, "findings.title", "findings"), Status: q.Get("status"), Check: q.Get("check"), Area: q.Get("area"), CanRerun: st.can(org.EditProgramme)}
	p.Severity, _ = strconv.Atoi(q.Get("severity"))
	if p.Status != "" && !findings.Status(p.Status).Valid() {
		s.fail(w, r, problem.Field("status", "error.bad_form"))
		return
	}
	fq := store.FindingQuery{Status: findings.Status(p.Status), CheckID: p.Check, Severity: p.Severity}
	for _, a := range findings.AreaList() {
		p.AreaNames = append(p.AreaNames, areaOption{Value: string(a), Label: p.T("score.area." + string(a))})
		if string(a) == p.Area {
			fq.Kind = findings.KindOf(a)
		}
	}
	if p.Area != "" && fq.Kind == "" {
		s.fail(w, r, problem.Field("area", "error.bad_form"))
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
	p.Score = findings.ScoreOf(d.open, d.summary.Records())
	for _, d := range p.Score.Deductions {
		p.Lines = append(p.Lines, deductionView{Deduction: d, Check: p.checkView(d.CheckID)})
	}
	p.Areas = p.areaViews(p.Score)
	history, err := st.tenant.PostureHistory(ctx, calendar.Of(s.Now()).AddDays(-90).String())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Trend = newTrend(history, p.Day, p.T("findings.trend_method_change"))
	counts, err := s.findingCounts(ctx, st.tenant, fq, d.open)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Labels = findingLabels{Severity: p.T("findings.severity"), What: p.T("findings.what"), Record: p.T("findings.record"),
		Status: p.T("findings.status"), Since: p.T("findings.since")}
	var groupRecords [][]findings.Record
	for _, g := range counts {
		kind := checkIndex()[g.CheckID].Subject
		v := findingGroupView{Check: p.checkView(g.CheckID), SevClass: sevClass(g.Severity), Count: g.Count,
			AreaLabel: p.T("score.area." + string(findings.AreaOf(kind))), Open: p.Check != "" || len(counts) == 1}
		v.Check.SeverityLabel = p.T(g.Severity.Key())
		p.Total += g.Count
		limit := groupPreview
		if p.Check != "" {
			// One check on its own: its records a page at a time.
			offset, limit = max(0, min(offset, g.Count-1)), groupPage
		} else {
			offset = 0
		}
		records, err := st.tenant.FindingsOfCheck(ctx, fq, g.CheckID, offset, limit)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if p.Check != "" {
			p.From, p.To = offset+1, offset+len(records)
			if offset > 0 {
				p.PrevURL = p.listURL(max(0, offset-groupPage))
			}
			if offset+groupPage < g.Count {
				p.NextURL = p.listURL(offset + groupPage)
			}
		} else if g.Count > len(records) {
			v.More = g.Count - len(records)
			v.MoreURL = p.listURL(0, "check", g.CheckID)
		}
		p.Groups = append(p.Groups, v)
		groupRecords = append(groupRecords, records)
	}
	// One name lookup for the records of every group on the page.
	want := inventory.Want{}
	for _, records := range groupRecords {
		for _, f := range records {
			want.Add(string(f.Subject.Kind), f.Subject.ID)
		}
	}
	names := s.names(ctx, st.tenant, want)
	for i, records := range groupRecords {
		for _, f := range records {
			p.Groups[i].Rows = append(p.Groups[i].Rows, s.findingRow(p.base, f, names))
		}
	}
	s.render(w, r, http.StatusOK, "findings", p)
}

// findingCounts counts the findings fq selects by check, the most severe
// and numerous first. The open ones come from the dashboard's cache (a
// large organisation has hundreds of thousands to count); the accepted
// and resolved ones, fewer, from one index-only count.
func (s *Server) findingCounts(ctx context.Context, t store.Tenant, fq store.FindingQuery, open []findings.OpenCount) ([]store.CheckCount, error) {
	var out []store.CheckCount
	byCheck := map[string]int{}
	add := func(c store.CheckCount) {
		if fq.CheckID != "" && c.CheckID != fq.CheckID || fq.Severity > 0 && int(c.Severity) != fq.Severity ||
			fq.Kind != "" && checkIndex()[c.CheckID].Subject != fq.Kind || c.Count == 0 {
			return
		}
		if i, ok := byCheck[c.CheckID]; ok {
			out[i].Count += c.Count
			out[i].Severity = max(out[i].Severity, c.Severity)
			return
		}
		byCheck[c.CheckID] = len(out)
		out = append(out, c)
	}
	if fq.Status == "" || fq.Status == findings.Open {
		for _, c := range open {
			add(store.CheckCount{CheckID: c.CheckID, Severity: c.Severity, Count: c.Open})
		}
	}
	others := []findings.Status{fq.Status}
	switch fq.Status {
	case "":
		others = []findings.Status{findings.Accepted}
	case findings.Open:
		others = nil
	}
	for _, st := range others {
		q := fq
		q.Status = st
		counts, err := t.FindingCounts(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, c := range counts {
			add(c)
		}
	}
	slices.SortFunc(out, func(a, b store.CheckCount) int {
		if a.Severity != b.Severity {
			return cmp.Compare(b.Severity, a.Severity)
		}
		if a.Count != b.Count {
			return cmp.Compare(b.Count, a.Count)
		}
		return cmp.Compare(a.CheckID, b.CheckID)
	})
	return out, nil
}

// listURL is the findings list with the page's filters, at offset within
// one check, with further parameters given as name, value pairs.
func (p findingsPage) listURL(offset int, more ...string) string {
	v := url.Values{}
	for k, x := range map[string]string{"status": p.Status, "check": p.Check, "area": p.Area} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if p.Severity > 0 {
		v.Set("severity", strconv.Itoa(p.Severity))
	}
	if offset > 0 {
		v.Set("offset", strconv.Itoa(offset))
	}
	for i := 0; i+1 < len(more); i += 2 {
		v.Set(more[i], more[i+1])
	}
	return p.OrgURL("/findings") + "?" + v.Encode()
}

// areaView is one area of the score's calculation in the page's language.
type areaView struct {
	findings.AreaScore
	Name  string
	Lines []deductionView
}

func (b base) areaViews(s findings.Score) []areaView {
	var out []areaView
	for _, a := range s.Areas {
		v := areaView{AreaScore: a, Name: b.T("score.area." + string(a.Area))}
		for _, l := range a.Lines {
			v.Lines = append(v.Lines, deductionView{Deduction: l, Check: b.checkView(l.CheckID)})
		}
		out = append(out, v)
	}
	return out
}

func (s *Server) findingRow(b base, f findings.Record, names inventory.Names) findingRow {
	row := findingRow{Record: f, Check: b.checkView(f.CheckID), Detail: f.Detail.Render(b.T)}
	row.Subject = b.recordName(inventory.Ref{Kind: string(f.Subject.Kind), ID: f.Subject.ID}, names)
	row.Link = recordLink(b, string(f.Subject.Kind), f.Subject.ID)
	row.URL = b.OrgURL("/findings/" + strconv.FormatInt(f.ID, 10))
	row.SevClass, row.StatusLabel, row.Since = sevClass(row.Check.Severity), b.T("findings.status."+string(f.Status)), b.Date(f.FirstSeenAt)
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
	p := findingPage{base: s.page(r, "finding.title", "findings"), Today: calendar.Of(s.Now()).String(), CanAccept: st.can(org.AcceptRisk)}
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
	today := calendar.Of(s.Now()).String()
	if err := st.tenant.AcceptFinding(r.Context(), st.actor(r), id, r.PostFormValue("reason"), normaliseDay(r.PostFormValue("until")), today); err != nil {
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
