package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/routine"
)

// Routine is one of a company's recurring chores as kept: what the plan
// or the keeper made of a catalogue chore, with its schedule, assignee
// and state.
type Routine struct {
	ID            int64
	Chore         routine.Chore
	ServiceID     int64
	Service       string // the service's name for a per-service chore
	Origin        routine.Origin
	Schedule      routine.Schedule
	AssigneeID    int64  // a member's user id; 0 for the organisation's keepers
	Assignee      string // the member's name, "" for the keepers
	Paused        bool
	Applicable    bool // false once the inventory no longer calls for it
	EscalateAfter int  // days overdue before the owner is told; 0 never
	StartsOn      calendar.Day
	CreatedAt     time.Time
}

// Active reports whether the routine falls due: it applies and is not
// paused.
func (r Routine) Active() bool { return r.Applicable && !r.Paused }

// Occurrence is one due day of a routine, waiting or done.
type Occurrence struct {
	ID          int64
	RoutineID   int64
	Chore       routine.Chore
	Service     string
	On          calendar.Day
	AssigneeID  int64
	Assignee    string
	DoneAt      time.Time
	DoneBy      int64
	DoneByName  string
	Note        string
	EscalatedAt time.Time
	Evidence    int // how many pieces of evidence it has
}

// Done reports whether the occurrence is completed.
func (o Occurrence) Done() bool { return !o.DoneAt.IsZero() }

// Status is where the occurrence stands on today.
func (o Occurrence) Status(today calendar.Day) routine.Status {
	return routine.StatusOf(o.On, o.Done(), today)
}

// Due is the occurrence as the keeper's week and the reminders see it.
func (o Occurrence) Due() routine.Due {
	return routine.Due{OccurrenceID: o.ID, RoutineID: o.RoutineID, Chore: o.Chore, Service: o.Service, On: o.On, AssigneeID: o.AssigneeID}
}

// Evidence is one proof attached to a completed occurrence.
type Evidence struct {
	ID           int64
	OccurrenceID int64
	Kind         routine.Evidence
	Name         string // a file's name
	MIME         string
	Size         int64
	SHA256       string
	Sealed       bool
	Linked       string // "import:<audit seq>", or "share:<id>:<kept|closed>"
	CreatedAt    time.Time
}

// EvidenceFile is an uploaded file about to be kept: Data as stored
// (sealed by the caller when Sealed), SHA256 of the file as uploaded.
type EvidenceFile struct {
	Name, MIME string
	Size       int64
	SHA256     string
	Data       []byte
	Sealed     bool
}

// EvidenceSealContext binds a sealed evidence file to its organisation,
// occurrence and content, so a sealed file copied elsewhere does not open.
func EvidenceSealContext(org, occurrence int64, sum string) string {
	return fmt.Sprintf("evidence:%d:%d:%s", org, occurrence, sum)
}

const routineColumns = `r.id, r.chore, r.service_id, COALESCE(s.name, ''), r.origin, r.cadence, r.weekday, r.day, r.month,
	r.assignee_id, COALESCE(u.name, ''), r.paused, r.applicable, r.escalate_after, r.starts_on, r.created_at`

const routineFrom = ` FROM routines r LEFT JOIN services s ON s.id = r.service_id AND s.org_id = r.org_id
	LEFT JOIN users u ON u.id = r.assignee_id `

type scanner interface{ Scan(...any) error }

func scanRoutine(row scanner) (Routine, error) {
	var r Routine
	var chore, starts string
	var paused, applicable int
	var created int64
	if err := row.Scan(&r.ID, &chore, &r.ServiceID, &r.Service, &r.Origin, &r.Schedule.Cadence, &r.Schedule.Weekday, &r.Schedule.Day,
		&r.Schedule.Month, &r.AssigneeID, &r.Assignee, &paused, &applicable, &r.EscalateAfter, &starts, &created); err != nil {
		return Routine{}, err
	}
	r.Chore, _ = routine.ChoreByID(chore)
	if r.Chore.ID == "" {
		r.Chore.ID = chore
	}
	r.Paused, r.Applicable, r.CreatedAt = paused != 0, applicable != 0, fromMicros(created)
	r.StartsOn, _ = calendar.ParseISO(starts)
	if r.Schedule.Cadence == routine.Once {
		r.Schedule.On = r.StartsOn // a one-off starts on the day it is due
	}
	return r, nil
}

// Routines lists the organisation's routines, in the catalogue's order
// (weekly first), per-service ones by service name.
func (t Tenant) Routines(ctx context.Context) ([]Routine, error) {
	rows, err := t.db.query(ctx, "SELECT "+routineColumns+routineFrom+"WHERE r.org_id = ?", t.org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Routine
	for rows.Next() {
		r, err := scanRoutine(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	order := map[string]int{}
	for i, c := range routine.Catalogue {
		order[c.ID] = i
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if order[a.Chore.ID] != order[b.Chore.ID] {
			return order[a.Chore.ID] < order[b.Chore.ID]
		}
		return strings.ToLower(a.Service) < strings.ToLower(b.Service)
	})
	return out, rows.Err()
}

// Routine returns one routine of the organisation.
func (t Tenant) Routine(ctx context.Context, id int64) (Routine, error) {
	r, err := scanRoutine(t.db.queryRow(ctx, "SELECT "+routineColumns+routineFrom+"WHERE r.org_id = ? AND r.id = ?", t.org, id))
	return r, notFound(err)
}

// RoutineSync counts what a routines sync did.
type RoutineSync struct {
	Created, NotApplicable, Reapplied, Occurrences, Escalated int
}

// SyncRoutines brings the organisation's routines in step with its
// inventory (routine.Reconcile over routine.Plan), makes the occurrences
// due up to the next one ahead (routine.ToMaterialise), and escalates the
// ones overdue past their routine's limit (routine.Escalates), all in one
// audited change. The job queue runs it after every inventory change and
// daily; today is injected.
func (t Tenant) SyncRoutines(ctx context.Context, actor audit.Actor, today calendar.Day) (RoutineSync, error) {
	data, err := t.Inventory(ctx)
	if err != nil {
		return RoutineSync{}, err
	}
	plan := routine.Plan(routine.Inventory(data))
	var res RoutineSync
	err = t.change(ctx, actor, func(tx *Tx) error {
		res = RoutineSync{}
		stored, err := t.storedRoutines(ctx, tx)
		if err != nil {
			return err
		}
		s := routine.Reconcile(stored, plan)
		for _, it := range s.Create {
			id, err := tx.insert(ctx, `INSERT INTO routines (org_id, chore, service_id, origin, cadence, weekday, day, month, escalate_after, starts_on, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.org, it.Chore.ID, it.ServiceID, routine.FromPlan, it.Schedule.Cadence,
				int(it.Schedule.Weekday), it.Schedule.Day, int(it.Schedule.Month), routine.DefaultEscalateAfter, today.String(), micros(t.db.Now()))
			if err != nil {
				return fmt.Errorf("insert routine: %w", err)
			}
			if err := t.record(ctx, tx, audit.Event{Action: "routine.create", Target: routineTarget(id),
				After: map[string]any{"chore": it.Chore.ID, "service": it.Service, "cadence": it.Schedule.Cadence}}); err != nil {
				return err
			}
			res.Created++
		}
		for _, ids := range []struct {
			list   []int64
			value  int
			action string
			n      *int
		}{{s.NotApplicable, 0, "routine.not_applicable", &res.NotApplicable}, {s.Reapply, 1, "routine.reapply", &res.Reapplied}} {
			for _, id := range ids.list {
				if _, err := tx.exec(ctx, "UPDATE routines SET applicable = ? WHERE org_id = ? AND id = ?", ids.value, t.org, id); err != nil {
					return err
				}
				if err := t.record(ctx, tx, audit.Event{Action: ids.action, Target: routineTarget(id),
					Before: map[string]any{"applicable": ids.value == 0}, After: map[string]any{"applicable": ids.value == 1}}); err != nil {
					return err
				}
				*ids.n++
			}
		}
		if res.Occurrences, err = t.materialise(ctx, tx, 0, today); err != nil {
			return err
		}
		if res.Escalated, err = t.escalate(ctx, tx, today); err != nil {
			return err
		}
		if res.Occurrences > 0 {
			if err := t.record(ctx, tx, audit.Event{Action: "routine.schedule", Target: fmt.Sprintf("org:%d", t.org),
				After: map[string]any{"occurrences": res.Occurrences}}); err != nil {
				return err
			}
		}
		if res == (RoutineSync{}) {
			tx.unchanged++
		}
		return nil
	})
	return res, err
}

func routineTarget(id int64) string    { return "routine:" + strconv.FormatInt(id, 10) }
func occurrenceTarget(id int64) string { return "occurrence:" + strconv.FormatInt(id, 10) }

func (t Tenant) storedRoutines(ctx context.Context, tx *Tx) ([]routine.Stored, error) {
	rows, err := tx.tx.QueryContext(ctx, t.db.rebind("SELECT id, chore, service_id, origin, applicable FROM routines WHERE org_id = ?"), t.org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []routine.Stored
	for rows.Next() {
		var s routine.Stored
		var applicable int
		if err := rows.Scan(&s.ID, &s.Key.Chore, &s.Key.ServiceID, &s.Origin, &applicable); err != nil {
			return nil, err
		}
		s.Applicable = applicable != 0
		out = append(out, s)
	}
	return out, rows.Err()
}

// materialise creates the occurrences the rule asks for, for every active
// routine of the organisation (or only routineID), and returns how many.
func (t Tenant) materialise(ctx context.Context, tx *Tx, routineID int64, today calendar.Day) (int, error) {
	q := `SELECT r.id, r.cadence, r.weekday, r.day, r.month, r.starts_on, COALESCE(MAX(o.due_on), '')
		FROM routines r LEFT JOIN routine_occurrences o ON o.routine_id = r.id
		WHERE r.org_id = ? AND r.applicable = 1 AND r.paused = 0 AND (? = 0 OR r.id = ?)
		GROUP BY r.id, r.cadence, r.weekday, r.day, r.month, r.starts_on`
	rows, err := tx.tx.QueryContext(ctx, t.db.rebind(q), t.org, routineID, routineID)
	if err != nil {
		return 0, err
	}
	type want struct {
		id   int64
		days []calendar.Day
	}
	var wants []want
	for rows.Next() {
		var id int64
		var s routine.Schedule
		var starts, last string
		if err := rows.Scan(&id, &s.Cadence, &s.Weekday, &s.Day, &s.Month, &starts, &last); err != nil {
			rows.Close()
			return 0, err
		}
		st, _ := calendar.ParseISO(starts)
		l, _ := calendar.ParseISO(last)
		if s.Cadence == routine.Once {
			s.On = st
		}
		days, err := routine.ToMaterialise(s, st, l, today, false)
		if err != nil {
			rows.Close()
			return 0, fmt.Errorf("routine %d: %w", id, err)
		}
		if len(days) > 0 {
			wants = append(wants, want{id, days})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	// One multi-row statement per 200 occurrences: a sync of a new
	// company makes a dozen at once, and each round trip counts on
	// PostgreSQL.
	var vals []string
	var args []any
	n := 0
	flush := func() error {
		if len(vals) == 0 {
			return nil
		}
		res, err := tx.exec(ctx, "INSERT INTO routine_occurrences (org_id, routine_id, due_on) VALUES "+strings.Join(vals, ", ")+
			" ON CONFLICT (routine_id, due_on) DO NOTHING", args...)
		if err != nil {
			return fmt.Errorf("insert occurrences: %w", err)
		}
		k, _ := res.RowsAffected()
		n += int(k)
		vals, args = vals[:0], args[:0]
		return nil
	}
	for _, w := range wants {
		for _, d := range w.days {
			vals, args = append(vals, "(?, ?, ?)"), append(args, t.org, w.id, d.String())
			if len(vals) == 200 {
				if err := flush(); err != nil {
					return 0, err
				}
			}
		}
	}
	if err := flush(); err != nil {
		return 0, err
	}
	return n, nil
}

// escalate marks the waiting occurrences overdue past their routine's
// limit and records each for the owner.
func (t Tenant) escalate(ctx context.Context, tx *Tx, today calendar.Day) (int, error) {
	rows, err := tx.tx.QueryContext(ctx, t.db.rebind(`SELECT o.id, o.due_on, r.escalate_after FROM routine_occurrences o JOIN routines r ON r.id = o.routine_id
		WHERE o.org_id = ? AND o.done_at = 0 AND o.escalated_at = 0 AND r.applicable = 1 AND r.paused = 0 AND o.due_on < ?`), t.org, today.String())
	if err != nil {
		return 0, err
	}
	type hit struct {
		id int64
		on calendar.Day
	}
	var hits []hit
	for rows.Next() {
		var id int64
		var on string
		var after int
		if err := rows.Scan(&id, &on, &after); err != nil {
			rows.Close()
			return 0, err
		}
		d, _ := calendar.ParseISO(on)
		if routine.Escalates(d, today, after, false, false) {
			hits = append(hits, hit{id, d})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	now := micros(t.db.Now())
	for _, h := range hits {
		if _, err := tx.exec(ctx, "UPDATE routine_occurrences SET escalated_at = ? WHERE org_id = ? AND id = ?", now, t.org, h.id); err != nil {
			return 0, err
		}
		if err := t.record(ctx, tx, audit.Event{Action: "routine.escalate", Target: occurrenceTarget(h.id),
			After: map[string]any{"due": h.on.String(), "days_overdue": int(today - h.on)}}); err != nil {
			return 0, err
		}
	}
	return len(hits), nil
}

// RoutineInput is a routine as the keeper adds or changes it.
type RoutineInput struct {
	Chore         string // when adding
	ServiceID     int64  // when adding a per-service chore
	Schedule      routine.Schedule
	AssigneeID    int64
	Paused        bool
	EscalateAfter int
}

func (t Tenant) checkInput(ctx context.Context, tx *Tx, in RoutineInput) error {
	if f, k := in.Schedule.Validate(); f != "" {
		return problem.Field(f, k)
	}
	if !routine.ValidEscalateAfter(in.EscalateAfter) {
		return problem.Field("escalate_after", "routines.escalate_invalid", routine.MaxEscalateAfter)
	}
	if in.AssigneeID != 0 {
		var n int
		if err := tx.queryRow(ctx, "SELECT count(*) FROM memberships WHERE org_id = ? AND user_id = ?", t.org, in.AssigneeID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return problem.Field("assignee", "routines.assignee_invalid")
		}
	}
	return nil
}

// AddRoutine adds a chore of the catalogue the keeper wants on the
// company's calendar, with its first occurrences.
func (t Tenant) AddRoutine(ctx context.Context, actor audit.Actor, in RoutineInput, today calendar.Day) (int64, error) {
	c, ok := routine.ChoreByID(in.Chore)
	if !ok || c.OneOff { // a one-off is made from its record (TriageNearMiss)
		return 0, problem.Field("chore", "routines.chore_invalid")
	}
	if !c.PerService {
		in.ServiceID = 0
	}
	var id int64
	err := t.change(ctx, actor, func(tx *Tx) error {
		if err := t.checkInput(ctx, tx, in); err != nil {
			return err
		}
		svc := ""
		if c.PerService {
			if err := tx.queryRow(ctx, "SELECT name FROM services WHERE org_id = ? AND id = ?", t.org, in.ServiceID).Scan(&svc); err != nil {
				return problem.Field("service", "routines.service_invalid")
			}
		}
		var err error
		id, err = tx.insert(ctx, `INSERT INTO routines (org_id, chore, service_id, origin, cadence, weekday, day, month, assignee_id, paused, escalate_after, starts_on, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.org, c.ID, in.ServiceID, routine.FromKeeper, in.Schedule.Cadence, int(in.Schedule.Weekday),
			in.Schedule.Day, int(in.Schedule.Month), in.AssigneeID, boolInt(in.Paused), in.EscalateAfter, today.String(), micros(t.db.Now()))
		if isUniqueViolation(err) {
			return problem.Field("chore", "routines.exists")
		}
		if err != nil {
			return err
		}
		after, err := t.routineAudit(ctx, tx, c.ID, svc, in)
		if err != nil {
			return err
		}
		if err := t.record(ctx, tx, audit.Event{Action: "routine.add", Target: routineTarget(id), After: after}); err != nil {
			return err
		}
		_, err = t.materialise(ctx, tx, id, today)
		return err
	})
	return id, err
}

// routineAudit is a routine as its audit entries record it; the assignee
// by name ("" for the keepers), so the trail reads in words.
func (t Tenant) routineAudit(ctx context.Context, tx *Tx, chore, service string, in RoutineInput) (map[string]any, error) {
	assignee := ""
	if in.AssigneeID != 0 {
		if err := tx.queryRow(ctx, "SELECT name FROM users WHERE id = ?", in.AssigneeID).Scan(&assignee); err != nil {
			return nil, notFound(err)
		}
	}
	return map[string]any{"chore": chore, "service": service, "cadence": in.Schedule.Cadence, "weekday": int(in.Schedule.Weekday),
		"day": in.Schedule.Day, "month": int(in.Schedule.Month), "assignee": assignee, "paused": in.Paused, "escalate_after": in.EscalateAfter}, nil
}

// UpdateRoutine changes a routine's schedule, assignee, pause or
// escalation. A new schedule, or a resumed routine, replaces the waiting
// occurrences from today on with the new due days.
func (t Tenant) UpdateRoutine(ctx context.Context, actor audit.Actor, id int64, in RoutineInput, today calendar.Day) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		before, err := scanRoutine(tx.queryRow(ctx, "SELECT "+routineColumns+routineFrom+"WHERE r.org_id = ? AND r.id = ?", t.org, id))
		if err != nil {
			return notFound(err)
		}
		if before.Schedule.Cadence == routine.Once {
			in.Schedule = before.Schedule // a one-off keeps its day; its assignee may change
		}
		if err := t.checkInput(ctx, tx, in); err != nil {
			return err
		}
		prev := RoutineInput{Schedule: before.Schedule, AssigneeID: before.AssigneeID, Paused: before.Paused, EscalateAfter: before.EscalateAfter}
		if prev == in {
			tx.unchanged++
			return nil
		}
		restart := in.Schedule != before.Schedule || (before.Paused && !in.Paused)
		starts := before.StartsOn
		if restart {
			starts = today
			if _, err := tx.exec(ctx, "DELETE FROM routine_occurrences WHERE org_id = ? AND routine_id = ? AND done_at = 0 AND due_on >= ?", t.org, id, today.String()); err != nil {
				return err
			}
		}
		if _, err := tx.exec(ctx, `UPDATE routines SET cadence = ?, weekday = ?, day = ?, month = ?, assignee_id = ?, paused = ?, escalate_after = ?, starts_on = ?
			WHERE org_id = ? AND id = ?`, in.Schedule.Cadence, int(in.Schedule.Weekday), in.Schedule.Day, int(in.Schedule.Month), in.AssigneeID,
			boolInt(in.Paused), in.EscalateAfter, starts.String(), t.org, id); err != nil {
			return err
		}
		b, err := t.routineAudit(ctx, tx, before.Chore.ID, before.Service, prev)
		if err != nil {
			return err
		}
		a, err := t.routineAudit(ctx, tx, before.Chore.ID, before.Service, in)
		if err != nil {
			return err
		}
		if err := t.record(ctx, tx, audit.Event{Action: "routine.update", Target: routineTarget(id), Before: b, After: a}); err != nil {
			return err
		}
		if restart {
			_, err = t.materialise(ctx, tx, id, today)
		}
		return err
	})
}

const occurrenceColumns = `o.id, o.routine_id, r.chore, COALESCE(s.name, ''), o.due_on, r.assignee_id, COALESCE(u.name, ''),
	o.done_at, o.done_by, COALESCE(d.name, ''), o.note, o.escalated_at,
	(SELECT count(*) FROM routine_evidence e WHERE e.org_id = o.org_id AND e.occurrence_id = o.id)`

const occurrenceFrom = ` FROM routine_occurrences o JOIN routines r ON r.id = o.routine_id AND r.org_id = o.org_id
	LEFT JOIN services s ON s.id = r.service_id AND s.org_id = r.org_id
	LEFT JOIN users u ON u.id = r.assignee_id LEFT JOIN users d ON d.id = o.done_by `

func scanOccurrence(row scanner) (Occurrence, error) {
	var o Occurrence
	var chore, on string
	var done, esc int64
	if err := row.Scan(&o.ID, &o.RoutineID, &chore, &o.Service, &on, &o.AssigneeID, &o.Assignee, &done, &o.DoneBy, &o.DoneByName,
		&o.Note, &esc, &o.Evidence); err != nil {
		return Occurrence{}, err
	}
	o.Chore, _ = routine.ChoreByID(chore)
	if o.Chore.ID == "" {
		o.Chore.ID = chore
	}
	o.On, _ = calendar.ParseISO(on)
	o.DoneAt, o.EscalatedAt = fromMicros(done), fromMicros(esc)
	return o, nil
}

// OccurrenceQuery selects occurrences.
type OccurrenceQuery struct {
	From, Through calendar.Day // due days, inclusive; zero: open
	RoutineID     int64        // 0: every routine
	Assignee      int64        // with AnyAssignee false: only this assignee (0: the keepers)
	AnyAssignee   bool
	Waiting       bool // only the ones not done, of routines that apply and are not paused
	Escalated     bool // only escalated ones
	Newest        bool // newest due day first
	Limit         int
}

// Occurrences lists the organisation's occurrences by due day.
func (t Tenant) Occurrences(ctx context.Context, q OccurrenceQuery) ([]Occurrence, error) {
	where := []string{"o.org_id = ?"}
	args := []any{t.org}
	if !q.From.IsZero() {
		where, args = append(where, "o.due_on >= ?"), append(args, q.From.String())
	}
	if !q.Through.IsZero() {
		where, args = append(where, "o.due_on <= ?"), append(args, q.Through.String())
	}
	if q.RoutineID != 0 {
		where, args = append(where, "o.routine_id = ?"), append(args, q.RoutineID)
	}
	if !q.AnyAssignee {
		where, args = append(where, "r.assignee_id = ?"), append(args, q.Assignee)
	}
	if q.Waiting {
		where = append(where, "o.done_at = 0", "r.applicable = 1", "r.paused = 0")
	}
	if q.Escalated {
		where = append(where, "o.escalated_at <> 0")
	}
	order := " ORDER BY o.due_on, r.chore, o.id"
	if q.Newest {
		order = " ORDER BY o.due_on DESC, o.id DESC"
	}
	lim := ""
	if q.Limit > 0 {
		lim = " LIMIT " + strconv.Itoa(q.Limit)
	}
	rows, err := t.db.query(ctx, "SELECT "+occurrenceColumns+occurrenceFrom+"WHERE "+strings.Join(where, " AND ")+order+lim, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Occurrence
	for rows.Next() {
		o, err := scanOccurrence(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Occurrence returns one occurrence of the organisation.
func (t Tenant) Occurrence(ctx context.Context, id int64) (Occurrence, error) {
	o, err := scanOccurrence(t.db.queryRow(ctx, "SELECT "+occurrenceColumns+occurrenceFrom+"WHERE o.org_id = ? AND o.id = ?", t.org, id))
	return o, notFound(err)
}

// DueOccurrences lists the occurrences waiting on or before through —
// not done, of routines that apply and are not paused — assigned to
// assigneeUserID, or every one of the organisation for 0. The reminders'
// digest reads it.
func (t Tenant) DueOccurrences(ctx context.Context, assigneeUserID int64, through calendar.Day) ([]routine.Due, error) {
	os, err := t.Occurrences(ctx, OccurrenceQuery{Through: through, Waiting: true, Assignee: assigneeUserID, AnyAssignee: assigneeUserID == 0})
	if err != nil {
		return nil, err
	}
	out := make([]routine.Due, len(os))
	for i, o := range os {
		out[i] = o.Due()
	}
	return out, nil
}

// OrgsWithDue lists the organisations with an occurrence waiting on or
// before through, for the reminders' daily run.
func (db *DB) OrgsWithDue(ctx context.Context, through calendar.Day) ([]int64, error) {
	rows, err := db.query(ctx, `SELECT DISTINCT o.org_id FROM routine_occurrences o JOIN routines r ON r.id = o.routine_id
		WHERE o.done_at = 0 AND r.applicable = 1 AND r.paused = 0 AND o.due_on <= ? ORDER BY o.org_id`, through.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// CompleteOccurrence marks an occurrence done with its evidence: the
// note, a file (already checked with routine.CheckFile and sealed by the
// caller), a linked import (an import.apply entry of this organisation's
// audit trail) or share marks (shares of this organisation). The chore
// decides what it takes (routine.Chore.Check). Done once: a second
// completion is a conflict.
func (t Tenant) CompleteOccurrence(ctx context.Context, actor audit.Actor, id int64, comp routine.Completion, file *EvidenceFile) error {
	comp.File = file != nil
	comp.Note = strings.TrimSpace(comp.Note)
	return t.change(ctx, actor, func(tx *Tx) error {
		o, err := scanOccurrence(tx.queryRow(ctx, "SELECT "+occurrenceColumns+occurrenceFrom+"WHERE o.org_id = ? AND o.id = ?", t.org, id))
		if err != nil {
			return notFound(err)
		}
		if o.Done() {
			return problem.New(problem.Conflict, "routines.already_done")
		}
		if f, k := o.Chore.Check(comp); f != "" {
			if k == "routines.note_too_long" {
				return problem.Field(f, k, routine.MaxNote)
			}
			return problem.Field(f, k)
		}
		now := micros(t.db.Now())
		after := map[string]any{"due": o.On.String(), "note": comp.Note}
		if comp.ImportID != 0 {
			var action string
			err := tx.queryRow(ctx, "SELECT action FROM audit_log WHERE org_id = ? AND seq = ?", t.org, comp.ImportID).Scan(&action)
			if err != nil || action != "import.apply" {
				return problem.Field("import", "routines.import_invalid")
			}
			if err := t.addEvidence(ctx, tx, Evidence{OccurrenceID: id, Kind: routine.EvidenceImport, Linked: "import:" + strconv.FormatInt(comp.ImportID, 10)}, nil); err != nil {
				return err
			}
			after["import"] = comp.ImportID
		}
		if len(comp.Shares) > 0 {
			ids := make([]int64, 0, len(comp.Shares))
			for sid := range comp.Shares {
				ids = append(ids, sid)
			}
			sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
			var marks []string
			for _, sid := range ids {
				var n int
				if err := tx.queryRow(ctx, "SELECT count(*) FROM shares WHERE org_id = ? AND id = ?", t.org, sid).Scan(&n); err != nil {
					return err
				}
				if n == 0 {
					return problem.Field("shares", "routines.share_invalid")
				}
				m := fmt.Sprintf("share:%d:%s", sid, comp.Shares[sid])
				if err := t.addEvidence(ctx, tx, Evidence{OccurrenceID: id, Kind: routine.EvidenceShares, Linked: m}, nil); err != nil {
					return err
				}
				marks = append(marks, m)
			}
			after["shares"] = strings.Join(marks, " ")
		}
		if file != nil {
			if err := t.addEvidence(ctx, tx, Evidence{OccurrenceID: id, Kind: routine.EvidenceFile, Name: file.Name, MIME: file.MIME,
				Size: file.Size, SHA256: file.SHA256, Sealed: file.Sealed}, file.Data); err != nil {
				return err
			}
			after["file"], after["sha256"], after["size"] = file.Name, file.SHA256, file.Size
		}
		if comp.Note != "" {
			if err := t.addEvidence(ctx, tx, Evidence{OccurrenceID: id, Kind: routine.EvidenceNote}, nil); err != nil {
				return err
			}
		}
		if _, err := tx.exec(ctx, "UPDATE routine_occurrences SET done_at = ?, done_by = ?, note = ? WHERE org_id = ? AND id = ? AND done_at = 0",
			now, actor.UserID, comp.Note, t.org, id); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "routine.complete", Target: occurrenceTarget(id), After: after})
	})
}

func (t Tenant) addEvidence(ctx context.Context, tx *Tx, e Evidence, data []byte) error {
	if data == nil {
		data = []byte{}
	}
	_, err := tx.exec(ctx, `INSERT INTO routine_evidence (org_id, occurrence_id, kind, name, mime, size, sha256, sealed, data, linked, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.org, e.OccurrenceID, e.Kind, e.Name, e.MIME, e.Size, e.SHA256, boolInt(e.Sealed), data, e.Linked, micros(t.db.Now()))
	if err != nil {
		return fmt.Errorf("insert evidence: %w", err)
	}
	return nil
}

const evidenceColumns = "id, occurrence_id, kind, name, mime, size, sha256, sealed, linked, created_at"

func scanEvidence(row scanner, extra ...any) (Evidence, error) {
	var e Evidence
	var sealed int
	var created int64
	err := row.Scan(append([]any{&e.ID, &e.OccurrenceID, &e.Kind, &e.Name, &e.MIME, &e.Size, &e.SHA256, &sealed, &e.Linked, &created}, extra...)...)
	e.Sealed, e.CreatedAt = sealed != 0, fromMicros(created)
	return e, err
}

// OccurrenceEvidence lists the evidence of an occurrence (without the
// files' bytes).
func (t Tenant) OccurrenceEvidence(ctx context.Context, occurrenceID int64) ([]Evidence, error) {
	rows, err := t.db.query(ctx, "SELECT "+evidenceColumns+" FROM routine_evidence WHERE org_id = ? AND occurrence_id = ? ORDER BY id", t.org, occurrenceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Evidence
	for rows.Next() {
		e, err := scanEvidence(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// EvidenceFileData returns an evidence file with its bytes as stored
// (sealed when Sealed).
func (t Tenant) EvidenceFileData(ctx context.Context, id int64) (Evidence, []byte, error) {
	var data []byte
	e, err := scanEvidence(t.db.queryRow(ctx, "SELECT "+evidenceColumns+", data FROM routine_evidence WHERE org_id = ? AND id = ? AND kind = ?",
		t.org, id, routine.EvidenceFile), &data)
	if err != nil {
		return Evidence{}, nil, notFound(err)
	}
	return e, data, nil
}

// RecentImports lists the organisation's imports since a moment, newest
// first, as the audit trail records them: the records an account review
// may link to.
func (t Tenant) RecentImports(ctx context.Context, since time.Time) ([]audit.Entry, error) {
	return t.db.auditEntries(ctx, "SELECT "+auditColumns+" FROM audit_log WHERE org_id = ? AND action = 'import.apply' AND at >= ? ORDER BY seq DESC LIMIT 20", t.org, micros(since))
}

// RoutineFigures are the routines' part of the dashboard and portfolio.
type RoutineFigures struct {
	Overdue   int
	Escalated int
	LastDone  time.Time
}

// RoutineFigures counts the overdue and escalated occurrences on today and
// finds the last completion.
func (t Tenant) RoutineFigures(ctx context.Context, today calendar.Day) (RoutineFigures, error) {
	var f RoutineFigures
	var last int64
	err := t.db.queryRow(ctx, `SELECT
		(SELECT count(*) FROM routine_occurrences o JOIN routines r ON r.id = o.routine_id WHERE o.org_id = ? AND o.done_at = 0 AND r.applicable = 1 AND r.paused = 0 AND o.due_on < ?),
		(SELECT count(*) FROM routine_occurrences o JOIN routines r ON r.id = o.routine_id WHERE o.org_id = ? AND o.done_at = 0 AND r.applicable = 1 AND r.paused = 0 AND o.escalated_at <> 0),
		(SELECT COALESCE(MAX(done_at), 0) FROM routine_occurrences WHERE org_id = ?)`,
		t.org, today.String(), t.org, t.org).Scan(&f.Overdue, &f.Escalated, &last)
	f.LastDone = fromMicros(last)
	return f, err
}

// The calendar feed: each user's secret address of an ICS file of their
// due occurrences. Only the token's hash is kept; a new one replaces the
// old, and revoking ends it.

func feedHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateCalendarFeed gives user a new feed token in this organisation,
// ending any earlier one, and returns the token (shown once).
func (t Tenant) CreateCalendarFeed(ctx context.Context, actor audit.Actor, userID int64) (string, error) {
	b := make([]byte, 20)
	rand.Read(b)
	token := hex.EncodeToString(b)
	err := t.change(ctx, actor, func(tx *Tx) error {
		now := micros(t.db.Now())
		if _, err := tx.exec(ctx, "UPDATE calendar_feeds SET revoked_at = ? WHERE org_id = ? AND user_id = ? AND revoked_at = 0", now, t.org, userID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "INSERT INTO calendar_feeds (hash, org_id, user_id, created_at) VALUES (?, ?, ?, ?)", feedHash(token), t.org, userID, now); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "routine.feed_create", Target: "user:" + strconv.FormatInt(userID, 10)})
	})
	return token, err
}

// RevokeCalendarFeed ends user's feed in this organisation.
func (t Tenant) RevokeCalendarFeed(ctx context.Context, actor audit.Actor, userID int64) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		res, err := tx.exec(ctx, "UPDATE calendar_feeds SET revoked_at = ? WHERE org_id = ? AND user_id = ? AND revoked_at = 0", micros(t.db.Now()), t.org, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			tx.unchanged++
			return nil
		}
		return t.record(ctx, tx, audit.Event{Action: "routine.feed_revoke", Target: "user:" + strconv.FormatInt(userID, 10)})
	})
}

// HasCalendarFeed reports whether user has a live feed in this organisation.
func (t Tenant) HasCalendarFeed(ctx context.Context, userID int64) (bool, error) {
	var n int
	err := t.db.queryRow(ctx, "SELECT count(*) FROM calendar_feeds WHERE org_id = ? AND user_id = ? AND revoked_at = 0", t.org, userID).Scan(&n)
	return n > 0, err
}

// CalendarFeed finds the organisation and user of a live feed token whose
// user is still a member; anything else is not found.
func (db *DB) CalendarFeed(ctx context.Context, token string) (orgID, userID int64, err error) {
	err = db.queryRow(ctx, `SELECT f.org_id, f.user_id FROM calendar_feeds f JOIN memberships m ON m.org_id = f.org_id AND m.user_id = f.user_id
		JOIN users u ON u.id = f.user_id WHERE f.hash = ? AND f.revoked_at = 0 AND u.disabled = 0`, feedHash(token)).Scan(&orgID, &userID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, problem.ErrNotFound
	}
	return orgID, userID, err
}
