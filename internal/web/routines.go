package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/routine"
	"github.com/mamori-sec/mamori/internal/store"
)

// occRow is an occurrence as the routines pages show it.
type occRow struct {
	store.Occurrence
	Title       string
	Status      routine.Status
	StatusLabel string
	DaysOver    int
	Due         string // the due day, written
	URL         string
	Who         string // the assignee's name, or "the keepers"
}

// choreTitle is a chore's title, with its service for a per-service one.
func (b base) choreTitle(c routine.Chore, service string) string {
	t := b.T(c.TitleKey())
	if service != "" {
		t = b.T("routines.title_service", t, service)
	}
	return t
}

func (b base) who(name string) string {
	if name == "" {
		return b.T("routines.keepers")
	}
	return name
}

func (b base) occRow(o store.Occurrence, today calendar.Day) occRow {
	st := o.Status(today)
	return occRow{Occurrence: o, Title: b.choreTitle(o.Chore, o.Service), Status: st, StatusLabel: b.T(st.Label()),
		DaysOver: o.Due().DaysOverdue(today), Due: b.Day(o.On.String()), URL: b.OrgURL("/occurrences/" + strconv.FormatInt(o.ID, 10)), Who: b.who(o.Assignee)}
}

// routineRow is a routine as the list and the detail page show it.
type routineRow struct {
	store.Routine
	Title, When, Who, URL string
}

// when says a schedule in words: "毎週月曜日", "毎月25日", …
func (b base) when(s routine.Schedule) string {
	switch s.Cadence {
	case routine.Weekly:
		return b.T("routines.when.weekly", b.T("weekday."+strconv.Itoa(int(s.Weekday))))
	case routine.Monthly:
		return b.T("routines.when.monthly", s.Day)
	case routine.Quarterly:
		return b.T("routines.when.quarterly", int(s.Month), s.Day)
	case routine.Once:
		return b.T("routines.when.once", b.Day(s.On.String()))
	}
	return b.T("routines.when.yearly", int(s.Month), s.Day)
}

func (b base) routineRow(r store.Routine) routineRow {
	return routineRow{Routine: r, Title: b.choreTitle(r.Chore, r.Service), When: b.when(r.Schedule), Who: b.who(r.Assignee),
		URL: b.OrgURL("/routines/" + strconv.FormatInt(r.ID, 10))}
}

type personGroup struct {
	Who  string
	Rows []occRow
}

type choreOption struct{ ID, Title string }

type routinesPage struct {
	base
	View     string // week, people, all
	Today    string
	Rows     []occRow
	Groups   []personGroup
	Routines []routineRow
	CanEdit  bool
	HasFeed  bool
	FeedURL  string // shown once, right after it is made
	Chores   []choreOption
	Services []inventory.Service
	Members  []store.Member
	Cadences []routine.Cadence
}

func (s *Server) routinesBase(r *http.Request, view string) routinesPage {
	st := stateOf(r)
	p := routinesPage{base: s.page(r, "routines.title", "routines"), View: view, CanEdit: st.can(org.EditProgramme)}
	p.Today = p.Day(calendar.Of(s.Now()).String())
	p.HasFeed, _ = st.tenant.HasCalendarFeed(r.Context(), st.user.ID)
	return p
}

// routinesWeek is this week's chores: the overdue ones and those due in
// the coming seven days, each one click from done.
func (s *Server) routinesWeek(w http.ResponseWriter, r *http.Request) {
	p := s.routinesBase(r, "week")
	if err := s.fillWeek(r, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "routines", p)
}

func (s *Server) fillWeek(r *http.Request, p *routinesPage) error {
	today := calendar.Of(s.Now())
	os, err := stateOf(r).tenant.Occurrences(r.Context(), store.OccurrenceQuery{Through: today.AddDays(7), Waiting: true, AnyAssignee: true})
	if err != nil {
		return err
	}
	for _, o := range os {
		p.Rows = append(p.Rows, p.occRow(o, today))
	}
	return nil
}

// routinesPeople groups the coming month's chores by the person they are
// assigned to.
func (s *Server) routinesPeople(w http.ResponseWriter, r *http.Request) {
	p := s.routinesBase(r, "people")
	today := calendar.Of(s.Now())
	os, err := stateOf(r).tenant.Occurrences(r.Context(), store.OccurrenceQuery{Through: today.AddDays(31), Waiting: true, AnyAssignee: true})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	idx := map[string]int{}
	for _, o := range os {
		row := p.occRow(o, today)
		i, ok := idx[row.Who]
		if !ok {
			i = len(p.Groups)
			idx[row.Who] = i
			p.Groups = append(p.Groups, personGroup{Who: row.Who})
		}
		p.Groups[i].Rows = append(p.Groups[i].Rows, row)
	}
	sort.SliceStable(p.Groups, func(i, j int) bool { return p.Groups[i].Who < p.Groups[j].Who })
	s.render(w, r, http.StatusOK, "routines", p)
}

// routinesAll lists every routine of the company, with the form to add one.
func (s *Server) routinesAll(w http.ResponseWriter, r *http.Request) {
	p := s.routinesBase(r, "all")
	if err := s.fillAll(r, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "routines", p)
}

func (s *Server) fillAll(r *http.Request, p *routinesPage) error {
	ctx, st := r.Context(), stateOf(r)
	rs, err := st.tenant.Routines(ctx)
	if err != nil {
		return err
	}
	for _, x := range rs {
		p.Routines = append(p.Routines, p.routineRow(x))
	}
	if !p.CanEdit {
		return nil
	}
	for _, c := range routine.Catalogue {
		if !c.OneOff { // made from a near miss, not added here
			p.Chores = append(p.Chores, choreOption{ID: c.ID, Title: p.T(c.TitleKey())})
		}
	}
	p.Cadences = routine.Cadences
	if p.Services, _, err = st.tenant.Services(ctx, store.ListQuery{Sort: "name", Limit: 500}); err != nil {
		return err
	}
	p.Members, err = st.tenant.Members(ctx)
	return err
}

// scheduleForm reads the schedule, assignee, pause and escalation fields
// shared by the add and change forms; the domain validates them.
func scheduleForm(r *http.Request) store.RoutineInput {
	atoi := func(k string) int {
		n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue(k)))
		if err != nil {
			return -1
		}
		return n
	}
	in := store.RoutineInput{Chore: r.PostFormValue("chore"), Paused: r.PostFormValue("paused") == "on"}
	in.Schedule = routine.Schedule{Cadence: routine.Cadence(r.PostFormValue("cadence")), Weekday: time.Weekday(atoi("weekday")),
		Day: atoi("day"), Month: time.Month(atoi("month"))}
	switch in.Schedule.Cadence {
	case routine.Weekly:
		in.Schedule.Day, in.Schedule.Month = 0, 0
	case routine.Monthly:
		in.Schedule.Weekday, in.Schedule.Month = 0, 0
	default:
		in.Schedule.Weekday = 0
	}
	in.AssigneeID, _ = strconv.ParseInt(r.PostFormValue("assignee"), 10, 64)
	in.ServiceID, _ = strconv.ParseInt(r.PostFormValue("service"), 10, 64)
	in.EscalateAfter = atoi("escalate_after")
	return in
}

func (s *Server) routineAdd(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	in := scheduleForm(r)
	if c, ok := routine.ChoreByID(in.Chore); ok && r.PostFormValue("cadence") == "" {
		in.Schedule = routine.DefaultSchedule(c)
	}
	if r.PostFormValue("escalate_after") == "" {
		in.EscalateAfter = routine.DefaultEscalateAfter
	}
	id, err := st.tenant.AddRoutine(r.Context(), st.actor(r), in, calendar.Of(s.Now()))
	if err != nil {
		p := s.routinesBase(r, "all")
		if ferr := s.fillAll(r, &p); ferr != nil {
			s.fail(w, r, ferr)
			return
		}
		s.formError(w, r, err, "routines", &p, &p.base)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/routines/"+strconv.FormatInt(id, 10), "routine_added")
}

type routinePage struct {
	base
	Row          routineRow
	FromNearMiss string // a one-off's near miss or incident, in words
	NearMissURL  string // and the link to it, for whoever may open it
	Why          string
	Steps        []string
	Evidence     []string
	History      []occRow
	AuditRows    []auditRow
	CanEdit      bool
	Members      []store.Member
	Cadences     []routine.Cadence
	Weekdays     []int
	Months       []int
	// The schedule's weekday and month as the selects compare them.
	WeekdaySel, MonthSel int
}

func (s *Server) routineShow(w http.ResponseWriter, r *http.Request) {
	p, err := s.routinePage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "routine", p)
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, problem.ErrNotFound
	}
	return id, nil
}

func (s *Server) routinePage(r *http.Request) (*routinePage, error) {
	ctx, st := r.Context(), stateOf(r)
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	rt, err := st.tenant.Routine(ctx, id)
	if err != nil {
		return nil, err
	}
	p := &routinePage{base: s.page(r, "routines.title", "routines"), CanEdit: st.can(org.EditProgramme), Cadences: routine.Cadences,
		Weekdays: []int{1, 2, 3, 4, 5, 6, 0}, Months: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}}
	p.Row = p.routineRow(rt)
	p.WeekdaySel, p.MonthSel = int(rt.Schedule.Weekday), int(rt.Schedule.Month)
	p.Why = p.T(rt.Chore.WhyKey())
	switch {
	case rt.Chore.ID == store.IncidentActionChore:
		// A preventive action of an incident's review names the incident
		// in words, and links to it for whoever may open it.
		if inc, err := st.tenant.IncidentOfRoutine(ctx, rt.ID); err == nil {
			p.FromNearMiss = p.T("routines.from_incident", inc.Title, p.Day(calendar.Of(inc.FoundAt).String()))
			if link := p.OrgURL("/incidents/" + strconv.FormatInt(inc.ID, 10)); s.links.mayOpen(st.role, link) {
				p.NearMissURL = link
			}
		} else if !errors.Is(err, problem.ErrNotFound) {
			return nil, err
		}
	case rt.Schedule.Cadence == routine.Once:
		// A one-off made from a near miss names it in words, and links to
		// it for whoever may open the report.
		if n, err := st.tenant.NearMissOfRoutine(ctx, rt.ID); err == nil {
			p.FromNearMiss = p.T("routines.from_near_miss", p.T(n.Category.Label()), p.Day(n.Day.String()))
			if link := p.OrgURL("/near-misses/" + strconv.FormatInt(n.ID, 10)); s.links.mayOpen(st.role, link) {
				p.NearMissURL = link
			}
		} else if !errors.Is(err, problem.ErrNotFound) {
			return nil, err
		}
	}
	for _, k := range rt.Chore.StepKeys() {
		p.Steps = append(p.Steps, p.T(k))
	}
	for _, e := range rt.Chore.Evidence {
		p.Evidence = append(p.Evidence, p.T("routines.evidence."+string(e)))
	}
	today := calendar.Of(s.Now())
	hist, err := st.tenant.Occurrences(ctx, store.OccurrenceQuery{RoutineID: id, AnyAssignee: true, Newest: true, Limit: 60})
	if err != nil {
		return nil, err
	}
	for _, o := range hist {
		p.History = append(p.History, p.occRow(o, today))
	}
	if st.can(org.ViewAudit) {
		entries, err := st.tenant.History(ctx, "routine:"+strconv.FormatInt(id, 10))
		if err != nil {
			return nil, err
		}
		p.AuditRows = p.auditRows(entries, s.auditNames(ctx, st.tenant, entries))
	}
	if p.CanEdit {
		if p.Members, err = st.tenant.Members(ctx); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (s *Server) routineUpdate(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := st.tenant.Routine(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := st.tenant.UpdateRoutine(r.Context(), st.actor(r), id, scheduleForm(r), calendar.Of(s.Now())); err != nil {
		p, perr := s.routinePage(r)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		s.formError(w, r, err, "routine", p, &p.base)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/routines/"+strconv.FormatInt(id, 10), "saved")
}

type evidenceRow struct {
	store.Evidence
	Label, URL string
}

type shareOption struct {
	ID    int64
	Label string
}

type importOption struct {
	Seq   int64
	Label string
}

type occurrencePage struct {
	base
	Row      occRow
	Why      string
	Steps    []string
	Takes    []string
	Evidence []evidenceRow
	CanEdit  bool
	// What the completing form offers, from what the chore takes.
	TakesFile, TakesImport, TakesShares bool
	Imports                             []importOption
	Shares                              []shareOption
	MaxMB                               int
	Allowed                             string
	Note                                string
}

func (s *Server) occurrencePage(r *http.Request) (*occurrencePage, error) {
	ctx, st := r.Context(), stateOf(r)
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	o, err := st.tenant.Occurrence(ctx, id)
	if err != nil {
		return nil, err
	}
	p := &occurrencePage{base: s.page(r, "routines.title", "routines"), CanEdit: st.can(org.EditProgramme) && !o.Done(),
		MaxMB: routine.MaxEvidenceBytes >> 20, Allowed: routine.AllowedEvidence}
	p.Row = p.occRow(o, calendar.Of(s.Now()))
	p.Why = p.T(o.Chore.WhyKey())
	for _, k := range o.Chore.StepKeys() {
		p.Steps = append(p.Steps, p.T(k))
	}
	for _, e := range o.Chore.Evidence {
		p.Takes = append(p.Takes, p.T("routines.evidence."+string(e)))
	}
	ev, err := st.tenant.OccurrenceEvidence(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, e := range ev {
		row := evidenceRow{Evidence: e}
		switch e.Kind {
		case routine.EvidenceFile:
			row.Label = p.T("routines.evidence_file", e.Name, e.Size, e.SHA256)
			row.URL = p.OrgURL("/evidence/" + strconv.FormatInt(e.ID, 10))
		case routine.EvidenceImport:
			seq := strings.TrimPrefix(e.Linked, "import:")
			row.Label = p.T("routines.evidence_import", seq)
			if st.can(org.ViewAudit) {
				row.URL = p.OrgURL("/audit?seq=" + seq)
			}
		case routine.EvidenceShares:
			parts := strings.Split(e.Linked, ":")
			if len(parts) == 3 {
				row.Label = p.T("routines.evidence_share", p.targetLabel("share:"+parts[1]), p.T("routines.mark."+parts[2]))
				row.URL = p.OrgURL("/shares/" + parts[1])
			}
		default:
			continue // the note is shown with the completion
		}
		p.Evidence = append(p.Evidence, row)
	}
	if p.CanEdit {
		p.TakesFile = o.Chore.Takes(routine.EvidenceFile) || o.Chore.Takes(routine.EvidenceImport)
		if p.TakesImport = o.Chore.Takes(routine.EvidenceImport); p.TakesImport {
			imps, err := st.tenant.RecentImports(ctx, o.On.AddDays(-45).Time())
			if err != nil {
				return nil, err
			}
			for _, e := range imps {
				p.Imports = append(p.Imports, importOption{Seq: e.Seq, Label: p.T("routines.import_option", p.DateTime(e.At), p.targetLabel(e.Target))})
			}
		}
		if p.TakesShares = o.Chore.Takes(routine.EvidenceShares); p.TakesShares {
			shares, _, err := st.tenant.Shares(ctx, store.ListQuery{Limit: 200})
			if err != nil {
				return nil, err
			}
			rt, err := st.tenant.Routine(ctx, o.RoutineID)
			if err != nil {
				return nil, err
			}
			for _, sh := range shares {
				if rt.ServiceID == 0 || sh.ServiceID == rt.ServiceID {
					p.Shares = append(p.Shares, shareOption{ID: sh.ID, Label: sh.Path})
				}
			}
		}
	}
	return p, nil
}

func (s *Server) occurrenceShow(w http.ResponseWriter, r *http.Request) {
	p, err := s.occurrencePage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "occurrence", p)
}

// evidenceUploadLimit bounds the whole completing request: the file plus
// the form's fields.
const evidenceUploadLimit = routine.MaxEvidenceBytes + 256<<10

// isEvidenceUpload reports whether r completes an occurrence, whose body
// may carry a file up to routine.MaxEvidenceBytes (readCompletion bounds
// it).
func isEvidenceUpload(seg []string) bool {
	n := len(seg)
	return n >= 4 && seg[n-1] == "complete" && seg[n-3] == "occurrences"
}

// completionForm is what a completing request carries.
type completionForm struct {
	comp routine.Completion
	file *fileUpload
	back string
}

type fileUpload struct {
	name string
	data []byte
}

func tooLargeEvidence() error {
	return problem.Field("file", "routines.evidence_too_large", routine.MaxEvidenceBytes>>20)
}

// readCompletion reads a completing form: multipart with a file, or a
// plain form (the one-click completion of the week list).
func readCompletion(w http.ResponseWriter, r *http.Request) (completionForm, error) {
	var f completionForm
	f.comp.Shares = map[int64]routine.ShareMark{}
	field := func(name, value string) {
		switch {
		case name == "note":
			f.comp.Note = value
		case name == "import":
			f.comp.ImportID, _ = strconv.ParseInt(value, 10, 64)
		case name == "back":
			f.back = value
		case strings.HasPrefix(name, "share_") && value != "":
			if id, err := strconv.ParseInt(strings.TrimPrefix(name, "share_"), 10, 64); err == nil {
				f.comp.Shares[id] = routine.ShareMark(value)
			}
		}
	}
	if r.ContentLength > evidenceUploadLimit {
		return f, tooLargeEvidence()
	}
	r.Body = http.MaxBytesReader(w, r.Body, evidenceUploadLimit)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		if err := r.ParseForm(); err != nil {
			var mb *http.MaxBytesError
			if errors.As(err, &mb) {
				return f, tooLargeEvidence()
			}
			return f, problem.New(problem.Invalid, "error.bad_form")
		}
		for k, v := range r.PostForm {
			field(k, v[0])
		}
		return f, nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return f, problem.New(problem.Invalid, "error.bad_form")
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			var mb *http.MaxBytesError
			if errors.As(err, &mb) {
				return f, tooLargeEvidence()
			}
			return f, problem.New(problem.Invalid, "error.bad_form")
		}
		if part.FormName() == "file" {
			if part.FileName() == "" {
				continue // the form's empty file input
			}
			var buf bytes.Buffer
			if _, err := buf.ReadFrom(io.LimitReader(part, routine.MaxEvidenceBytes+1)); err != nil {
				var mb *http.MaxBytesError
				if errors.As(err, &mb) {
					return f, tooLargeEvidence()
				}
				return f, problem.New(problem.Invalid, "error.bad_form")
			}
			f.file = &fileUpload{name: fileName(part.FileName()), data: buf.Bytes()}
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, 64<<10))
		if err != nil {
			return f, problem.New(problem.Invalid, "error.bad_form")
		}
		field(part.FormName(), string(b))
	}
	return f, nil
}

// complete checks the file (type and size, by the domain's rule), seals
// it, and completes the occurrence. Nothing is stored unless everything
// is accepted.
func (s *Server) complete(ctx context.Context, st *state, r *http.Request, id int64, f completionForm) error {
	var file *store.EvidenceFile
	if f.file != nil {
		mt, key := routine.CheckFile(f.file.name, f.file.data)
		if key != "" {
			if key == "routines.evidence_too_large" {
				return tooLargeEvidence()
			}
			return problem.Field("file", key, routine.AllowedEvidence)
		}
		sum := sha256.Sum256(f.file.data)
		file = &store.EvidenceFile{Name: f.file.name, MIME: mt, Size: int64(len(f.file.data)), SHA256: hex.EncodeToString(sum[:]), Data: f.file.data}
		if s.Box != nil {
			file.Data = s.Box.SealBytes(f.file.data, store.EvidenceSealContext(st.org.ID, id, file.SHA256))
			file.Sealed = true
		}
	}
	return st.tenant.CompleteOccurrence(ctx, st.actor(r), id, f.comp, file)
}

func (s *Server) occurrenceComplete(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := st.tenant.Occurrence(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := readCompletion(w, r)
	if err == nil {
		err = s.complete(r.Context(), st, r, id, f)
	}
	if err != nil {
		p, perr := s.occurrencePage(r)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		p.Note = f.comp.Note
		s.formError(w, r, err, "occurrence", p, &p.base)
		return
	}
	switch f.back {
	case "week":
		redirect(w, r, "/o/"+st.org.Slug+"/routines", "routine_done")
	case "dashboard":
		redirect(w, r, "/o/"+st.org.Slug+"/", "routine_done")
	default:
		redirect(w, r, "/o/"+st.org.Slug+"/occurrences/"+strconv.FormatInt(id, 10), "routine_done")
	}
}

// evidenceDownload sends an evidence file to a person allowed to view the
// programme, opened from its seal, as an attachment.
func (s *Server) evidenceDownload(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, data, err := st.tenant.EvidenceFileData(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if e.Sealed {
		if s.Box == nil {
			s.fail(w, r, errors.New("evidence sealed, no key"))
			return
		}
		if data, err = s.Box.OpenBytes(data, store.EvidenceSealContext(st.org.ID, e.OccurrenceID, e.SHA256)); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	h := w.Header()
	h.Set("Content-Type", e.MIME)
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(e.Name))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(data)
}
