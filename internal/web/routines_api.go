package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/routine"
	"github.com/mamori-sec/mamori/internal/store"
)

// RoutineJSON is a routine as the API and `mamori routines list --json`
// give it.
type RoutineJSON struct {
	ID            int64             `json:"id"`
	Chore         string            `json:"chore"`
	Title         map[string]string `json:"title"`
	Service       string            `json:"service,omitempty"`
	Cadence       routine.Cadence   `json:"cadence"`
	Weekday       int               `json:"weekday"`
	Day           int               `json:"day"`
	Month         int               `json:"month"`
	AssigneeID    int64             `json:"assignee_id"`
	Assignee      string            `json:"assignee,omitempty"`
	Paused        bool              `json:"paused"`
	Applicable    bool              `json:"applicable"`
	EscalateAfter int               `json:"escalate_after_days"`
}

// OccurrenceJSON is an occurrence as the API gives it.
type OccurrenceJSON struct {
	ID         int64             `json:"id"`
	RoutineID  int64             `json:"routine_id"`
	Chore      string            `json:"chore"`
	Title      map[string]string `json:"title"`
	Service    string            `json:"service,omitempty"`
	Due        string            `json:"due"`
	Status     routine.Status    `json:"status"`
	AssigneeID int64             `json:"assignee_id"`
	DoneAt     *time.Time        `json:"done_at,omitempty"`
	DoneBy     string            `json:"done_by,omitempty"`
	Note       string            `json:"note,omitempty"`
	Escalated  bool              `json:"escalated"`
}

func titles(cat *i18n.Catalogue, c routine.Chore, service string) map[string]string {
	out := map[string]string{}
	for _, l := range i18n.Locales {
		t := cat.T(l, c.TitleKey())
		if service != "" {
			t = cat.T(l, "routines.title_service", t, service)
		}
		out[string(l)] = t
	}
	return out
}

// OccurrenceToJSON describes an occurrence for the API and the CLI.
func OccurrenceToJSON(cat *i18n.Catalogue, o store.Occurrence, today calendar.Day) OccurrenceJSON {
	j := OccurrenceJSON{ID: o.ID, RoutineID: o.RoutineID, Chore: o.Chore.ID, Title: titles(cat, o.Chore, o.Service), Service: o.Service,
		Due: o.On.String(), Status: o.Status(today), AssigneeID: o.AssigneeID, DoneBy: o.DoneByName, Note: o.Note, Escalated: !o.EscalatedAt.IsZero()}
	if o.Done() {
		t := o.DoneAt
		j.DoneAt = &t
	}
	return j
}

// RoutineToJSON describes a routine for the API and the CLI.
func RoutineToJSON(cat *i18n.Catalogue, r store.Routine) RoutineJSON {
	return RoutineJSON{ID: r.ID, Chore: r.Chore.ID, Title: titles(cat, r.Chore, r.Service), Service: r.Service, Cadence: r.Schedule.Cadence,
		Weekday: int(r.Schedule.Weekday), Day: r.Schedule.Day, Month: int(r.Schedule.Month), AssigneeID: r.AssigneeID, Assignee: r.Assignee,
		Paused: r.Paused, Applicable: r.Applicable, EscalateAfter: r.EscalateAfter}
}

func (s *Server) apiRoutines(w http.ResponseWriter, r *http.Request) {
	rs, err := stateOf(r).tenant.Routines(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]RoutineJSON, len(rs))
	for i, x := range rs {
		out[i] = RoutineToJSON(s.Catalogue, x)
	}
	writeJSON(w, http.StatusOK, map[string]any{"routines": out})
}

// apiOccurrences lists occurrences: ?status=waiting (default: due by
// ?through, default 7 days ahead, not done) or ?status=all with ?from and
// ?through (YYYY-MM-DD).
func (s *Server) apiOccurrences(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	today := calendar.Of(s.Now())
	oq := store.OccurrenceQuery{AnyAssignee: true, Through: today.AddDays(7), Waiting: true}
	for _, k := range []string{"from", "through"} {
		if v := q.Get(k); v != "" {
			d, err := calendar.ParseISO(v)
			if err != nil {
				s.fail(w, r, problem.Field(k, "error.bad_form"))
				return
			}
			if k == "from" {
				oq.From = d
			} else {
				oq.Through = d
			}
		}
	}
	switch q.Get("status") {
	case "", "waiting":
	case "all":
		oq.Waiting = false
	default:
		s.fail(w, r, problem.Field("status", "error.bad_form"))
		return
	}
	if v := q.Get("assignee"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.fail(w, r, problem.Field("assignee", "error.bad_form"))
			return
		}
		oq.AnyAssignee, oq.Assignee = false, id
	}
	os, err := stateOf(r).tenant.Occurrences(r.Context(), oq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]OccurrenceJSON, len(os))
	for i, o := range os {
		out[i] = OccurrenceToJSON(s.Catalogue, o, today)
	}
	writeJSON(w, http.StatusOK, map[string]any{"occurrences": out})
}

// apiComplete completes an occurrence: a form or multipart body with
// note, file, import and share_<id> fields, as the page posts.
func (s *Server) apiComplete(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := readCompletion(w, r)
	if err == nil {
		err = s.complete(r.Context(), st, r, id, f)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	o, err := st.tenant.Occurrence(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"occurrence": OccurrenceToJSON(s.Catalogue, o, calendar.Of(s.Now()))})
}
