package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/telework"
)

// Ask is one thing asked of a member now, at the top of their page: a
// policy to acknowledge, a lesson due.
type Ask struct {
	Title string // in the reader's language
	Link  string
	Due   string // as the page writes a day, "" when none
}

// askSource lists what one module asks of a member of t.
type askSource func(ctx context.Context, t store.Tenant, userID int64, b base) ([]Ask, error)

// asks lists the modules that ask something of a member, in the page's
// order. An empty list shows nothing: the page never promises what does
// not exist.
func (s *Server) asks() []askSource { return []askSource{policiesAsked, lessonsAsked} }

// policiesAsked lists the published policy set when the member has not
// acknowledged it yet.
func policiesAsked(ctx context.Context, t store.Tenant, userID int64, b base) ([]Ask, error) {
	pending, err := t.PoliciesToAcknowledge(ctx, userID)
	if err != nil {
		return nil, err
	}
	asks := make([]Ask, 0, len(pending))
	for _, p := range pending {
		asks = append(asks, Ask{Title: b.T("me.ask_policy", p.Version), Link: b.OrgURL("/rules")})
	}
	return asks, nil
}

// lessonsAsked lists the lessons due for the member, soonest first.
func lessonsAsked(ctx context.Context, t store.Tenant, userID int64, b base) ([]Ask, error) {
	due, err := t.LessonsDue(ctx, userID)
	if err != nil {
		return nil, err
	}
	asks := make([]Ask, 0, len(due))
	for _, d := range due {
		a := Ask{Title: b.T("me.ask_lesson", d.Title(string(b.Locale))), Link: b.OrgURL("/learn/" + d.Lesson)}
		if !d.Due.IsZero() {
			a.Due = b.Day(d.Due.String())
		}
		asks = append(asks, a)
	}
	return asks, nil
}

type mePage struct {
	base
	Asks      []Ask
	Person    bool // mamori links a person of the inventory to this member
	Records   []store.OwnRecord
	Telework  *store.TeleworkCheck
	Lessons   []nearMissLesson
	MyReports []store.NearMiss
	// IncidentLink is the incident report form, when this build has it.
	IncidentLink string
}

// nearMissLesson is one line of the monthly note of lessons learned.
type nearMissLesson struct {
	Day, Category, Lesson string
}

// me is a member's own page: what is asked of them now, their devices and
// accounts as mamori knows them, the telework self-check, the monthly
// lessons from near misses, and the two buttons to report.
func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	p := mePage{base: s.page(r, "me.title", "me")}
	if err := s.fillMe(r, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "me", p)
}

func (s *Server) fillMe(r *http.Request, p *mePage) error {
	st, ctx := stateOf(r), r.Context()
	for _, src := range s.asks() {
		a, err := src(ctx, st.tenant, st.user.ID, p.base)
		if err != nil {
			return err
		}
		p.Asks = append(p.Asks, a...)
	}
	person, err := st.tenant.PersonByEmail(ctx, st.user.Email)
	switch {
	case err == nil:
		p.Person = true
		if p.Records, err = st.tenant.OwnRecords(ctx, person.ID, st.user.ID); err != nil {
			return err
		}
	case !errors.Is(err, problem.ErrNotFound):
		return err
	}
	if tw, err := st.tenant.Telework(ctx, st.user.ID); err == nil {
		p.Telework = &tw
	} else if !errors.Is(err, problem.ErrNotFound) {
		return err
	}
	today := calendar.Of(s.Now())
	lessons, err := st.tenant.NearMissLessons(ctx, lessonsSince(today))
	if err != nil {
		return err
	}
	for _, l := range lessons {
		p.Lessons = append(p.Lessons, nearMissLesson{Day: p.Day(l.Day.String()), Category: p.T(l.Category.Label()), Lesson: l.Lesson})
	}
	if p.MyReports, err = st.tenant.MyNearMisses(ctx, st.user.ID); err != nil {
		return err
	}
	if link := p.OrgURL("/incidents/report"); s.links.mayOpen(st.role, link) {
		p.IncidentLink = link
	}
	return nil
}

// lessonsSince is the first day of the monthly note: this month and the
// one before, so the note is never empty on the first of a month.
func lessonsSince(today calendar.Day) calendar.Day {
	_, _, d := today.Date()
	return today.AddDays(1-d).AddDate(0, -1, 0)
}

// meNote records "not mine" or "I no longer use it" on one of the
// member's devices or accounts, for the keeper.
func (s *Server) meNote(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := mePage{base: s.page(r, "me.title", "me")}
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	var err error = problem.Field("record", "staff.not_your_record")
	id, perr := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	if person, pe := st.tenant.PersonByEmail(r.Context(), st.user.Email); pe == nil && perr == nil {
		err = st.tenant.NoteOwnRecord(r.Context(), st.actor(r), st.user.ID, person.ID, r.PostFormValue("kind"), id, r.PostFormValue("note"))
	} else if pe != nil && !errors.Is(pe, problem.ErrNotFound) {
		err = pe
	}
	if err != nil {
		if ferr := s.fillMe(r, &p); ferr != nil {
			s.fail(w, r, ferr)
			return
		}
		s.formError(w, r, err, "me", &p, &p.base)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/me", "staff_noted")
}

type teleworkPage struct {
	base
	Questions []teleworkQuestion
	Places    []option
	Where     string
	Done      *store.TeleworkCheck
}

type teleworkQuestion struct {
	Name, Label, Hint, Value string
}

func (s *Server) teleworkPageOf(r *http.Request, a telework.Answers) teleworkPage {
	p := teleworkPage{base: s.page(r, "telework.title", "me"), Where: string(a.Where)}
	for _, q := range telework.Questions {
		p.Questions = append(p.Questions, teleworkQuestion{Name: q, Label: p.T("telework.q." + q), Hint: p.T("telework.h." + q), Value: string(*a.Get(q))})
	}
	for _, w := range telework.Places {
		p.Places = append(p.Places, option{Value: string(w), Label: p.T(w.Label())})
	}
	return p
}

// teleworkForm shows the self-check, filled with the last answers.
func (s *Server) teleworkForm(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	var a telework.Answers
	tw, err := st.tenant.Telework(r.Context(), st.user.ID)
	switch {
	case err == nil:
		a = tw.Answers
	case !errors.Is(err, problem.ErrNotFound):
		s.fail(w, r, err)
		return
	}
	p := s.teleworkPageOf(r, a)
	if err == nil {
		p.Done = &tw
	}
	s.render(w, r, http.StatusOK, "telework", p)
}

// teleworkSubmit keeps the declaration and writes the member's home
// devices into the inventory (when mamori knows them as a person).
func (s *Server) teleworkSubmit(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	var a telework.Answers
	for _, q := range telework.Questions {
		*a.Get(q) = inventory.Tri(r.PostFormValue(q))
	}
	a.Where = telework.Where(r.PostFormValue("where"))
	var personID int64
	name := st.user.Name
	if person, err := st.tenant.PersonByEmail(r.Context(), st.user.Email); err == nil {
		personID, name = person.ID, person.Name
	} else if !errors.Is(err, problem.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	b := s.page(r, "telework.title", "me")
	names := telework.Names{Router: b.T("telework.device.router", name), PC: b.T("telework.device.pc", name)}
	if err := st.tenant.SaveTelework(r.Context(), st.actor(r), st.user.ID, personID, a, names, calendar.Of(s.Now())); err != nil {
		p := s.teleworkPageOf(r, a)
		s.formError(w, r, err, "telework", &p, &p.base)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/me", "telework_saved")
}

type staffNotesPage struct {
	base
	Notes []staffNoteLine
}

type staffNoteLine struct {
	Link, Name, Person, Note, At string
}

// staffNotes lists, for the keeper, what staff said of their records.
func (s *Server) staffNotes(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := staffNotesPage{base: s.page(r, "staffnotes.title", "staffnotes")}
	notes, err := st.tenant.StaffNotes(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, n := range notes {
		l := staffNoteLine{Name: n.Name, Person: n.Person, Note: p.T("staff.note." + n.Note), At: p.Date(time.UnixMicro(n.At))}
		if link := p.OrgURL("/" + n.Kind + "s/" + strconv.FormatInt(n.ID, 10)); s.links.mayOpen(st.role, link) {
			l.Link = link
		}
		p.Notes = append(p.Notes, l)
	}
	s.render(w, r, http.StatusOK, "staff_notes", p)
}

// memberHome sends a member without the dashboard to their own page.
func memberHome(st *state) bool { return !st.can(org.ViewDashboard) && st.can(org.ViewOwn) }
