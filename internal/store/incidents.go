package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/incident"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/routine"
)

// Incident is an incident (or a tabletop drill) as kept: its intake and
// the state its timeline has reached. The timeline is the record; these
// columns only say where it stands.
type Incident struct {
	ID             int64
	Type           incident.Type
	Title          string
	Description    string
	Affected       []incident.Ref
	OccurredAt     time.Time
	FoundAt        time.Time
	FoundBy        string
	ReportedBy     int64 // the user who reported it, 0 for none
	Drill          bool
	Scenario       string
	Status         incident.Status
	Classification incident.Classification
	ContainedAt    time.Time
	ClosedAt       time.Time
	HeadSeq        int64
	CreatedAt      time.Time
}

const incidentColumns = "id, kind, title, description, affected, occurred_at, found_at, found_by, reported_by, drill, scenario, status, classification, contained_at, closed_at, head_seq, created_at"

func scanIncident(row scanner) (Incident, error) {
	var i Incident
	var affected string
	var occurred, found, contained, closed, created int64
	var drill int
	err := row.Scan(&i.ID, &i.Type, &i.Title, &i.Description, &affected, &occurred, &found, &i.FoundBy, &i.ReportedBy, &drill,
		&i.Scenario, &i.Status, &i.Classification, &contained, &closed, &i.HeadSeq, &created)
	if err != nil {
		return i, err
	}
	if err := json.Unmarshal([]byte(affected), &i.Affected); err != nil {
		return i, fmt.Errorf("incident %d: affected: %w", i.ID, err)
	}
	i.OccurredAt, i.FoundAt, i.ContainedAt, i.ClosedAt, i.CreatedAt = fromMicros(occurred), fromMicros(found), fromMicros(contained), fromMicros(closed), fromMicros(created)
	i.Drill = drill != 0
	return i, nil
}

// OpenIncident opens an incident (or, with in.Drill, an exercise) from its
// intake: checked, its affected records checked to be this company's, and
// the intake the first entry of its timeline. A staff report, the keeper's
// form and an escalated near miss all come here.
func (t Tenant) OpenIncident(ctx context.Context, actor audit.Actor, in incident.Intake) (int64, error) {
	if err := in.Check(t.db.Now()); err != nil { // before the transaction: a refused intake takes no lock
		return 0, err
	}
	var id int64
	err := t.change(ctx, actor, func(tx *Tx) error {
		var err error
		id, err = t.openIncident(ctx, tx, in, nil)
		return err
	})
	return id, err
}

// openIncident checks an intake and inserts it with its first timeline
// entry (with extra in its body), and, when the intake asks for it, queues
// the alert in the same transaction, recorded in the audit trail.
func (t Tenant) openIncident(ctx context.Context, tx *Tx, in incident.Intake, extra map[string]any) (int64, error) {
	now := t.db.Now()
	if err := in.Check(now); err != nil {
		return 0, err
	}
	if in.Affected == nil {
		in.Affected = []incident.Ref{}
	}
	affected, err := json.Marshal(in.Affected)
	if err != nil {
		return 0, err
	}
	for _, r := range in.Affected {
		if !t.hasRecord(ctx, tx, r) {
			return 0, problem.Field("affected", "incident.error.affected")
		}
	}
	id, err := tx.insert(ctx, `INSERT INTO incidents (org_id, kind, title, description, affected, occurred_at, found_at, found_by, reported_by, drill, scenario, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.org, in.Type, in.Title, in.Description, string(affected), micros(in.OccurredAt), micros(in.FoundAt), in.FoundBy, tx.actor.UserID,
		boolInt(in.Drill), in.Scenario, micros(now))
	if err != nil {
		return 0, fmt.Errorf("insert incident: %w", err)
	}
	body := map[string]any{"type": in.Type, "title": in.Title, "description": in.Description, "affected": in.Affected,
		"occurred_at": in.OccurredAt.UTC(), "found_at": in.FoundAt.UTC(), "found_by": in.FoundBy}
	if in.Drill {
		body["drill"], body["scenario"] = true, in.Scenario
	}
	for k, v := range extra {
		body[k] = v
	}
	if _, err := t.appendEntry(ctx, tx, id, incident.Entry{Kind: incident.Reported, OccurredAt: in.FoundAt}, body, nil); err != nil {
		return 0, err
	}
	if in.Alert && !in.Drill && t.db.incidentAlert != nil {
		if err := t.db.incidentAlert(ctx, tx.tx, t.org, id); err != nil {
			return 0, fmt.Errorf("queue incident alert: %w", err)
		}
		if err := t.record(ctx, tx, audit.Event{Action: "incident.alert", Target: "incident:" + strconv.FormatInt(id, 10)}); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// hasRecord reports whether the organisation has the record r names.
func (t Tenant) hasRecord(ctx context.Context, tx *Tx, r incident.Ref) bool {
	table := map[incident.Kind]string{incident.Person: "people", incident.Account: "accounts", incident.Device: "devices",
		incident.Share: "shares", incident.Asset: "assets", incident.Service: "services"}[r.Kind]
	if table == "" {
		return false
	}
	var n int
	if err := tx.queryRow(ctx, "SELECT count(*) FROM "+table+" WHERE org_id = ? AND id = ?", t.org, r.ID).Scan(&n); err != nil {
		return false
	}
	return n == 1
}

// appendEntry chains e after the incident's last entry, records it in the
// audit trail (whose entry holds e's hash, so the two chains vouch for each
// other) and moves the incident's head. Both chains take turns: on
// PostgreSQL the audit head's lock is taken before the incident head is
// read.
func (t Tenant) appendEntry(ctx context.Context, tx *Tx, id int64, e incident.Entry, body any, extra map[string]any) (incident.Entry, error) {
	if err := tx.head(ctx); err != nil {
		return e, err
	}
	var headSeq int64
	var headHash string
	if err := tx.queryRow(ctx, "SELECT head_seq, head_hash FROM incidents WHERE org_id = ? AND id = ?", t.org, id).Scan(&headSeq, &headHash); err != nil {
		return e, notFound(err)
	}
	if headSeq == 0 {
		headHash = incident.GenesisHash
	}
	b, err := json.Marshal(body)
	if err != nil {
		return e, err
	}
	e.Seq, e.Body, e.RecordedAt = headSeq+1, string(b), t.db.Now()
	e.AuthorID, e.Author = tx.actor.UserID, tx.actor.Label
	if e.OccurredAt.IsZero() {
		e.OccurredAt = e.RecordedAt
	}
	e.Seal(id, headHash)
	after := map[string]any{"entry": e.Seq, "hash": e.Hash}
	for k, v := range extra {
		after[k] = v
	}
	if err := t.record(ctx, tx, audit.Event{Action: "incident." + string(e.Kind), Target: "incident:" + strconv.FormatInt(id, 10), After: after}); err != nil {
		return e, err
	}
	e.AuditSeq = tx.headSeq
	_, err = tx.exec(ctx, `INSERT INTO incident_timeline (org_id, incident_id, seq, kind, occurred_at, recorded_at, author_id, author, body, corrects, sha256, prev_hash, hash, audit_seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.org, id, e.Seq, e.Kind, micros(e.OccurredAt), micros(e.RecordedAt), e.AuthorID, e.Author, e.Body, e.Corrects, e.SHA256, e.PrevHash, e.Hash, e.AuditSeq)
	if err != nil {
		return e, fmt.Errorf("insert timeline entry: %w", err)
	}
	if _, err := tx.exec(ctx, "UPDATE incidents SET head_seq = ?, head_hash = ? WHERE org_id = ? AND id = ?", e.Seq, e.Hash, t.org, id); err != nil {
		return e, err
	}
	return e, nil
}

// Append is a new timeline entry about to be written.
type Append struct {
	Kind       incident.EntryKind
	OccurredAt time.Time // zero: now
	Body       map[string]any
	Corrects   int64 // the entry a correction corrects
}

// AppendIncident adds an entry to an incident's timeline and moves the
// incident's state as the entry says: a triage classifies it, "contained"
// stops the containment clock, a review closes it. A closed incident takes
// only notes and corrections.
func (t Tenant) AppendIncident(ctx context.Context, actor audit.Actor, id int64, a Append) (int64, error) {
	var seq int64
	var drill bool
	var title string
	now := t.db.Now()
	if a.OccurredAt.After(now) {
		return 0, problem.Field("occurred_at", "incident.error.future")
	}
	err := t.change(ctx, actor, func(tx *Tx) error {
		inc, err := scanIncident(tx.queryRow(ctx, "SELECT "+incidentColumns+" FROM incidents WHERE org_id = ? AND id = ?", t.org, id))
		if err != nil {
			return notFound(err)
		}
		if inc.Status == incident.Closed && a.Kind != incident.Note && a.Kind != incident.Correction {
			return problem.New(problem.Conflict, "incident.error.closed")
		}
		if a.Kind == incident.Correction && (a.Corrects <= 0 || a.Corrects > inc.HeadSeq) {
			return problem.Field("corrects", "incident.error.corrects")
		}
		if a.Kind != incident.Correction {
			a.Corrects = 0
		}
		switch a.Kind {
		case incident.Triaged:
			c, _ := a.Body["classification"].(incident.Classification)
			if c != incident.IsIncident && c != incident.NearMiss {
				return problem.Field("classification", "incident.error.classification")
			}
			if _, err := tx.exec(ctx, "UPDATE incidents SET classification = ? WHERE org_id = ? AND id = ?", c, t.org, id); err != nil {
				return err
			}
		case incident.Contained:
			at := a.OccurredAt
			if at.IsZero() {
				at = now
			}
			if at.Before(inc.FoundAt) {
				return problem.Field("occurred_at", "incident.error.before_found")
			}
			if _, err := tx.exec(ctx, "UPDATE incidents SET contained_at = ? WHERE org_id = ? AND id = ?", micros(at), t.org, id); err != nil {
				return err
			}
		case incident.Reviewed:
			var rv incident.Review
			raw, err := json.Marshal(a.Body)
			if err != nil || json.Unmarshal(raw, &rv) != nil {
				return problem.Field("people", "incident.error.review_missing")
			}
			if err := rv.Check(calendar.Of(now)); err != nil {
				return err
			}
			closedAt := now
			if inc.ContainedAt.IsZero() {
				if _, err := tx.exec(ctx, "UPDATE incidents SET contained_at = ? WHERE org_id = ? AND id = ?", micros(closedAt), t.org, id); err != nil {
					return err
				}
			}
			if _, err := tx.exec(ctx, "UPDATE incidents SET status = ?, closed_at = ? WHERE org_id = ? AND id = ?", incident.Closed, micros(closedAt), t.org, id); err != nil {
				return err
			}
			if !inc.Drill { // a drill's actions are the exercise's, not the company's tasks
				if err := t.incidentTasks(ctx, tx, inc, rv, calendar.Of(now)); err != nil {
					return err
				}
			}
		}
		e, err := t.appendEntry(ctx, tx, id, incident.Entry{Kind: a.Kind, OccurredAt: a.OccurredAt, Corrects: a.Corrects}, a.Body, nil)
		seq = e.Seq
		drill = inc.Drill
		title = inc.Title
		return err
	})
	if err == nil && drill && a.Kind == incident.Reviewed {
		err = t.completeDrillRoutine(ctx, actor, title)
	}
	if err == nil && !drill && a.Kind == incident.Triaged {
		// The lessons that answer it, for the departments it concerns:
		// after the triage committed, as lessons ask.
		err = t.assignIncidentLessons(ctx, actor, id)
	}
	return seq, err
}

// DrillChore is the routine a completed tabletop drill completes.
const DrillChore = "yearly.incident_drill"

// completeDrillRoutine completes the oldest waiting occurrence of the
// yearly drill routine, if the company has one, noting the drill.
func (t Tenant) completeDrillRoutine(ctx context.Context, actor audit.Actor, title string) error {
	os, err := t.Occurrences(ctx, OccurrenceQuery{Waiting: true, AnyAssignee: true})
	if err != nil {
		return err
	}
	for _, o := range os {
		if string(o.Chore.ID) == DrillChore {
			return t.CompleteOccurrence(ctx, actor, o.ID, routine.Completion{Note: title}, nil)
		}
	}
	return nil
}

// MaxEvidence bounds one evidence file.
const MaxEvidence = 20 << 20

// AddIncidentEvidence keeps an evidence file, sealed with the server's key
// when sealed is not nil (sealed is the stored form, data the original),
// and writes its name and SHA-256 into the timeline.
func (t Tenant) AddIncidentEvidence(ctx context.Context, actor audit.Actor, id int64, name, mime string, data, stored []byte, note string) (int64, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(data) == 0 {
		return 0, problem.Field("file", "incident.error.file")
	}
	if len(data) > MaxEvidence {
		return 0, problem.New(problem.TooLarge, "error.too_large")
	}
	sum := sha256.Sum256(data)
	hexSum := hex.EncodeToString(sum[:])
	sealed := stored != nil
	if !sealed {
		stored = data
	}
	var seq int64
	err := t.change(ctx, actor, func(tx *Tx) error {
		var status incident.Status
		if err := tx.queryRow(ctx, "SELECT status FROM incidents WHERE org_id = ? AND id = ?", t.org, id).Scan(&status); err != nil {
			return notFound(err)
		}
		e, err := t.appendEntry(ctx, tx, id, incident.Entry{Kind: incident.Evidence, SHA256: hexSum},
			map[string]any{"name": name, "size": len(data), "note": note}, map[string]any{"name": name})
		if err != nil {
			return err
		}
		seq = e.Seq
		_, err = tx.exec(ctx, `INSERT INTO incident_evidence (org_id, incident_id, entry_seq, name, mime, size, sha256, sealed, data, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.org, id, e.Seq, name, mime, len(data), hexSum, boolInt(sealed), stored, micros(t.db.Now()))
		return err
	})
	return seq, err
}

// IncidentEvidence is an evidence file as kept.
type IncidentEvidence struct {
	Seq    int64 // the timeline entry that recorded it
	Name   string
	MIME   string
	Size   int64
	SHA256 string
	Sealed bool
	Data   []byte // as stored: sealed when Sealed
}

// IncidentEvidenceFiles returns an incident's evidence files, with their
// bytes as stored.
func (t Tenant) IncidentEvidenceFiles(ctx context.Context, id int64) ([]IncidentEvidence, error) {
	rows, err := t.db.query(ctx, "SELECT entry_seq, name, mime, size, sha256, sealed, data FROM incident_evidence WHERE org_id = ? AND incident_id = ? ORDER BY entry_seq", t.org, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []IncidentEvidence
	for rows.Next() {
		var e IncidentEvidence
		var sealed int
		if err := rows.Scan(&e.Seq, &e.Name, &e.MIME, &e.Size, &e.SHA256, &sealed, &e.Data); err != nil {
			return nil, err
		}
		e.Sealed = sealed != 0
		out = append(out, e)
	}
	return out, rows.Err()
}

// IncidentQuery selects incidents.
type IncidentQuery struct {
	Drills     bool  // exercises instead of real incidents: the two never mix
	ReportedBy int64 // only those this user reported (a staff member's own), 0 all
}

// Incidents lists the organisation's incidents, newest first.
func (t Tenant) Incidents(ctx context.Context, q IncidentQuery) ([]Incident, error) {
	where, args := "org_id = ? AND drill = ?", []any{t.org, boolInt(q.Drills)}
	if q.ReportedBy != 0 {
		where += " AND reported_by = ?"
		args = append(args, q.ReportedBy)
	}
	rows, err := t.db.query(ctx, "SELECT "+incidentColumns+" FROM incidents WHERE "+where+" ORDER BY found_at DESC, id DESC", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Incident
	for rows.Next() {
		i, err := scanIncident(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// Incident returns one incident of the organisation.
func (t Tenant) Incident(ctx context.Context, id int64) (Incident, error) {
	i, err := scanIncident(t.db.queryRow(ctx, "SELECT "+incidentColumns+" FROM incidents WHERE org_id = ? AND id = ?", t.org, id))
	return i, notFound(err)
}

// Timeline returns an incident's entries in order.
func (t Tenant) Timeline(ctx context.Context, id int64) ([]incident.Entry, error) {
	rows, err := t.db.query(ctx, `SELECT seq, kind, occurred_at, recorded_at, author_id, author, body, corrects, sha256, prev_hash, hash, audit_seq
		FROM incident_timeline WHERE org_id = ? AND incident_id = ? ORDER BY seq`, t.org, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []incident.Entry
	for rows.Next() {
		var e incident.Entry
		var occ, rec int64
		if err := rows.Scan(&e.Seq, &e.Kind, &occ, &rec, &e.AuthorID, &e.Author, &e.Body, &e.Corrects, &e.SHA256, &e.PrevHash, &e.Hash, &e.AuditSeq); err != nil {
			return nil, err
		}
		e.OccurredAt, e.RecordedAt = fromMicros(occ), fromMicros(rec)
		out = append(out, e)
	}
	return out, rows.Err()
}

// AuditedHashes returns, per timeline entry, the hash the audit trail
// recorded for it when it was written.
func (t Tenant) AuditedHashes(ctx context.Context, id int64) (map[int64]string, error) {
	es, err := t.db.auditEntries(ctx, "SELECT "+auditColumns+" FROM audit_log WHERE org_id = ? AND target = ? ORDER BY seq",
		t.org, "incident:"+strconv.FormatInt(id, 10))
	if err != nil {
		return nil, err
	}
	out := map[int64]string{}
	for _, e := range es {
		var after struct {
			Entry int64  `json:"entry"`
			Hash  string `json:"hash"`
		}
		if json.Unmarshal([]byte(e.After), &after) == nil && after.Entry > 0 {
			out[after.Entry] = after.Hash
		}
	}
	return out, nil
}

// VerifyIncident checks an incident's timeline: its own chain, each entry
// against the hash the audit trail holds for it, and each evidence file
// (opened with open, which unseals a sealed one) against its SHA-256. It
// returns the number of entries, or an *incident.Broken naming the first
// entry that fails.
func (t Tenant) VerifyIncident(ctx context.Context, id int64, open func(IncidentEvidence) ([]byte, error)) (int, error) {
	if _, err := t.Incident(ctx, id); err != nil {
		return 0, err
	}
	es, err := t.Timeline(ctx, id)
	if err != nil {
		return 0, err
	}
	audited, err := t.AuditedHashes(ctx, id)
	if err != nil {
		return 0, err
	}
	if err := incident.Verify(id, es, audited); err != nil {
		return len(es), err
	}
	files, err := t.IncidentEvidenceFiles(ctx, id)
	if err != nil {
		return len(es), err
	}
	want := map[int64]string{}
	for _, e := range es {
		if e.Kind == incident.Evidence {
			want[e.Seq] = e.SHA256
		}
	}
	for _, f := range files {
		data, err := open(f)
		sum := sha256.Sum256(data)
		if err != nil || hex.EncodeToString(sum[:]) != want[f.Seq] {
			return len(es), &incident.Broken{Seq: f.Seq, Reason: "file", File: f.Name}
		}
		delete(want, f.Seq)
	}
	for seq := range want {
		return len(es), &incident.Broken{Seq: seq, Reason: "file"}
	}
	return len(es), nil
}

// IncidentRecords names an incident's affected records as its playbook
// needs them: accounts and shares with their service, devices with whether
// remote wipe and disk encryption are recorded.
func (t Tenant) IncidentRecords(ctx context.Context, refs []incident.Ref) ([]incident.Record, error) {
	want := inventory.Want{}
	for _, r := range refs {
		want.Add(string(r.Kind), r.ID)
	}
	names, err := t.Names(ctx, want)
	if err != nil {
		return nil, err
	}
	var out []incident.Record
	for _, r := range refs {
		n, ok := names[inventory.Ref{Kind: string(r.Kind), ID: r.ID}]
		if !ok {
			continue
		}
		rec := incident.Record{Ref: r, Name: n.Name, Service: n.Service}
		if r.Kind == incident.Device {
			d, err := t.Device(ctx, r.ID)
			if err != nil {
				return nil, err
			}
			rec.RemoteWipe = d.RemoteWipe == inventory.Yes
			rec.Encrypted = d.DiskEncryption == inventory.Yes
		}
		out = append(out, rec)
	}
	return out, nil
}

// IncidentPlaybook returns the company's own playbook for a type, or the
// built-in one.
func (t Tenant) IncidentPlaybook(ctx context.Context, typ incident.Type) (incident.Playbook, bool, error) {
	var body string
	err := t.db.queryRow(ctx, "SELECT body FROM incident_playbooks WHERE org_id = ? AND kind = ?", t.org, typ).Scan(&body)
	if err == nil {
		p, err := incident.ParsePlaybook([]byte(body))
		return p, true, err
	}
	if notFound(err) != problem.ErrNotFound {
		return nil, false, err
	}
	return incident.Defaults()[typ], false, nil
}

// SaveIncidentPlaybook keeps the company's own playbook for a type.
func (t Tenant) SaveIncidentPlaybook(ctx context.Context, actor audit.Actor, typ incident.Type, body []byte) error {
	if !typ.Valid() {
		return problem.Field("type", "incident.error.type")
	}
	if _, err := incident.ParsePlaybook(body); err != nil {
		return problem.Field("playbook", "incident.error.playbook")
	}
	return t.change(ctx, actor, func(tx *Tx) error {
		var before string
		_ = tx.queryRow(ctx, "SELECT body FROM incident_playbooks WHERE org_id = ? AND kind = ?", t.org, typ).Scan(&before)
		if _, err := tx.exec(ctx, `INSERT INTO incident_playbooks (org_id, kind, body, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (org_id, kind) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`, t.org, typ, string(body), micros(t.db.Now())); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "incident.playbook", Target: "playbook:" + string(typ),
			Before: map[string]any{"playbook": before}, After: map[string]any{"playbook": string(body)}})
	})
}

// IncidentFigures are the incidents' part of the dashboard and portfolio:
// real incidents only (never drills, never near misses), with the mean
// time to detect (happened → found), to contain (found → contained) and
// to close (found → closed) over the closed ones.
type IncidentFigures struct {
	Open       int
	Closed     int
	Drills     int
	ToDetect   time.Duration
	ToContain  time.Duration
	ToClose    time.Duration
	LastClosed time.Time
}

// IncidentFigures reads the organisation's incident figures.
func (t Tenant) IncidentFigures(ctx context.Context) (IncidentFigures, error) {
	var f IncidentFigures
	var sums incidentSums
	rows, err := t.db.query(ctx, "SELECT "+incidentFigureColumns+" FROM incidents WHERE org_id = ?", t.org)
	if err != nil {
		return f, err
	}
	defer rows.Close()
	for rows.Next() {
		var x incidentRow
		if err := rows.Scan(x.dest()...); err != nil {
			return f, err
		}
		sums.add(&f, x)
	}
	sums.finish(&f)
	return f, rows.Err()
}

const incidentFigureColumns = "drill, status, classification, occurred_at, found_at, contained_at, closed_at"

// incidentFigureColumnsOf is incidentFigureColumns of the incidents table
// named alias.
func incidentFigureColumnsOf(alias string) string {
	return alias + ".drill, " + alias + ".status, " + alias + ".classification, " + alias + ".occurred_at, " + alias + ".found_at, " + alias + ".contained_at, " + alias + ".closed_at"
}

// incidentRow is one incident as incidentFigureColumns reads it.
type incidentRow struct {
	drill                    int
	status, class            string
	occ, found, cont, closed int64
}

func (x *incidentRow) dest() []any {
	return []any{&x.drill, &x.status, &x.class, &x.occ, &x.found, &x.cont, &x.closed}
}

// incidentSums are the running sums behind IncidentFigures' means.
type incidentSums struct{ detect, contain, close time.Duration }

// add counts one incident in f.
func (s *incidentSums) add(f *IncidentFigures, x incidentRow) {
	switch {
	case x.drill != 0:
		f.Drills++
		return
	case x.class == string(incident.NearMiss):
		return
	case x.status != string(incident.Closed):
		f.Open++
		return
	}
	f.Closed++
	s.detect += fromMicros(x.found).Sub(fromMicros(x.occ))
	if x.cont != 0 {
		s.contain += fromMicros(x.cont).Sub(fromMicros(x.found))
	}
	s.close += fromMicros(x.closed).Sub(fromMicros(x.found))
	if c := fromMicros(x.closed); c.After(f.LastClosed) {
		f.LastClosed = c
	}
}

func (s *incidentSums) finish(f *IncidentFigures) {
	if f.Closed > 0 {
		n := time.Duration(f.Closed)
		f.ToDetect, f.ToContain, f.ToClose = s.detect/n, s.contain/n, s.close/n
	}
}
