package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
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
	// With the search's bigrams the page starts from the few people holding
	// them, looked up by id: the unary pluses keep SQLite, which has no
	// statistics, from walking the organisation's people in kana order
	// instead and testing each against them.
	plus := ""
	if s := strings.TrimSpace(q.Search); s != "" {
		// The bigram index narrows a search of two or more characters to
		// the people holding every bigram of it; the LIKE then decides, so
		// the index can only make a search faster, never find otherwise.
		like := likeEscape(s)
		grams, err := t.rareGrams(ctx, searchGrams(like))
		if err != nil {
			return nil, 0, err
		}
		if len(grams) > 0 {
			if t.db.engine != Postgres { // which has statistics, and no unary plus on text
				plus = "+"
			}
			where = "+org_id = ? AND id IN (" + gramsQuery(len(grams)) + ")"
			for _, g := range grams {
				args = append(args, t.org, g)
			}
		}
		where += " AND (name LIKE ? OR kana LIKE ? OR email LIKE ? OR department LIKE ?)"
		like = "%" + like + "%"
		args = append(args, like, like, like, like)
	}
	if q.Department != "" {
		where += " AND " + plus + "department = ?"
		args = append(args, q.Department)
	}
	if q.Current {
		where += " AND " + plus + "leave_date = ''"
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

// LeavingBetween returns up to limit people whose leave date is after
// after and on or before until (YYYY-MM-DD), soonest first: the "leaving
// soon" notice, read through the index on (org_id, leave_date).
func (t Tenant) LeavingBetween(ctx context.Context, after, until string, limit int) ([]inventory.Person, error) {
	rows, err := t.db.query(ctx, "SELECT "+personColumns+" FROM people WHERE org_id = ? AND leave_date > ? AND leave_date <= ? ORDER BY leave_date, kana, id LIMIT ?",
		t.org, after, until, limit)
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

// maxSearchGrams bounds the bigrams a search looks up: any of them narrow
// it to a superset of its matches, and a few narrow it to a handful.
// probeGrams bounds those whose frequency is counted to choose them.
const (
	maxSearchGrams = 4
	probeGrams     = 8
)

// searchGrams are the bigrams of a search to look up in people_grams:
// lower-cased in ASCII only, as the index and LIKE are; none for a search
// of fewer than two characters, which the index cannot serve. A long search
// looks up its first and last bigrams and some between.
func searchGrams(s string) []string {
	rs := []rune(asciiLower(s))
	if len(rs) < 2 {
		return nil
	}
	var all []string
	seen := map[string]bool{}
	for i := 0; i+1 < len(rs); i++ {
		g := string(rs[i : i+2])
		if !seen[g] {
			seen[g] = true
			all = append(all, g)
		}
	}
	if len(all) <= probeGrams {
		return all
	}
	out := make([]string, 0, probeGrams)
	for i := range probeGrams {
		out = append(out, all[i*(len(all)-1)/(probeGrams-1)])
	}
	return out
}

// gramsDense is the number of people a search's rarest bigram may name
// before the list is read in order instead: a search that many people
// match (a department's name) finds its page soonest that way, the index
// serves the rare ones, like a surname.
const gramsDense = 1000

// rareGrams orders a search's bigrams from the rarest in the organisation,
// counting each up to gramsDense+1, and keeps maxSearchGrams of them; none
// when even the rarest is common.
func (t Tenant) rareGrams(ctx context.Context, grams []string) ([]string, error) {
	if len(grams) == 0 {
		return nil, nil
	}
	counts := map[string]int{}
	for _, g := range grams {
		var n int
		if err := t.db.queryRow(ctx, "SELECT count(*) FROM (SELECT 1 FROM people_grams WHERE org_id = ? AND gram = ? LIMIT "+strconv.Itoa(gramsDense+1)+") AS g", t.org, g).Scan(&n); err != nil {
			return nil, err
		}
		counts[g] = n
	}
	grams = slices.Clone(grams)
	slices.SortStableFunc(grams, func(a, b string) int { return counts[a] - counts[b] })
	if counts[grams[0]] > gramsDense {
		return nil, nil
	}
	return grams[:min(len(grams), maxSearchGrams)], nil
}

// gramsQuery selects the people of an organisation holding all of n
// bigrams, reading the first bigram's people and looking each up under the
// others; its arguments are the organisation and a bigram, n times.
func gramsQuery(n int) string {
	var b strings.Builder
	b.WriteString("SELECT g0.person_id FROM people_grams AS g0 WHERE g0.org_id = ? AND g0.gram = ?")
	for i := 1; i < n; i++ {
		g := "g" + strconv.Itoa(i)
		b.WriteString(" AND EXISTS (SELECT 1 FROM people_grams AS " + g + " WHERE " + g + ".org_id = ? AND " + g + ".gram = ? AND " + g + ".person_id = g0.person_id)")
	}
	return b.String()
}

// asciiLower lower-cases A–Z only, as SQLite's lower() and LIKE do and as
// the index is built on both engines.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
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
