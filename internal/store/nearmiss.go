package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/nearmiss"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/routine"
)

// Anonymous is the actor of everything done through the public near-miss
// link: no user, no address. Its audit entries say only "anonymous".
var Anonymous = audit.Actor{Label: "anonymous"}

// NearMiss is one report as the keeper and its reporter see it. Who filed
// it is not part of it: the keeper's pages never learn it.
type NearMiss struct {
	ID  int64
	Day calendar.Day // the day it was filed, the only time kept
	nearmiss.Report
	Anonymous  bool // filed through the public link
	Triage     nearmiss.Triage
	Reply      string // the keeper's answer to the reporter
	Lesson     string // the anonymised lesson for the monthly note
	Action     string // what is to change, when the triage is Action
	TriagedOn  calendar.Day
	RoutineID  int64 // the one-off task "needs action" made, 0 when none
	IncidentID int64 // the incident it was escalated to, 0 when none
	Notes      []NearMissNote
}

// NearMissNote is information added after the report, by the reporter or
// the keeper, dated by day.
type NearMissNote struct {
	Day        calendar.Day
	FromKeeper bool
	Body       string
}

const nearMissCols = "id, day, category, happened, almost, suggestion, receipt_hash <> '', triage, reply, lesson, action, triaged_on, routine_id, incident_id"

func scanNearMiss(sc rowScanner) (NearMiss, error) {
	var n NearMiss
	var day, triaged, cat, tri string
	if err := sc.Scan(&n.ID, &day, &cat, &n.Happened, &n.Almost, &n.Suggestion, &n.Anonymous, &tri, &n.Reply, &n.Lesson, &n.Action, &triaged, &n.RoutineID, &n.IncidentID); err != nil {
		return n, err
	}
	n.Category, n.Triage = nearmiss.Category(cat), nearmiss.Triage(tri)
	n.Day, _ = calendar.ParseISO(day)
	if triaged != "" {
		n.TriagedOn, _ = calendar.ParseISO(triaged)
	}
	return n, nil
}

// FileNearMiss stores a report filed on day. reporterID is the signed-in
// reporter, 0 for an anonymous report, which then carries receiptHash and
// is recorded by the Anonymous actor whatever actor is passed: no account,
// no address reaches the row or the trail.
func (t Tenant) FileNearMiss(ctx context.Context, actor audit.Actor, r nearmiss.Report, reporterID int64, receiptHash string, day calendar.Day) (int64, error) {
	if err := r.Check(); err != nil {
		return 0, err
	}
	if reporterID == 0 {
		if receiptHash == "" {
			return 0, errors.New("store: an anonymous near miss needs a receipt")
		}
		actor = Anonymous
	} else {
		receiptHash = ""
	}
	id := nearMissID()
	err := t.db.change(ctx, actor, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO near_misses (id, org_id, day, category, happened, almost, suggestion, reporter_id, receipt_hash, audited)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, t.org, day.String(), string(r.Category), r.Happened, r.Almost, r.Suggestion, reporterID, receiptHash,
			boolInt(reporterID != 0)); err != nil {
			return err
		}
		if reporterID == 0 {
			// Recorded with its day's count after the day ends
			// (AuditAnonymousNearMisses): an entry now would date it.
			tx.auditLater++
			return nil
		}
		return t.record(ctx, tx, audit.Event{Action: "near_miss.file", Target: fmt.Sprintf("near_miss:%d", id),
			After: map[string]any{"category": string(r.Category), "anonymous": false}})
	})
	return id, err
}

// nearMissID draws the id of a report or a note at random (below 2^53,
// so any client reads it whole): ids given in order would tell, by their
// place among signed-in reports and keeper's notes whose audit entries are
// dated, when within the day an anonymous one came in. The listing order
// within a day is therefore random too.
func nearMissID() int64 {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return int64(binary.BigEndian.Uint64(b[:])>>11) | 1
}

// NearMisses lists the organisation's reports, newest first (at most
// limit).
func (t Tenant) NearMisses(ctx context.Context, limit int) ([]NearMiss, error) {
	return t.nearMisses(ctx, "org_id = ?", []any{t.org}, limit)
}

// MyNearMisses lists the reports a signed-in person filed, newest first,
// with their notes: only they see which are theirs.
func (t Tenant) MyNearMisses(ctx context.Context, userID int64) ([]NearMiss, error) {
	list, err := t.nearMisses(ctx, "org_id = ? AND reporter_id = ? AND reporter_id <> 0", []any{t.org, userID}, 50)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].Notes, err = t.nearMissNotes(ctx, list[i].ID); err != nil {
			return nil, err
		}
	}
	return list, nil
}

func (t Tenant) nearMisses(ctx context.Context, where string, args []any, limit int) ([]NearMiss, error) {
	rows, err := t.db.query(ctx, "SELECT "+nearMissCols+" FROM near_misses WHERE "+where+" ORDER BY day DESC, id DESC LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []NearMiss
	for rows.Next() {
		n, err := scanNearMiss(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// NearMiss returns one report with its notes.
func (t Tenant) NearMiss(ctx context.Context, id int64) (NearMiss, error) {
	n, err := scanNearMiss(t.db.queryRow(ctx, "SELECT "+nearMissCols+" FROM near_misses WHERE org_id = ? AND id = ?", t.org, id))
	if err != nil {
		return n, notFound(err)
	}
	n.Notes, err = t.nearMissNotes(ctx, id)
	return n, err
}

// NearMissByReceipt finds the anonymous report whose receipt code hashes
// to hash. An unknown code and a wrong one are the same not-found.
func (t Tenant) NearMissByReceipt(ctx context.Context, hash string) (NearMiss, error) {
	if hash == "" {
		return NearMiss{}, problem.ErrNotFound
	}
	var id int64
	var stored string
	err := t.db.queryRow(ctx, "SELECT id, receipt_hash FROM near_misses WHERE org_id = ? AND receipt_hash = ?", t.org, hash).Scan(&id, &stored)
	if err != nil {
		return NearMiss{}, notFound(err)
	}
	if !nearmiss.SameReceipt(stored, hash) {
		return NearMiss{}, problem.ErrNotFound
	}
	return t.NearMiss(ctx, id)
}

func (t Tenant) nearMissNotes(ctx context.Context, id int64) ([]NearMissNote, error) {
	rows, err := t.db.query(ctx, "SELECT day, from_keeper, body FROM near_miss_notes WHERE org_id = ? AND near_miss_id = ? ORDER BY day, id", t.org, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []NearMissNote
	for rows.Next() {
		var n NearMissNote
		var day string
		var keeper int
		if err := rows.Scan(&day, &keeper, &n.Body); err != nil {
			return nil, err
		}
		n.Day, _ = calendar.ParseISO(day)
		n.FromKeeper = keeper != 0
		out = append(out, n)
	}
	return out, rows.Err()
}

// AddNearMissNote adds information to report id on day: from the reporter
// (anonymous: recorded by the Anonymous actor) or from the keeper.
func (t Tenant) AddNearMissNote(ctx context.Context, actor audit.Actor, id int64, body string, fromKeeper, anonymous bool, day calendar.Day) error {
	if err := nearmiss.CheckText("body", body, nearmiss.MaxNote, true); err != nil {
		return err
	}
	if anonymous {
		actor = Anonymous
	}
	return t.db.change(ctx, actor, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, "SELECT count(*) FROM near_misses WHERE org_id = ? AND id = ?", t.org, id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return problem.ErrNotFound
		}
		if _, err := tx.exec(ctx, "INSERT INTO near_miss_notes (id, org_id, near_miss_id, day, from_keeper, body, audited) VALUES (?, ?, ?, ?, ?, ?, ?)",
			nearMissID(), t.org, id, day.String(), boolInt(fromKeeper), body, boolInt(!anonymous)); err != nil {
			return err
		}
		if anonymous {
			tx.auditLater++ // with its day's count, as a report
			return nil
		}
		return t.record(ctx, tx, audit.Event{Action: "near_miss.note", Target: fmt.Sprintf("near_miss:%d", id), After: map[string]any{"from_keeper": fromKeeper}})
	})
}

// NearMissTriage is the keeper's answer to a report.
type NearMissTriage struct {
	Triage nearmiss.Triage
	Reply  string // to the reporter
	Lesson string // for everyone, anonymised (Lesson)
	Action string // what is to change (Action)
	// The one-off task Action makes (when the report has none yet): due
	// on Due, done by AssigneeID (0: the organisation's keepers).
	Due        calendar.Day
	AssigneeID int64
	// Department is where the lesson that answers the report goes when it
	// is triaged as a lesson or needing action: the keeper picks it (the
	// reporter's is never looked up); "" assigns none.
	Department string
}

// TriageNearMiss records the keeper's answer on day.
func (t Tenant) TriageNearMiss(ctx context.Context, actor audit.Actor, id int64, in NearMissTriage, day calendar.Day) error {
	if !in.Triage.Valid() {
		return problem.Field("triage", "nearmiss.triage_required")
	}
	for _, f := range []struct {
		name string
		v    string
		req  bool
	}{{"reply", in.Reply, false}, {"lesson", in.Lesson, in.Triage == nearmiss.Lesson}, {"action", in.Action, in.Triage == nearmiss.Action}} {
		if err := nearmiss.CheckText(f.name, f.v, nearmiss.MaxNote, f.req); err != nil {
			return err
		}
	}
	in.Department = strings.TrimSpace(in.Department)
	var category string
	err := t.db.change(ctx, actor, func(tx *Tx) error {
		var before, filed string
		var routineID, incidentID int64
		if err := tx.queryRow(ctx, "SELECT triage, category, day, routine_id, incident_id FROM near_misses WHERE org_id = ? AND id = ?", t.org, id).
			Scan(&before, &category, &filed, &routineID, &incidentID); err != nil {
			return notFound(err)
		}
		if in.Triage == nearmiss.Action && routineID == 0 {
			var err error
			if routineID, err = t.nearMissTask(ctx, tx, id, category, filed, in, day); err != nil {
				return err
			}
		}
		if in.Triage == nearmiss.Escalated && incidentID == 0 {
			var err error
			if incidentID, err = t.escalateNearMiss(ctx, tx, id, category, filed); err != nil {
				return err
			}
		}
		// incident_id = ? guards the escalation: a triage that raced
		// another one changes nothing and is refused, never a second
		// incident.
		res, err := tx.exec(ctx, "UPDATE near_misses SET triage = ?, reply = ?, lesson = ?, action = ?, triaged_on = ?, routine_id = ?, incident_id = ? WHERE org_id = ? AND id = ? AND (incident_id = 0 OR incident_id = ?)",
			string(in.Triage), in.Reply, in.Lesson, in.Action, day.String(), routineID, incidentID, t.org, id, incidentID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return problem.New(problem.Conflict, "nearmiss.escalated_already")
		}
		after := map[string]any{"triage": string(in.Triage), "reply": in.Reply != "", "lesson": in.Lesson, "action": in.Action}
		if incidentID != 0 {
			after["incident"] = incidentID
		}
		return t.record(ctx, tx, audit.Event{Action: "near_miss.triage", Target: fmt.Sprintf("near_miss:%d", id),
			Before: map[string]any{"triage": before}, After: after})
	})
	if err == nil && in.Department != "" && (in.Triage == nearmiss.Lesson || in.Triage == nearmiss.Action) {
		// The lesson that answers it, for the department the keeper
		// picked: after the triage committed, as lessons ask.
		err = t.AssignForEvent(ctx, actor, category, in.Department)
	}
	return err
}

// nearMissTask makes the one-off task of a report needing action: a
// keeper's routine of the chore once.near_miss_action due on in.Due, with
// its occurrence, recorded as the keeper adding a routine and naming the
// report in words (its category and day, not its number).
func (t Tenant) nearMissTask(ctx context.Context, tx *Tx, id int64, category, filed string, in NearMissTriage, today calendar.Day) (int64, error) {
	c, _ := routine.ChoreByID("once.near_miss_action")
	ri := RoutineInput{Chore: c.ID, Schedule: routine.Schedule{Cadence: routine.Once, On: in.Due}, AssigneeID: in.AssigneeID,
		EscalateAfter: routine.DefaultEscalateAfter}
	if err := t.checkInput(ctx, tx, ri); err != nil {
		return 0, err
	}
	if in.Due < today {
		return 0, problem.Field("due", "routine.invalid_due")
	}
	rid, err := tx.insert(ctx, `INSERT INTO routines (org_id, chore, service_id, origin, cadence, weekday, day, month, assignee_id, paused, escalate_after, starts_on, created_at)
		VALUES (?, ?, ?, ?, ?, 0, 0, 0, ?, 0, ?, ?, ?)`, t.org, c.ID, -id, routine.FromKeeper, routine.Once, in.AssigneeID, ri.EscalateAfter,
		in.Due.String(), micros(t.db.Now()))
	if err != nil {
		return 0, err
	}
	after, err := t.routineAudit(ctx, tx, c.ID, "", ri)
	if err != nil {
		return 0, err
	}
	after["due"], after["category"], after["near_miss_day"] = in.Due.String(), category, filed
	if err := t.record(ctx, tx, audit.Event{Action: "routine.add", Target: routineTarget(rid), After: after}); err != nil {
		return 0, err
	}
	_, err = t.materialise(ctx, tx, rid, today)
	return rid, err
}

// NearMissOfRoutine returns the report a one-off task was made from.
func (t Tenant) NearMissOfRoutine(ctx context.Context, routineID int64) (NearMiss, error) {
	n, err := scanNearMiss(t.db.queryRow(ctx, "SELECT "+nearMissCols+" FROM near_misses WHERE org_id = ? AND routine_id = ?", t.org, routineID))
	return n, notFound(err)
}

// NearMissLesson is one line of the monthly note to all staff.
type NearMissLesson struct {
	Day      calendar.Day
	Category nearmiss.Category
	Lesson   string
}

// NearMissLessons lists the lessons drawn from reports filed from since
// on, newest first: the keeper's words only, never the report's.
func (t Tenant) NearMissLessons(ctx context.Context, since calendar.Day) ([]NearMissLesson, error) {
	rows, err := t.db.query(ctx, "SELECT day, category, lesson FROM near_misses WHERE org_id = ? AND triage = ? AND lesson <> '' AND day >= ? ORDER BY day DESC, id DESC LIMIT 50",
		t.org, string(nearmiss.Lesson), since.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []NearMissLesson
	for rows.Next() {
		var l NearMissLesson
		var day, cat string
		if err := rows.Scan(&day, &cat, &l.Lesson); err != nil {
			return nil, err
		}
		l.Day, _ = calendar.ParseISO(day)
		l.Category = nearmiss.Category(cat)
		out = append(out, l)
	}
	return out, rows.Err()
}

// NearMissCounts counts the reports filed in [from, to) by category.
func (t Tenant) NearMissCounts(ctx context.Context, from, to calendar.Day) (map[nearmiss.Category]int, error) {
	rows, err := t.db.query(ctx, "SELECT category, count(*) FROM near_misses WHERE org_id = ? AND day >= ? AND day < ? GROUP BY category",
		t.org, from.String(), to.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[nearmiss.Category]int{}
	for rows.Next() {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			return nil, err
		}
		out[nearmiss.Category(c)] = n
	}
	return out, rows.Err()
}

// NearMissLink returns the token of the organisation's public near-miss
// link, "" when none was made yet.
func (t Tenant) NearMissLink(ctx context.Context) (string, error) {
	var tok string
	err := t.db.queryRow(ctx, "SELECT token FROM near_miss_links WHERE org_id = ?", t.org).Scan(&tok)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return tok, err
}

// RotateNearMissLink makes a new public link, the old one answering no
// more, and returns its token.
func (t Tenant) RotateNearMissLink(ctx context.Context, actor audit.Actor) (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	tok := base64.RawURLEncoding.EncodeToString(b)
	err := t.db.change(ctx, actor, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO near_miss_links (org_id, token, created_at) VALUES (?, ?, ?)
			ON CONFLICT (org_id) DO UPDATE SET token = excluded.token, created_at = excluded.created_at`, t.org, tok, micros(tx.db.Now())); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "near_miss.link", Target: fmt.Sprintf("org:%d", t.org)})
	})
	return tok, err
}

// OrgByNearMissLink finds the organisation of a public near-miss link.
func (db *DB) OrgByNearMissLink(ctx context.Context, token string) (org.Org, error) {
	if token == "" {
		return org.Org{}, problem.ErrNotFound
	}
	o, err := scanOrg(db.queryRow(ctx, "SELECT "+orgColumnsOf+" FROM orgs o JOIN near_miss_links l ON l.org_id = o.id WHERE l.token = ?", token))
	return o, notFound(err)
}

// AuditAnonymousNearMisses writes the audit trail's record of anonymous
// near misses and of information added with a receipt code: for every
// organisation and every day before today that has some not yet counted,
// one entry "N anonymous near misses received on <day>", naming the
// reports by their categories (in the categories' order, not the reports')
// — written after the day ends, so neither its time nor its place in the
// chain dates a report within the day. It returns the entries written.
// The periodic job calls it every hour; a day already counted is not
// counted again.
func (db *DB) AuditAnonymousNearMisses(ctx context.Context, today calendar.Day) (int, error) {
	type orgDay struct {
		org int64
		day string
	}
	rows, err := db.query(ctx, `SELECT org_id, day FROM near_misses WHERE audited = 0 AND day < ?
		UNION SELECT org_id, day FROM near_miss_notes WHERE audited = 0 AND day < ? ORDER BY 1, 2`, today.String(), today.String())
	if err != nil {
		return 0, err
	}
	var due []orgDay
	for rows.Next() {
		var d orgDay
		if err := rows.Scan(&d.org, &d.day); err != nil {
			rows.Close()
			return 0, err
		}
		due = append(due, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, d := range due {
		if err := db.Tenant(d.org).auditAnonymousDay(ctx, d.day); err != nil {
			return n, fmt.Errorf("near misses of org %d on %s: %w", d.org, d.day, err)
		}
		n++
	}
	return n, nil
}

func (t Tenant) auditAnonymousDay(ctx context.Context, day string) error {
	return t.db.change(ctx, Anonymous, func(tx *Tx) error {
		// Marking and counting in one statement: a second server doing the
		// same at once finds nothing left to count.
		counts := map[nearmiss.Category]int{}
		reports := 0
		rows, err := tx.tx.QueryContext(ctx, t.db.rebind("UPDATE near_misses SET audited = 1 WHERE org_id = ? AND day = ? AND audited = 0 RETURNING category"), t.org, day)
		if err != nil {
			return err
		}
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return err
			}
			counts[nearmiss.Category(c)]++
			reports++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		res, err := tx.exec(ctx, "UPDATE near_miss_notes SET audited = 1 WHERE org_id = ? AND day = ? AND audited = 0", t.org, day)
		if err != nil {
			return err
		}
		notes, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if reports == 0 && notes == 0 {
			tx.unchanged++ // another server counted it meanwhile
			return nil
		}
		var cats []string
		for _, c := range nearmiss.Categories {
			for range counts[c] {
				cats = append(cats, string(c))
			}
		}
		return t.record(ctx, tx, audit.Event{Action: "near_miss.anonymous_day", Target: fmt.Sprintf("org:%d", t.org),
			After: map[string]any{"day": day, "anonymous_reports": reports, "anonymous_notes": notes, "categories": strings.Join(cats, " ")}})
	})
}
