package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/workflow"
)

// The joiner / mover / leaver checklists. The rules are internal/workflow's;
// this file loads what they read, applies what they decide with an audit
// entry per change, and lets a person mark items and add their own.

const checklistColumns = "id, person_id, kind, due_on, status, created_at, closed_at"

const itemColumns = "i.id, i.checklist_id, c.person_id, c.kind, c.due_on, i.kind, i.subject_kind, i.subject_id, i.label, i.status, i.reason, i.closed_by, i.closed_at, i.note, i.created_at"

func scanChecklist(r rowScanner) (workflow.Checklist, error) {
	var c workflow.Checklist
	var due string
	var created, closed int64
	err := r.Scan(&c.ID, &c.PersonID, &c.Kind, &due, &c.Status, &created, &closed)
	c.Due, _ = calendar.ParseISO(due)
	c.CreatedAt, c.ClosedAt = fromMicros(created), fromMicros(closed)
	return c, err
}

func scanItem(r rowScanner) (workflow.Item, error) {
	var it workflow.Item
	var due string
	var closed, created int64
	err := r.Scan(&it.ID, &it.ChecklistID, &it.PersonID, &it.Checklist, &due, &it.Kind, &it.Subject.Kind, &it.Subject.ID,
		&it.Label, &it.Status, &it.Reason, &it.ClosedBy, &closed, &it.Note, &created)
	it.Due, _ = calendar.ParseISO(due)
	it.ClosedAt, it.CreatedAt = fromMicros(closed), fromMicros(created)
	return it, err
}

// checklists reads the checklists matching where (on table c) with their
// items, in id order.
func (t Tenant) checklists(ctx context.Context, where string, args ...any) ([]workflow.Checklist, error) {
	rows, err := t.db.query(ctx, "SELECT "+checklistColumns+" FROM checklists c WHERE c.org_id = ?"+where+" ORDER BY c.id", append([]any{t.org}, args...)...)
	if err != nil {
		return nil, err
	}
	var out []workflow.Checklist
	at := map[int64]int{}
	for rows.Next() {
		c, err := scanChecklist(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		at[c.ID] = len(out)
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	rows, err = t.db.query(ctx, "SELECT "+itemColumns+" FROM checklist_items i JOIN checklists c ON c.id = i.checklist_id AND c.org_id = i.org_id WHERE i.org_id = ?"+where+" ORDER BY i.id", append([]any{t.org}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		if i, ok := at[it.ChecklistID]; ok {
			out[i].Items = append(out[i].Items, it)
		}
	}
	return out, rows.Err()
}

// PersonChecklists returns a person's checklists, newest first.
func (t Tenant) PersonChecklists(ctx context.Context, personID int64) ([]workflow.Checklist, error) {
	out, err := t.checklists(ctx, " AND c.person_id = ?", personID)
	slices.Reverse(out)
	return out, err
}

// Checklist returns one checklist with its items.
func (t Tenant) Checklist(ctx context.Context, id int64) (workflow.Checklist, error) {
	out, err := t.checklists(ctx, " AND c.id = ?", id)
	if err != nil {
		return workflow.Checklist{}, err
	}
	if len(out) == 0 {
		return workflow.Checklist{}, problem.ErrNotFound
	}
	return out[0], nil
}

// OpenChecklists returns the open checklists: leavers first, then joiners
// and movers, each soonest due first.
func (t Tenant) OpenChecklists(ctx context.Context) ([]workflow.Checklist, error) {
	out, err := t.checklists(ctx, " AND c.status = ?", workflow.ChecklistOpen)
	rank := map[workflow.Kind]int{workflow.Leaver: 0, workflow.Joiner: 1, workflow.Mover: 2}
	slices.SortStableFunc(out, func(a, b workflow.Checklist) int {
		return cmp.Or(cmp.Compare(rank[a.Kind], rank[b.Kind]), cmp.Compare(a.Due, b.Due), cmp.Compare(a.ID, b.ID))
	})
	return out, err
}

// OverdueChecklists returns the open checklists past their due day,
// leavers first: what escalates to the owner. The checklist page shows
// them in red; the reminder digest (internal/notify, issue 9 item 3)
// reads them here to reach the owner, so escalation needs nothing else
// from this module.
func (t Tenant) OverdueChecklists(ctx context.Context, today calendar.Day) ([]workflow.Checklist, error) {
	open, err := t.OpenChecklists(ctx)
	var out []workflow.Checklist
	for _, c := range open {
		if c.Overdue(today) {
			out = append(out, c)
		}
	}
	return out, err
}

// OpenLeaverItems returns the open items of open leaver checklists,
// soonest due first: the dashboard's "this week" and the findings read
// them.
func (t Tenant) OpenLeaverItems(ctx context.Context) ([]workflow.Item, error) {
	rows, err := t.db.query(ctx, "SELECT "+itemColumns+` FROM checklist_items i JOIN checklists c ON c.id = i.checklist_id AND c.org_id = i.org_id
		WHERE i.org_id = ? AND c.kind = ? AND c.status = ? AND i.status = ? ORDER BY c.due_on, i.id`,
		t.org, workflow.Leaver, workflow.ChecklistOpen, workflow.Open)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []workflow.Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

func checklistTarget(id int64) string { return "checklist:" + strconv.FormatInt(id, 10) }
func itemTarget(id int64) string      { return "checklist_item:" + strconv.FormatInt(id, 10) }

// subjectWords names the record an item is about as a person reads it
// (a login and its service, a device's name, a share's path, a member's
// address), for the audit trail; "#id" when the record is gone.
func (t Tenant) subjectWords(ctx context.Context, tx *Tx, s workflow.Subject) string {
	var q string
	switch s.Kind {
	case workflow.AccountSubject:
		q = "SELECT a.login_id || ' (' || v.name || ')' FROM accounts a JOIN services v ON v.id = a.service_id AND v.org_id = a.org_id WHERE a.org_id = ? AND a.id = ?"
	case workflow.DeviceSubject:
		q = "SELECT name FROM devices WHERE org_id = ? AND id = ?"
	case workflow.ShareSubject:
		q = "SELECT path FROM shares WHERE org_id = ? AND id = ?"
	case workflow.ServiceSubject:
		q = "SELECT name FROM services WHERE org_id = ? AND id = ?"
	case workflow.UserSubject:
		q = "SELECT u.email FROM users u JOIN memberships m ON m.user_id = u.id AND m.org_id = ? WHERE u.id = ?"
	default:
		return ""
	}
	var words string
	if err := tx.queryRow(ctx, q, t.org, s.ID).Scan(&words); err != nil || words == "" {
		return "#" + strconv.FormatInt(s.ID, 10)
	}
	return words
}

func itemAudit(it workflow.Item, subject string) map[string]any {
	m := map[string]any{"kind": it.Kind, "status": it.Status, "checklist": it.ChecklistID, "person_id": it.PersonID}
	if subject != "" {
		m["subject"] = subject
	}
	if it.Label != "" {
		m["label"] = it.Label
	}
	if it.Reason != "" {
		m["reason"] = it.Reason
	}
	if it.Note != "" {
		m["note"] = it.Note
	}
	return m
}

func checklistAudit(c workflow.Checklist) map[string]any {
	return map[string]any{"kind": c.Kind, "person_id": c.PersonID, "due_on": c.Due.String(), "status": c.Status}
}

// ChecklistSync counts what a run of the checklist rules changed.
type ChecklistSync struct {
	Created, Added, Changed int
}

// SyncChecklists runs the checklist rules on data (the inventory as the
// evaluation read it) as of today and applies what they decide in one
// audited change. The evaluation calls it, under the organisation's
// evaluation lease, before it runs the checks, so the findings see the
// checklists as they now are.
func (t Tenant) SyncChecklists(ctx context.Context, actor audit.Actor, data inventory.Data, today calendar.Day) (ChecklistSync, error) {
	stored, err := t.checklists(ctx, "")
	if err != nil {
		return ChecklistSync{}, fmt.Errorf("read checklists: %w", err)
	}
	members, err := t.Members(ctx)
	if err != nil {
		return ChecklistSync{}, err
	}
	in := workflow.Inventory{Today: today, People: data.People, Services: data.Services, Accounts: data.Accounts,
		Devices: data.Devices, Shares: data.Shares, Seen: map[int64]string{}}
	for _, m := range members {
		in.Members = append(in.Members, workflow.Member{UserID: m.ID, Email: m.Email})
	}
	rows, err := t.db.query(ctx, "SELECT person_id, department FROM workflow_departments WHERE org_id = ?", t.org)
	if err != nil {
		return ChecklistSync{}, err
	}
	for rows.Next() {
		var id int64
		var dept string
		if err := rows.Scan(&id, &dept); err != nil {
			rows.Close()
			return ChecklistSync{}, err
		}
		in.Seen[id] = dept
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return ChecklistSync{}, err
	}

	plan := workflow.Reconcile(stored, in)
	res := ChecklistSync{Created: len(plan.Create), Added: len(plan.Add), Changed: len(plan.Items) + len(plan.Checklists)}
	if !plan.Empty() {
		err = t.change(ctx, actor, func(tx *Tx) error {
			if err := t.applyPlan(ctx, tx, plan); err != nil {
				return err
			}
			return t.saveSeen(ctx, tx.tx.ExecContext, plan.Seen)
		})
		return res, err
	}
	if len(plan.Seen) == 0 {
		return res, nil
	}
	// Remembering departments changes no record a person sees: bookkeeping
	// in its own transaction, without an audit entry.
	tx, err := t.db.w.BeginTx(ctx, nil)
	if err != nil {
		return res, err
	}
	defer tx.Rollback()
	if err := t.saveSeen(ctx, tx.ExecContext, plan.Seen); err != nil {
		return res, err
	}
	return res, tx.Commit()
}

// saveSeen remembers each person's department as this run saw it.
func (t Tenant) saveSeen(ctx context.Context, exec func(context.Context, string, ...any) (sql.Result, error), seen map[int64]string) error {
	ids := make([]int64, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	q := t.db.rebind(`INSERT INTO workflow_departments (org_id, person_id, department) VALUES (?, ?, ?)
		ON CONFLICT (org_id, person_id) DO UPDATE SET department = excluded.department`)
	for _, id := range ids {
		if _, err := exec(ctx, q, t.org, id, seen[id]); err != nil {
			return fmt.Errorf("remember department: %w", err)
		}
	}
	return nil
}

// applyPlan writes what Reconcile decided, each change with its audit
// entry. An item a person changed since the rules read it is left alone.
func (t Tenant) applyPlan(ctx context.Context, tx *Tx, plan workflow.Plan) error {
	now := micros(t.db.Now())
	for _, c := range plan.Create {
		closed := int64(0)
		if c.Status != workflow.ChecklistOpen {
			closed = now
		}
		id, err := tx.insert(ctx, "INSERT INTO checklists (org_id, person_id, kind, due_on, status, created_at, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			t.org, c.PersonID, c.Kind, c.Due.String(), c.Status, now, closed)
		if err != nil {
			return fmt.Errorf("create checklist: %w", err)
		}
		c.ID = id
		if err := t.record(ctx, tx, audit.Event{Action: string(workflow.ActionCreate), Target: checklistTarget(id), After: checklistAudit(c)}); err != nil {
			return err
		}
		for _, it := range c.Items {
			it.ChecklistID = id
			if _, err := t.insertItem(ctx, tx, it, now); err != nil {
				return err
			}
		}
	}
	for _, it := range plan.Add {
		if _, err := t.insertItem(ctx, tx, it, now); err != nil {
			return err
		}
	}
	for _, ch := range plan.Items {
		after := ch.Item
		after.Status, after.Reason, after.ClosedBy, after.Note = ch.To, ch.Reason, 0, ""
		closed := now
		if ch.To == workflow.Open {
			after.Reason, closed = "", 0
		}
		res, err := tx.exec(ctx, "UPDATE checklist_items SET status = ?, reason = ?, closed_by = 0, closed_at = ?, note = '' WHERE org_id = ? AND id = ? AND status = ?",
			after.Status, after.Reason, closed, t.org, ch.Item.ID, ch.Item.Status)
		if err != nil {
			return fmt.Errorf("update item: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			tx.unchanged++
			continue
		}
		words := t.subjectWords(ctx, tx, ch.Item.Subject)
		if err := t.record(ctx, tx, audit.Event{Action: string(itemAction(ch.To)), Target: itemTarget(ch.Item.ID), Before: itemAudit(ch.Item, words), After: itemAudit(after, words)}); err != nil {
			return err
		}
	}
	for _, ch := range plan.Checklists {
		closed := int64(0)
		if ch.To != workflow.ChecklistOpen {
			closed = now
		}
		if _, err := tx.exec(ctx, "UPDATE checklists SET due_on = ?, status = ?, closed_at = ? WHERE org_id = ? AND id = ?",
			ch.Due.String(), ch.To, closed, t.org, ch.Checklist.ID); err != nil {
			return fmt.Errorf("update checklist: %w", err)
		}
		after := ch.Checklist
		after.Due, after.Status = ch.Due, ch.To
		if err := t.record(ctx, tx, audit.Event{Action: string(ch.Action), Target: checklistTarget(ch.Checklist.ID), Before: checklistAudit(ch.Checklist), After: checklistAudit(after)}); err != nil {
			return err
		}
	}
	return nil
}

// itemAction is the audit action of an item moving to status.
func itemAction(to workflow.Status) workflow.Action {
	switch to {
	case workflow.Done:
		return workflow.ActionDone
	case workflow.NotNeeded:
		return workflow.ActionSkip
	}
	return workflow.ActionItemOpen
}

func (t Tenant) insertItem(ctx context.Context, tx *Tx, it workflow.Item, now int64) (int64, error) {
	closed := int64(0)
	if it.Status != workflow.Open {
		closed = now
	}
	id, err := tx.insert(ctx, `INSERT INTO checklist_items (org_id, checklist_id, kind, subject_kind, subject_id, label, status, reason, closed_by, closed_at, note, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.org, it.ChecklistID, it.Kind, it.Subject.Kind, it.Subject.ID, it.Label, it.Status, it.Reason, it.ClosedBy, closed, it.Note, now)
	if err != nil {
		return 0, fmt.Errorf("add item: %w", err)
	}
	return id, t.record(ctx, tx, audit.Event{Action: string(workflow.ActionAddItem), Target: itemTarget(id), After: itemAudit(it, t.subjectWords(ctx, tx, it.Subject))})
}

// MarkItem is a person marking an item done or not needed (with a reason),
// or opening it again; the checklist closes or reopens with it.
func (t Tenant) MarkItem(ctx context.Context, actor audit.Actor, itemID int64, m workflow.Mark) (workflow.Item, error) {
	var after workflow.Item
	err := t.change(ctx, actor, func(tx *Tx) error {
		before, err := scanItem(tx.queryRow(ctx, "SELECT "+itemColumns+" FROM checklist_items i JOIN checklists c ON c.id = i.checklist_id AND c.org_id = i.org_id WHERE i.org_id = ? AND i.id = ?", t.org, itemID))
		if err != nil {
			return notFound(err)
		}
		after, err = before.Apply(m, actor.UserID, t.db.Now())
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE checklist_items SET status = ?, reason = ?, closed_by = ?, closed_at = ?, note = ? WHERE org_id = ? AND id = ?",
			after.Status, after.Reason, after.ClosedBy, micros(after.ClosedAt), after.Note, t.org, itemID); err != nil {
			return err
		}
		words := t.subjectWords(ctx, tx, before.Subject)
		if err := t.record(ctx, tx, audit.Event{Action: string(itemAction(after.Status)), Target: itemTarget(itemID), Before: itemAudit(before, words), After: itemAudit(after, words)}); err != nil {
			return err
		}
		return t.settleChecklist(ctx, tx, before.ChecklistID)
	})
	return after, err
}

// AddItem adds the keeper's own item (keys, an entry card, a hand-over) to
// a checklist, which reopens if it was closed.
func (t Tenant) AddItem(ctx context.Context, actor audit.Actor, checklistID int64, label string) (workflow.Item, error) {
	var it workflow.Item
	err := t.change(ctx, actor, func(tx *Tx) error {
		c, err := scanChecklist(tx.queryRow(ctx, "SELECT "+checklistColumns+" FROM checklists c WHERE org_id = ? AND id = ?", t.org, checklistID))
		if err != nil {
			return notFound(err)
		}
		if c.Status == workflow.ChecklistCancelled {
			it = workflow.Item{ChecklistID: c.ID, PersonID: c.PersonID}
			return problem.New(problem.Conflict, "workflow.cancelled")
		}
		if it, err = workflow.NewManual(c, label); err != nil {
			return err
		}
		if it.ID, err = t.insertItem(ctx, tx, it, micros(t.db.Now())); err != nil {
			return err
		}
		return t.settleChecklist(ctx, tx, checklistID)
	})
	return it, err
}

// settleChecklist closes a checklist with nothing left open, or reopens a
// closed one with something open again, inside tx.
func (t Tenant) settleChecklist(ctx context.Context, tx *Tx, id int64) error {
	c, err := scanChecklist(tx.queryRow(ctx, "SELECT "+checklistColumns+" FROM checklists c WHERE org_id = ? AND id = ?", t.org, id))
	if err != nil {
		return notFound(err)
	}
	var open int
	if err := tx.queryRow(ctx, "SELECT count(*) FROM checklist_items WHERE org_id = ? AND checklist_id = ? AND status = ?", t.org, id, workflow.Open).Scan(&open); err != nil {
		return err
	}
	var to workflow.ChecklistStatus
	switch {
	case c.Status == workflow.ChecklistOpen && open == 0:
		to = workflow.ChecklistClosed
	case c.Status == workflow.ChecklistClosed && open > 0:
		to = workflow.ChecklistOpen
	default:
		return nil
	}
	closed := int64(0)
	action := workflow.ActionReopen
	if to == workflow.ChecklistClosed {
		closed, action = micros(t.db.Now()), workflow.ActionClose
	}
	if _, err := tx.exec(ctx, "UPDATE checklists SET status = ?, closed_at = ? WHERE org_id = ? AND id = ?", to, closed, t.org, id); err != nil {
		return err
	}
	after := c
	after.Status = to
	return t.record(ctx, tx, audit.Event{Action: string(action), Target: checklistTarget(id), Before: checklistAudit(c), After: checklistAudit(after)})
}
