package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// longChain builds a chain of 1,201 entries in 13 transactions: the first
// (the organisation) gets the first checkpoint, the one that moves the head
// past 1,000 (to 1,001) the second.
func longChain(t *testing.T, db *store.DB, c *clock) int64 {
	t.Helper()
	ctx := context.Background()
	o := mustOrg(t, db, "long")
	for b := range 12 {
		c.add(time.Minute)
		people := make([]inventory.Person, 100)
		for i := range people {
			people[i] = inventory.Person{Name: fmt.Sprintf("社員%d-%d", b, i), EmploymentType: inventory.FullTime}
		}
		if err := db.Tenant(o).AddPeople(ctx, actor, people); err != nil {
			t.Fatal(err)
		}
	}
	return o
}

func checkpointSeqs(t *testing.T, db *store.DB) []int64 {
	t.Helper()
	cps, err := db.AuditCheckpoints(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var seqs []int64
	for _, c := range cps {
		if !storetest.AuditKey.Genuine(c) {
			t.Fatalf("checkpoint %d is not signed with the store's key", c.Seq)
		}
		seqs = append(seqs, c.Seq)
	}
	return seqs
}

// dropGuards removes the append-only triggers, as an attacker with write
// access to the database can.
func dropGuards(t *testing.T, db *store.DB) {
	t.Helper()
	drops := []string{"DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete",
		"DROP TRIGGER audit_checkpoint_no_update", "DROP TRIGGER audit_checkpoint_no_delete"}
	if db.Engine() == store.Postgres {
		drops = []string{"DROP TRIGGER audit_log_no_change ON audit_log", "DROP TRIGGER audit_checkpoint_no_change ON audit_checkpoint"}
	}
	for _, q := range drops {
		if err := rawExec(db, q); err != nil {
			t.Fatal(err)
		}
	}
}

func brokenAt(t *testing.T, err error, reason string, seq int64) *audit.BrokenLink {
	t.Helper()
	var bl *audit.BrokenLink
	if !errors.As(err, &bl) || bl.Reason != reason || bl.Seq != seq {
		t.Fatalf("got %v (%+v), want the chain broken at entry %d (%s)", err, bl, seq, reason)
	}
	return bl
}

func TestAuditCheckpointsRecorded(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		o := longChain(t, db, c)
		if got, want := checkpointSeqs(t, db), []int64{1, 1001}; !slices.Equal(got, want) {
			t.Fatalf("got checkpoints at %v, want %v (the first append, then every 1,000 entries)", got, want)
		}
		if n, err := db.VerifyAudit(ctx); err != nil || n != 1201 {
			t.Fatalf("got %d, %v, want 1201 entries intact", n, err)
		}
		// A day without a checkpoint: the next append records one.
		c.add(25 * time.Hour)
		if err := db.Tenant(o).AddPeople(ctx, actor, []inventory.Person{{Name: "翌日", EmploymentType: inventory.FullTime}}); err != nil {
			t.Fatal(err)
		}
		if got := checkpointSeqs(t, db); got[len(got)-1] != 1202 {
			t.Fatalf("got checkpoints at %v, want one at 1202 after a day", got)
		}
		// On demand (backup, start, stop): once per head.
		if a, err := db.Checkpoint(ctx, "backup"); err != nil || a.Seq != 1202 {
			t.Fatalf("got %+v, %v, want the head 1202", a, err)
		}
		if got := checkpointSeqs(t, db); len(got) != 3 {
			t.Fatalf("got checkpoints at %v, want no second row for the same head", got)
		}
		a, err := db.AuditAnchor(ctx)
		if err != nil || a.Seq != 1202 || !storetest.AuditKey.Genuine(a) {
			t.Fatalf("got anchor %+v, %v, want the signed head 1202", a, err)
		}
		if n, err := db.VerifyAudit(ctx, a); err != nil || n != 1202 {
			t.Fatalf("verify against the anchor: got %d, %v", n, err)
		}
	})
}

// TestAuditTruncationDetected removes the newest entries as someone with
// write access to the database would. Below the newest checkpoint the
// checkpoint catches it; after it, only an anchor kept outside does.
func TestAuditTruncationDetected(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		longChain(t, db, c)
		anchor, err := db.AuditAnchor(ctx)
		if err != nil || anchor.Seq != 1201 {
			t.Fatalf("anchor: got %+v, %v", anchor, err)
		}
		dropGuards(t, db)
		// Truncated after the newest checkpoint (1,001): the chain and its
		// checkpoints still agree; the kept anchor names what is missing.
		if err := rawExec(db, "DELETE FROM audit_log WHERE seq > 1100"); err != nil {
			t.Fatal(err)
		}
		if n, err := db.VerifyAudit(ctx); err != nil || n != 1100 {
			t.Fatalf("got %d, %v: truncation after the newest checkpoint is for the anchor to find", n, err)
		}
		bl := brokenAt(t, mustFail(db.VerifyAudit(ctx, anchor)), "anchor_truncated", 1101)
		if bl.Want != 1201 {
			t.Fatalf("got the anchor naming %d, want 1201", bl.Want)
		}
		// Truncated below it: the checkpoint names an entry that is gone.
		if err := rawExec(db, "DELETE FROM audit_log WHERE seq > 900"); err != nil {
			t.Fatal(err)
		}
		bl = brokenAt(t, mustFail(db.VerifyAudit(ctx)), "truncated", 901)
		if bl.Want != 1001 {
			t.Fatalf("got the checkpoint naming %d, want 1001", bl.Want)
		}
	})
}

func mustFail(_ int64, err error) error { return err }

// TestAuditRewriteDetected changes an entry in the middle and recomputes
// every later hash: a chain that verifies link by link, which the next
// checkpoint refuses.
func TestAuditRewriteDetected(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		longChain(t, db, c)
		anchor, err := db.AuditAnchor(ctx)
		if err != nil {
			t.Fatal(err)
		}
		dropGuards(t, db)
		entries, err := store.AuditEntries(db)
		if err != nil {
			t.Fatal(err)
		}
		prev := entries[498].Hash
		v := audit.NewVerifier()
		for _, e := range entries {
			if e.Seq >= 500 {
				if e.Seq == 500 {
					e.After = `{"name":"改竄"}`
				}
				e.PrevHash = prev
				e.Hash = e.ComputeHash()
				if err := store.RawExecArgs(db, "UPDATE audit_log SET after_json = ?, prev_hash = ?, hash = ? WHERE seq = ?", e.After, e.PrevHash, e.Hash, e.Seq); err != nil {
					t.Fatal(err)
				}
				prev = e.Hash
			}
			if err := v.Next(e); err != nil {
				t.Fatalf("the rewritten chain should verify link by link: %v", err)
			}
		}
		bl := brokenAt(t, mustFail(db.VerifyAudit(ctx)), "checkpoint", 1001)
		if bl.Since != 1 {
			t.Fatalf("got the rewrite placed after entry %d, want after 1 (the previous checkpoint)", bl.Since)
		}
		// Deleting the checkpoints that would tell leaves the kept anchor.
		if err := rawExec(db, "DELETE FROM audit_checkpoint WHERE seq >= 500"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.VerifyAudit(ctx); err != nil {
			t.Fatalf("got %v: with the checkpoints deleted, only the anchor can tell", err)
		}
		brokenAt(t, mustFail(db.VerifyAudit(ctx, anchor)), "anchor", 1201)
	})
}

// TestAuditForgedCheckpointRefused adds checkpoints signed with another
// key, as an attacker without the secret key would have to.
func TestAuditForgedCheckpointRefused(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		o := mustOrg(t, db, "forge")
		for i := range 3 {
			if err := db.Tenant(o).AddPeople(ctx, actor, []inventory.Person{{Name: fmt.Sprintf("人%d", i), EmploymentType: inventory.FullTime}}); err != nil {
				t.Fatal(err)
			}
		}
		entries, err := store.AuditEntries(db)
		if err != nil {
			t.Fatal(err)
		}
		head := entries[len(entries)-1]
		// Appending is allowed, so the forgery needs no dropped trigger.
		wrong := audit.DeriveKey([]byte("not the install's secret key....."))
		f := wrong.Sign(head.Seq, head.Hash, c.now())
		if err := store.RawExecArgs(db, "INSERT INTO audit_checkpoint (seq, entry_hash, at, reason, mac) VALUES (?, ?, ?, 'periodic', ?)", f.Seq, f.Hash, f.At.UnixMicro(), f.MAC); err != nil {
			t.Fatal(err)
		}
		brokenAt(t, mustFail(db.VerifyAudit(ctx)), "forged", head.Seq)
		// An anchor made with another key is refused the same way.
		fresh := storetest.Open(t, db.Engine(), c.now)
		mustOrg(t, fresh, "fresh")
		genuine, err := fresh.AuditAnchor(ctx)
		if err != nil {
			t.Fatal(err)
		}
		forged := wrong.Sign(genuine.Seq, genuine.Hash, genuine.At)
		brokenAt(t, mustFail(fresh.VerifyAudit(ctx, forged)), "anchor_forged", genuine.Seq)
		// Checked with another key, every checkpoint is suspect; with none,
		// the check cannot be made and says so.
		fresh.SetAuditKey(wrong)
		brokenAt(t, mustFail(fresh.VerifyAudit(ctx)), "forged", 1)
		fresh.SetAuditKey(audit.Key{})
		if _, err := fresh.VerifyAudit(ctx); !errors.Is(err, store.ErrNoAuditKey) {
			t.Fatalf("got %v, want the missing key named", err)
		}
	})
}

func TestAuditCheckpointsAppendOnly(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, _ *clock) {
		mustOrg(t, db, "guard")
		for _, q := range []string{"UPDATE audit_checkpoint SET entry_hash = 'x'", "DELETE FROM audit_checkpoint"} {
			if err := rawExec(db, q); err == nil {
				t.Fatalf("got %q accepted, want the trigger to refuse it", q)
			}
		}
		if db.Engine() == store.Postgres {
			for _, q := range []string{"TRUNCATE audit_checkpoint", "TRUNCATE audit_log"} {
				if err := rawExec(db, q); err == nil {
					t.Fatalf("got %q accepted, want the trigger to refuse it", q)
				}
			}
		}
	})
}
