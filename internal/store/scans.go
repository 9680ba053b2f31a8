package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/pii"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/scan"
)

// Where personal data lives (issue 13 part 2). The rules — which files
// make a place, how a place is written as people see it, which shares cover
// it, what changed since the last run — are package scan's; this file keeps
// runs, their files and places, the keeper's decisions and the re-scan
// schedules, each change with its audit entry. Values found are never
// stored: counts, masked samples and estimates only.

// Run statuses.
const (
	ScanQueued  = "queued"
	ScanRunning = "running"
	ScanDone    = "done"
	ScanFailed  = "failed"
)

// Place decisions.
const (
	PlaceProposed  = "proposed"
	PlaceConfirmed = "confirmed" // recorded as a new asset
	PlaceMerged    = "merged"    // recorded on an existing asset
	PlaceDismissed = "dismissed"
)

// ScanRun is one scan of a folder or an upload.
type ScanRun struct {
	ID          int64
	Source      scan.Source
	Root        string // the folder as the server read it, or the upload's name
	SeenAs      string // the root as people see it (\\NAS\share), "" the same
	Status      string
	RequestedBy string
	ScheduleID  int64
	PreviousID  int64 // the run this one was compared with
	Files       int
	Bytes       int64
	Unreadable  int
	WithData    int // files holding personal data
	Totals      pii.Counts
	Changes     *scan.Changes // nil for a first run
	Error       string
	Duration    time.Duration
	CreatedAt   time.Time
	FinishedAt  time.Time
}

// ScanFile is one file of a run.
type ScanFile struct {
	ID int64
	scan.Entry
}

// ScanPlace is a folder with personal data a run found, and what the
// keeper decided about it.
type ScanPlace struct {
	ID        int64
	RunID     int64
	Folder    string
	SeenAs    string
	Counts    pii.Counts
	Sensitive bool
	People    int
	Files     int
	Samples   map[pii.Kind]string
	ShareIDs  []int64 // the shares whose path covers its files
	Status    string
	AssetID   int64
	DecidedAt time.Time
}

// MyNumber reports whether the place holds My Numbers.
func (p ScanPlace) MyNumber() bool { return p.Counts[pii.MyNumber] > 0 }

func scanRunTarget(id int64) string   { return "scan_run:" + strconv.FormatInt(id, 10) }
func scanPlaceTarget(id int64) string { return "scan_place:" + strconv.FormatInt(id, 10) }

const scanRunColumns = "id, source, root, seen_as, status, requested_by, schedule_id, previous_id, files, bytes, unreadable, with_data, totals, changes, error, duration_ms, created_at, finished_at"

func scanRunRow(s rowScanner) (ScanRun, error) {
	var r ScanRun
	var totals, changes string
	var dur, created, finished int64
	err := s.Scan(&r.ID, &r.Source, &r.Root, &r.SeenAs, &r.Status, &r.RequestedBy, &r.ScheduleID, &r.PreviousID, &r.Files, &r.Bytes,
		&r.Unreadable, &r.WithData, &totals, &changes, &r.Error, &dur, &created, &finished)
	if err != nil {
		return r, err
	}
	_ = json.Unmarshal([]byte(totals), &r.Totals)
	if changes != "" {
		r.Changes = &scan.Changes{}
		_ = json.Unmarshal([]byte(changes), r.Changes)
	}
	r.Duration = time.Duration(dur) * time.Millisecond
	r.CreatedAt = fromMicros(created)
	if finished != 0 {
		r.FinishedAt = fromMicros(finished)
	}
	return r, nil
}

// ScanRuns lists the organisation's runs, newest first.
func (t Tenant) ScanRuns(ctx context.Context, limit int) ([]ScanRun, error) {
	rows, err := t.db.query(ctx, "SELECT "+scanRunColumns+" FROM scan_runs WHERE org_id = ? ORDER BY id DESC LIMIT ?", t.org, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ScanRun
	for rows.Next() {
		r, err := scanRunRow(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ScanRun returns one run.
func (t Tenant) ScanRun(ctx context.Context, id int64) (ScanRun, error) {
	r, err := scanRunRow(t.db.queryRow(ctx, "SELECT "+scanRunColumns+" FROM scan_runs WHERE org_id = ? AND id = ?", t.org, id))
	return r, notFound(err)
}

// ScanFiles returns a run's files by path.
func (t Tenant) ScanFiles(ctx context.Context, runID int64) ([]ScanFile, error) {
	rows, err := t.db.query(ctx, "SELECT id, path, size, mod_time, hash, counts, sensitive, people, samples, error FROM scan_files WHERE org_id = ? AND run_id = ? ORDER BY path", t.org, runID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ScanFile
	for rows.Next() {
		var f ScanFile
		var mod int64
		var counts, samples, reason string
		var sensitive int
		if err := rows.Scan(&f.ID, &f.Path, &f.Size, &mod, &f.Hash, &counts, &sensitive, &f.People, &samples, &reason); err != nil {
			return nil, err
		}
		if mod != 0 {
			f.ModTime = fromMicros(mod)
		}
		_ = json.Unmarshal([]byte(counts), &f.Counts)
		_ = json.Unmarshal([]byte(samples), &f.Samples)
		f.Sensitive, f.Error = sensitive != 0, scan.Reason(reason)
		out = append(out, f)
	}
	return out, rows.Err()
}

const scanPlaceColumns = "id, run_id, folder, seen_as, counts, sensitive, people, files, samples, share_ids, status, asset_id, decided_at"

func scanPlaceRow(s rowScanner) (ScanPlace, error) {
	var p ScanPlace
	var counts, samples, shares string
	var sensitive int
	var decided int64
	err := s.Scan(&p.ID, &p.RunID, &p.Folder, &p.SeenAs, &counts, &sensitive, &p.People, &p.Files, &samples, &shares, &p.Status, &p.AssetID, &decided)
	if err != nil {
		return p, err
	}
	_ = json.Unmarshal([]byte(counts), &p.Counts)
	_ = json.Unmarshal([]byte(samples), &p.Samples)
	p.ShareIDs = splitIDs(shares)
	p.Sensitive = sensitive != 0
	if decided != 0 {
		p.DecidedAt = fromMicros(decided)
	}
	return p, nil
}

func splitIDs(s string) []int64 {
	var out []int64
	for _, f := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

// ScanPlaces returns a run's places by folder.
func (t Tenant) ScanPlaces(ctx context.Context, runID int64) ([]ScanPlace, error) {
	rows, err := t.db.query(ctx, "SELECT "+scanPlaceColumns+" FROM scan_places WHERE org_id = ? AND run_id = ? ORDER BY folder", t.org, runID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ScanPlace
	for rows.Next() {
		p, err := scanPlaceRow(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ScanPlace returns one place.
func (t Tenant) ScanPlace(ctx context.Context, id int64) (ScanPlace, error) {
	p, err := scanPlaceRow(t.db.queryRow(ctx, "SELECT "+scanPlaceColumns+" FROM scan_places WHERE org_id = ? AND id = ?", t.org, id))
	return p, notFound(err)
}

// QueueScan records a run waiting for its job — with the uploaded archive
// it will read, if any — and calls enqueue in the same transaction, so the
// run, its upload and its job commit together.
func (t Tenant) QueueScan(ctx context.Context, actor audit.Actor, run ScanRun, upload []byte, enqueue func(context.Context, *sql.Tx, int64) error) (int64, error) {
	if !run.Source.Valid() {
		return 0, fmt.Errorf("scan: unknown source %q", run.Source)
	}
	var id int64
	err := t.change(ctx, actor, func(tx *Tx) error {
		var err error
		id, err = tx.insert(ctx, "INSERT INTO scan_runs (org_id, source, root, seen_as, status, requested_by, schedule_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			t.org, string(run.Source), run.Root, run.SeenAs, ScanQueued, actor.Label, run.ScheduleID, micros(t.db.Now()))
		if err != nil {
			return err
		}
		if upload != nil {
			if _, err := tx.exec(ctx, "INSERT INTO scan_uploads (run_id, org_id, name, data) VALUES (?, ?, ?, ?)", id, t.org, run.Root, upload); err != nil {
				return err
			}
		}
		if enqueue != nil {
			if err := enqueue(ctx, tx.tx, id); err != nil {
				return err
			}
		}
		after := map[string]any{"source": string(run.Source), "root": run.Root}
		if run.SeenAs != "" {
			after["seen_as"] = run.SeenAs
		}
		return t.record(ctx, tx, audit.Event{Action: "scan.queue", Target: scanRunTarget(id), After: after})
	})
	return id, err
}

// ScanUpload returns a queued run's uploaded archive.
func (t Tenant) ScanUpload(ctx context.Context, runID int64) (string, []byte, error) {
	var name string
	var data []byte
	err := t.db.queryRow(ctx, "SELECT name, data FROM scan_uploads WHERE org_id = ? AND run_id = ?", t.org, runID).Scan(&name, &data)
	return name, data, notFound(err)
}

// MarkScanRunning says a queued run's job has begun. It is the job's state,
// like River's own, and changes no record, so it has no audit entry.
func (t Tenant) MarkScanRunning(ctx context.Context, runID int64) error {
	_, err := t.db.exec(ctx, "UPDATE scan_runs SET status = ? WHERE org_id = ? AND id = ? AND status IN (?, ?)", ScanRunning, t.org, runID, ScanQueued, ScanRunning)
	return err
}

// FailScan ends a run that could not scan (its folder gone, the archive
// unreadable), with the reason's catalogue key.
func (t Tenant) FailScan(ctx context.Context, actor audit.Actor, runID int64, reason string) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		if _, err := tx.exec(ctx, "UPDATE scan_runs SET status = ?, error = ?, finished_at = ? WHERE org_id = ? AND id = ?",
			ScanFailed, reason, micros(t.db.Now()), t.org, runID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM scan_uploads WHERE org_id = ? AND run_id = ?", t.org, runID); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "scan.fail", Target: scanRunTarget(runID), After: map[string]any{"error": reason}})
	})
}

// SaveScan records what a run found: its files, its places (each a
// proposal, or the decision of the same folder in the run before, which a
// re-scan keeps), the shares covering each place, and the changes since the
// last finished run of the same root. runID 0 records a new run (the CLI's
// --apply); otherwise the queued run ends. The uploaded archive, if any, is
// dropped.
func (t Tenant) SaveScan(ctx context.Context, actor audit.Actor, runID int64, run ScanRun, entries []scan.Entry) (int64, error) {
	places := scan.Places(entries)
	err := t.change(ctx, actor, func(tx *Tx) error {
		now := t.db.Now()
		if runID == 0 {
			var err error
			runID, err = tx.insert(ctx, "INSERT INTO scan_runs (org_id, source, root, seen_as, status, requested_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
				t.org, string(run.Source), run.Root, run.SeenAs, ScanRunning, actor.Label, micros(now))
			if err != nil {
				return err
			}
		} else {
			var err error
			prev := run
			run, err = scanRunRow(tx.queryRow(ctx, "SELECT "+scanRunColumns+" FROM scan_runs WHERE org_id = ? AND id = ?", t.org, runID))
			if err != nil {
				return notFound(err)
			}
			if run.Status == ScanDone || run.Status == ScanFailed {
				return problem.New(problem.Conflict, "scan.already_done")
			}
			run.Duration = prev.Duration
		}
		// The run before: the last finished run of the same root.
		var prevID int64
		err := tx.queryRow(ctx, "SELECT id FROM scan_runs WHERE org_id = ? AND root = ? AND status = ? AND id < ? ORDER BY id DESC LIMIT 1",
			t.org, run.Root, ScanDone, runID).Scan(&prevID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		decided := map[string]ScanPlace{}
		var changes string
		if prevID != 0 {
			before, err := t.scanFilesTx(ctx, tx, prevID)
			if err != nil {
				return err
			}
			b, _ := json.Marshal(scan.Compare(before, entries))
			changes = string(b)
			rows, err := tx.tx.QueryContext(ctx, t.db.rebind("SELECT "+scanPlaceColumns+" FROM scan_places WHERE org_id = ? AND run_id = ?"), t.org, prevID)
			if err != nil {
				return err
			}
			for rows.Next() {
				p, err := scanPlaceRow(rows)
				if err != nil {
					rows.Close()
					return err
				}
				if p.Status != PlaceProposed {
					decided[p.Folder] = p
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		shares, err := t.sharePaths(ctx, tx)
		if err != nil {
			return err
		}
		totals := pii.Counts{}
		withData, unreadable := 0, 0
		for i := range entries {
			e := &entries[i]
			totals.Add(e.Counts)
			if e.Found() {
				withData++
			}
			if e.Error != "" {
				unreadable++
			}
			counts, _ := json.Marshal(e.Counts)
			samples, _ := json.Marshal(e.Samples)
			var mod int64
			if !e.ModTime.IsZero() {
				mod = micros(e.ModTime)
			}
			if _, err := tx.exec(ctx, "INSERT INTO scan_files (org_id, run_id, path, size, mod_time, hash, counts, sensitive, people, samples, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				t.org, runID, e.Path, e.Size, mod, e.Hash, string(counts), flagInt(e.Sensitive), e.People, string(samples), string(e.Error)); err != nil {
				return err
			}
		}
		root := run.Root
		if run.Source == scan.FromUpload {
			root = "" // an upload's members are relative: the alias is their folder
		}
		for _, p := range places {
			seen := scan.SeenAs(p.Folder, root, run.SeenAs)
			var covering []int64
			for _, sh := range shares {
				for _, path := range p.Paths {
					if scan.Covers(sh.path, scan.SeenAs(path, root, run.SeenAs)) {
						covering = append(covering, sh.id)
						break
					}
				}
			}
			status, assetID := PlaceProposed, int64(0)
			if d, ok := decided[p.Folder]; ok {
				status, assetID = d.Status, d.AssetID
			}
			counts, _ := json.Marshal(p.Counts)
			samples, _ := json.Marshal(p.Samples)
			if _, err := tx.exec(ctx, "INSERT INTO scan_places (org_id, run_id, folder, seen_as, counts, sensitive, people, files, samples, share_ids, status, asset_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				t.org, runID, p.Folder, seen, string(counts), flagInt(p.Sensitive), p.People, p.Files, string(samples), joinIDs(covering), status, assetID); err != nil {
				return err
			}
		}
		tb, _ := json.Marshal(totals)
		if _, err := tx.exec(ctx, `UPDATE scan_runs SET status = ?, previous_id = ?, files = ?, bytes = ?, unreadable = ?, with_data = ?, totals = ?, changes = ?,
			duration_ms = ?, finished_at = ? WHERE org_id = ? AND id = ?`,
			ScanDone, prevID, len(entries), sumSize(entries), unreadable, withData, string(tb), changes, run.Duration.Milliseconds(), micros(now), t.org, runID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM scan_uploads WHERE org_id = ? AND run_id = ?", t.org, runID); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "scan.run", Target: scanRunTarget(runID), After: map[string]any{
			"source": string(run.Source), "root": run.Root, "files": len(entries), "with_data": withData, "unreadable": unreadable, "places": len(places)}})
	})
	return runID, err
}

func sumSize(es []scan.Entry) int64 {
	var n int64
	for i := range es {
		n += es[i].Size
	}
	return n
}

func flagInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (t Tenant) scanFilesTx(ctx context.Context, tx *Tx, runID int64) ([]scan.Entry, error) {
	rows, err := tx.tx.QueryContext(ctx, t.db.rebind("SELECT path, size, mod_time, hash, counts, people FROM scan_files WHERE org_id = ? AND run_id = ?"), t.org, runID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []scan.Entry
	for rows.Next() {
		var e scan.Entry
		var mod int64
		var counts string
		if err := rows.Scan(&e.Path, &e.Size, &mod, &e.Hash, &counts, &e.People); err != nil {
			return nil, err
		}
		if mod != 0 {
			e.ModTime = fromMicros(mod)
		}
		_ = json.Unmarshal([]byte(counts), &e.Counts)
		out = append(out, e)
	}
	return out, rows.Err()
}

type sharePath struct {
	id   int64
	path string
}

func (t Tenant) sharePaths(ctx context.Context, tx *Tx) ([]sharePath, error) {
	rows, err := tx.tx.QueryContext(ctx, t.db.rebind("SELECT id, path FROM shares WHERE org_id = ? ORDER BY id"), t.org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sharePath
	for rows.Next() {
		var s sharePath
		if err := rows.Scan(&s.id, &s.path); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// placeForDecision loads a place still waiting for the keeper.
func (t Tenant) placeForDecision(ctx context.Context, tx *Tx, id int64) (ScanPlace, error) {
	p, err := scanPlaceRow(tx.queryRow(ctx, "SELECT "+scanPlaceColumns+" FROM scan_places WHERE org_id = ? AND id = ?", t.org, id))
	if err != nil {
		return p, notFound(err)
	}
	if p.Status != PlaceProposed {
		return p, problem.New(problem.Conflict, "scan.place_decided")
	}
	return p, nil
}

// applyPlace writes what a place says onto an asset: personal data, My
// Number and 要配慮 flags raised (never lowered: the ledger may know more
// than a scan), the people concerned raised to the estimate, and the place
// added to 媒体・保存先 when it is not there and fits.
func applyPlace(a *inventory.Asset, p ScanPlace) {
	a.PersonalInfo = true
	a.MyNumber = a.MyNumber || p.MyNumber()
	a.SensitiveInfo = a.SensitiveInfo || p.Sensitive
	a.PeopleConcerned = max(a.PeopleConcerned, p.People)
	switch {
	case a.Medium == "":
		a.Medium = p.SeenAs
	case !strings.Contains(a.Medium, p.SeenAs) && len([]rune(a.Medium+"、"+p.SeenAs)) <= inventory.MaxName:
		a.Medium += "、" + p.SeenAs
	}
}

// linkShares points the shares covering a place at its asset, where they
// point at none yet (a share already tied to an asset keeps it: the keeper
// chose it).
func (t Tenant) linkShares(ctx context.Context, tx *Tx, p ScanPlace, assetID int64) error {
	for _, id := range p.ShareIDs {
		s, err := shares.get(ctx, tx.tx, tx.db, t.org, id)
		if errors.Is(err, problem.ErrNotFound) {
			continue // removed since the scan
		}
		if err != nil {
			return err
		}
		if s.AssetID != 0 {
			continue
		}
		s.AssetID = assetID
		if err := shares.update(ctx, tx, t.org, &s); err != nil {
			return err
		}
	}
	return nil
}

func (t Tenant) decidePlace(ctx context.Context, tx *Tx, p ScanPlace, status string, assetID int64, asset string) error {
	if _, err := tx.exec(ctx, "UPDATE scan_places SET status = ?, asset_id = ?, decided_at = ? WHERE org_id = ? AND id = ?",
		status, assetID, micros(t.db.Now()), t.org, p.ID); err != nil {
		return err
	}
	after := map[string]any{"place": p.SeenAs, "status": status}
	if asset != "" {
		after["asset"] = asset
	}
	return t.record(ctx, tx, audit.Event{Action: map[string]string{PlaceConfirmed: "scan.place_confirm", PlaceMerged: "scan.place_merge", PlaceDismissed: "scan.place_dismiss"}[status],
		Target: scanPlaceTarget(p.ID), Before: map[string]any{"place": p.SeenAs, "status": PlaceProposed}, After: after})
}

// ConfirmPlace records a proposed place as a new information asset named
// name, and ties the shares covering it to that asset.
func (t Tenant) ConfirmPlace(ctx context.Context, actor audit.Actor, placeID int64, name string) (inventory.Asset, error) {
	var a inventory.Asset
	err := t.change(ctx, actor, func(tx *Tx) error {
		p, err := t.placeForDecision(ctx, tx, placeID)
		if err != nil {
			return err
		}
		a = inventory.Asset{Name: strings.TrimSpace(name), RegisteredOn: t.db.Now().Format(time.DateOnly)}
		applyPlace(&a, p)
		if err := assets.check(&a); err != nil {
			return err
		}
		if err := assets.keyFree(ctx, tx, t.org, &a); err != nil {
			return err
		}
		if err := t.saveAsset(ctx, tx, &a); err != nil {
			return err
		}
		if err := t.linkShares(ctx, tx, p, a.ID); err != nil {
			return err
		}
		return t.decidePlace(ctx, tx, p, PlaceConfirmed, a.ID, a.Name)
	})
	return a, err
}

// MergePlace records a proposed place on an existing asset of the ledger.
func (t Tenant) MergePlace(ctx context.Context, actor audit.Actor, placeID, assetID int64) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		p, err := t.placeForDecision(ctx, tx, placeID)
		if err != nil {
			return err
		}
		a, err := assets.get(ctx, tx.tx, tx.db, t.org, assetID)
		if errors.Is(err, problem.ErrNotFound) {
			return problem.Field("asset_id", "scan.asset_unknown")
		}
		if err != nil {
			return err
		}
		if err := t.loadPlacesTx(ctx, tx, []*inventory.Asset{&a}); err != nil {
			return err
		}
		applyPlace(&a, p)
		if err := assets.keyFree(ctx, tx, t.org, &a); err != nil {
			return err
		}
		if err := t.saveAsset(ctx, tx, &a); err != nil {
			return err
		}
		if err := t.linkShares(ctx, tx, p, a.ID); err != nil {
			return err
		}
		return t.decidePlace(ctx, tx, p, PlaceMerged, a.ID, a.Name)
	})
}

// DismissPlace records that a proposed place is not to be kept in the
// ledger (test data, a place already gone).
func (t Tenant) DismissPlace(ctx context.Context, actor audit.Actor, placeID int64) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		p, err := t.placeForDecision(ctx, tx, placeID)
		if err != nil {
			return err
		}
		return t.decidePlace(ctx, tx, p, PlaceDismissed, 0, "")
	})
}

// ScanSchedule is a folder scanned again every so many days.
type ScanSchedule struct {
	ID        int64
	OrgID     int64
	Root      string
	EveryDays int
	NextAt    time.Time
}

// DefaultScanEvery is the re-scan interval when none is chosen: weekly.
const DefaultScanEvery = 7

// ScanSchedules lists the organisation's re-scans by folder.
func (t Tenant) ScanSchedules(ctx context.Context) ([]ScanSchedule, error) {
	return t.db.scanSchedules(ctx, "WHERE org_id = ? ORDER BY root", t.org)
}

func (db *DB) scanSchedules(ctx context.Context, where string, args ...any) ([]ScanSchedule, error) {
	rows, err := db.query(ctx, "SELECT id, org_id, root, every_days, next_at FROM scan_schedules "+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ScanSchedule
	for rows.Next() {
		var s ScanSchedule
		var next int64
		if err := rows.Scan(&s.ID, &s.OrgID, &s.Root, &s.EveryDays, &next); err != nil {
			return nil, err
		}
		s.NextAt = fromMicros(next)
		out = append(out, s)
	}
	return out, rows.Err()
}

// SaveScanSchedule scans root again every everyDays days (1–90), the first
// time that many days from now; a root already scheduled takes the new
// interval.
func (t Tenant) SaveScanSchedule(ctx context.Context, actor audit.Actor, root string, everyDays int) error {
	if everyDays < 1 || everyDays > 90 {
		return problem.Field("every_days", "scan.every_invalid")
	}
	next := micros(t.db.Now().Add(time.Duration(everyDays) * 24 * time.Hour))
	return t.change(ctx, actor, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO scan_schedules (org_id, root, every_days, next_at, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (org_id, root) DO UPDATE SET every_days = excluded.every_days, next_at = excluded.next_at`,
			t.org, root, everyDays, next, micros(t.db.Now())); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "scan.schedule", Target: fmt.Sprintf("org:%d", t.org), After: map[string]any{"root": root, "every_days": everyDays}})
	})
}

// DeleteScanSchedule stops the re-scans of one schedule.
func (t Tenant) DeleteScanSchedule(ctx context.Context, actor audit.Actor, id int64) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		var root string
		if err := tx.queryRow(ctx, "SELECT root FROM scan_schedules WHERE org_id = ? AND id = ?", t.org, id).Scan(&root); err != nil {
			return notFound(err)
		}
		if _, err := tx.exec(ctx, "DELETE FROM scan_schedules WHERE org_id = ? AND id = ?", t.org, id); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "scan.unschedule", Target: fmt.Sprintf("org:%d", t.org), Before: map[string]any{"root": root}})
	})
}

// DueScanSchedules lists the schedules of every organisation whose next
// run is due at now.
func (db *DB) DueScanSchedules(ctx context.Context, now time.Time) ([]ScanSchedule, error) {
	return db.scanSchedules(ctx, "WHERE next_at <= ? ORDER BY id", micros(now))
}

// QueueScheduledScan queues the re-scan of a due schedule and moves its
// next run on, in one transaction with the job enqueue inserts; a schedule
// no longer due (another server took it) queues nothing.
func (t Tenant) QueueScheduledScan(ctx context.Context, s ScanSchedule, seenAs string, enqueue func(context.Context, *sql.Tx, int64) error) (int64, error) {
	var id int64
	err := t.change(ctx, audit.System, func(tx *Tx) error {
		now := t.db.Now()
		res, err := tx.exec(ctx, "UPDATE scan_schedules SET next_at = ? WHERE org_id = ? AND id = ? AND next_at <= ?",
			micros(now.Add(time.Duration(s.EveryDays)*24*time.Hour)), t.org, s.ID, micros(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			tx.unchanged++
			return nil
		}
		id, err = tx.insert(ctx, "INSERT INTO scan_runs (org_id, source, root, seen_as, status, requested_by, schedule_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			t.org, string(scan.FromScheduled), s.Root, seenAs, ScanQueued, audit.System.Label, s.ID, micros(now))
		if err != nil {
			return err
		}
		if err := enqueue(ctx, tx.tx, id); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "scan.queue", Target: scanRunTarget(id), After: map[string]any{"source": string(scan.FromScheduled), "root": s.Root}})
	})
	return id, err
}
