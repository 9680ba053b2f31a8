package store

import (
	"context"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/findings"
)

// OrgFigures are the figures of one organisation the advisor's portfolio
// shows beside its summary: the open findings by check (for the score and
// the reason to look), the routines' figures and the incidents'.
type OrgFigures struct {
	Open      []findings.OpenCount
	Routines  RoutineFigures
	Incidents IncidentFigures
}

// UserOrgFigures reads OrgFigures for every organisation the user belongs
// to, by organisation, in three statements whatever their number (as
// Tenant.OpenByCheck, Tenant.RoutineFigures and Tenant.IncidentFigures
// compute them, one organisation at a time): an advisor of 500 companies
// is three round trips, not 1,500.
func (db *DB) UserOrgFigures(ctx context.Context, userID int64, today calendar.Day) (map[int64]*OrgFigures, error) {
	out := map[int64]*OrgFigures{}
	rows, err := db.query(ctx, "SELECT org_id FROM memberships WHERE user_id = ?", userID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		out[id] = &OrgFigures{}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	rows, err = db.query(ctx, `SELECT f.org_id, f.check_id, f.subject_kind, MAX(f.severity), count(*) FROM findings f
		JOIN memberships m ON m.org_id = f.org_id AND m.user_id = ?
		WHERE f.status = 'open' GROUP BY f.org_id, f.check_id, f.subject_kind
		ORDER BY f.org_id, MAX(f.severity) DESC, count(*) DESC, f.check_id`, userID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var c findings.OpenCount
		var id int64
		var severity int
		var kind string
		if err := rows.Scan(&id, &c.CheckID, &kind, &severity, &c.Open); err != nil {
			rows.Close()
			return nil, err
		}
		c.Severity, c.Kind = findings.Severity(severity), findings.Kind(kind)
		if f := out[id]; f != nil {
			f.Open = append(f.Open, c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	rows, err = db.query(ctx, `SELECT m.org_id,
		(SELECT count(*) FROM routine_occurrences o JOIN routines r ON r.id = o.routine_id WHERE o.org_id = m.org_id AND o.done_at = 0 AND r.applicable = 1 AND r.paused = 0 AND o.due_on < ?),
		(SELECT count(*) FROM routine_occurrences o JOIN routines r ON r.id = o.routine_id WHERE o.org_id = m.org_id AND o.done_at = 0 AND r.applicable = 1 AND r.paused = 0 AND o.escalated_at <> 0),
		(SELECT COALESCE(MAX(done_at), 0) FROM routine_occurrences WHERE org_id = m.org_id)
		FROM memberships m WHERE m.user_id = ?`, today.String(), userID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, last int64
		var r RoutineFigures
		if err := rows.Scan(&id, &r.Overdue, &r.Escalated, &last); err != nil {
			rows.Close()
			return nil, err
		}
		r.LastDone = fromMicros(last)
		if f := out[id]; f != nil {
			f.Routines = r
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	rows, err = db.query(ctx, `SELECT i.org_id, `+incidentFigureColumnsOf("i")+` FROM incidents i
		JOIN memberships m ON m.org_id = i.org_id AND m.user_id = ?`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	sums := map[int64]*incidentSums{}
	for rows.Next() {
		var id int64
		var x incidentRow
		if err := rows.Scan(append([]any{&id}, x.dest()...)...); err != nil {
			return nil, err
		}
		o := out[id]
		if o == nil {
			continue
		}
		if sums[id] == nil {
			sums[id] = &incidentSums{}
		}
		sums[id].add(&o.Incidents, x)
	}
	for id, s := range sums {
		s.finish(&out[id].Incidents)
	}
	return out, rows.Err()
}
