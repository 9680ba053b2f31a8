package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/telework"
)

// PersonByEmail finds the person of the organisation whose address is
// email: how a member's own records are found (a member is a user; the
// inventory knows people).
func (t Tenant) PersonByEmail(ctx context.Context, email string) (inventory.Person, error) {
	e := NormaliseEmail(email)
	if e == "" {
		return inventory.Person{}, problem.ErrNotFound
	}
	var id int64
	if err := t.db.queryRow(ctx, "SELECT id FROM people WHERE org_id = ? AND email = ? ORDER BY id LIMIT 1", t.org, e).Scan(&id); err != nil {
		return inventory.Person{}, notFound(err)
	}
	return t.Person(ctx, id)
}

// Staff note values: what a person says of a record linked to them.
const (
	NoteNotMine = "not_mine" // this is not mine
	NoteNotUsed = "not_used" // I no longer use it
)

// OwnRecord is a device or account linked to a person, as their page
// shows it, with what they said of it.
type OwnRecord struct {
	Kind string // "device" or "account"
	ID   int64
	Name string // the device's name, or the account's login and service
	Note string // NoteNotMine, NoteNotUsed or ""
}

// OwnRecords lists the devices and accounts linked to person p, with the
// notes user left on them.
func (t Tenant) OwnRecords(ctx context.Context, personID, userID int64) ([]OwnRecord, error) {
	q := `SELECT 'device', d.id, d.name, COALESCE(n.note, '') FROM devices d
		LEFT JOIN staff_notes n ON n.org_id = d.org_id AND n.record_kind = 'device' AND n.record_id = d.id AND n.user_id = ?
		WHERE d.org_id = ? AND d.person_id = ? AND d.disposed_on = ''
		UNION ALL
		SELECT 'account', a.id, a.login_id || ' (' || s.name || ')', COALESCE(n.note, '') FROM accounts a
		JOIN services s ON s.id = a.service_id AND s.org_id = a.org_id
		LEFT JOIN staff_notes n ON n.org_id = a.org_id AND n.record_kind = 'account' AND n.record_id = a.id AND n.user_id = ?
		WHERE a.org_id = ? AND a.person_id = ? AND a.status <> 'deleted'
		ORDER BY 1 DESC, 3`
	rows, err := t.db.query(ctx, q, userID, t.org, personID, userID, t.org, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OwnRecord
	for rows.Next() {
		var r OwnRecord
		if err := rows.Scan(&r.Kind, &r.ID, &r.Name, &r.Note); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// NoteOwnRecord records what user (person personID) says of one of their
// records: not theirs, or no longer used. A record not linked to them is
// refused as not found; the note stands until the keeper changes the
// record. The entry names the record, so its history shows the note.
func (t Tenant) NoteOwnRecord(ctx context.Context, actor audit.Actor, userID, personID int64, kind string, id int64, note string) error {
	if note != NoteNotMine && note != NoteNotUsed {
		return problem.Field("note", "staff.note_invalid")
	}
	table := map[string]string{"device": "devices", "account": "accounts"}[kind]
	if table == "" {
		return problem.Field("kind", "staff.note_invalid")
	}
	return t.db.change(ctx, actor, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, "SELECT count(*) FROM "+table+" WHERE org_id = ? AND id = ? AND person_id = ? AND person_id <> 0", t.org, id, personID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return problem.Field("record", "staff.not_your_record")
		}
		if _, err := tx.exec(ctx, `INSERT INTO staff_notes (org_id, user_id, record_kind, record_id, note, created_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (org_id, user_id, record_kind, record_id) DO UPDATE SET note = excluded.note, created_at = excluded.created_at`,
			t.org, userID, kind, id, note, micros(tx.db.Now())); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "staff.note", Target: fmt.Sprintf("%s:%d", kind, id), After: map[string]any{"staff_note": note}})
	})
}

// StaffNote is a note as the keeper's list shows it: the record, its
// person and what they said.
type StaffNote struct {
	Kind   string
	ID     int64
	Name   string
	Person string
	Note   string
	At     int64
}

// StaffNotes lists the notes staff left on their records, newest first.
func (t Tenant) StaffNotes(ctx context.Context) ([]StaffNote, error) {
	q := `SELECT n.record_kind, n.record_id, COALESCE(d.name, a.login_id, ''), COALESCE(u.name, ''), n.note, n.created_at FROM staff_notes n
		LEFT JOIN devices d ON n.record_kind = 'device' AND d.id = n.record_id AND d.org_id = n.org_id
		LEFT JOIN accounts a ON n.record_kind = 'account' AND a.id = n.record_id AND a.org_id = n.org_id
		LEFT JOIN users u ON u.id = n.user_id
		WHERE n.org_id = ? ORDER BY n.created_at DESC LIMIT 500`
	rows, err := t.db.query(ctx, q, t.org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StaffNote
	for rows.Next() {
		var n StaffNote
		if err := rows.Scan(&n.Kind, &n.ID, &n.Name, &n.Person, &n.Note, &n.At); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// TeleworkCheck is a member's latest self-declaration.
type TeleworkCheck struct {
	Day     calendar.Day
	Answers telework.Answers
}

// Telework returns user's latest declaration; not found before the first.
func (t Tenant) Telework(ctx context.Context, userID int64) (TeleworkCheck, error) {
	var c TeleworkCheck
	var day, answers string
	err := t.db.queryRow(ctx, "SELECT day, answers FROM telework_checks WHERE org_id = ? AND user_id = ?", t.org, userID).Scan(&day, &answers)
	if errors.Is(err, sql.ErrNoRows) {
		return c, problem.ErrNotFound
	}
	if err != nil {
		return c, err
	}
	c.Day, _ = calendar.ParseISO(day)
	err = json.Unmarshal([]byte(answers), &c.Answers)
	return c, err
}

// SaveTelework keeps user's declaration and, when they are a person of
// the inventory, writes the devices it describes through the inventory's
// own validation, audit and evaluation follow-up, all in one change.
func (t Tenant) SaveTelework(ctx context.Context, actor audit.Actor, userID, personID int64, a telework.Answers, names telework.Names, day calendar.Day) error {
	if err := a.Check(); err != nil {
		return err
	}
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	return t.db.change(ctx, actor, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO telework_checks (org_id, user_id, day, answers) VALUES (?, ?, ?, ?)
			ON CONFLICT (org_id, user_id) DO UPDATE SET day = excluded.day, answers = excluded.answers`, t.org, userID, day.String(), string(b)); err != nil {
			return err
		}
		if err := t.record(ctx, tx, audit.Event{Action: "telework.declare", Target: fmt.Sprintf("user:%d", userID), After: a}); err != nil {
			return err
		}
		if personID == 0 {
			return nil
		}
		cur := func(name string) (inventory.Device, error) {
			var id int64
			err := tx.queryRow(ctx, "SELECT id FROM devices WHERE org_id = ? AND person_id = ? AND name = ?", t.org, personID, name).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				return inventory.Device{}, nil
			}
			if err != nil {
				return inventory.Device{}, err
			}
			return devices.get(ctx, tx.tx, t.db, t.org, id)
		}
		router, err := cur(names.Router)
		if err != nil {
			return err
		}
		pc, err := cur(names.PC)
		if err != nil {
			return err
		}
		for _, d := range telework.Devices(a, personID, names, day, router, pc) {
			if err := saveTx(ctx, t, tx, devices, &d, d.ID); err != nil {
				return err
			}
		}
		return nil
	})
}
