package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/audit"
)

// attack opens the SQLite file as someone with write access to it would,
// drops the append-only triggers and runs qs.
func attack(t *testing.T, file string, qs ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	drops := []string{"DROP TRIGGER IF EXISTS audit_log_no_update", "DROP TRIGGER IF EXISTS audit_log_no_delete",
		"DROP TRIGGER IF EXISTS audit_checkpoint_no_update", "DROP TRIGGER IF EXISTS audit_checkpoint_no_delete"}
	for _, q := range append(drops, qs...) {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func headSeq(t *testing.T, file string) int64 {
	t.Helper()
	db, err := sql.Open("sqlite", file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int64
	if err := db.QueryRow("SELECT MAX(seq) FROM audit_log").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func readAnchorFile(t *testing.T, path string) audit.Checkpoint {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a, err := audit.ParseAnchor(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return a
}

// TestAuditVerifyAnchorFindsTruncation removes the newest entries and the
// newest checkpoint, as someone with write access to the database can: the
// database alone still verifies; the anchor the owner kept does not.
func TestAuditVerifyAnchorFindsTruncation(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "mamori.db")
	env := envOf("LANG", "ja_JP.UTF-8", "MAMORI_DATA", dir)
	runCmd(t, env, "migrate")
	for _, slug := range []string{"kaisha", "other", "third", "fourth", "fifth"} {
		if _, line, code := runCmd(t, env, "org", "add", "--slug", slug, "--name", slug+"株式会社"); code != 0 {
			t.Fatal(line)
		}
	}
	// The backup creates the key and writes the anchor beside the data.
	if _, line, code := runCmd(t, env, "backup", "--out", filepath.Join(t.TempDir(), "b.db")); code != 0 {
		t.Fatal(line)
	}
	if a := readAnchorFile(t, filepath.Join(dir, "audit-anchor.txt")); a.Seq != 5 {
		t.Fatalf("got the data directory's anchor at %d, want 5", a.Seq)
	}
	for _, slug := range []string{"sixth", "seventh", "eighth"} {
		runCmd(t, env, "org", "add", "--slug", slug, "--name", slug)
	}
	kept := filepath.Join(t.TempDir(), "kept.txt")
	out, line, code := runCmd(t, env, "audit", "anchor", "--out", kept)
	if code != 0 || !strings.HasPrefix(out, "mamori-audit-anchor/v1 seq=8 ") {
		t.Fatalf("audit anchor: got %d %q %q", code, out, line)
	}
	if a := readAnchorFile(t, kept); a.Seq != 8 {
		t.Fatalf("got the kept anchor at %d, want 8", a.Seq)
	}
	if out, line, code := runCmd(t, env, "audit", "verify", "--anchor", kept); code != 0 || !strings.Contains(out, "第8件まで") {
		t.Fatalf("verify against the kept anchor: got %d %q %q", code, out, line)
	}

	attack(t, file, "DELETE FROM audit_log WHERE seq > 6", "DELETE FROM audit_checkpoint WHERE seq > 6")
	if out, line, code := runCmd(t, env, "audit", "verify"); code != 0 {
		t.Fatalf("got %d %q %q: with the newest checkpoint deleted too, only the kept anchor can tell", code, out, line)
	}
	_, line, code = runCmd(t, env, "audit", "verify", "--anchor", kept)
	if code != 1 || !strings.Contains(line, "記録 7 で壊れています") || !strings.Contains(line, "第7件以降の記録が削除されています") || !strings.Contains(line, "第8件までの記録があった") {
		t.Fatalf("got exit %d %q, want the missing entry 7 named", code, line)
	}
	// The same anchor on standard input, and the message in English.
	b, _ := os.ReadFile(kept)
	var stdout, stderr, msg bytes.Buffer
	enEnv := envOf("LANG", "C", "MAMORI_DATA", dir)
	err := runIO(context.Background(), []string{"audit", "verify", "--anchor", "-"}, enEnv, bytes.NewReader(b), &stdout, &stderr)
	if exitCode(err, enEnv, &msg) != 1 || !strings.Contains(msg.String(), "broken at entry 7") || !strings.Contains(msg.String(), "entries from no. 7 on were removed") {
		t.Fatalf("anchor on stdin: got %v %q", err, msg.String())
	}
	// An anchor not signed with this install's key, and text that is none.
	forged := strings.Replace(string(b), "hmac=", "hmac=0", 1)
	forged = forged[:strings.LastIndex(forged, "hmac=")+5] + strings.Repeat("0", 64) + "\n"
	os.WriteFile(kept, []byte(forged), 0o600)
	if _, line, code := runCmd(t, env, "audit", "verify", "--anchor", kept); code != 1 || !strings.Contains(line, "別のインストールの控え") {
		t.Fatalf("forged anchor: got %d %q", code, line)
	}
	os.WriteFile(kept, []byte("seq=8 hash=abc\n"), 0o600)
	if _, line, code := runCmd(t, env, "audit", "verify", "--anchor", kept); code != 1 || !strings.Contains(line, "控え（mamori-audit-anchor/v1") {
		t.Fatalf("not an anchor: got %d %q", code, line)
	}
	// Below a checkpoint still in the database, no anchor is needed.
	attack(t, file, "DELETE FROM audit_log WHERE seq > 3")
	if _, line, code := runCmd(t, env, "audit", "verify"); code != 1 || !strings.Contains(line, "第4件以降の記録が削除されています") {
		t.Fatalf("truncated below a checkpoint: got %d %q", code, line)
	}
}

// TestRestoreRefusesTruncatedBackup restores a backup whose newest entries
// were removed, and one that lacks what a kept anchor names.
func TestRestoreRefusesTruncatedBackup(t *testing.T) {
	dir := t.TempDir()
	env := envOf("LANG", "ja_JP.UTF-8", "MAMORI_DATA", dir)
	runCmd(t, env, "migrate")
	for _, slug := range []string{"kaisha", "other", "third", "fourth"} {
		runCmd(t, env, "org", "add", "--slug", slug, "--name", slug)
	}
	good := filepath.Join(t.TempDir(), "good.db")
	if _, line, code := runCmd(t, env, "backup", "--out", good); code != 0 {
		t.Fatal(line)
	}
	runCmd(t, env, "org", "add", "--slug", "after-backup", "--name", "バックアップ後")
	kept := filepath.Join(t.TempDir(), "kept.txt")
	if _, line, code := runCmd(t, env, "audit", "anchor", "--out", kept); code != 0 {
		t.Fatal(line)
	}
	b, _ := os.ReadFile(good)
	bad := filepath.Join(t.TempDir(), "bad.db")
	os.WriteFile(bad, b, 0o600)
	attack(t, bad, "DELETE FROM audit_log WHERE seq > 2")
	if _, line, code := runCmd(t, env, "restore", bad); code != 1 || !strings.Contains(line, "第3件以降の記録が削除されています") || !strings.Contains(line, "第4件までの記録があった") {
		t.Fatalf("truncated backup: got %d %q, want refusal naming entry 3", code, line)
	}
	if _, line, code := runCmd(t, env, "restore", "--anchor", kept, good); code != 1 || !strings.Contains(line, "記録 5 で壊れています") {
		t.Fatalf("backup older than the kept anchor: got %d %q, want refusal naming entry 5", code, line)
	}
	if out, _, _ := runCmd(t, env, "org", "list"); !strings.Contains(out, "after-backup") {
		t.Fatal("a refused restore changed the database")
	}
	out, line, code := runCmd(t, env, "restore", good)
	if code != 0 || !strings.Contains(out, "第4件まで") {
		t.Fatalf("restore: got %d %q %q", code, out, line)
	}
	// The anchor beside the data now names the restored head, so the
	// restored database verifies.
	if a := readAnchorFile(t, filepath.Join(dir, "audit-anchor.txt")); a.Seq != 4 {
		t.Fatalf("got the data directory's anchor at %d after the restore, want 4", a.Seq)
	}
	if _, line, code := runCmd(t, env, "audit", "verify"); code != 0 {
		t.Fatalf("verify after restore: %s", line)
	}
}

// TestServeWritesAnchorAtStartAndStop checks the anchor file a SQLite data
// directory keeps: written at start, rewritten at shutdown.
func TestServeWritesAnchorAtStartAndStop(t *testing.T) {
	dir := t.TempDir()
	env := envOf("LANG", "C", "MAMORI_DATA", dir)
	_, _, stop := startServer(t, env, "serve", "--addr", "127.0.0.1:0")
	path := filepath.Join(dir, "audit-anchor.txt")
	started := readAnchorFile(t, path)
	if started.Seq != 1 {
		t.Fatalf("got the anchor at start naming entry %d, want 1 (the setup link)", started.Seq)
	}
	// A command changes the data while the server runs.
	if _, line, code := runCmd(t, env, "org", "add", "--slug", "kaisha", "--name", "かいしゃ"); code != 0 {
		t.Fatal(line)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if a := readAnchorFile(t, path); a.Seq != headSeq(t, filepath.Join(dir, "mamori.db")) || a.Seq != 2 {
		t.Fatalf("got the anchor at shutdown naming entry %d, want the head 2", a.Seq)
	}
	out, line, code := runCmd(t, env, "audit", "verify")
	if code != 0 || !strings.Contains(out, "audit-anchor.txt") || !strings.Contains(out, strconv.Itoa(2)) {
		t.Fatalf("verify: got %d %q %q", code, out, line)
	}
}
