package store

import (
	"context"
	"database/sql"
	"errors"
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
	CountUpTo  int // above zero, bounds the count as ListQuery.CountUpTo does
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
	return page(ctx, t.db, "people", personColumns, where, args, "kana, id", q.Offset, q.Limit, q.CountUpTo, scanPerson)
}

// Person returns one person of this organisation.
func (t Tenant) Person(ctx context.Context, id int64) (inventory.Person, error) {
	p, err := scanPerson(t.db.queryRow(ctx, "SELECT "+personColumns+" FROM people WHERE org_id = ? AND id = ?", t.org, id))
	return p, notFound(err)
}

// PeopleByID returns the organisation's people among ids, in no
// particular order: one query for the names on a page of accounts or
// devices.
func (t Tenant) PeopleByID(ctx context.Context, ids []int64) ([]inventory.Person, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(ids)+1)
	args = append(args, t.org)
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := t.db.query(ctx, "SELECT "+personColumns+" FROM people WHERE "+byIDWhere(len(ids)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []inventory.Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Departments lists the departments in use, by name. It steps through the
// index on (org_id, department) from one name to the next, a few lookups
// however many people there are, where DISTINCT would read every person.
func (t Tenant) Departments(ctx context.Context) ([]string, error) {
	rows, err := t.db.query(ctx, `WITH RECURSIVE d(name) AS (
		SELECT MIN(department) FROM people WHERE org_id = ? AND department > ''
		UNION ALL
		SELECT (SELECT MIN(department) FROM people WHERE org_id = ? AND department > d.name) FROM d WHERE d.name IS NOT NULL
	) SELECT name FROM d WHERE name IS NOT NULL`, t.org, t.org)
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
	if err := t.emailFree(ctx, tx, p.Email, 0); err != nil {
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
	if err := t.emailFree(ctx, tx, p.Email, p.ID); err != nil {
		return err
	}
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

// emailFree refuses an address another person of the organisation has:
// the address is a person's natural key (inventory.People), by which an
// import finds them again, so two people with one address would make the
// organisation's own export impossible to import.
func (t Tenant) emailFree(ctx context.Context, tx *Tx, email string, id int64) error {
	email = NormaliseEmail(email)
	if email == "" {
		return nil
	}
	var other int64
	err := tx.queryRow(ctx, "SELECT id FROM people WHERE org_id = ? AND email = ? AND id <> ? LIMIT 1", t.org, email, id).Scan(&other)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("person by address: %w", err)
	}
	return inventory.People.Duplicate(&inventory.Person{Email: email})
}
