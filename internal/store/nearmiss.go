package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/nearmiss"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/problem"
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
	Anonymous bool // filed through the public link
	Triage    nearmiss.Triage
	Reply     string // the keeper's answer to the reporter
	Lesson    string // the anonymised lesson for the monthly note
	Action    string // what is to change, when the triage is Action
	TriagedOn calendar.Day
	Notes     []NearMissNote
}

// NearMissNote is information added after the report, by the reporter or
// the keeper, dated by day.
type NearMissNote struct {
	Day        calendar.Day
	FromKeeper bool
	Body       string
}

const nearMissCols = "id, day, category, happened, almost, suggestion, receipt_hash <> '', triage, reply, lesson, action, triaged_on"

func scanNearMiss(sc rowScanner) (NearMiss, error) {
	var n NearMiss
	var day, triaged, cat, tri string
	if err := sc.Scan(&n.ID, &day, &cat, &n.Happened, &n.Almost, &n.Suggestion, &n.Anonymous, &tri, &n.Reply, &n.Lesson, &n.Action, &triaged); err != nil {
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
	var id int64
	err := t.db.change(ctx, actor, func(tx *Tx) error {
		var err error
		id, err = tx.insert(ctx, `INSERT INTO near_misses (org_id, day, category, happened, almost, suggestion, reporter_id, receipt_hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, t.org, day.String(), string(r.Category), r.Happened, r.Almost, r.Suggestion, reporterID, receiptHash)
		if err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "near_miss.file", Target: fmt.Sprintf("near_miss:%d", id),
			After: map[string]any{"category": string(r.Category), "anonymous": reporterID == 0}})
	})
	return id, err
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
	rows, err := t.db.query(ctx, "SELECT day, from_keeper, body FROM near_miss_notes WHERE org_id = ? AND near_miss_id = ? ORDER BY id", t.org, id)
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
		if _, err := tx.exec(ctx, "INSERT INTO near_miss_notes (org_id, near_miss_id, day, from_keeper, body) VALUES (?, ?, ?, ?, ?)",
			t.org, id, day.String(), boolInt(fromKeeper), body); err != nil {
			return err
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
	return t.db.change(ctx, actor, func(tx *Tx) error {
		var before string
		if err := tx.queryRow(ctx, "SELECT triage FROM near_misses WHERE org_id = ? AND id = ?", t.org, id).Scan(&before); err != nil {
			return notFound(err)
		}
		if _, err := tx.exec(ctx, "UPDATE near_misses SET triage = ?, reply = ?, lesson = ?, action = ?, triaged_on = ? WHERE org_id = ? AND id = ?",
			string(in.Triage), in.Reply, in.Lesson, in.Action, day.String(), t.org, id); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "near_miss.triage", Target: fmt.Sprintf("near_miss:%d", id),
			Before: map[string]any{"triage": before}, After: map[string]any{"triage": string(in.Triage), "reply": in.Reply != "", "lesson": in.Lesson, "action": in.Action}})
	})
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
