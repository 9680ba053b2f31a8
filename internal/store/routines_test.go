package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/routine"
	"github.com/mamori-sec/mamori/internal/store"
)

func routineByChore(t *testing.T, ten store.Tenant, chore string) store.Routine {
	t.Helper()
	rs, err := ten.Routines(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Chore.ID == chore {
			return r
		}
	}
	t.Fatalf("no routine %s among %d", chore, len(rs))
	return store.Routine{}
}

// TestRoutineSyncKeepsKeeperChanges: the routines follow the inventory —
// a chore that no longer applies is marked so and kept with its schedule
// and history, and comes back as the keeper left it; routines the keeper
// added stay whatever the inventory says.
func TestRoutineSyncKeepsKeeperChanges(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		ten := db.Tenant(mustOrg(t, db, "sync"))
		today := calendar.Of(c.now())
		res, err := ten.SyncRoutines(ctx, actor, today)
		if err != nil || res.Created != 3 {
			t.Fatalf("empty company: got %+v %v, want the 3 yearly chores every company has", res, err)
		}
		svc := inventory.Service{Name: "Google Workspace", Category: inventory.Cloud, MFA: inventory.MFAAvailable}
		if err := ten.SaveService(ctx, actor, &svc); err != nil {
			t.Fatal(err)
		}
		acc := inventory.Account{ServiceID: svc.ID, LoginID: "a@x.example", Kind: inventory.Personal, Privilege: inventory.Edit, MFA: inventory.MFAOn, Status: inventory.Active}
		if err := ten.SaveAccount(ctx, actor, &acc); err != nil {
			t.Fatal(err)
		}
		if res, err = ten.SyncRoutines(ctx, actor, today); err != nil || res.Created != 3 {
			t.Fatalf("after a cloud service with an account: got %+v %v, want sign-in review, account review, supplier review", res, err)
		}
		review := routineByChore(t, ten, "monthly.account_review")
		if review.Service != "Google Workspace" || review.Origin != routine.FromPlan {
			t.Fatalf("got %+v, want the plan's account review of Google Workspace", review)
		}
		// The keeper moves it to the 10th and escalates after 3 days.
		in := store.RoutineInput{Schedule: routine.Schedule{Cadence: routine.Monthly, Day: 10}, EscalateAfter: 3}
		if err := ten.UpdateRoutine(ctx, actor, review.ID, in, today); err != nil {
			t.Fatal(err)
		}
		next, _ := ten.Occurrences(ctx, store.OccurrenceQuery{RoutineID: review.ID, AnyAssignee: true, Waiting: true})
		if len(next) != 1 || next[0].On.String() != "2026-04-10" {
			t.Fatalf("got %+v, want one occurrence on 2026-04-10", next)
		}
		// The keeper adds a restore test the plan does not call for.
		if _, err := ten.AddRoutine(ctx, actor, store.RoutineInput{Chore: "quarterly.restore_test",
			Schedule: routine.Schedule{Cadence: routine.Quarterly, Day: 20, Month: time.March}, EscalateAfter: 7}, today); err != nil {
			t.Fatal(err)
		}
		if _, err := ten.AddRoutine(ctx, actor, store.RoutineInput{Chore: "quarterly.restore_test",
			Schedule: routine.Schedule{Cadence: routine.Quarterly, Day: 20, Month: time.March}}, today); problem.CodeOf(err) != problem.Invalid {
			t.Fatalf("adding it twice: got %v, want a refusal", err)
		}
		// The account is deleted: no accounts, no account review — kept, marked.
		acc.Status = inventory.Deleted
		if err := ten.SaveAccount(ctx, actor, &acc); err != nil {
			t.Fatal(err)
		}
		if res, err = ten.SyncRoutines(ctx, actor, today); err != nil || res.NotApplicable != 1 {
			t.Fatalf("after deleting the account: got %+v %v, want the account review marked not applicable", res, err)
		}
		if r := routineByChore(t, ten, "monthly.account_review"); r.Applicable || r.Schedule.Day != 10 {
			t.Fatalf("got %+v, want it kept, not applicable, on the 10th", r)
		}
		if r := routineByChore(t, ten, "quarterly.restore_test"); !r.Applicable || r.Origin != routine.FromKeeper {
			t.Fatalf("got %+v, want the keeper's routine kept", r)
		}
		due, _ := ten.DueOccurrences(ctx, 0, today.AddDays(30))
		for _, d := range due {
			if d.Chore.ID == "monthly.account_review" {
				t.Fatalf("got %+v due, want nothing due from a routine that does not apply", d)
			}
		}
		acc.Status = inventory.Active
		if err := ten.SaveAccount(ctx, actor, &acc); err != nil {
			t.Fatal(err)
		}
		if res, err = ten.SyncRoutines(ctx, actor, today); err != nil || res.Reapplied != 1 || res.Created != 0 {
			t.Fatalf("after the account returns: got %+v %v, want it reapplied, nothing created", res, err)
		}
		if r := routineByChore(t, ten, "monthly.account_review"); !r.Applicable || r.Schedule.Day != 10 || r.EscalateAfter != 3 {
			t.Fatalf("got %+v, want the keeper's schedule back", r)
		}
		// A quiet sync writes nothing.
		n0, _ := db.VerifyAudit(ctx)
		if res, err = ten.SyncRoutines(ctx, actor, today); err != nil || res != (store.RoutineSync{}) {
			t.Fatalf("quiet sync: got %+v %v, want nothing", res, err)
		}
		if n1, _ := db.VerifyAudit(ctx); n1 != n0 {
			t.Fatalf("got %d audit entries after a quiet sync, want %d", n1, n0)
		}
	})
}

// TestRoutineEscalationAndCompletion travels in time: an occurrence
// overdue by its routine's limit is escalated once, a completion needs
// evidence the chore takes, keeps a file's SHA-256 and is done once.
func TestRoutineEscalationAndCompletion(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		orgID := mustOrg(t, db, "esc")
		ten := db.Tenant(orgID)
		other := db.Tenant(mustOrg(t, db, "other"))
		svc := inventory.Service{Name: "Box", Category: inventory.Cloud, MFA: inventory.MFAAvailable}
		if err := ten.SaveService(ctx, actor, &svc); err != nil {
			t.Fatal(err)
		}
		if _, err := ten.SyncRoutines(ctx, actor, calendar.Of(c.now())); err != nil { // Wednesday 1 April 2026
			t.Fatal(err)
		}
		signin := routineByChore(t, ten, "weekly.signin_review")
		first, _ := ten.Occurrences(ctx, store.OccurrenceQuery{RoutineID: signin.ID, AnyAssignee: true})
		if len(first) != 1 || first[0].On.String() != "2026-04-06" {
			t.Fatalf("got %+v, want the next Monday, 2026-04-06", first)
		}
		c.add(11 * 24 * time.Hour) // Sunday 12 April: 6 days overdue
		if res, _ := ten.SyncRoutines(ctx, actor, calendar.Of(c.now())); res.Escalated != 0 {
			t.Fatalf("6 days overdue: got %+v, want nothing escalated", res)
		}
		c.add(24 * time.Hour) // Monday 13 April: 7 days
		res, err := ten.SyncRoutines(ctx, actor, calendar.Of(c.now()))
		if err != nil || res.Escalated != 1 {
			t.Fatalf("7 days overdue: got %+v %v, want one escalated", res, err)
		}
		if res, _ = ten.SyncRoutines(ctx, actor, calendar.Of(c.now())); res.Escalated != 0 {
			t.Fatalf("again: got %+v, want it escalated once", res)
		}
		f, _ := ten.RoutineFigures(ctx, calendar.Of(c.now()))
		if f.Overdue != 1 || f.Escalated != 1 {
			t.Fatalf("got %+v, want one overdue, one escalated", f)
		}
		if orgs, _ := db.OrgsWithDue(ctx, calendar.Of(c.now())); !slices.Contains(orgs, orgID) || len(orgs) != 1 {
			t.Fatalf("got %v, want only org %d with something due", orgs, orgID)
		}
		occ := first[0].ID
		if err := other.CompleteOccurrence(ctx, actor, occ, routine.Completion{Note: "見ました"}, nil); problem.CodeOf(err) != problem.NotFound {
			t.Fatalf("another organisation completing it: got %v, want not found", err)
		}
		for _, bad := range []routine.Completion{{}, {Note: "  "}, {Note: "x", ImportID: 1}, {Note: "x", Shares: map[int64]routine.ShareMark{1: routine.Kept}}} {
			if err := ten.CompleteOccurrence(ctx, actor, occ, bad, nil); problem.CodeOf(err) != problem.Invalid {
				t.Fatalf("completion %+v: got %v, want a refusal", bad, err)
			}
		}
		body := []byte("sign-in log, reviewed\n")
		sum := sha256.Sum256(body)
		file := &store.EvidenceFile{Name: "log.txt", MIME: "text/plain; charset=utf-8", Size: int64(len(body)), SHA256: hex.EncodeToString(sum[:]), Data: body}
		if err := ten.CompleteOccurrence(ctx, actor, occ, routine.Completion{Note: "海外からのサインインはありませんでした"}, file); err != nil {
			t.Fatal(err)
		}
		if err := ten.CompleteOccurrence(ctx, actor, occ, routine.Completion{Note: "again"}, nil); problem.CodeOf(err) != problem.Conflict {
			t.Fatalf("completing twice: got %v, want a conflict", err)
		}
		ev, _ := ten.OccurrenceEvidence(ctx, occ)
		var fileID int64
		for _, e := range ev {
			if e.Kind == routine.EvidenceFile {
				fileID = e.ID
			}
		}
		e, data, err := ten.EvidenceFileData(ctx, fileID)
		if err != nil || e.SHA256 != hex.EncodeToString(sum[:]) || string(data) != string(body) {
			t.Fatalf("got %+v %q %v, want the file with its SHA-256", e, data, err)
		}
		if _, _, err := other.EvidenceFileData(ctx, fileID); problem.CodeOf(err) != problem.NotFound {
			t.Fatalf("another organisation reading the file: got %v, want not found", err)
		}
		if f, _ = ten.RoutineFigures(ctx, calendar.Of(c.now())); f.Overdue != 0 || f.LastDone.IsZero() {
			t.Fatalf("got %+v, want nothing overdue and a last completion", f)
		}
		done, _ := ten.Occurrence(ctx, occ)
		if !done.Done() || done.Note != "海外からのサインインはありませんでした" || done.Evidence != 2 {
			t.Fatalf("got %+v, want done with the note and two pieces of evidence", done)
		}
		entries, _ := ten.Audit(ctx, store.AuditFilter{Action: "routine.complete"})
		if len(entries) != 1 {
			t.Fatalf("got %d completion entries, want 1", len(entries))
		}
	})
}

// TestShareReviewMarks: a share review is completed by marking each open
// share kept or closed; the marks are its evidence, and a share of another
// organisation is refused with nothing stored.
func TestShareReviewMarks(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		ten := db.Tenant(mustOrg(t, db, "shares"))
		other := db.Tenant(mustOrg(t, db, "elsewhere"))
		var shares []int64
		for _, tn := range []store.Tenant{ten, other} {
			svc := inventory.Service{Name: "Box", Category: inventory.Cloud, MFA: inventory.MFAAvailable}
			if err := tn.SaveService(ctx, actor, &svc); err != nil {
				t.Fatal(err)
			}
			sh := inventory.Share{ServiceID: svc.ID, Path: "/営業/見積", Scope: inventory.AnyoneWithLink, Permission: inventory.ShareView}
			if err := tn.SaveShare(ctx, actor, &sh); err != nil {
				t.Fatal(err)
			}
			shares = append(shares, sh.ID)
		}
		if _, err := ten.SyncRoutines(ctx, actor, calendar.Of(c.now())); err != nil {
			t.Fatal(err)
		}
		review := routineByChore(t, ten, "monthly.share_review")
		occ, _ := ten.Occurrences(ctx, store.OccurrenceQuery{RoutineID: review.ID, AnyAssignee: true})
		id := occ[0].ID
		err := ten.CompleteOccurrence(ctx, actor, id, routine.Completion{Shares: map[int64]routine.ShareMark{shares[1]: routine.Closed}}, nil)
		if problem.CodeOf(err) != problem.Invalid {
			t.Fatalf("marking another organisation's share: got %v, want a refusal", err)
		}
		if ev, _ := ten.OccurrenceEvidence(ctx, id); len(ev) != 0 {
			t.Fatalf("after the refusal: got %d pieces of evidence, want none", len(ev))
		}
		if err := ten.CompleteOccurrence(ctx, actor, id, routine.Completion{Shares: map[int64]routine.ShareMark{shares[0]: routine.Closed}}, nil); err != nil {
			t.Fatal(err)
		}
		ev, _ := ten.OccurrenceEvidence(ctx, id)
		want := "share:" + strconv.FormatInt(shares[0], 10) + ":closed"
		if len(ev) != 1 || ev[0].Kind != routine.EvidenceShares || ev[0].Linked != want {
			t.Fatalf("got %+v, want one mark %s", ev, want)
		}
	})
}
