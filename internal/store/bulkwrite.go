package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
)

// bulkRows is how many records one multi-row statement carries. On
// SQLite the driver binds each parameter by a linear search of the
// arguments, so a statement's cost grows with the square of its size and
// small batches of a prepared statement are fastest; PostgreSQL pays a
// round trip per statement, so it takes larger ones. Both stay far under
// the engines' limits on parameters.
func (db *DB) bulkRows() int {
	if db.engine == Postgres {
		return 500
	}
	return 32
}

// insertVerb starts a multi-row insert. On SQLite, OR FAIL stops at a
// conflict without undoing the statement's earlier rows, which spares
// SQLite the statement journal it otherwise keeps to undo one statement
// halfway (a sixth of an import's time). Nothing is lost by it: a bulk
// write's error fails the whole transaction, which is rolled back.
// PostgreSQL has no such clause and no such cost.
func (db *DB) insertVerb() string {
	if db.engine == Postgres {
		return "INSERT"
	}
	return "INSERT OR FAIL"
}

// prepared returns the statement q prepared once in the transaction.
func (t *Tx) prepared(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := t.stmts[q]; ok {
		return st, nil
	}
	st, err := t.tx.PrepareContext(ctx, t.db.rebind(q))
	if err != nil {
		return nil, err
	}
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	t.stmts[q] = st
	return st, nil
}

// AddAccounts adds new accounts (ID 0) in multi-row statements and records
// each like Account does; ids are set on return. References were resolved
// by the caller from this organisation's own records.
func (w *Writer) AddAccounts(ctx context.Context, list []*inventory.Account) error {
	return addMany(ctx, w, accounts, list)
}

// AddShares adds new shares (ID 0) as AddAccounts adds accounts.
func (w *Writer) AddShares(ctx context.Context, list []*inventory.Share) error {
	return addMany(ctx, w, shares, list)
}

// AddDevices adds new devices (ID 0) as AddAccounts adds accounts.
func (w *Writer) AddDevices(ctx context.Context, list []*inventory.Device) error {
	return addMany(ctx, w, devices, list)
}

// ManyError says which record of a bulk write was refused.
type ManyError struct {
	Index int // into the list given
	Err   error
}

func (e *ManyError) Error() string { return fmt.Sprintf("record %d: %v", e.Index, e.Err) }
func (e *ManyError) Unwrap() error { return e.Err }

// addMany inserts recs a batch at a time with prepared multi-row
// statements. On PostgreSQL rows come back with their natural key, so each
// id is given to its record whatever order RETURNING uses. On SQLite the
// writer holds the database's only write lock, and a table whose largest
// id is m gives the rows of a multi-row insert m+1, m+2, … in the order of
// its VALUES (an INTEGER PRIMARY KEY without AUTOINCREMENT takes the largest
// rowid plus one); reading them back cost a fifth of an import, so the ids
// are counted instead, and checked once at the end. The Go work around the
// statements — their arguments ahead, the audit entries (JSON, hash chain)
// behind — runs in two goroutines beside the one that talks to the
// database, which on SQLite is the bottleneck; all three end before
// addMany returns.
func addMany[T any](ctx context.Context, w *Writer, tb *table[T], recs []*T) error {
	for i, rec := range recs {
		if *tb.id(rec) != 0 {
			return &ManyError{i, fmt.Errorf("store: %s %d is not new", tb.name, *tb.id(rec))}
		}
		if err := tb.check(rec); err != nil {
			return &ManyError{i, err}
		}
	}
	if len(recs) == 0 {
		return nil
	}
	tx, org := w.tx, w.t.org
	if err := tx.head(ctx); err != nil {
		return err
	}
	tx.noteEvent(audit.Event{OrgID: org, Action: tb.target + ".create"})
	tx.touchKind(org, tb.target)
	keyIdx := make([]int, len(tb.key))
	for i, k := range tb.key {
		for j, c := range tb.cols {
			if c == k {
				keyIdx[i] = j
			}
		}
	}
	type batch struct {
		chunk []*T
		args  []any
		byKey map[string]*T
	}
	now, per := micros(tx.db.Now()), tx.db.bulkRows()
	counted := tx.db.engine == SQLite
	var next int64 // the id of the next row, when counted
	if counted {
		if err := tx.queryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM "+tb.name).Scan(&next); err != nil {
			return fmt.Errorf("insert %s: %w", tb.name, err)
		}
		if next > 1<<62 {
			return fmt.Errorf("insert %s: ids exhausted", tb.name)
		}
		next++
	}
	first := next
	done := make(chan struct{})
	batches := make(chan batch, 4)
	inserted := make(chan []*T, 4)
	trails := make(chan trail, 4)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		defer close(batches)
		for start := 0; start < len(recs); start += per {
			b := batch{chunk: recs[start:min(start+per, len(recs))]}
			b.args = make([]any, 0, len(b.chunk)*len(tb.cols))
			if !counted {
				b.byKey = make(map[string]*T, len(b.chunk))
			}
			for _, rec := range b.chunk {
				vals := tb.vals(rec)
				b.args = append(b.args, vals...)
				if !counted {
					b.byKey[keyOf(vals, keyIdx)] = rec
				}
			}
			select {
			case batches <- b:
			case <-done:
				return
			}
		}
	}()
	// In a batch recorded as one entry (BatchAs), the records become its
	// details, encoded here.
	collecting := tx.details != nil
	var collected []detail
	go func() {
		defer wg.Done()
		defer close(trails)
		seq, prev := tx.headSeq, tx.headHash
		events := make([]audit.Event, 0, per)
		for chunk := range inserted {
			events = events[:0]
			for _, rec := range chunk {
				events = append(events, audit.Event{OrgID: org, Action: tb.target + ".create", Target: tb.target + ":" + strconv.FormatInt(*tb.id(rec), 10), After: tb.auditOf(rec)})
			}
			if collecting {
				for _, ev := range events {
					d, _, err := detailOf(ev)
					if err != nil {
						select {
						case trails <- trail{err: err}:
						case <-done:
						}
						return
					}
					collected = append(collected, d)
				}
				continue
			}
			tr := tx.trail(events, seq, prev)
			seq, prev = tr.seq, tr.hash
			select {
			case trails <- tr:
			case <-done:
				return
			}
			if tr.err != nil {
				return
			}
		}
	}()
	closed := false
	stop := func() {
		close(done)
		if !closed {
			close(inserted)
		}
		wg.Wait()
	}
	for b := range batches {
		st, err := tx.prepared(ctx, tb.insertManySQL(tx.db.insertVerb(), len(b.chunk), org, now, !counted))
		if err != nil {
			stop()
			return fmt.Errorf("prepare %s: %w", tb.name, err)
		}
		if counted {
			if _, err := st.ExecContext(ctx, b.args...); err != nil {
				stop()
				return bulkError(tb, err)
			}
			for _, rec := range b.chunk {
				*tb.id(rec), *tb.org(rec) = next, org
				next++
			}
		} else if err := tb.readIDs(ctx, st, b.args, b.byKey, keyIdx, org, len(b.chunk)); err != nil {
			stop()
			return err
		}
		// Hand the chunk on for its audit entries, writing those that are
		// ready meanwhile, so that neither side waits on the other.
		for sent := false; !sent; {
			select {
			case inserted <- b.chunk:
				sent = true
			case tr := <-trails:
				if err := tx.writeTrail(ctx, tr); err != nil {
					stop()
					return err
				}
			}
		}
	}
	if counted {
		if err := tb.checkCounted(ctx, tx, org, first, recs, keyIdx); err != nil {
			stop()
			return err
		}
	}
	close(inserted)
	closed = true
	for tr := range trails {
		if err := tx.writeTrail(ctx, tr); err != nil {
			stop()
			return err
		}
	}
	stop()
	if collecting {
		*tx.details = append(*tx.details, collected...)
	}
	return nil
}

// readIDs runs the insert st and gives each record of byKey the id its row
// came back with.
func (tb *table[T]) readIDs(ctx context.Context, st *sql.Stmt, args []any, byKey map[string]*T, keyIdx []int, org int64, want int) error {
	dest := make([]any, 1+len(keyIdx))
	var id int64
	keys := make([]any, len(keyIdx))
	dest[0] = &id
	for i := range keys {
		dest[1+i] = &keys[i]
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return bulkError(tb, err)
	}
	n := 0
	for rows.Next() {
		if err = rows.Scan(dest...); err != nil {
			break
		}
		rec := byKey[keyOf(keys, nil)]
		if rec == nil {
			err = fmt.Errorf("store: %s: a returned row matches no record", tb.name)
			break
		}
		*tb.id(rec), *tb.org(rec) = id, org
		n++
	}
	rows.Close()
	if err == nil {
		err = rows.Err()
	}
	if err == nil && n != want {
		err = fmt.Errorf("store: %s: %d rows inserted, %d expected", tb.name, n, want)
	}
	if err != nil {
		return bulkError(tb, err)
	}
	return nil
}

// checkCounted checks the ids counted for recs, first onwards: the table
// holds exactly that many rows from first on, the last is the largest id,
// and the first and the last record are the rows their ids name.
func (tb *table[T]) checkCounted(ctx context.Context, tx *Tx, org, first int64, recs []*T, keyIdx []int) error {
	var n, last int64
	if err := tx.queryRow(ctx, "SELECT count(*), COALESCE(MAX(id), 0) FROM "+tb.name+" WHERE id >= ?", first).Scan(&n, &last); err != nil {
		return fmt.Errorf("insert %s: %w", tb.name, err)
	}
	if n != int64(len(recs)) || last != first+n-1 {
		return fmt.Errorf("store: %s: ids %d to %d expected, found %d rows up to %d", tb.name, first, first+int64(len(recs))-1, n, last)
	}
	for _, rec := range []*T{recs[0], recs[len(recs)-1]} {
		keys := make([]any, len(keyIdx))
		dest := make([]any, len(keyIdx))
		for i := range keys {
			dest[i] = &keys[i]
		}
		if err := tx.queryRow(ctx, "SELECT "+strings.Join(tb.key, ", ")+" FROM "+tb.name+" WHERE org_id = ? AND id = ?", org, *tb.id(rec)).Scan(dest...); err != nil {
			return fmt.Errorf("insert %s: %w", tb.name, err)
		}
		if keyOf(keys, nil) != keyOf(tb.vals(rec), keyIdx) {
			return fmt.Errorf("store: %s %d is not the row counted for it", tb.name, *tb.id(rec))
		}
	}
	return nil
}

func bulkError[T any](tb *table[T], err error) error {
	if isUniqueViolation(err) {
		return problem.Field(tb.key[len(tb.key)-1], "inventory.duplicate")
	}
	return fmt.Errorf("insert %s: %w", tb.name, err)
}

// keyOf joins the natural-key values of a record (idx into its values, or
// all of vals when idx is nil) into one comparable string.
func keyOf(vals []any, idx []int) string {
	var b strings.Builder
	part := func(v any) {
		switch x := v.(type) {
		case []byte:
			b.Write(x)
		default:
			fmt.Fprint(&b, x)
		}
		b.WriteByte(0)
	}
	if idx == nil {
		for _, v := range vals {
			part(v)
		}
		return b.String()
	}
	for _, i := range idx {
		part(vals[i])
	}
	return b.String()
}

// insertManySQL inserts n rows; the organisation and the time, the same
// for every row, are written into the statement rather than bound n times.
func (tb *table[T]) insertManySQL(verb string, n int, org, now int64, returning bool) string {
	var b strings.Builder
	b.WriteString(verb + " INTO " + tb.name + " (org_id, " + strings.Join(tb.cols, ", ") + ", updated_at) VALUES ")
	row := "(" + strconv.FormatInt(org, 10) + ", " + strings.Repeat("?, ", len(tb.cols)) + strconv.FormatInt(now, 10) + ")"
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	if returning {
		b.WriteString(" RETURNING id, " + strings.Join(tb.key, ", "))
	}
	return b.String()
}

// RecordMany appends events to the trail in order, as Record does one,
// with prepared multi-row statements.
func (t *Tx) RecordMany(ctx context.Context, evs []audit.Event) error {
	if err := t.head(ctx); err != nil {
		return err
	}
	for _, ev := range evs {
		t.noteEvent(ev)
		t.touch(ev)
	}
	per := t.db.bulkRows()
	for start := 0; start < len(evs); start += per {
		tr := t.trail(evs[start:min(start+per, len(evs))], t.headSeq, t.headHash)
		if err := t.writeTrail(ctx, tr); err != nil {
			return err
		}
	}
	return nil
}

// trail is a run of audit entries ready to insert: their arguments and
// the chain's head after them.
type trail struct {
	args []any
	n    int
	seq  int64
	hash string
	err  error
}

const auditCols = 12

// trail chains evs after seq and prev. It touches no database, so it may
// run beside the statements.
func (t *Tx) trail(evs []audit.Event, seq int64, prev string) trail {
	tr := trail{args: make([]any, 0, len(evs)*auditCols), n: len(evs), seq: seq, hash: prev}
	for _, ev := range evs {
		e, err := audit.NewEntry(tr.seq+1, t.db.Now(), t.actor, ev, tr.hash)
		if err != nil {
			tr.err = err
			return tr
		}
		tr.args = append(tr.args, e.Seq, micros(e.At), e.OrgID, e.ActorID, e.Actor, e.IP, e.Action, e.Target, e.Before, e.After, e.PrevHash, e.Hash)
		tr.seq, tr.hash = e.Seq, e.Hash
	}
	return tr
}

// writeTrail inserts a trail and moves the chain's head past it.
func (t *Tx) writeTrail(ctx context.Context, tr trail) error {
	if tr.err != nil {
		return tr.err
	}
	if tr.n == 0 {
		return nil
	}
	row := "(" + strings.Repeat("?, ", auditCols-1) + "?)"
	st, err := t.prepared(ctx, t.db.insertVerb()+" INTO audit_log ("+auditColumns+") VALUES "+row+strings.Repeat(", "+row, tr.n-1))
	if err != nil {
		return fmt.Errorf("audit append: %w", err)
	}
	if _, err := st.ExecContext(ctx, tr.args...); err != nil {
		return fmt.Errorf("audit append: %w", err)
	}
	t.headSeq, t.headHash = tr.seq, tr.hash
	t.events += tr.n
	return nil
}
