package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/risk"
	"github.com/mamori-sec/mamori/internal/store"
)

// The risk analysis (issue 10 item 4): the register per information asset,
// sorted by risk value with the risks above the acceptance line marked and
// overdue treatments flagged; the 3×3 matrix of 重要度 and 被害発生可能性;
// the form with the vulnerabilities the open findings suggest; an A4 print.
// The rules are internal/risk's.

// riskRow is one risk of the register in words.
type riskRow struct {
	risk.Entry
	Asset  string
	Threat string
	Owner  string
}

// heatCell is one cell of the matrix: its risk value, how many risks sit
// in it, and whether it lies above the acceptance line.
type heatCell struct {
	Importance, Likelihood, Value, Count int
	Above                                bool
}

type risksPage struct {
	base
	Rows      []riskRow
	Line      int
	Lines     []int
	Heat      [][]heatCell // rows 重要度 3, 2, 1; columns 被害発生可能性 1, 2, 3
	Above     int
	Overdue   int
	Untreated int
	Assets    []inventory.Asset
	AssetID   int64 // the asset the register is narrowed to, 0 for all
}

// riskRegister reads the register, judged as of today, with names.
func (s *Server) riskRegister(ctx context.Context, b base, t store.Tenant, assetID int64) (risksPage, error) {
	p := risksPage{base: b, AssetID: assetID}
	list, err := t.Risks(ctx)
	if err != nil {
		return p, err
	}
	if p.Line, err = t.RiskLine(ctx); err != nil {
		return p, err
	}
	assets, _, err := t.Assets(ctx, store.ListQuery{Sort: "name", Limit: 100000})
	if err != nil {
		return p, err
	}
	p.Assets = assets
	byAsset := make(map[int64]inventory.Asset, len(assets))
	for _, a := range assets {
		byAsset[a.ID] = a
	}
	owners, err := s.riskOwners(ctx, t)
	if err != nil {
		return p, err
	}
	today := calendar.Of(s.Now())
	var entries []risk.Entry
	for _, r := range list {
		if assetID != 0 && r.AssetID != assetID {
			continue
		}
		entries = append(entries, risk.Assess(r, byAsset[r.AssetID].Importance(), p.Line, today))
	}
	risk.Sort(entries)
	for _, e := range entries {
		a := byAsset[e.AssetID]
		row := riskRow{Entry: e, Asset: assetLabelOf(a), Threat: threatWords(b, e.Threat), Owner: owners[e.OwnerID].Name}
		p.Rows = append(p.Rows, row)
		if e.Above {
			p.Above++
		}
		if e.Overdue {
			p.Overdue++
		}
		if e.Untreated {
			p.Untreated++
		}
	}
	h := risk.HeatOf(entries)
	for imp := 3; imp >= 1; imp-- {
		var cells []heatCell
		for l := 1; l <= 3; l++ {
			v := risk.Value(imp, l)
			cells = append(cells, heatCell{Importance: imp, Likelihood: l, Value: v, Count: h.Count[imp][l], Above: v > p.Line})
		}
		p.Heat = append(p.Heat, cells)
	}
	for l := 1; l <= 8; l++ {
		p.Lines = append(p.Lines, l)
	}
	return p, nil
}

func assetLabelOf(a inventory.Asset) string {
	if a.Medium == "" {
		return a.Name
	}
	return a.Name + "（" + a.Medium + "）"
}

// threatWords names a threat: a catalogue threat in the reader's
// language, the company's own words as written.
func threatWords(b base, threat string) string {
	if t, ok := risk.LookupThreat(threat); ok {
		return b.T(t.NameKey())
	}
	return threat
}

// riskOwners are the people who can own a treatment, by id.
func (s *Server) riskOwners(ctx context.Context, t store.Tenant) (map[int64]inventory.Person, error) {
	people, _, err := t.People(ctx, store.PeopleQuery{Limit: 100000})
	out := make(map[int64]inventory.Person, len(people))
	for _, p := range people {
		out[p.ID] = p
	}
	return out, err
}

func (s *Server) risksList(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	assetID, _ := strconv.ParseInt(r.URL.Query().Get("asset"), 10, 64)
	p, err := s.riskRegister(r.Context(), s.page(r, "risk.title", "risks"), st.tenant, assetID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "risks", p)
}

// risksPrint is the register on A4: the matrix and every risk, without
// the forms.
func (s *Server) risksPrint(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p, err := s.riskRegister(r.Context(), s.page(r, "risk.print_title", "risks"), st.tenant, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "risks_print", p)
}

func (s *Server) riskLineSave(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	line, err := strconv.Atoi(r.PostFormValue("line"))
	if err != nil {
		line = 0
	}
	if err := st.tenant.SetRiskLine(r.Context(), st.actor(r), line); err != nil {
		p, rerr := s.riskRegister(r.Context(), s.page(r, "risk.title", "risks"), st.tenant, 0)
		if rerr != nil {
			s.fail(w, r, rerr)
			return
		}
		s.formError(w, r, err, "risks", &p, &p.base)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/risks", "risk_line_saved")
}

// riskFormPage is the form for one risk, with what the findings suggest
// for its asset.
type riskFormPage struct {
	base
	Risk       risk.Risk
	Custom     string // the threat in the company's own words
	Threats    []risk.Threat
	Treatments []risk.Treatment
	Assets     []inventory.Asset
	People     []inventory.Person
	Proposals  []proposalView
	Importance int
	Line       int
	Levels     []int
}

// proposalView is a suggested vulnerability with its evidence in words.
type proposalView struct {
	risk.Proposal
	Threat   string
	Evidence []string
}

func (s *Server) riskFormData(r *http.Request, rk risk.Risk) (riskFormPage, error) {
	st := stateOf(r)
	ctx := r.Context()
	title := "risk.new_title"
	if rk.ID != 0 {
		title = "risk.edit_title"
	}
	p := riskFormPage{base: s.page(r, title, "risks"), Risk: rk, Threats: risk.Threats, Treatments: risk.Treatments, Levels: []int{1, 2, 3}}
	if _, ok := risk.LookupThreat(rk.Threat); !ok {
		p.Custom = rk.Threat
	}
	var err error
	if p.Assets, _, err = st.tenant.Assets(ctx, store.ListQuery{Sort: "name", Limit: 100000}); err != nil {
		return p, err
	}
	if p.People, _, err = st.tenant.People(ctx, store.PeopleQuery{Current: true, Limit: 100000}); err != nil {
		return p, err
	}
	if p.Line, err = st.tenant.RiskLine(ctx); err != nil {
		return p, err
	}
	if rk.AssetID == 0 {
		return p, nil
	}
	a, err := st.tenant.Asset(ctx, rk.AssetID)
	if err != nil {
		if problem.CodeOf(err) == problem.NotFound {
			return p, nil
		}
		return p, err
	}
	p.Importance = a.Importance()
	p.Proposals, err = s.proposals(ctx, p.base, st.tenant, a)
	return p, err
}

// proposals reads the open findings about an asset, its shares, devices
// and services, and turns them into suggested vulnerabilities with their
// evidence named.
func (s *Server) proposals(ctx context.Context, b base, t store.Tenant, a inventory.Asset) ([]proposalView, error) {
	shares, _, err := t.Shares(ctx, store.ListQuery{Filters: map[string]string{"asset_id": strconv.FormatInt(a.ID, 10)}, Limit: 1000})
	if err != nil {
		return nil, err
	}
	about := []findings.Ref{{Kind: findings.KindAsset, ID: a.ID}}
	shareAsset := map[int64]int64{}
	for _, sh := range shares {
		shareAsset[sh.ID] = a.ID
		about = append(about, findings.Ref{Kind: findings.KindShare, ID: sh.ID})
	}
	for _, id := range a.DeviceIDs {
		about = append(about, findings.Ref{Kind: findings.KindDevice, ID: id})
	}
	for _, id := range a.ServiceIDs {
		about = append(about, findings.Ref{Kind: findings.KindService, ID: id})
	}
	recs, _, err := t.Findings(ctx, store.FindingQuery{Status: findings.Open, About: about, Limit: 1000})
	if err != nil {
		return nil, err
	}
	open := make([]findings.Finding, len(recs))
	for i, rec := range recs {
		open[i] = findings.Finding{CheckID: rec.CheckID, Subject: rec.Subject, Evidence: findings.DecodeEvidence(rec.Evidence)}
	}
	props := risk.Propose(a, open, shareAsset)
	want := inventory.Want{}
	for _, p := range props {
		for _, e := range p.Evidence {
			want.Add(string(e.Subject.Kind), e.Subject.ID)
		}
	}
	names, err := t.Names(ctx, want)
	if err != nil {
		return nil, err
	}
	out := make([]proposalView, len(props))
	for i, p := range props {
		out[i] = proposalView{Proposal: p, Threat: threatWords(b, p.Threat)}
		for _, e := range p.Evidence {
			n := names[inventory.Ref{Kind: string(e.Subject.Kind), ID: e.Subject.ID}]
			if n.Kind == "" {
				n.Kind = string(e.Subject.Kind)
			}
			out[i].Evidence = append(out[i].Evidence, b.T("risk.evidence", b.T("check."+e.CheckID+".title"), n.Label(b.T)))
		}
	}
	return out, nil
}

func (s *Server) riskNew(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	rk := risk.Risk{Status: risk.Open, ThreatLevel: 2, Vulnerability: 2}
	rk.AssetID, _ = strconv.ParseInt(q.Get("asset"), 10, 64)
	if th := q.Get("threat"); th != "" {
		rk.Threat = th
		if t, ok := risk.LookupThreat(th); ok {
			rk.ThreatLevel = t.Level
		}
	}
	if v, err := strconv.Atoi(q.Get("vulnerability")); err == nil && risk.ValidLevel(v) {
		rk.Vulnerability = v
	}
	p, err := s.riskFormData(r, rk)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "risk_form", p)
}

func (s *Server) riskEdit(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, problem.ErrNotFound)
		return
	}
	rk, err := st.tenant.Risk(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.riskFormData(r, rk)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "risk_form", p)
}

// riskFromForm reads the form; what it cannot read stays zero for
// risk.Validate to refuse, naming the field.
func riskFromForm(r *http.Request) (risk.Risk, error) {
	f := r.PostFormValue
	rk := risk.Risk{Treatment: risk.Treatment(f("treatment")), Plan: f("plan"), Status: risk.Status(f("status")), Note: f("note")}
	rk.AssetID, _ = strconv.ParseInt(f("asset"), 10, 64)
	rk.Threat = f("threat")
	if rk.Threat == "other" || rk.Threat == "" {
		rk.Threat = strings.TrimSpace(f("threat_other"))
	}
	rk.ThreatLevel, _ = strconv.Atoi(f("threat_level"))
	rk.Vulnerability, _ = strconv.Atoi(f("vulnerability"))
	rk.OwnerID, _ = strconv.ParseInt(f("owner"), 10, 64)
	if due := strings.TrimSpace(f("due")); due != "" {
		d, err := calendar.Parse(due)
		if err != nil {
			return rk, problem.Field("due", "risk.due_invalid")
		}
		rk.Due = d
	}
	return rk, nil
}

func (s *Server) riskCreate(w http.ResponseWriter, r *http.Request) { s.riskSave(w, r, 0) }

func (s *Server) riskUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, problem.ErrNotFound)
		return
	}
	st := stateOf(r)
	if _, err := st.tenant.Risk(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.riskSave(w, r, id)
}

func (s *Server) riskSave(w http.ResponseWriter, r *http.Request, id int64) {
	st := stateOf(r)
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	rk, err := riskFromForm(r)
	rk.ID = id
	if err == nil {
		rk, err = st.tenant.SaveRisk(r.Context(), st.actor(r), rk)
	}
	if err != nil {
		p, ferr := s.riskFormData(r, rk)
		if ferr != nil {
			s.fail(w, r, ferr)
			return
		}
		s.formError(w, r, err, "risk_form", &p, &p.base)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/risks#risk-"+strconv.FormatInt(rk.ID, 10), "risk_saved")
}

func (s *Server) riskDelete(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, problem.ErrNotFound)
		return
	}
	if err := st.tenant.DeleteRisk(r.Context(), st.actor(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/risks", "risk_deleted")
}

// riskFigure is the dashboard's figure of the register: how many
// treatments are past their due day.
type riskFigure struct {
	Total, Overdue int
}

// readRiskFigure counts the register for the dashboard's cache, as of day
// (YYYY-MM-DD); the cache is keyed by the audit head, which every change
// of a risk moves, and by the day, on which overdue depends.
func readRiskFigure(ctx context.Context, t store.Tenant, day string) (riskFigure, error) {
	list, err := t.Risks(ctx)
	if err != nil {
		return riskFigure{}, err
	}
	today, _ := calendar.ParseISO(day)
	f := riskFigure{Total: len(list)}
	for _, r := range list {
		if r.Overdue(today) {
			f.Overdue++
		}
	}
	return f, nil
}
