package store_test

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/pii"
	"github.com/mamori-sec/mamori/internal/posture"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/scan"
	"github.com/mamori-sec/mamori/internal/store"
)

// scanFixture gives an organisation a service and two shares on the NAS:
// an anyone-with-link share of the 経理 folder, seen as people see it, and
// one of another folder.
func scanFixture(t *testing.T, db *store.DB, slug string) (store.Tenant, inventory.Share, inventory.Share) {
	t.Helper()
	ctx := context.Background()
	ten := db.Tenant(mustOrg(t, db, slug))
	svc := inventory.Service{Name: "NAS", Category: inventory.OnPrem, MFA: inventory.MFANone}
	if err := ten.SaveService(ctx, actor, &svc); err != nil {
		t.Fatal(err)
	}
	keiri := inventory.Share{ServiceID: svc.ID, Path: `\\NAS\share\経理`, Scope: inventory.AnyoneWithLink, Permission: inventory.ShareView}
	other := inventory.Share{ServiceID: svc.ID, Path: `\\NAS\share\営業資料`, Scope: inventory.AnyoneWithLink, Permission: inventory.ShareView}
	for _, s := range []*inventory.Share{&keiri, &other} {
		if err := ten.SaveShare(ctx, actor, s); err != nil {
			t.Fatal(err)
		}
	}
	return ten, keiri, other
}

var scanAt = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func payroll(people int, hash string) []scan.Entry {
	return []scan.Entry{
		{Path: "/mnt/nas/経理/給与/2026.xlsx", Size: 4000, ModTime: scanAt, Hash: hash, People: people,
			Counts: pii.Counts{pii.MyNumber: people, pii.BankAccount: people}, Samples: map[pii.Kind]string{pii.MyNumber: "**********18"}},
		{Path: "/mnt/nas/経理/readme.txt", Size: 10, ModTime: scanAt, Hash: "r", Counts: pii.Counts{}},
		{Path: "/mnt/nas/経理/old.xls", Size: 10, ModTime: scanAt, Hash: "o", Counts: pii.Counts{}, Error: scan.Legacy},
	}
}

// findingOn returns the open finding of check about the share, if any.
func findingOn(t *testing.T, ten store.Tenant, check string, share int64) (findings.Record, bool) {
	t.Helper()
	fs, _, err := ten.Findings(context.Background(), store.FindingQuery{CheckID: check, Subject: "share:" + strconv.FormatInt(share, 10), Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) == 0 {
		return findings.Record{}, false
	}
	return fs[0], true
}

// TestScanApplyRaisesShareFindings: a scan of the NAS through its mount
// finds My Numbers of about 120 people under 経理; confirming the place
// records an asset with the flags and the estimate, ties the covering share
// to it, and the share's finding rises from an anyone-with-link share
// (high) to sensitive data outside (critical), with the wording of what it
// holds. The other share stays as it was.
func TestScanApplyRaisesShareFindings(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		ten, keiri, other := scanFixture(t, db, "scanapply")
		if _, err := posture.Evaluate(ctx, ten, actor, c.now()); err != nil {
			t.Fatal(err)
		}
		if _, ok := findingOn(t, ten, "shares.anyone_link", keiri.ID); !ok {
			t.Fatal("before the scan: want the anyone-with-link finding on the 経理 share")
		}
		runID, err := ten.SaveScan(ctx, actor, 0, store.ScanRun{Source: scan.FromCLI, Root: "/mnt/nas", SeenAs: `\\NAS\share`}, payroll(120, "h1"))
		if err != nil {
			t.Fatal(err)
		}
		run, err := ten.ScanRun(ctx, runID)
		if err != nil || run.Status != store.ScanDone || run.Files != 3 || run.WithData != 1 || run.Unreadable != 1 || run.Totals[pii.MyNumber] != 120 {
			t.Fatalf("got run %+v %v", run, err)
		}
		places, err := ten.ScanPlaces(ctx, runID)
		if err != nil || len(places) != 1 {
			t.Fatalf("got places %+v %v, want one", places, err)
		}
		p := places[0]
		if p.SeenAs != `\\NAS\share\経理\給与` || p.People != 120 || !p.MyNumber() || p.Status != store.PlaceProposed {
			t.Fatalf("got place %+v", p)
		}
		if len(p.ShareIDs) != 1 || p.ShareIDs[0] != keiri.ID {
			t.Fatalf("got covering shares %v, want the 経理 share %d only", p.ShareIDs, keiri.ID)
		}
		// Nothing stored holds a value: only the masked sample.
		files, _ := ten.ScanFiles(ctx, runID)
		for _, f := range files {
			for _, s := range f.Samples {
				if !strings.Contains(s, "*") {
					t.Fatalf("sample %q is not masked", s)
				}
			}
		}
		a, err := ten.ConfirmPlace(ctx, actor, p.ID, "給与台帳")
		if err != nil {
			t.Fatal(err)
		}
		got, err := ten.Asset(ctx, a.ID)
		if err != nil || !got.MyNumber || !got.PersonalInfo || got.PeopleConcerned != 120 || got.Medium != `\\NAS\share\経理\給与` {
			t.Fatalf("got asset %+v %v", got, err)
		}
		sh, _ := ten.Share(ctx, keiri.ID)
		if sh.AssetID != a.ID {
			t.Fatalf("got the share's asset %d, want %d", sh.AssetID, a.ID)
		}
		if sh, _ := ten.Share(ctx, other.ID); sh.AssetID != 0 {
			t.Fatalf("the other share was tied to asset %d", sh.AssetID)
		}
		if _, err := posture.Evaluate(ctx, ten, actor, c.now()); err != nil {
			t.Fatal(err)
		}
		if _, ok := findingOn(t, ten, "shares.anyone_link", keiri.ID); ok {
			t.Fatal("after: the plain anyone-with-link finding is still open")
		}
		f, ok := findingOn(t, ten, "shares.special_external", keiri.ID)
		if !ok || f.Severity != findings.Critical {
			t.Fatalf("after: got %+v %v, want a critical special_external finding", f, ok)
		}
		cat, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		ja := f.Detail.Render(func(k string, a ...any) string { return cat.T(i18n.Japanese, k, a...) })
		if ja != "マイナンバーを含むファイル（約120人分）を置いた共有" {
			t.Fatalf("got detail %q", ja)
		}
		if _, ok := findingOn(t, ten, "shares.anyone_link", other.ID); !ok {
			t.Fatal("the other share lost its finding")
		}
		// The decision is audited, named in words.
		es, _ := ten.Audit(ctx, store.AuditFilter{Action: "scan.place_confirm"})
		if len(es) != 1 || !strings.Contains(es[0].After, "給与台帳") || !strings.Contains(es[0].After, `経理`) {
			t.Fatalf("got audit %+v", es)
		}
		// A decided place cannot be decided again.
		if err := ten.DismissPlace(ctx, actor, p.ID); problem.CodeOf(err) != problem.Conflict {
			t.Fatalf("dismissing a confirmed place: got %v, want a conflict", err)
		}
	})
}

// TestScanMergeDismissAndRescan: a place merged into an existing ledger
// row raises its flags and estimate; a dismissed place stays dismissed; a
// re-scan keeps both decisions and reports only what changed (by size,
// time, then content hash).
func TestScanMergeDismissAndRescan(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		ten, keiri, _ := scanFixture(t, db, "scanmerge")
		ledger := inventory.Asset{Name: "給与台帳", Medium: "NAS", PersonalInfo: true, PeopleConcerned: 50}
		if err := ten.SaveAsset(ctx, actor, &ledger); err != nil {
			t.Fatal(err)
		}
		first := append(payroll(120, "h1"), scan.Entry{Path: "/mnt/nas/テスト/dummy.csv", Size: 5, ModTime: scanAt, Hash: "d", People: 2,
			Counts: pii.Counts{pii.Email: 2}})
		run1, err := ten.SaveScan(ctx, actor, 0, store.ScanRun{Source: scan.FromCLI, Root: "/mnt/nas", SeenAs: `\\NAS\share`}, first)
		if err != nil {
			t.Fatal(err)
		}
		places, _ := ten.ScanPlaces(ctx, run1)
		if len(places) != 2 {
			t.Fatalf("got %d places, want 2", len(places))
		}
		dummy, pay := places[0], places[1]
		if err := ten.MergePlace(ctx, actor, pay.ID, ledger.ID); err != nil {
			t.Fatal(err)
		}
		if err := ten.DismissPlace(ctx, actor, dummy.ID); err != nil {
			t.Fatal(err)
		}
		a, _ := ten.Asset(ctx, ledger.ID)
		if !a.MyNumber || a.PeopleConcerned != 120 || a.Medium != `NAS、\\NAS\share\経理\給与` {
			t.Fatalf("got merged asset %+v", a)
		}
		if sh, _ := ten.Share(ctx, keiri.ID); sh.AssetID != ledger.ID {
			t.Fatalf("got share's asset %d, want the ledger row %d", sh.AssetID, ledger.ID)
		}
		for _, action := range []string{"scan.place_merge", "scan.place_dismiss", "scan.run", "asset.update"} {
			if es, _ := ten.Audit(ctx, store.AuditFilter{Action: action}); len(es) == 0 {
				t.Errorf("no audit entry %s", action)
			}
		}
		// Merging into another organisation's asset is refused.
		otherOrg, _, _ := scanFixture(t, db, "scanother")
		foreign := inventory.Asset{Name: "他社の台帳"}
		if err := otherOrg.SaveAsset(ctx, actor, &foreign); err != nil {
			t.Fatal(err)
		}
		run0, _ := otherOrg.SaveScan(ctx, actor, 0, store.ScanRun{Source: scan.FromCLI, Root: "/x"}, payroll(3, "z"))
		op, _ := otherOrg.ScanPlaces(ctx, run0)
		if err := otherOrg.MergePlace(ctx, actor, op[0].ID, ledger.ID); err == nil {
			t.Fatal("merged a place into another organisation's asset")
		}
		if _, err := ten.ScanPlace(ctx, op[0].ID); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("read another organisation's place: %v", err)
		}
		if _, err := ten.ScanRun(ctx, run0); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("read another organisation's run: %v", err)
		}

		// The re-scan: the payroll rewritten with the same size and time
		// (only the hash tells), grown to 130; the dummy gone; a new folder.
		second := append(payroll(130, "h2"), scan.Entry{Path: "/mnt/nas/人事/面談.docx", Size: 9, ModTime: scanAt, Hash: "m", People: 4,
			Counts: pii.Counts{pii.Phone: 4}, Sensitive: true})
		second[0].Size = 4000
		id, err := ten.QueueScan(ctx, audit.System, store.ScanRun{Source: scan.FromScheduled, Root: "/mnt/nas", SeenAs: `\\NAS\share`}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ten.SaveScan(ctx, audit.System, id, store.ScanRun{}, second); err != nil {
			t.Fatal(err)
		}
		run2, _ := ten.ScanRun(ctx, id)
		if run2.PreviousID != run1 || run2.Changes == nil {
			t.Fatalf("got run %+v, want it compared with run %d", run2, run1)
		}
		ch := *run2.Changes
		if ch.ChangedFiles != 1 || ch.NewFiles != 1 || ch.RemovedFiles != 1 ||
			strings.Join(ch.NewPlaces, ",") != "/mnt/nas/人事" || strings.Join(ch.GrownPlaces, ",") != "/mnt/nas/経理/給与" || strings.Join(ch.RemovedPlaces, ",") != "/mnt/nas/テスト" {
			t.Fatalf("got changes %+v", ch)
		}
		places2, _ := ten.ScanPlaces(ctx, id)
		status := map[string]string{}
		for _, p := range places2 {
			status[p.Folder] = p.Status
		}
		if status["/mnt/nas/経理/給与"] != store.PlaceMerged || status["/mnt/nas/人事"] != store.PlaceProposed {
			t.Fatalf("got statuses %v, want the merge kept and the new folder proposed", status)
		}
		// A queued run cannot be saved twice.
		if _, err := ten.SaveScan(ctx, audit.System, id, store.ScanRun{}, second); problem.CodeOf(err) != problem.Conflict {
			t.Fatalf("saving a finished run again: got %v", err)
		}
	})
}

// TestScanSchedules: a weekly schedule is due after seven days, queues one
// run (however many servers ask), and moves on a week.
func TestScanSchedules(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		ten := db.Tenant(mustOrg(t, db, "scansched"))
		if err := ten.SaveScanSchedule(ctx, actor, "/mnt/nas", 0); problem.CodeOf(err) != problem.Invalid {
			t.Fatalf("every 0 days: got %v", err)
		}
		if err := ten.SaveScanSchedule(ctx, actor, "/mnt/nas", store.DefaultScanEvery); err != nil {
			t.Fatal(err)
		}
		if due, _ := db.DueScanSchedules(ctx, c.now()); len(due) != 0 {
			t.Fatalf("due at once: %+v", due)
		}
		c.add(7*24*time.Hour + time.Minute)
		due, err := db.DueScanSchedules(ctx, c.now())
		if err != nil || len(due) != 1 {
			t.Fatalf("got due %+v %v", due, err)
		}
		enq := 0
		for range 2 { // two servers racing for the same schedule
			if _, err := ten.QueueScheduledScan(ctx, due[0], "", func(context.Context, *sql.Tx, int64) error { enq++; return nil }); err != nil {
				t.Fatal(err)
			}
		}
		if enq != 1 {
			t.Fatalf("queued %d runs, want 1", enq)
		}
		runs, _ := ten.ScanRuns(ctx, 10)
		if len(runs) != 1 || runs[0].Source != scan.FromScheduled || runs[0].Status != store.ScanQueued {
			t.Fatalf("got runs %+v", runs)
		}
		if due, _ := db.DueScanSchedules(ctx, c.now()); len(due) != 0 {
			t.Fatalf("still due after queueing: %+v", due)
		}
	})
}
