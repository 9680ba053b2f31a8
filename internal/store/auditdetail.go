package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mamori-sec/mamori/internal/audit"
)

// An import writes one audit entry rather than one per record. The changes
// it made to each record are the entry's details: JSON chunks in
// audit_details (one kind, ascending ids, at most detailChunk records
// each), whose SHA-256 and count the entry itself carries, so that the
// hash chain covers them. A record's history finds the chunks that may
// hold it by their kind and id range; audit_targets lists besides the
// records an entry's details change (but not those it creates, which are
// many and whose ids lie together), so that the change that closed a
// finding is found by an index, as for any other entry.

// detailChunk bounds the records of one chunk: a record's history parses
// the chunk that holds it.
const detailChunk = 500

// detail is one record's change, collected while a batch runs.
type detail struct {
	kind   string
	id     int64
	target string
	action string
	before json.RawMessage // nil when created
	after  json.RawMessage // nil when deleted
}

// detailJSON is a detail as a chunk stores it.
type detailJSON struct {
	Target string          `json:"target"`
	Action string          `json:"action"`
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`
}

// detailsSummary is what the entry says about its details, two fields of
// its JSON object (flat, so that the audit page shows them as any other).
type detailsSummary struct {
	Records *int   `json:"details_records"`
	SHA256  string `json:"details_sha256"`
}

// detailOf encodes ev as a detail when its target names one record
// ("account:12"); ok is false for any other event.
func detailOf(ev audit.Event) (d detail, ok bool, err error) {
	kind, id, found := strings.Cut(ev.Target, ":")
	n, perr := strconv.ParseInt(id, 10, 64)
	if !found || perr != nil || kind == "" {
		return d, false, nil
	}
	d = detail{kind: kind, id: n, target: ev.Target, action: ev.Action}
	if ev.Before != nil {
		if d.before, err = json.Marshal(ev.Before); err != nil {
			return d, false, fmt.Errorf("encode before: %w", err)
		}
	}
	if ev.After != nil {
		if d.after, err = json.Marshal(ev.After); err != nil {
			return d, false, fmt.Errorf("encode after: %w", err)
		}
	}
	return d, true, nil
}

// collect keeps ev as a detail of the batch's entry when the transaction
// collects them; ok says it did.
func (t *Tx) collect(ev audit.Event) (bool, error) {
	if t.details == nil {
		return false, nil
	}
	d, ok, err := detailOf(ev)
	if !ok || err != nil {
		return false, err
	}
	*t.details = append(*t.details, d)
	return true, nil
}

// BatchAs runs fn with a Writer like Batch, and records the whole batch as
// one audit entry, ev, whose details are the changes fn made to each
// record: a large import is one entry, not one per record. ev.After must
// be a JSON object (a map) or nil; the entry adds "details_records" and
// "details_sha256" to it.
func (t Tenant) BatchAs(ctx context.Context, actor audit.Actor, ev audit.Event, fn func(*Writer) error) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		tx.unchanged++
		var list []detail
		tx.details = &list
		if err := fn(&Writer{t: t, tx: tx}); err != nil {
			return err
		}
		tx.details = nil
		return t.recordDetailed(ctx, tx, ev, list)
	})
}

// recordDetailed writes the entry ev with list as its details.
func (t Tenant) recordDetailed(ctx context.Context, tx *Tx, ev audit.Event, list []detail) error {
	if err := tx.head(ctx); err != nil {
		return err
	}
	seq := tx.headSeq + 1
	// Stable: two changes of one record keep their order.
	slices.SortStableFunc(list, func(a, b detail) int {
		if c := strings.Compare(a.kind, b.kind); c != 0 {
			return c
		}
		return int(min(max(a.id-b.id, -1), 1))
	})
	type chunk struct {
		kind   string
		lo, hi int64
		body   string
	}
	var chunks []chunk
	for start := 0; start < len(list); {
		end := start + 1
		for end < len(list) && end-start < detailChunk && list[end].kind == list[start].kind {
			end++
		}
		chunks = append(chunks, chunk{kind: list[start].kind, lo: list[start].id, hi: list[end-1].id, body: chunkBody(list[start:end])})
		start = end
	}
	h := newDetailHash()
	for i, c := range chunks {
		h.add(i, c.kind, c.lo, c.hi, c.body)
	}
	after := map[string]any{}
	switch a := ev.After.(type) {
	case nil:
	case map[string]any:
		for k, v := range a {
			after[k] = v
		}
	default:
		return fmt.Errorf("store: a batch's entry must be a map, not %T", ev.After)
	}
	after["details_records"], after["details_sha256"] = len(list), h.sum()
	ev.OrgID, ev.After = t.org, after
	if err := tx.Record(ctx, ev); err != nil {
		return err
	}
	if tx.headSeq != seq {
		return fmt.Errorf("store: details written for entry %d, entry is %d", seq, tx.headSeq)
	}
	rows := make([][]any, len(chunks))
	for i, c := range chunks {
		rows[i] = []any{seq, i, t.org, c.kind, c.lo, c.hi, c.body}
	}
	if err := tx.insertRows(ctx, "audit_details", []string{"seq", "part", "org_id", "kind", "lo", "hi", "body"}, rows); err != nil {
		return fmt.Errorf("audit details: %w", err)
	}
	seen := make(map[string]bool)
	rows = rows[:0]
	for _, d := range list {
		if indexed(d.action) && !seen[d.target] {
			seen[d.target] = true
			rows = append(rows, []any{t.org, d.target, seq})
		}
	}
	if err := tx.insertRows(ctx, "audit_targets", []string{"org_id", "target", "seq"}, rows); err != nil {
		return fmt.Errorf("audit targets: %w", err)
	}
	return nil
}

// indexed says whether audit_targets lists a detail of this action: every
// change but a creation.
func indexed(action string) bool { return !strings.HasSuffix(action, ".create") }

// chunkBody is the JSON array of list, as detailJSON encodes each: written
// directly, since the records' own JSON is already encoded and valid.
func chunkBody(list []detail) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, d := range list {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"target":`)
		b.Write(jsonString(d.target))
		b.WriteString(`,"action":`)
		b.Write(jsonString(d.action))
		if d.before != nil {
			b.WriteString(`,"before":`)
			b.Write(d.before)
		}
		if d.after != nil {
			b.WriteString(`,"after":`)
			b.Write(d.after)
		}
		b.WriteByte('}')
	}
	b.WriteByte(']')
	return b.String()
}

func jsonString(s string) []byte {
	b, _ := json.Marshal(s) // a string always encodes
	return b
}

// insertRows inserts rows (values in cols order) in multi-row statements.
// With the pure-Go SQLite driver a statement is parsed at every execution
// and binds each parameter by a search of all of them, so its statements
// carry about 400 parameters; PostgreSQL's about 8,000 (its limit is 65,535).
func (t *Tx) insertRows(ctx context.Context, table string, cols []string, rows [][]any) error {
	per := max(1, 400/len(cols))
	if t.db.engine == Postgres {
		per = max(1, 8000/len(cols))
	}
	row := "(" + questionMarks(len(cols)) + ")"
	args := make([]any, 0, per*len(cols))
	for start := 0; start < len(rows); start += per {
		batch := rows[start:min(start+per, len(rows))]
		args = args[:0]
		for _, r := range batch {
			args = append(args, r...)
		}
		st, err := t.prepared(ctx, t.db.insertVerb()+" INTO "+table+" ("+strings.Join(cols, ", ")+") VALUES "+row+strings.Repeat(", "+row, len(batch)-1))
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

// detailHash is the SHA-256 of an entry's chunks, each length-prefixed.
type detailHash struct{ b strings.Builder }

func newDetailHash() *detailHash { return &detailHash{} }

func (h *detailHash) add(part int, kind string, lo, hi int64, body string) {
	for _, f := range []string{strconv.Itoa(part), kind, strconv.FormatInt(lo, 10), strconv.FormatInt(hi, 10), body} {
		h.b.WriteString(strconv.Itoa(len(f)))
		h.b.WriteByte(':')
		h.b.WriteString(f)
		h.b.WriteByte(';')
	}
}

func (h *detailHash) sum() string {
	s := sha256.Sum256([]byte(h.b.String()))
	return hex.EncodeToString(s[:])
}

// detailsOf reads what an entry says about its details; ok is false for
// an entry without any.
func detailsOf(e audit.Entry) (detailsSummary, bool) {
	if !strings.Contains(e.After, `"details_records"`) {
		return detailsSummary{}, false
	}
	var a detailsSummary
	if json.Unmarshal([]byte(e.After), &a) != nil || a.Records == nil {
		return detailsSummary{}, false
	}
	return a, true
}

// detailCheck verifies the details of the entries of a chain as
// VerifyAudit walks it: each entry's chunks hash to what it says, and
// audit_targets lists exactly the records they touch.
type detailCheck struct {
	db      *DB
	entries int64 // entries with details
	targets int64 // their distinct records
}

// entry checks the details of e, if it has any.
func (c *detailCheck) entry(ctx context.Context, e audit.Entry) error {
	sum, ok := detailsOf(e)
	if !ok {
		return nil
	}
	broken := &audit.BrokenLink{Seq: e.Seq, Reason: "details"}
	rows, err := c.db.query(ctx, "SELECT part, org_id, kind, lo, hi, body FROM audit_details WHERE seq = ? ORDER BY part", e.Seq)
	if err != nil {
		return err
	}
	h := newDetailHash()
	targets := map[string]bool{}
	n, want := 0, 0
	for rows.Next() {
		var part int
		var org, lo, hi int64
		var kind, body string
		if err := rows.Scan(&part, &org, &kind, &lo, &hi, &body); err != nil {
			rows.Close()
			return err
		}
		var recs []detailJSON
		if part != want || org != e.OrgID || json.Unmarshal([]byte(body), &recs) != nil {
			rows.Close()
			return broken
		}
		for _, r := range recs {
			if indexed(r.Action) {
				targets[r.Target] = true
			}
		}
		h.add(part, kind, lo, hi, body)
		n += len(recs)
		want++
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if n != *sum.Records || h.sum() != sum.SHA256 {
		return broken
	}
	list := make([]string, 0, len(targets))
	for k := range targets {
		list = append(list, k)
	}
	for start := 0; start < len(list); start += 500 {
		batch := list[start:min(start+500, len(list))]
		args := []any{e.OrgID, e.Seq}
		for _, k := range batch {
			args = append(args, k)
		}
		var found int
		if err := c.db.queryRow(ctx, "SELECT count(*) FROM audit_targets WHERE org_id = ? AND seq = ? AND target IN ("+questionMarks(len(batch))+")", args...).Scan(&found); err != nil {
			return err
		}
		if found != len(batch) {
			return broken
		}
	}
	c.entries++
	c.targets += int64(len(list))
	return nil
}

// end checks that no details or targets exist beyond those of the
// entries seen.
func (c *detailCheck) end(ctx context.Context) error {
	var entries, targets int64
	if err := c.db.queryRow(ctx, "SELECT (SELECT count(DISTINCT seq) FROM audit_details), (SELECT count(*) FROM audit_targets)").Scan(&entries, &targets); err != nil {
		return err
	}
	if entries != c.entries || targets != c.targets {
		var seq int64
		err := c.db.queryRow(ctx, "SELECT COALESCE(MIN(seq), 0) FROM (SELECT seq FROM audit_details UNION SELECT seq FROM audit_targets) AS s").Scan(&seq)
		if err != nil {
			return err
		}
		return &audit.BrokenLink{Seq: seq, Reason: "details"}
	}
	return nil
}

// detailHistory returns the changes the details of entries made to target,
// newest first, as entries of their own: the import's entry with the
// record's action, before and after.
func (t Tenant) detailHistory(ctx context.Context, target string, limit int) ([]audit.Entry, error) {
	kind, idText, ok := strings.Cut(target, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil {
		return nil, nil
	}
	entries, err := t.db.auditEntries(ctx, "SELECT "+auditColumns+" FROM audit_log WHERE seq IN (SELECT seq FROM audit_targets WHERE org_id = ? AND target = ?"+
		" UNION SELECT seq FROM audit_details WHERE org_id = ? AND kind = ? AND hi >= ? AND lo <= ?) ORDER BY seq DESC LIMIT ?", t.org, target, t.org, kind, id, id, limit)
	if err != nil {
		return nil, err
	}
	var out []audit.Entry
	for _, e := range entries {
		var mine []detailJSON
		err := func() error {
			rows, err := t.db.query(ctx, "SELECT body FROM audit_details WHERE seq = ? AND kind = ? AND lo <= ? AND hi >= ? ORDER BY part", e.Seq, kind, id, id)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var body string
				if err := rows.Scan(&body); err != nil {
					return err
				}
				var recs []detailJSON
				if err := json.Unmarshal([]byte(body), &recs); err != nil {
					return fmt.Errorf("audit details of %d: %w", e.Seq, err)
				}
				for _, r := range recs {
					if r.Target == target {
						mine = append(mine, r)
					}
				}
			}
			return rows.Err()
		}()
		if err != nil {
			return nil, err
		}
		for i := len(mine) - 1; i >= 0; i-- {
			d := e
			d.Action, d.Target, d.Before, d.After = mine[i].Action, mine[i].Target, string(mine[i].Before), string(mine[i].After)
			out = append(out, d)
		}
	}
	return out, nil
}

// lastTouched is the newest entry about any of targets, themselves or in
// an entry's details; 0 when none.
func (t Tenant) lastTouched(ctx context.Context, tx *Tx, targets []string) (int64, error) {
	if len(targets) == 0 {
		return 0, nil
	}
	ph := questionMarks(len(targets))
	args := make([]any, 0, 2*len(targets)+2)
	for range 2 {
		args = append(args, t.org)
		for _, k := range targets {
			args = append(args, k)
		}
	}
	var seq int64
	err := tx.queryRow(ctx, "SELECT COALESCE(MAX(seq), 0) FROM (SELECT seq FROM audit_log WHERE org_id = ? AND target IN ("+ph+
		") UNION ALL SELECT seq FROM audit_targets WHERE org_id = ? AND target IN ("+ph+")) AS touched", args...).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return seq, err
}
