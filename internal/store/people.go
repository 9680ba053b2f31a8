package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/inventory"
)

const personColumns = "id, org_id, name, kana, email, department, employment_type, join_date, leave_date, manager_email, created_at, updated_at"

func scanPerson(r rowScanner) (inventory.Person, error) {
	var p inventory.Person
	var c, u int64
	err := r.Scan(&p.ID, &p.OrgID, &p.Name, &p.Kana, &p.Email, &p.Department, &p.EmploymentType, &p.JoinDate, &p.LeaveDate, &p.ManagerEmail, &c, &u)
	p.CreatedAt, p.UpdatedAt = fromMicros(c), fromMicros(u)
	return p, err
}

func personAudit(p inventory.Person) map[string]any {
	return map[string]any{"name": p.Name, "kana": p.Kana, "email": p.Email, "department": p.Department,
		"employment_type": p.EmploymentType, "join_date": p.JoinDate, "leave_date": p.LeaveDate, "manager_email": p.ManagerEmail}
}

// PeopleQuery filters the people list.
type PeopleQuery struct {
	Search     string // in name, kana, e-mail or department
	Department string
	Current    bool // only people who have not left
	Offset     int
	Limit      int
}

// People lists people by kana, with the total matching the filter.
func (t Tenant) People(ctx context.Context, q PeopleQuery) ([]inventory.Person, int, error) {
	where := "org_id = ?"
	args := []any{t.org}
	if s := strings.TrimSpace(q.Search); s != "" {
		where += " AND (name LIKE ? OR kana LIKE ? OR email LIKE ? OR department LIKE ?)"
		like := "%" + likeEscape(s) + "%"
		args = append(args, like, like, like, like)
	}
	if q.Department != "" {
		where += " AND department = ?"
		args = append(args, q.Department)
	}
	if q.Current {
		where += " AND leave_date = ''"
	}
	var total int
	if err := t.db.queryRow(ctx, "SELECT count(*) FROM people WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if q.Limit <= 0 {
		q.Limit = 50
	}
	rows, err := t.db.query(ctx, "SELECT "+personColumns+" FROM people WHERE "+where+" ORDER BY kana, id LIMIT ? OFFSET ?", append(args, q.Limit, q.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []inventory.Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}

// Person returns one person of this organisation.
func (t Tenant) Person(ctx context.Context, id int64) (inventory.Person, error) {
	p, err := scanPerson(t.db.queryRow(ctx, "SELECT "+personColumns+" FROM people WHERE org_id = ? AND id = ?", t.org, id))
	return p, notFound(err)
}

// Departments lists the departments in use, by name.
func (t Tenant) Departments(ctx context.Context) ([]string, error) {
	rows, err := t.db.query(ctx, "SELECT DISTINCT department FROM people WHERE org_id = ? AND department <> '' ORDER BY department", t.org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// AddPeople adds people in one transaction: all or none.
func (t Tenant) AddPeople(ctx context.Context, actor audit.Actor, people []inventory.Person) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		for i := range people {
			if err := t.insertPerson(ctx, tx, &people[i]); err != nil {
				if len(people) > 1 {
					return fmt.Errorf("person %d: %w", i+1, err)
				}
				return err
			}
		}
		return nil
	})
}

func (t Tenant) insertPerson(ctx context.Context, tx *Tx, p *inventory.Person) error {
	if err := p.Validate(); err != nil {
		return err
	}
	now := micros(tx.db.Now())
	id, err := tx.insert(ctx, "INSERT INTO people (org_id, name, kana, email, department, employment_type, join_date, leave_date, manager_email, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		t.org, p.Name, p.Kana, NormaliseEmail(p.Email), p.Department, p.EmploymentType, p.JoinDate, p.LeaveDate, NormaliseEmail(p.ManagerEmail), now, now)
	if err != nil {
		return fmt.Errorf("insert person: %w", err)
	}
	p.ID, p.OrgID = id, t.org
	return t.record(ctx, tx, audit.Event{Action: "person.create", Target: fmt.Sprintf("person:%d", id), After: personAudit(*p)})
}

// UpdatePerson changes a person and records before and after.
func (t Tenant) UpdatePerson(ctx context.Context, actor audit.Actor, p inventory.Person) error {
	return t.change(ctx, actor, func(tx *Tx) error { return t.updatePerson(ctx, tx, &p) })
}

func (t Tenant) updatePerson(ctx context.Context, tx *Tx, p *inventory.Person) error {
	if err := p.Validate(); err != nil {
		return err
	}
	before, err := scanPerson(tx.queryRow(ctx, "SELECT "+personColumns+" FROM people WHERE org_id = ? AND id = ?", t.org, p.ID))
	if err != nil {
		return notFound(err)
	}
	p.Email, p.ManagerEmail = NormaliseEmail(p.Email), NormaliseEmail(p.ManagerEmail)
	b, a := personAudit(before), personAudit(*p)
	if sameValues(b, a) {
		tx.unchanged++
		return nil
	}
	_, err = tx.exec(ctx, "UPDATE people SET name = ?, kana = ?, email = ?, department = ?, employment_type = ?, join_date = ?, leave_date = ?, manager_email = ?, updated_at = ? WHERE org_id = ? AND id = ?",
		p.Name, p.Kana, p.Email, p.Department, p.EmploymentType, p.JoinDate, p.LeaveDate, p.ManagerEmail, micros(tx.db.Now()), t.org, p.ID)
	if err != nil {
		return err
	}
	p.OrgID = t.org
	return t.record(ctx, tx, audit.Event{Action: "person.update", Target: fmt.Sprintf("person:%d", p.ID), Before: b, After: a})
}
