package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
)

// table describes how one inventory record type maps to its table, so that
// listing, reading, writing and importing are written once for all kinds.
type table[T any] struct {
	name   string          // SQL table
	target string          // audit target prefix, e.g. "device"
	cols   []string        // columns besides id, org_id and updated_at
	key    []string        // natural key within an organisation (import matching)
	search []string        // columns searched by the list page
	ptrs   func(*T) []any  // scan destinations, in cols order
	vals   func(*T) []any  // values, in cols order
	id     func(*T) *int64 // the record's id field
	org    func(*T) *int64 // the record's organisation field
	check  func(*T) error  // validation before any write
	kind   *inventory.Kind // the kind's description: the refusal of a duplicate
}

// flag stores a bool as 0/1 on both engines.
type flag struct{ b *bool }

func (f flag) Scan(v any) error {
	switch x := v.(type) {
	case int64:
		*f.b = x != 0
	case bool:
		*f.b = x
	case nil:
		*f.b = false
	default:
		return fmt.Errorf("flag: cannot scan %T", v)
	}
	return nil
}

func flagVal(b bool) driver.Value {
	if b {
		return int64(1)
	}
	return int64(0)
}

func (tb *table[T]) selectCols() string {
	return "id, org_id, " + strings.Join(tb.cols, ", ")
}

func (tb *table[T]) scan(r rowScanner, rec *T) error {
	return r.Scan(append([]any{tb.id(rec), tb.org(rec)}, tb.ptrs(rec)...)...)
}

// auditOf is the record as the trail stores it: column name → value.
func (tb *table[T]) auditOf(rec *T) map[string]any {
	m := make(map[string]any, len(tb.cols))
	for i, v := range tb.vals(rec) {
		if dv, ok := v.(driver.Value); ok {
			v = dv
		}
		m[tb.cols[i]] = v
	}
	return m
}

// ListQuery selects a page of records.
type ListQuery struct {
	Search  string
	Filters map[string]string // column → exact value; columns must be listed in the table
	Sort    string            // a column name, optionally prefixed with "-" for descending
	Offset  int
	Limit   int
	// CountUpTo, when above zero, bounds the count: counting stops after
	// CountUpTo+1 matches, so a total above CountUpTo means "more than
	// CountUpTo". A list page of a large organisation needs no exact count of
	// a million shares.
	CountUpTo int
}

// countSQL counts the rows of table matching where, exactly or, with upTo
// above zero, up to upTo+1 of them.
func countSQL(table, where string, upTo int) string {
	if upTo <= 0 {
		return "SELECT count(*) FROM " + table + " WHERE " + where
	}
	return "SELECT count(*) FROM (SELECT 1 FROM " + table + " WHERE " + where + " LIMIT " + strconv.Itoa(upTo+1) + ") AS matches"
}

// page reads one page of a list, selecting cols from table where, in
// order, and counts the matches: exactly, or with upTo above zero up to
// upTo+1 of them. When upTo lies no further than the page's end, the page's
// query, one row longer, answers the count and there is no count query:
// a search, which no index serves, then reads the rows up to the page's
// end once rather than all of the organisation's twice.
func page[T any](ctx context.Context, db *DB, table, cols, where string, args []any, order string, offset, limit, upTo int, scan func(rowScanner) (T, error)) ([]T, int, error) {
	if limit <= 0 {
		limit = 50
	}
	byPage := upTo > 0 && upTo <= offset+limit
	var total int
	if !byPage {
		if err := db.queryRow(ctx, countSQL(table, where, upTo), args...).Scan(&total); err != nil {
			return nil, 0, err
		}
	}
	fetch := limit
	if byPage {
		fetch++
	}
	rows, err := db.query(ctx, "SELECT "+cols+" FROM "+table+" WHERE "+where+" ORDER BY "+order+" LIMIT ? OFFSET ?", append(args, fetch, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		rec, err := scan(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if !byPage {
		return out, total, nil
	}
	if len(out) == 0 && offset > 0 { // past the end: say where the end is
		err := db.queryRow(ctx, countSQL(table, where, upTo), args...).Scan(&total)
		return out, total, err
	}
	return out[:min(len(out), limit)], offset + len(out), nil
}

func (tb *table[T]) hasCol(c string) bool {
	for _, x := range tb.cols {
		if x == c {
			return true
		}
	}
	return false
}

// list returns a page of the organisation's records and the total count.
func (tb *table[T]) list(ctx context.Context, db *DB, org int64, q ListQuery) ([]T, int, error) {
	where := []string{"org_id = ?"}
	args := []any{org}
	if s := strings.TrimSpace(q.Search); s != "" && len(tb.search) > 0 {
		like := "%" + likeEscape(s) + "%"
		var ors []string
		for _, c := range tb.search {
			ors = append(ors, c+" LIKE ?")
			args = append(args, like)
		}
		where = append(where, "("+strings.Join(ors, " OR ")+")")
	}
	for c, v := range q.Filters {
		if !tb.hasCol(c) {
			return nil, 0, problem.Field(c, "error.bad_form")
		}
		where = append(where, c+" = ?")
		args = append(args, v)
	}
	w := strings.Join(where, " AND ")
	// Ties by id, in the same direction: a descending list is the ascending
	// one reversed, and an index on (org_id, column, id) serves both.
	order := "id"
	if c := strings.TrimPrefix(q.Sort, "-"); c != "" && tb.hasCol(c) {
		order = c + ", id"
		if strings.HasPrefix(q.Sort, "-") {
			order = c + " DESC, id DESC"
		}
	}
	return page(ctx, db, tb.name, tb.selectCols(), w, args, order, q.Offset, q.Limit, q.CountUpTo, func(r rowScanner) (T, error) {
		var rec T
		err := tb.scan(r, &rec)
		return rec, err
	})
}

// byIDs returns the organisation's records among ids, in no particular
// order; ids of other organisations or of nothing are left out.
func (tb *table[T]) byIDs(ctx context.Context, db *DB, org int64, ids []int64) ([]T, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(ids)+1)
	args = append(args, org)
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := db.query(ctx, "SELECT "+tb.selectCols()+" FROM "+tb.name+" WHERE "+byIDWhere(len(ids)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var rec T
		if err := tb.scan(rows, &rec); err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, rows.Err()
}

// byIDWhere selects by organisation and n ids. The unary plus keeps
// SQLite, which has no statistics, from walking an (org_id, …) index
// through the whole organisation instead of looking up each id by its
// primary key; PostgreSQL reads it as the same comparison.
func byIDWhere(n int) string {
	return "+org_id = ? AND id IN (" + questionMarks(n) + ")"
}

// questionMarks is "?, ?, …", n of them.
func questionMarks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// all streams every record of the organisation to fn, in id order.
func (tb *table[T]) all(ctx context.Context, db *DB, org int64, fn func(*T)) error {
	rows, err := db.query(ctx, "SELECT "+tb.selectCols()+" FROM "+tb.name+" WHERE org_id = ? ORDER BY id", org)
	if err != nil {
		return err
	}
	defer rows.Close()
	var rec T
	for rows.Next() {
		if err := tb.scan(rows, &rec); err != nil {
			return err
		}
		fn(&rec)
	}
	return rows.Err()
}

func (tb *table[T]) get(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, db *DB, org, id int64) (T, error) {
	var rec T
	err := tb.scan(q.QueryRowContext(ctx, db.rebind("SELECT "+tb.selectCols()+" FROM "+tb.name+" WHERE org_id = ? AND id = ?"), org, id), &rec)
	return rec, notFound(err)
}

// insert adds rec in tx and records it.
func (tb *table[T]) insert(ctx context.Context, tx *Tx, org int64, rec *T) error {
	if err := tb.check(rec); err != nil {
		return err
	}
	ph := strings.Repeat("?, ", len(tb.cols)+2) + "?"
	args := append(append([]any{org}, tb.vals(rec)...), micros(tx.db.Now()))
	id, err := tx.insert(ctx, "INSERT INTO "+tb.name+" (org_id, "+strings.Join(tb.cols, ", ")+", updated_at) VALUES ("+ph[:len(ph)-3]+")", args...)
	if isUniqueViolation(err) {
		return tb.kind.Duplicate(rec)
	}
	if err != nil {
		return fmt.Errorf("insert %s: %w", tb.name, err)
	}
	*tb.id(rec), *tb.org(rec) = id, org
	return tx.Record(ctx, audit.Event{OrgID: org, Action: tb.target + ".create", Target: fmt.Sprintf("%s:%d", tb.target, id), After: tb.auditOf(rec)})
}

// update replaces rec (by id) in tx and records before and after; a record
// of another organisation is not found.
func (tb *table[T]) update(ctx context.Context, tx *Tx, org int64, rec *T) error {
	if err := tb.check(rec); err != nil {
		return err
	}
	before, err := tb.get(ctx, tx.tx, tx.db, org, *tb.id(rec))
	if err != nil {
		return err
	}
	*tb.org(rec) = org
	b, a := tb.auditOf(&before), tb.auditOf(rec)
	if sameValues(b, a) {
		tx.unchanged++
		return nil
	}
	sets := make([]string, len(tb.cols))
	for i, c := range tb.cols {
		sets[i] = c + " = ?"
	}
	args := append(tb.vals(rec), micros(tx.db.Now()), org, *tb.id(rec))
	if _, err := tx.exec(ctx, "UPDATE "+tb.name+" SET "+strings.Join(sets, ", ")+", updated_at = ? WHERE org_id = ? AND id = ?", args...); err != nil {
		if isUniqueViolation(err) {
			return tb.kind.Duplicate(rec)
		}
		return err
	}
	return tx.Record(ctx, audit.Event{OrgID: org, Action: tb.target + ".update", Target: fmt.Sprintf("%s:%d", tb.target, *tb.id(rec)), Before: b, After: a})
}

func sameValues(a, b map[string]any) bool {
	for k, v := range a {
		if fmt.Sprint(b[k]) != fmt.Sprint(v) {
			return false
		}
	}
	return len(a) == len(b)
}

// keyFree refuses rec when another record of the organisation has its
// natural key once case, width and runs of spaces are folded
// (inventory.Fold), the way an import matches records, so that the form
// cannot store "Slack" beside "slack" and leave an export that does not
// import again; the unique index sees only exact equality. Id columns of
// the key narrow the query; the text columns are compared folded.
func (tb *table[T]) keyFree(ctx context.Context, tx *Tx, org int64, rec *T) error {
	vals := tb.vals(rec)
	where, args := "org_id = ? AND id <> ?", []any{org, *tb.id(rec)}
	var texts []string
	var want []string
	for _, k := range tb.key {
		v := vals[slices.Index(tb.cols, k)]
		if n, ok := v.(int64); ok {
			where += " AND " + k + " = ?"
			args = append(args, n)
			continue
		}
		texts = append(texts, k)
		want = append(want, inventory.Fold(fmt.Sprint(v)))
	}
	rows, err := tx.tx.QueryContext(ctx, tx.db.rebind("SELECT "+strings.Join(texts, ", ")+" FROM "+tb.name+" WHERE "+where), args...)
	if err != nil {
		return fmt.Errorf("%s by key: %w", tb.name, err)
	}
	defer rows.Close()
	got := make([]string, len(texts))
	ptrs := make([]any, len(texts))
	for i := range got {
		ptrs[i] = &got[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		same := true
		for i := range got {
			same = same && inventory.Fold(got[i]) == want[i]
		}
		if same {
			return tb.kind.Duplicate(rec)
		}
	}
	return rows.Err()
}
