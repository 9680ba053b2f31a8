package backup_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/backup"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

var actor = audit.Actor{Label: "test"}

// source is a SQLite store with a chain of 10 entries and a backup of it,
// which recorded a checkpoint of entry 10.
func source(t *testing.T) (*store.DB, string) {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite, nil)
	o, err := db.CreateOrg(ctx, actor, org.Org{Slug: "kaisha", Name: "株式会社かいしゃ"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 9 {
		if err := db.Tenant(o).AddPeople(ctx, actor, []inventory.Person{{Name: fmt.Sprintf("社員%d", i), EmploymentType: inventory.FullTime}}); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "b.db")
	rep, err := backup.Take(ctx, db, path)
	if err != nil {
		t.Fatal(err)
	}
	if rep.AuditEntries != 10 || rep.Anchor.Seq != 10 || !storetest.AuditKey.Genuine(rep.Anchor) {
		t.Fatalf("got %+v, want 10 entries and a signed anchor of entry 10", rep)
	}
	cps, err := db.AuditCheckpoints(ctx)
	if err != nil || len(cps) == 0 || cps[len(cps)-1].Seq != 10 {
		t.Fatalf("got checkpoints %+v, %v, want one of entry 10 recorded by the backup", cps, err)
	}
	return db, path
}

// tampered copies the backup and changes the copy as someone with the file
// would: the append-only triggers dropped first.
func tampered(t *testing.T, src string, change func(db *sql.DB) error) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "tampered.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{"DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if err := change(db); err != nil {
		t.Fatal(err)
	}
	return path
}

// rewrite changes entry from and recomputes every later hash.
func rewrite(db *sql.DB, from int64) error {
	rows, err := db.Query("SELECT seq, at, org_id, actor_id, actor, ip, action, target, before_json, after_json, prev_hash, hash FROM audit_log ORDER BY seq")
	if err != nil {
		return err
	}
	var all []audit.Entry
	for rows.Next() {
		var e audit.Entry
		var at int64
		if err := rows.Scan(&e.Seq, &at, &e.OrgID, &e.ActorID, &e.Actor, &e.IP, &e.Action, &e.Target, &e.Before, &e.After, &e.PrevHash, &e.Hash); err != nil {
			rows.Close()
			return err
		}
		e.At = time.UnixMicro(at).UTC()
		all = append(all, e)
	}
	rows.Close()
	prev := all[from-2].Hash
	for _, e := range all[from-1:] {
		if e.Seq == from {
			e.After = `{"name":"改竄"}`
		}
		e.PrevHash = prev
		e.Hash = e.ComputeHash()
		if _, err := db.Exec("UPDATE audit_log SET after_json = ?, prev_hash = ?, hash = ? WHERE seq = ?", e.After, e.PrevHash, e.Hash, e.Seq); err != nil {
			return err
		}
		prev = e.Hash
	}
	return nil
}

func wantBroken(t *testing.T, err error, reason string, seq int64) {
	t.Helper()
	var bl *audit.BrokenLink
	if !errors.As(err, &bl) || bl.Reason != reason || bl.Seq != seq {
		t.Fatalf("got %v, want the backup refused at entry %d (%s)", err, seq, reason)
	}
}

func TestVerifyRefusesTruncatedOrRewrittenBackup(t *testing.T) {
	ctx := context.Background()
	db, good := source(t)
	latest := db.LatestSchema()
	key := storetest.AuditKey
	if _, err := backup.Verify(ctx, good, latest, key); err != nil {
		t.Fatalf("the untouched backup: %v", err)
	}
	truncated := tampered(t, good, func(db *sql.DB) error {
		_, err := db.Exec("DELETE FROM audit_log WHERE seq > 6")
		return err
	})
	_, err := backup.Verify(ctx, truncated, latest, key)
	wantBroken(t, err, "truncated", 7)

	rewritten := tampered(t, good, func(db *sql.DB) error { return rewrite(db, 5) })
	_, err = backup.Verify(ctx, rewritten, latest, key)
	wantBroken(t, err, "checkpoint", 10)

	// Checked with another install's key, its checkpoints are not genuine.
	_, err = backup.Verify(ctx, good, latest, audit.DeriveKey([]byte("another install's secret key....")))
	wantBroken(t, err, "forged", 1)

	// An anchor kept after the backup names entries the backup lacks.
	if err := db.Tenant(1).AddPeople(ctx, actor, []inventory.Person{{Name: "後から", EmploymentType: inventory.FullTime}}); err != nil {
		t.Fatal(err)
	}
	later, err := db.AuditAnchor(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = backup.Verify(ctx, good, latest, key, later)
	wantBroken(t, err, "anchor_truncated", 11)
}

func TestRestoreRefusesTamperedBackup(t *testing.T) {
	ctx := context.Background()
	db, good := source(t)
	latest := db.LatestSchema()
	key := storetest.AuditKey
	dir := t.TempDir()
	target := filepath.Join(dir, "mamori.db")
	if err := os.WriteFile(target, []byte("the current database"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		change func(*sql.DB) error
		reason string
		seq    int64
	}{
		{"truncated", func(db *sql.DB) error { _, err := db.Exec("DELETE FROM audit_log WHERE seq > 3"); return err }, "truncated", 4},
		{"rewritten", func(db *sql.DB) error { return rewrite(db, 2) }, "checkpoint", 10},
	} {
		bad := tampered(t, good, tt.change)
		_, kept, err := backup.Restore(ctx, bad, target, latest, time.Now(), key)
		wantBroken(t, err, tt.reason, tt.seq)
		if b, _ := os.ReadFile(target); !bytes.Equal(b, []byte("the current database")) || kept != "" {
			t.Fatalf("%s: a refused restore touched the database (kept %q)", tt.name, kept)
		}
	}
	anchor, err := db.AuditAnchor(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rep, kept, err := backup.Restore(ctx, good, target, latest, time.Now(), key, anchor)
	if err != nil || kept == "" || rep.AuditEntries != 10 {
		t.Fatalf("restore of the good backup against its anchor: got %+v, %q, %v", rep, kept, err)
	}
}
