package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/appi"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/incident"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

// Incidents: the keeper opens one (or a staff member reports one), triages
// it, works through the first hour's and first day's playbook with a clock
// running, decides on the APPI report, keeps notes and evidence, and
// closes it with a review. Every step is an entry of the incident's
// hash-chained timeline (store.AppendIncident); nothing here edits one.

// incidentTypeOption is a type as the forms offer it.
type incidentTypeOption struct {
	Value string
	Label string
}

// recordOption is an inventory record the intake form offers as affected.
type recordOption struct {
	Value string // kind:id
	Label string
	Kind  string
}

type incidentFormPage struct {
	base
	Staff   bool // the staff form: no inventory to choose from
	Drill   bool
	Types   []incidentTypeOption
	Records []recordOption
	Form    incidentForm
	Mine    []store.Incident // a staff member's own reports
	Labels  map[incident.Type]string
}

type incidentForm struct {
	Type, Title, Description, OccurredAt, FoundAt, FoundBy, Scenario string
	Affected                                                         map[string]bool
}

// dateTimeLocal is the value of an <input type="datetime-local"> in Japan.
const dateTimeLocal = "2006-01-02T15:04"

func parseLocal(v string) time.Time {
	t, err := time.ParseInLocation(dateTimeLocal, strings.TrimSpace(v), calendar.Japan)
	if err != nil {
		return time.Time{}
	}
	return t
}

func (s *Server) incidentTypes(b base) ([]incidentTypeOption, map[incident.Type]string) {
	var out []incidentTypeOption
	labels := map[incident.Type]string{}
	for _, t := range incident.Types {
		out = append(out, incidentTypeOption{Value: string(t), Label: b.T(t.Key())})
		labels[t] = b.T(t.Key())
	}
	return out, labels
}

// incidentRecords lists the inventory records the intake may name.
func (s *Server) incidentRecords(r *http.Request, b base) ([]recordOption, error) {
	ctx, t := r.Context(), stateOf(r).tenant
	var out []recordOption
	add := func(kind incident.Kind, id int64, label string) {
		out = append(out, recordOption{Value: fmt.Sprintf("%s:%d", kind, id), Label: label, Kind: b.T("incident.kind." + string(kind))})
	}
	people, _, err := t.People(ctx, store.PeopleQuery{})
	if err != nil {
		return nil, err
	}
	for _, p := range people {
		add(incident.Person, p.ID, p.Name)
	}
	d, err := t.ForChecks(ctx, calendar.Of(s.Now()).String())
	if err != nil {
		return nil, err
	}
	svc := map[int64]string{}
	for _, x := range d.Services {
		svc[x.ID] = x.Name
		add(incident.Service, x.ID, x.Name)
	}
	for _, x := range d.Accounts {
		add(incident.Account, x.ID, b.T("incident.on_service", x.LoginID, svc[x.ServiceID]))
	}
	for _, x := range d.Devices {
		add(incident.Device, x.ID, x.Name)
	}
	for _, x := range d.Shares {
		add(incident.Share, x.ID, b.T("incident.on_service", x.Path, svc[x.ServiceID]))
	}
	for _, x := range d.Assets {
		add(incident.Asset, x.ID, x.Name)
	}
	return out, nil
}

func (s *Server) incidentFormPage(r *http.Request, staff, drill bool) (*incidentFormPage, error) {
	title := "incident.new_title"
	switch {
	case staff:
		title = "incident.report_title"
	case drill:
		title = "incident.drill_new_title"
	}
	p := &incidentFormPage{base: s.page(r, title, "incidents"), Staff: staff, Drill: drill}
	p.Types, p.Labels = s.incidentTypes(p.base)
	now := s.Now().In(calendar.Japan).Format(dateTimeLocal)
	p.Form = incidentForm{OccurredAt: now, FoundAt: now, Affected: map[string]bool{}}
	if drill {
		p.Form.Scenario = r.URL.Query().Get("scenario")
	}
	if !staff {
		recs, err := s.incidentRecords(r, p.base)
		if err != nil {
			return nil, err
		}
		p.Records = recs
	} else {
		mine, err := stateOf(r).tenant.Incidents(r.Context(), store.IncidentQuery{ReportedBy: stateOf(r).user.ID})
		if err != nil {
			return nil, err
		}
		p.Mine = mine
	}
	return p, nil
}

func readIncidentForm(r *http.Request) (incidentForm, incident.Intake) {
	f := incidentForm{
		Type: r.PostFormValue("type"), Title: r.PostFormValue("title"), Description: r.PostFormValue("description"),
		OccurredAt: r.PostFormValue("occurred_at"), FoundAt: r.PostFormValue("found_at"), FoundBy: r.PostFormValue("found_by"),
		Scenario: r.PostFormValue("scenario"), Affected: map[string]bool{},
	}
	in := incident.Intake{Type: incident.Type(f.Type), Title: f.Title, Description: f.Description,
		OccurredAt: parseLocal(f.OccurredAt), FoundAt: parseLocal(f.FoundAt), FoundBy: f.FoundBy, Scenario: strings.TrimSpace(f.Scenario)}
	for _, v := range r.PostForm["affected"] {
		k, id, ok := strings.Cut(v, ":")
		n, err := strconv.ParseInt(id, 10, 64)
		if !ok || err != nil {
			in.Affected = append(in.Affected, incident.Ref{})
			continue
		}
		f.Affected[v] = true
		in.Affected = append(in.Affected, incident.Ref{Kind: incident.Kind(k), ID: n})
	}
	return f, in
}

// incidentsList is the keeper's list of incidents, or of drills.
func (s *Server) incidentsList(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	drills := r.URL.Query().Get("drills") == "1"
	list, err := st.tenant.Incidents(r.Context(), store.IncidentQuery{Drills: drills})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := struct {
		base
		Drills    bool
		List      []store.Incident
		Labels    map[incident.Type]string
		Scenarios []string
		CanEdit   bool
	}{base: s.page(r, "incident.list_title", "incidents"), Drills: drills, List: list, Scenarios: incident.Scenarios}
	_, p.Labels = s.incidentTypes(p.base)
	p.CanEdit = p.Can(string(org.EditProgramme))
	s.render(w, r, http.StatusOK, "incidents", p)
}

func (s *Server) incidentNew(w http.ResponseWriter, r *http.Request) {
	p, err := s.incidentFormPage(r, false, r.URL.Query().Get("drill") == "1")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "incident_form", p)
}

func (s *Server) incidentCreate(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	f, in := readIncidentForm(r)
	in.Drill = r.PostFormValue("drill") == "1"
	if in.Drill && in.Scenario == "" {
		in.Scenario = in.Title
	}
	id, err := st.tenant.OpenIncident(r.Context(), st.actor(r), in)
	if err != nil {
		p, perr := s.incidentFormPage(r, false, in.Drill)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		p.Form = f
		s.formError(w, r, err, "incident_form", p, &p.base)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/incidents/"+strconv.FormatInt(id, 10), "incident_opened")
}

// incidentReportForm is the staff member's "report an incident" page, with
// the reports they made.
func (s *Server) incidentReportForm(w http.ResponseWriter, r *http.Request) {
	p, err := s.incidentFormPage(r, true, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "incident_form", p)
}

// incidentReport opens an incident from a staff report and tells the
// keepers and owners at once.
func (s *Server) incidentReport(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	f, in := readIncidentForm(r)
	in.Affected, in.Drill, in.Scenario = nil, false, ""
	if in.FoundBy == "" {
		in.FoundBy = st.user.Name
	}
	in.Alert = true // queued with the incident, in its transaction
	if _, err := st.tenant.OpenIncident(r.Context(), st.actor(r), in); err != nil {
		p, perr := s.incidentFormPage(r, true, false)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		p.Form = f
		s.formError(w, r, err, "incident_form", p, &p.base)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/incidents/report", "incident_reported")
}

// stepRow is a playbook step with where it stands.
type stepRow struct {
	ID, Text, Note, By string
	Phase              incident.Phase
	Done, Skipped      bool
	At                 time.Time
}

// entryRow is a timeline entry in words.
type entryRow struct {
	incident.Entry
	Label string
	Text  string
}

type incidentPage struct {
	base
	Inc       store.Incident
	TypeLabel string
	Affected  []string
	Elapsed   string // since it was found, or found to closed
	// Clock moves Elapsed on in the browser while the incident is open
	// (static/incident-clock.js): the seconds at rendering, and the two
	// formats with the placeholder numbers 900000001 and 900000002.
	Clock     *incidentClock
	Contained string // time to contain
	Steps     []stepRow
	StepsDone int
	Timeline  []entryRow
	Ruling    *appi.Ruling
	Facts     appiForm
	CanEdit   bool
	Broken    string // the verification's finding, "" when intact
	Members   []memberOption
	Drafts    []draftRow
	DraftKeys []string
	Contacts  []incident.Contact
	Shares    []store.IncidentShare
	ShareURL  string
	// The tasks the review's actions became, and the near miss it was
	// escalated from, in words, with links for whoever may open them.
	Tasks        []incidentTaskRow
	Review       *incident.Review // the closing review, nil while open
	FromNearMiss string
	NearMissURL  string
	// The form's fixed lists.
	Phases       []string
	ReviewFields []string
	ActionRows   []string
}

// incidentTaskRow is a preventive action's task with where it stands.
type incidentTaskRow struct {
	routineRow
	ActionNo int
	What     string // the action, as the review wrote it
	Link     string // the task's page, "" when the reader may not open it
	DoneAt   time.Time
}

type incidentClock struct {
	Seconds int64
	HM, DH  string
}

type memberOption struct {
	ID   int64
	Name string
}

// appiForm is the APPI facts form as filled.
type appiForm struct {
	People                                                                      string
	Sensitive, PropertyRisk, Wrongful, Acquiring, PossibleOnly, Encrypted, GDPR bool
	Awareness                                                                   string
}

// incidentContacts are the people a playbook says to call: the company's
// emergency contacts (the executive sign-off, internal/policy) that say how
// to reach someone, by phone or else by address, in the reader's language.
func (s *Server) incidentContacts(r *http.Request) []incident.Contact {
	st := stateOf(r)
	contacts, err := st.tenant.EmergencyContacts(r.Context())
	if err != nil {
		slog.WarnContext(r.Context(), "emergency contacts unreadable", "err", err)
		return nil
	}
	b := s.page(r, "incident.title", "incidents")
	var out []incident.Contact
	for _, c := range contacts {
		if !c.Set() {
			continue
		}
		reach := c.Phone
		for _, alt := range []string{c.Email, c.URL} {
			if reach == "" {
				reach = alt
			}
		}
		name := c.Name
		if name == "" {
			name = b.T("signoff.contact." + string(c.Kind))
		}
		out = append(out, incident.Contact{Name: name, Role: b.T("signoff.contact." + string(c.Kind)), Phone: reach})
	}
	return out
}

func (s *Server) incidentView(r *http.Request) (*incidentPage, error) {
	ctx, st := r.Context(), stateOf(r)
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	inc, err := st.tenant.Incident(ctx, id)
	if err != nil {
		return nil, err
	}
	p := &incidentPage{base: s.page(r, "incident.title", "incidents"), Inc: inc,
		Phases: []string{string(incident.FirstHour), string(incident.FirstDay)}, ReviewFields: []string{"people", "technology", "operations", "root_cause"},
		ActionRows: []string{"1", "2", "3"}}
	p.CanEdit = p.Can(string(org.EditProgramme))
	p.TypeLabel = p.T(inc.Type.Key())
	recs, err := st.tenant.IncidentRecords(ctx, inc.Affected)
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		name := rec.Name
		if rec.Service != "" {
			name = p.T("incident.on_service", rec.Name, rec.Service)
		}
		p.Affected = append(p.Affected, p.T("incident.labelled", p.T("incident.kind."+string(rec.Kind)), name))
	}
	end := s.Now()
	if !inc.ClosedAt.IsZero() {
		end = inc.ClosedAt
	}
	p.Elapsed = p.duration(end.Sub(inc.FoundAt))
	if inc.ClosedAt.IsZero() {
		p.Clock = &incidentClock{Seconds: int64(max(end.Sub(inc.FoundAt), 0).Seconds()),
			HM: p.T("incident.hours_minutes", 900000001, 900000002), DH: p.T("incident.days_hours", 900000001, 900000002)}
	}
	if !inc.ContainedAt.IsZero() {
		p.Contained = p.duration(inc.ContainedAt.Sub(inc.FoundAt))
	}
	es, err := st.tenant.Timeline(ctx, id)
	if err != nil {
		return nil, err
	}
	p.Contacts = s.incidentContacts(r)
	pb, _, err := st.tenant.IncidentPlaybook(ctx, inc.Type)
	if err != nil {
		return nil, err
	}
	steps := incident.Fill(pb, recs, p.Contacts)
	state := map[string]*stepRow{}
	for _, sp := range steps {
		p.Steps = append(p.Steps, stepRow{ID: sp.ID, Phase: sp.Phase, Text: p.T(sp.Key, sp.Args...)})
	}
	for i := range p.Steps {
		state[p.Steps[i].ID] = &p.Steps[i]
	}
	for _, e := range es {
		var body map[string]any
		_ = json.Unmarshal([]byte(e.Body), &body)
		row := entryRow{Entry: e, Label: p.T("incident.entry." + string(e.Kind)), Text: entryText(p.base, e, body)}
		p.Timeline = append(p.Timeline, row)
		switch e.Kind {
		case incident.StepDone, incident.StepSkip:
			if sr := state[str(body["step"])]; sr != nil {
				sr.Done, sr.Skipped = e.Kind == incident.StepDone, e.Kind == incident.StepSkip
				sr.Note, sr.At, sr.By = str(body["note"]), e.OccurredAt, e.Author
			}
		case incident.Decision:
			var d struct {
				Ruling appi.Ruling `json:"ruling"`
				Facts  appiForm    `json:"form"`
			}
			if json.Unmarshal([]byte(e.Body), &d) == nil {
				p.Ruling, p.Facts = &d.Ruling, d.Facts
			}
		}
	}
	for _, sr := range p.Steps {
		if sr.Done || sr.Skipped {
			p.StepsDone++
		}
	}
	if p.Facts.Awareness == "" {
		p.Facts.Awareness = inc.FoundAt.In(calendar.Japan).Format(dateTimeLocal)
		for _, rec := range recs {
			p.Facts.Encrypted = p.Facts.Encrypted || (rec.Kind == incident.Device && rec.Encrypted)
		}
	}
	tasks, err := st.tenant.IncidentTasks(ctx, id)
	if err != nil {
		return nil, err
	}
	var review incident.Review
	for _, e := range es {
		if e.Kind == incident.Reviewed && json.Unmarshal([]byte(e.Body), &review) == nil {
			p.Review = &review
		}
	}
	for _, k := range tasks {
		row := incidentTaskRow{routineRow: p.routineRow(k.Routine), ActionNo: k.ActionNo, DoneAt: k.DoneAt}
		if k.ActionNo >= 1 && k.ActionNo <= len(review.Actions) {
			row.What = review.Actions[k.ActionNo-1].What
		}
		if s.links.mayOpen(st.role, row.URL) {
			row.Link = row.URL
		}
		p.Tasks = append(p.Tasks, row)
	}
	if n, err := st.tenant.NearMissOfIncident(ctx, id); err == nil {
		p.FromNearMiss = p.T("incident.from_near_miss", p.T(n.Category.Label()), p.Day(n.Day.String()))
		if link := p.OrgURL("/near-misses/" + strconv.FormatInt(n.ID, 10)); s.links.mayOpen(st.role, link) {
			p.NearMissURL = link
		}
	} else if !errors.Is(err, problem.ErrNotFound) {
		return nil, err
	}
	p.Drafts = latestDrafts(p.base, es)
	p.DraftKeys = incident.DraftKinds
	if p.CanEdit {
		ms, err := st.tenant.Members(ctx)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			p.Members = append(p.Members, memberOption{ID: m.ID, Name: m.Name})
		}
		if p.Shares, err = st.tenant.IncidentShares(ctx, id); err != nil {
			return nil, err
		}
	}
	if _, err := st.tenant.VerifyIncident(ctx, id, s.openIncidentEvidence(st.org.ID, id)); err != nil {
		var b *incident.Broken
		if !errors.As(err, &b) {
			return nil, err
		}
		p.Broken = p.T("incident.broken", b.Seq, p.T("incident.broken."+b.Reason), b.File)
	}
	return p, nil
}

// duration writes a span as hours and minutes (days past 48 hours).
func (b base) duration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	m := int(d.Minutes())
	if m >= 48*60 {
		return b.T("incident.days_hours", m/(24*60), (m/60)%24)
	}
	return b.T("incident.hours_minutes", m/60, m%60)
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// entryText is an entry's body in words.
func entryText(b base, e incident.Entry, body map[string]any) string {
	switch e.Kind {
	case incident.Reported:
		return str(body["title"]) + "\n" + str(body["description"])
	case incident.Triaged:
		return b.T("incident.labelled", b.T("incident.class."+str(body["classification"])), str(body["reasons"]))
	case incident.StepDone, incident.StepSkip:
		t := str(body["text"])
		if n := str(body["note"]); n != "" {
			t += "\n" + n
		}
		return t
	case incident.Evidence:
		return b.T("incident.evidence_text", str(body["name"]), e.SHA256) + "\n" + str(body["note"])
	case incident.Decision:
		var d struct {
			Ruling appi.Ruling `json:"ruling"`
		}
		raw, _ := json.Marshal(body)
		_ = json.Unmarshal(raw, &d)
		return d.Ruling.Summary + " (" + d.Ruling.RuleVersion + ")"
	case incident.Draft:
		return b.T("incident.draft."+str(body["draft"])) + " v" + fmt.Sprint(body["version"])
	case incident.Correction:
		return b.T("incident.corrects", e.Corrects) + "\n" + str(body["text"])
	case incident.Reviewed:
		return b.T("incident.review_text", str(body["root_cause"]))
	case incident.Shared:
		return b.T("incident.shared_text", str(body["until"]))
	}
	return str(body["text"])
}

func (s *Server) incidentShow(w http.ResponseWriter, r *http.Request) {
	p, err := s.incidentView(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "incident", p)
}

// incidentAppend handles the small forms of an incident's page: each
// becomes one timeline entry.
func (s *Server) incidentAppend(kind incident.EntryKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st := stateOf(r)
		id, err := pathID(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		a := store.Append{Kind: kind, Body: map[string]any{}}
		var when time.Time
		if v := r.PostFormValue("at"); v != "" {
			if when = parseLocal(v); when.IsZero() {
				s.incidentFormFail(w, r, problem.Field("at", "incident.error.when"))
				return
			}
		}
		a.OccurredAt = when
		note := strings.TrimSpace(r.PostFormValue("note"))
		if len([]rune(note)) > incident.MaxText {
			s.incidentFormFail(w, r, problem.Field("note", "incident.error.too_long", incident.MaxText))
			return
		}
		flash := "incident_saved"
		switch kind {
		case incident.Triaged:
			a.Body["classification"] = incident.Classification(r.PostFormValue("classification"))
			a.Body["reasons"] = note
		case incident.StepDone, incident.StepSkip:
			a.Body["step"], a.Body["note"], a.Body["text"] = r.PostFormValue("step"), note, r.PostFormValue("text")
			if kind == incident.StepSkip && note == "" {
				s.incidentFormFail(w, r, problem.Field("note", "incident.error.skip_reason"))
				return
			}
		case incident.Note, incident.Contained:
			a.Body["text"] = note
			if kind == incident.Note && note == "" {
				s.incidentFormFail(w, r, problem.Field("note", "incident.error.note"))
				return
			}
		case incident.Correction:
			a.Body["text"] = note
			a.Corrects, _ = strconv.ParseInt(r.PostFormValue("corrects"), 10, 64)
			if note == "" {
				s.incidentFormFail(w, r, problem.Field("note", "incident.error.note"))
				return
			}
		}
		if _, err := st.tenant.AppendIncident(r.Context(), st.actor(r), id, a); err != nil {
			s.incidentFormFail(w, r, err)
			return
		}
		redirect(w, r, "/o/"+st.org.Slug+"/incidents/"+strconv.FormatInt(id, 10)+"#"+string(kind), flash)
	}
}

// incidentFormFail shows the incident page again with the problem named.
func (s *Server) incidentFormFail(w http.ResponseWriter, r *http.Request, err error) {
	p, perr := s.incidentView(r)
	if perr != nil {
		s.fail(w, r, perr)
		return
	}
	s.formError(w, r, err, "incident", p, &p.base)
}

// incidentDecide rules on the APPI facts of the form and writes the
// ruling, with the facts and the rule version, into the timeline.
func (s *Server) incidentDecide(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := appiForm{People: strings.TrimSpace(r.PostFormValue("people")), Awareness: r.PostFormValue("awareness")}
	for name, p := range map[string]*bool{"sensitive": &f.Sensitive, "property_risk": &f.PropertyRisk, "wrongful": &f.Wrongful,
		"acquiring": &f.Acquiring, "possible_only": &f.PossibleOnly, "encrypted_high_grade": &f.Encrypted, "gdpr": &f.GDPR} {
		*p = r.PostFormValue(name) == "1"
	}
	facts := appi.Facts{Sensitive: f.Sensitive, PropertyRisk: f.PropertyRisk, Wrongful: f.Wrongful, Acquiring: f.Acquiring,
		PossibleOnly: f.PossibleOnly, EncryptedHighGrade: f.Encrypted, GDPR: f.GDPR, AwareAt: parseLocal(f.Awareness)}
	n, perr := strconv.Atoi(f.People)
	if perr != nil {
		s.incidentFormFail(w, r, problem.Field("people", "appi.error.want_count", s.Catalogue.T(stateOf(r).locale, "incident.appi.people")))
		return
	}
	facts.People = n
	if err := appi.Check(facts, s.Now()); err != nil {
		s.incidentFormFail(w, r, err)
		return
	}
	rules, err := appi.Rules()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := appi.Decide(facts, rules)
	if err != nil {
		s.incidentFormFail(w, r, err)
		return
	}
	l := stateOf(r).locale
	ruling := d.Explain(func(key string, args ...any) string { return s.Catalogue.T(l, key, args...) })
	a := store.Append{Kind: incident.Decision, Body: map[string]any{"ruling": ruling, "form": f}}
	if _, err := st.tenant.AppendIncident(r.Context(), st.actor(r), id, a); err != nil {
		s.incidentFormFail(w, r, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/incidents/"+strconv.FormatInt(id, 10)+"#decision", "incident_decided")
}

// incidentClose closes an incident with its review: people, technology
// and operations, the root cause, preventive actions with owners and due
// dates, and an anonymised lesson for staff.
func (s *Server) incidentClose(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rv := incident.Review{People: r.PostFormValue("people"), Technology: r.PostFormValue("technology"), Operations: r.PostFormValue("operations"),
		RootCause: r.PostFormValue("root_cause"), Lesson: r.PostFormValue("lesson")}
	names := map[int64]string{}
	ms, err := st.tenant.Members(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, m := range ms {
		names[m.ID] = m.Name
	}
	for i := 1; i <= 3; i++ {
		n := strconv.Itoa(i)
		what := strings.TrimSpace(r.PostFormValue("action_" + n))
		if what == "" {
			continue
		}
		owner, _ := strconv.ParseInt(r.PostFormValue("owner_"+n), 10, 64)
		due, _ := calendar.ParseISO(r.PostFormValue("due_" + n))
		if _, ok := names[owner]; !ok {
			owner = 0
		}
		rv.Actions = append(rv.Actions, incident.Action{What: what, OwnerID: owner, Owner: names[owner], Due: due})
	}
	if err := rv.Check(calendar.Of(s.Now())); err != nil {
		s.incidentFormFail(w, r, err)
		return
	}
	body := map[string]any{}
	raw, _ := json.Marshal(rv)
	_ = json.Unmarshal(raw, &body)
	if _, err := st.tenant.AppendIncident(r.Context(), st.actor(r), id, store.Append{Kind: incident.Reviewed, Body: body}); err != nil {
		s.incidentFormFail(w, r, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/incidents/"+strconv.FormatInt(id, 10), "incident_closed")
}

// openIncidentEvidence opens a stored evidence file (unsealing it).
func (s *Server) openIncidentEvidence(orgID, id int64) func(store.IncidentEvidence) ([]byte, error) {
	return func(f store.IncidentEvidence) ([]byte, error) {
		if !f.Sealed {
			return f.Data, nil
		}
		if s.Box == nil {
			return nil, errors.New("evidence sealed, no key")
		}
		return s.Box.OpenBytes(f.Data, store.IncidentSealContext(orgID, id, f.SHA256))
	}
}

// incidentEvidenceUpload keeps an evidence file, sealed, and records its
// SHA-256 in the timeline.
func (s *Server) incidentEvidenceUpload(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.ContentLength > store.MaxEvidence+256<<10 {
		s.fail(w, r, problem.New(problem.TooLarge, "error.too_large"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, store.MaxEvidence+256<<10)
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "multipart/form-data" {
		s.incidentFormFail(w, r, problem.Field("file", "incident.error.file"))
		return
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			s.fail(w, r, problem.New(problem.TooLarge, "error.too_large"))
			return
		}
		s.incidentFormFail(w, r, problem.Field("file", "incident.error.file"))
		return
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		s.incidentFormFail(w, r, problem.Field("file", "incident.error.file"))
		return
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := fileName(hdr.Filename)
	mt := hdr.Header.Get("Content-Type")
	if mt == "" {
		mt = "application/octet-stream"
	}
	var sealed []byte
	if s.Box != nil {
		sealed = s.Box.SealBytes(data, store.IncidentSealContext(st.org.ID, id, sha256Hex(data)))
	}
	if _, err := st.tenant.AddIncidentEvidence(r.Context(), st.actor(r), id, name, mt, data, sealed, r.PostFormValue("note")); err != nil {
		s.incidentFormFail(w, r, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/incidents/"+strconv.FormatInt(id, 10)+"#timeline", "incident_saved")
}

// incidentEvidenceDownload sends an evidence file, unsealed.
func (s *Server) incidentEvidenceDownload(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	seq, err := strconv.ParseInt(r.PathValue("seq"), 10, 64)
	if err != nil {
		s.fail(w, r, problem.ErrNotFound)
		return
	}
	files, err := st.tenant.IncidentEvidenceFiles(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, f := range files {
		if f.Seq != seq {
			continue
		}
		data, err := s.openIncidentEvidence(st.org.ID, id)(f)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		sendAttachment(w, f.MIME, f.Name, data)
		return
	}
	s.fail(w, r, problem.ErrNotFound)
}

// incidentExport is the incident with its whole timeline and evidence as
// JSON, for `mamori incident verify FILE`.
func (s *Server) incidentExport(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ex, err := store.ExportIncident(r.Context(), st.tenant, st.org.Slug, id, s.openIncidentEvidence(st.org.ID, id))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := json.MarshalIndent(ex, "", "  ")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendAttachment(w, "application/json", fmt.Sprintf("incident-%s-%d.json", st.org.Slug, id), b)
}

func sendAttachment(w http.ResponseWriter, mt, name string, data []byte) {
	h := w.Header()
	h.Set("Content-Type", mt)
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+urlPathEscape(name))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(data)
}
