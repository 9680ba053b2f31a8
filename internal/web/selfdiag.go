package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/selfdiag"
	"github.com/mamori-sec/mamori/internal/store"
)

// The self-diagnosis: answer the 25 questions with mamori's proposals from
// live data beside them, see the band and what to do next, compare with
// the previous sitting, merge department sittings; the JSON API and the
// CLI submit an answer file.

// TakeSitting keeps a sitting with what mamori proposed from live data on
// the day and the answers that contradict the open findings, so that the
// result page shows confirmed, overridden and flagged answers whichever
// way the answers came in (form, API, CLI).
func TakeSitting(ctx context.Context, t store.Tenant, actor audit.Actor, today calendar.Day, in store.SittingInput) (int64, error) {
	live, err := t.SelfdiagLive(ctx, today)
	if err != nil {
		return 0, err
	}
	for _, p := range selfdiag.Prefill(live) {
		in.Proposed.Set(p.Q, p.Answer)
	}
	in.Flagged = nil
	for _, c := range selfdiag.Contradictions(in.Answers, live.Findings) {
		in.Flagged = append(in.Flagged, c.Q)
	}
	if in.TakenOn.IsZero() {
		in.TakenOn = today
	}
	return t.SaveSitting(ctx, actor, in)
}

// evidenceLine is one record behind a proposal or a flag, in words.
type evidenceLine struct {
	Record string
	Check  string // the check's title, "" for a record that shows the measure
}

func evidenceLines(b base, ev []selfdiag.Evidence) []evidenceLine {
	out := make([]evidenceLine, len(ev))
	for i, e := range ev {
		out[i].Record = e.Record.Label(b.T)
		if e.CheckID != "" {
			out[i].Check = b.T("check." + e.CheckID + ".title")
		}
	}
	return out
}

type questionRow struct {
	Q                     int
	Title, Risk, Practice string
	PartStart             string // the part's name on its first question
	Proposal              selfdiag.Answer
	ProposalLabel         string
	Reason                string
	Evidence              []evidenceLine
	Chosen                string // the answer selected in the form
	Contradicts           bool   // open findings would flag "done"
	WasFlagged            bool   // the previous company sitting's "done" was flagged
}

type selfdiagFormPage struct {
	base
	Questions  []questionRow
	Answers    []selfdiag.Answer
	Department string
	Proposed   int
}

func (s *Server) selfdiagNew(w http.ResponseWriter, r *http.Request) {
	p, err := s.selfdiagForm(r, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "selfdiag_form", p)
}

func (s *Server) selfdiagForm(r *http.Request, chosen map[int]string) (*selfdiagFormPage, error) {
	st := stateOf(r)
	live, err := st.tenant.SelfdiagLive(r.Context(), calendar.Of(s.Now()))
	if err != nil {
		return nil, err
	}
	p := &selfdiagFormPage{base: s.page(r, "selfdiag.new_title", "selfdiag"), Answers: selfdiag.AllAnswers}
	proposals := selfdiag.Prefill(live)
	var prev store.Sitting
	if prev, err = st.tenant.LatestSitting(r.Context()); err != nil && problem.CodeOf(err) != problem.NotFound {
		return nil, err
	}
	against := map[int]bool{}
	for _, c := range selfdiag.Contradictions(allDone(), live.Findings) {
		against[c.Q] = true
	}
	for _, pr := range proposals {
		q := pr.Q
		row := questionRow{Q: q, Title: p.T(selfdiag.QuestionKey(q, "title")), Risk: p.T(selfdiag.QuestionKey(q, "risk")),
			Practice: p.T(selfdiag.QuestionKey(q, "practice")), Proposal: pr.Answer, Contradicts: against[q], WasFlagged: prev.Flagged[q-1]}
		if part := selfdiag.PartOf(q); part.From == q {
			row.PartStart = p.T(part.Key())
		}
		if pr.Reason != "" {
			row.Reason = p.T(pr.Reason, dayArgs(p.base, pr.ReasonArgs())...)
		}
		row.Evidence = evidenceLines(p.base, pr.Evidence)
		if pr.Answer != selfdiag.Unanswered {
			row.ProposalLabel = p.T(pr.Answer.Key())
			row.Chosen = pr.Answer.Code()
			p.Proposed++
		}
		if c, ok := chosen[q]; ok {
			row.Chosen = c
		}
		p.Questions = append(p.Questions, row)
	}
	return p, nil
}

// dayArgs writes the days among a reason's arguments as the locale
// writes dates.
func dayArgs(b base, args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case calendar.Day:
			a = b.Day(v.String())
		case selfdiag.Names:
			a = strings.Join(v, b.T("selfdiag.names_sep"))
		}
		out[i] = a
	}
	return out
}

func allDone() selfdiag.Answers {
	var a selfdiag.Answers
	for q := 1; q <= selfdiag.Questions; q++ {
		a.Set(q, selfdiag.Done)
	}
	return a
}

func (s *Server) selfdiagCreate(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	st := stateOf(r)
	var in store.SittingInput
	chosen := map[int]string{}
	for q := 1; q <= selfdiag.Questions; q++ {
		v := r.PostForm.Get("q" + strconv.Itoa(q))
		if v == "" {
			continue
		}
		a, ok := selfdiag.AnswerOf(v)
		if !ok {
			s.fail(w, r, problem.Field("q"+strconv.Itoa(q), "error.bad_form"))
			return
		}
		in.Answers.Set(q, a)
		chosen[q] = v
	}
	in.Department = r.PostForm.Get("department")
	in.Source = "form"
	id, err := TakeSitting(r.Context(), st.tenant, st.actor(r), calendar.Of(s.Now()), in)
	if err != nil {
		p, perr := s.selfdiagForm(r, chosen)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		p.Department = in.Department
		s.formError(w, r, err, "selfdiag_form", p, &p.base)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/selfdiag/"+strconv.FormatInt(id, 10), "selfdiag_saved")
}

type sittingRow struct {
	ID         int64
	URL        string
	Day        string
	Department string
	Total      int
	Band       string
	BandCode   string
	Source     string
}

func (p base) sittingRow(s store.Sitting) sittingRow {
	r := s.Result()
	return sittingRow{ID: s.ID, URL: p.OrgURL("/selfdiag/" + strconv.FormatInt(s.ID, 10)), Day: p.Day(s.TakenOn.String()),
		Department: s.Department, Total: r.Total, Band: p.T(r.Band.Key()), BandCode: r.Band.Code(), Source: p.T("selfdiag.source." + s.Source)}
}

type selfdiagHubPage struct {
	base
	Latest      *sittingRow
	History     []sittingRow
	Departments []sittingRow
	Trend       []trendPoint
	TrendHeight int
	CanEdit     bool
	Cloud       []cloudServiceRow
}

// cloudServiceRow is a cloud service with its last completed check.
type cloudServiceRow struct {
	Name, URL, DoneOn string
}

type trendPoint struct {
	Day      string
	Total    int
	Width    int // the bar's length: one unit a point, none below 0
	Y, TextY int
}

func (s *Server) selfdiagHub(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	list, err := st.tenant.Sittings(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &selfdiagHubPage{base: s.page(r, "selfdiag.title", "selfdiag"), CanEdit: st.can(org.EditProgramme)}
	for _, x := range list {
		row := p.sittingRow(x)
		if x.Department != "" {
			p.Departments = append(p.Departments, row)
			continue
		}
		if p.Latest == nil {
			p.Latest = &row
		}
		p.History = append(p.History, row)
	}
	for i := len(p.History) - 1; i >= 0 && len(p.Trend) < 8; i-- {
		h := p.History[i]
		y := 18 * len(p.Trend)
		p.Trend = append(p.Trend, trendPoint{Day: h.Day, Total: h.Total, Width: max(0, h.Total), Y: y + 3, TextY: y + 12})
	}
	p.TrendHeight = 18 * len(p.Trend)
	data, err := st.tenant.ForChecks(r.Context(), calendar.Of(s.Now()).String())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, svc := range data.Services {
		if svc.Category == inventory.Cloud {
			row := cloudServiceRow{Name: svc.Name, URL: p.OrgURL("/services/" + strconv.FormatInt(svc.ID, 10) + "/cloud-check")}
			if svc.CloudCheckDone != "" {
				row.DoneOn = p.Day(svc.CloudCheckDone)
			}
			p.Cloud = append(p.Cloud, row)
		}
	}
	s.render(w, r, http.StatusOK, "selfdiag", p)
}

type resultAnswer struct {
	Q         int
	Title     string
	PartStart string
	Answer    string
	Code      string
	Source    string
	Flagged   bool
	Said      []string // merged: who said what
}

type changeRow struct {
	Q             int
	Title         string
	Before, After string
	Better        bool
}

type partRow struct {
	Name       string
	Total, Max int
}

type selfdiagResultPage struct {
	base
	Sitting   sittingRow
	Next      string
	Parts     []partRow
	DontKnow  []questionRow
	Answers   []resultAnswer
	Previous  *sittingRow
	Changes   []changeRow
	Flagged   int
	Merged    []sittingRow
	Confirmed int
	Overrides int
}

func (s *Server) selfdiagShow(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sit, err := st.tenant.Sitting(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	all, err := st.tenant.Sittings(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &selfdiagResultPage{base: s.page(r, "selfdiag.result_title", "selfdiag")}
	p.Sitting = p.sittingRow(sit)
	res := sit.Result()
	p.Next = p.T(res.Band.NextKey())
	for i, part := range selfdiag.Parts {
		p.Parts = append(p.Parts, partRow{Name: p.T(part.Key()), Total: res.Parts[i], Max: part.Max()})
	}
	for _, q := range res.DontKnow {
		p.DontKnow = append(p.DontKnow, questionRow{Q: q, Title: p.T(selfdiag.QuestionKey(q, "title")), Practice: p.T(selfdiag.QuestionKey(q, "practice"))})
	}
	// The previous sitting: the newest older one of the same department
	// (the company's for a company sitting); all is newest first.
	var sources []selfdiag.Department
	byID := map[int64]store.Sitting{}
	for _, x := range all {
		byID[x.ID] = x
	}
	seen := false
	for _, x := range all {
		if x.ID == sit.ID {
			seen = true
			continue
		}
		if seen && x.Department == sit.Department {
			row := p.sittingRow(x)
			p.Previous = &row
			for _, c := range selfdiag.Compare(x.Answers, sit.Answers) {
				p.Changes = append(p.Changes, changeRow{Q: c.Q, Title: p.T(selfdiag.QuestionKey(c.Q, "title")),
					Before: p.T(c.Before.Key()), After: p.T(c.After.Key()), Better: c.Better()})
			}
			break
		}
	}
	for _, src := range sit.Sources {
		if x, ok := byID[src]; ok {
			p.Merged = append(p.Merged, p.sittingRow(x))
			sources = append(sources, selfdiag.Department{Name: x.Department, Answers: x.Answers})
		}
	}
	_, said := selfdiag.Merge(sources)
	for q := 1; q <= selfdiag.Questions; q++ {
		a := sit.Answers.Get(q)
		row := resultAnswer{Q: q, Title: p.T(selfdiag.QuestionKey(q, "title")), Answer: p.T(a.Key()), Code: a.Code(),
			Source: sit.AnswerSource(q), Flagged: sit.Flagged[q-1]}
		if part := selfdiag.PartOf(q); part.From == q {
			row.PartStart = p.T(part.Key())
		}
		for _, sd := range said[q-1] {
			row.Said = append(row.Said, p.T("selfdiag.said", sd.Department, p.T(sd.Answer.Key())))
		}
		switch row.Source {
		case "confirmed":
			p.Confirmed++
		case "overridden":
			p.Overrides++
		}
		if row.Flagged {
			p.Flagged++
		}
		p.Answers = append(p.Answers, row)
	}
	s.render(w, r, http.StatusOK, "selfdiag_result", p)
}

func (s *Server) selfdiagMerge(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	st := stateOf(r)
	var ids []int64
	for _, v := range r.PostForm["sitting"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.fail(w, r, problem.New(problem.Invalid, "error.bad_form"))
			return
		}
		ids = append(ids, id)
	}
	id, err := st.tenant.MergeSittings(r.Context(), st.actor(r), ids, calendar.Of(s.Now()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/selfdiag/"+strconv.FormatInt(id, 10), "selfdiag_merged")
}

// SittingJSON is a sitting as the JSON API and the CLI give it (keys in
// docs/selfdiag.md).
type SittingJSON struct {
	ID         int64        `json:"id"`
	TakenOn    string       `json:"taken_on"`
	Department string       `json:"department,omitempty"`
	Total      int          `json:"total"`
	Max        int          `json:"max"`
	Band       string       `json:"band"`
	BandLabel  string       `json:"band_label"`
	NextStep   string       `json:"next_step"`
	Parts      []PartJSON   `json:"parts"`
	DontKnow   []QJSON      `json:"dont_know"`
	Answers    []AnswerJSON `json:"answers"`
	Flagged    []int        `json:"flagged"`
}

// PartJSON is one part's total.
type PartJSON struct {
	Part  int    `json:"part"`
	Name  string `json:"name"`
	Total int    `json:"total"`
	Max   int    `json:"max"`
}

// QJSON names a question.
type QJSON struct {
	Question int    `json:"question"`
	Title    string `json:"title"`
}

// AnswerJSON is one answer with where it came from.
type AnswerJSON struct {
	Question int    `json:"question"`
	Answer   string `json:"answer"`
	Label    string `json:"label"`
	Proposed string `json:"proposed,omitempty"`
	Source   string `json:"source"`
	Flagged  bool   `json:"flagged,omitempty"`
}

// SittingToJSON describes a sitting in language l.
func SittingToJSON(cat *i18n.Catalogue, l i18n.Locale, s store.Sitting) SittingJSON {
	r := s.Result()
	j := SittingJSON{ID: s.ID, TakenOn: s.TakenOn.String(), Department: s.Department, Total: r.Total, Max: 4 * selfdiag.Questions,
		Band: r.Band.Code(), BandLabel: cat.T(l, r.Band.Key()), NextStep: cat.T(l, r.Band.NextKey()), DontKnow: []QJSON{}, Flagged: []int{}}
	for i, part := range selfdiag.Parts {
		j.Parts = append(j.Parts, PartJSON{Part: part.N, Name: cat.T(l, part.Key()), Total: r.Parts[i], Max: part.Max()})
	}
	for _, q := range r.DontKnow {
		j.DontKnow = append(j.DontKnow, QJSON{Question: q, Title: cat.T(l, selfdiag.QuestionKey(q, "title"))})
	}
	for q := 1; q <= selfdiag.Questions; q++ {
		a := s.Answers.Get(q)
		j.Answers = append(j.Answers, AnswerJSON{Question: q, Answer: a.Code(), Label: cat.T(l, a.Key()), Proposed: s.Proposed.Get(q).Code(),
			Source: s.AnswerSource(q), Flagged: s.Flagged[q-1]})
		if s.Flagged[q-1] {
			j.Flagged = append(j.Flagged, q)
		}
	}
	return j
}

// apiSelfdiagSubmit takes an answer file (JSON or CSV) as a sitting and
// answers with its result; a bad file is refused naming the line, and
// nothing is saved.
func (s *Server) apiSelfdiagSubmit(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	data, err := readLimited(http.MaxBytesReader(w, r.Body, selfdiag.MaxFile+1), selfdiag.MaxFile)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	answers, err := selfdiag.ParseFile(data)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := store.SittingInput{Answers: answers, Source: "file", Department: strings.TrimSpace(r.URL.Query().Get("department"))}
	id, err := TakeSitting(r.Context(), st.tenant, st.actor(r), calendar.Of(s.Now()), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sit, err := st.tenant.Sitting(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, SittingToJSON(s.Catalogue, apiLocale(r), sit))
}

// apiSelfdiagLatest gives the company's latest sitting.
func (s *Server) apiSelfdiagLatest(w http.ResponseWriter, r *http.Request) {
	sit, err := stateOf(r).tenant.LatestSitting(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, SittingToJSON(s.Catalogue, apiLocale(r), sit))
}
