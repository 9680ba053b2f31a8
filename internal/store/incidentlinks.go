package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/incident"
	"github.com/mamori-sec/mamori/internal/routine"
)

// IncidentAlert queues the alert of a new incident inside the transaction
// that opens it (an incident opened with Intake.Alert), so that the two
// commit together or not at all. The store does not know the queue;
// cmd/mamori wires it (jobs.Open), as it wires the evaluation's FollowUp.
type IncidentAlert func(ctx context.Context, tx *sql.Tx, orgID, incidentID int64) error

// SetIncidentAlert installs fn. Call it once, before the store is shared.
func (db *DB) SetIncidentAlert(fn IncidentAlert) { db.incidentAlert = fn }

// IncidentActionChore is the one-off task a preventive action of an
// incident's closing review becomes.
const IncidentActionChore = "once.incident_action"

// incidentTasks makes a one-off task of each preventive action of a
// closing review: a keeper's routine of the chore once.incident_action due
// on the action's day, for its owner (the keepers when the owner is no
// longer a member), recorded as a routine added and
// naming the incident in words (its title). An action that has its task
// already is left alone, so a review sent twice makes no second task.
func (t Tenant) incidentTasks(ctx context.Context, tx *Tx, inc Incident, rv incident.Review, today calendar.Day) error {
	c, _ := routine.ChoreByID(IncidentActionChore)
	for i, a := range rv.Actions {
		no := i + 1
		var taskID int64
		err := tx.queryRow(ctx, `INSERT INTO incident_tasks (org_id, incident_id, action_no) VALUES (?, ?, ?)
			ON CONFLICT (org_id, incident_id, action_no) DO NOTHING RETURNING id`, t.org, inc.ID, no).Scan(&taskID)
		if errors.Is(err, sql.ErrNoRows) {
			continue // made already
		}
		if err != nil {
			return fmt.Errorf("incident task: %w", err)
		}
		// The owner does it; an owner who is no longer a member (the
		// review names them as they were) leaves it to the keepers, rather
		// than keeping the incident open.
		owner := a.OwnerID
		var n int
		if err := tx.queryRow(ctx, "SELECT count(*) FROM memberships WHERE org_id = ? AND user_id = ?", t.org, owner).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			owner = 0
		}
		ri := RoutineInput{Chore: c.ID, Schedule: routine.Schedule{Cadence: routine.Once, On: a.Due}, AssigneeID: owner,
			EscalateAfter: routine.DefaultEscalateAfter}
		if err := t.checkInput(ctx, tx, ri); err != nil {
			return err
		}
		rid, err := tx.insert(ctx, `INSERT INTO routines (org_id, chore, service_id, origin, cadence, weekday, day, month, assignee_id, paused, escalate_after, starts_on, created_at)
			VALUES (?, ?, ?, ?, ?, 0, 0, 0, ?, 0, ?, ?, ?)`, t.org, c.ID, -taskID, routine.FromKeeper, routine.Once, owner, ri.EscalateAfter,
			a.Due.String(), micros(t.db.Now()))
		if err != nil {
			return fmt.Errorf("incident task routine: %w", err)
		}
		if _, err := tx.exec(ctx, "UPDATE incident_tasks SET routine_id = ? WHERE org_id = ? AND id = ?", rid, t.org, taskID); err != nil {
			return err
		}
		after, err := t.routineAudit(ctx, tx, c.ID, "", ri)
		if err != nil {
			return err
		}
		after["due"], after["incident"], after["action"] = a.Due.String(), inc.Title, a.What
		if err := t.record(ctx, tx, audit.Event{Action: "routine.add", Target: routineTarget(rid), After: after}); err != nil {
			return err
		}
		if _, err := t.materialise(ctx, tx, rid, today); err != nil {
			return err
		}
	}
	return nil
}

// IncidentTask is a preventive action's task as the incident shows it.
type IncidentTask struct {
	ActionNo int
	Routine  Routine
	DoneAt   time.Time // zero while it waits
}

// IncidentTasks returns the tasks an incident's review made, in the order
// of its actions.
func (t Tenant) IncidentTasks(ctx context.Context, id int64) ([]IncidentTask, error) {
	rows, err := t.db.query(ctx, `SELECT k.action_no, k.routine_id, COALESCE(MAX(o.done_at), 0) FROM incident_tasks k
		LEFT JOIN routine_occurrences o ON o.org_id = k.org_id AND o.routine_id = k.routine_id
		WHERE k.org_id = ? AND k.incident_id = ? AND k.routine_id <> 0 GROUP BY k.action_no, k.routine_id ORDER BY k.action_no`, t.org, id)
	if err != nil {
		return nil, err
	}
	type row struct {
		no        int
		rid, done int64
	}
	var rs []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.no, &r.rid, &r.done); err != nil {
			rows.Close()
			return nil, err
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]IncidentTask, 0, len(rs))
	for _, r := range rs {
		rt, err := t.Routine(ctx, r.rid)
		if err != nil {
			return nil, err
		}
		out = append(out, IncidentTask{ActionNo: r.no, Routine: rt, DoneAt: fromMicros(r.done)})
	}
	return out, nil
}

// IncidentOfRoutine returns the incident whose review made a one-off task.
func (t Tenant) IncidentOfRoutine(ctx context.Context, routineID int64) (Incident, error) {
	var id int64
	if err := t.db.queryRow(ctx, "SELECT incident_id FROM incident_tasks WHERE org_id = ? AND routine_id = ?", t.org, routineID).Scan(&id); err != nil {
		return Incident{}, notFound(err)
	}
	return t.Incident(ctx, id)
}

// NearMissOfIncident returns the near miss an incident was escalated from.
func (t Tenant) NearMissOfIncident(ctx context.Context, incidentID int64) (NearMiss, error) {
	n, err := scanNearMiss(t.db.queryRow(ctx, "SELECT "+nearMissCols+" FROM near_misses WHERE org_id = ? AND incident_id = ? ORDER BY id LIMIT 1", t.org, incidentID))
	return n, notFound(err)
}

// escalateNearMiss opens the incident a near miss is escalated to, in the
// triage's transaction: its type from the report's category, its title
// and what happened from the report, found on the report's day, opened by
// the keeper who escalates it and never naming the reporter; the keepers
// and owners are alerted with it.
func (t Tenant) escalateNearMiss(ctx context.Context, tx *Tx, id int64, category, filed string) (int64, error) {
	var happened, almost, suggestion string
	if err := tx.queryRow(ctx, "SELECT happened, almost, suggestion FROM near_misses WHERE org_id = ? AND id = ?", t.org, id).
		Scan(&happened, &almost, &suggestion); err != nil {
		return 0, notFound(err)
	}
	day, err := calendar.ParseISO(filed)
	if err != nil {
		return 0, fmt.Errorf("near miss %d: day: %w", id, err)
	}
	title, _, _ := strings.Cut(strings.TrimSpace(happened), "\n")
	if utf8.RuneCountInString(title) > incident.MaxTitle {
		title = string([]rune(title)[:incident.MaxTitle-1]) + "…"
	}
	var parts []string
	for _, p := range []string{happened, almost, suggestion} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	desc := strings.Join(parts, "\n\n")
	if utf8.RuneCountInString(desc) > incident.MaxText {
		desc = string([]rune(desc)[:incident.MaxText-1]) + "…"
	}
	found := day.Time()
	in := incident.Intake{Type: incident.OfNearMiss(category), Title: title, Description: desc, OccurredAt: found, FoundAt: found, Alert: true}
	return t.openIncident(ctx, tx, in, map[string]any{"near_miss_day": filed, "near_miss_category": category})
}

// IncidentDepartments are the departments an incident concerns: those of
// the people it names, of the people whose devices or accounts it names,
// or else the department of the member who reported it.
func (t Tenant) IncidentDepartments(ctx context.Context, inc Incident) ([]string, error) {
	var out []string
	add := func(d string) {
		if d = strings.TrimSpace(d); d != "" && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	for _, r := range inc.Affected {
		q := ""
		switch r.Kind {
		case incident.Person:
			q = "SELECT department FROM people WHERE org_id = ? AND id = ?"
		case incident.Device:
			q = "SELECT p.department FROM devices d JOIN people p ON p.org_id = d.org_id AND p.id = d.person_id WHERE d.org_id = ? AND d.id = ?"
		case incident.Account:
			q = "SELECT p.department FROM accounts a JOIN people p ON p.org_id = a.org_id AND p.id = a.person_id WHERE a.org_id = ? AND a.id = ?"
		default:
			continue
		}
		var d string
		if err := t.db.queryRow(ctx, q, t.org, r.ID).Scan(&d); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			return nil, err
		}
		add(d)
	}
	if len(out) == 0 && inc.ReportedBy != 0 {
		var email string
		if err := t.db.queryRow(ctx, "SELECT email FROM users WHERE id = ?", inc.ReportedBy).Scan(&email); err == nil {
			if p, err := t.PersonByEmail(ctx, email); err == nil {
				add(p.Department)
			}
		}
	}
	return out, nil
}

// assignIncidentLessons assigns the lessons that answer an incident's type
// to the departments it concerns; none found, nobody is assigned (never
// the whole company by default). A drill assigns nothing.
func (t Tenant) assignIncidentLessons(ctx context.Context, actor audit.Actor, id int64) error {
	inc, err := t.Incident(ctx, id)
	if err != nil || inc.Drill {
		return err
	}
	deps, err := t.IncidentDepartments(ctx, inc)
	if err != nil {
		return err
	}
	for _, d := range deps {
		if err := t.AssignForEvent(ctx, actor, inc.Type.LessonCategory(), d); err != nil {
			return fmt.Errorf("incident %s: lessons for %s: %w", strconv.FormatInt(id, 10), d, err)
		}
	}
	return nil
}
