package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/incident"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
)

// TestIncidentExportDir: `mamori incident export --org --id --dir` writes
// the JSON and the evidence files beside it; `mamori incident verify DIR`
// passes it, names the evidence file edited on disk, refuses an edited
// entry, and a second export into the same directory is refused.
func TestIncidentExportDir(t *testing.T) {
	dir := t.TempDir()
	if _, line, code := runCmd(t, envOf("LANG", "C", "MAMORI_DATA", dir), "migrate"); code != 0 {
		t.Fatalf("migrate: %s", line)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	sys := audit.Actor{Label: "test"}
	oid, err := db.CreateOrg(ctx, sys, org.Org{Slug: "acme", Name: "Acme"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	tn := db.Tenant(oid)
	now := time.Now()
	id, err := tn.OpenIncident(ctx, sys, incident.Intake{Type: incident.MisSent, Title: "顧客名簿の誤送信", OccurredAt: now.Add(-time.Hour), FoundAt: now.Add(-time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"送信記録.eml", "../画面.png"} {
		if _, err := tn.AddIncidentEvidence(ctx, sys, id, name, "application/octet-stream", []byte("data of "+name), nil, ""); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	env := envOf("LANG", "C", "MAMORI_DATA", dir)
	out := filepath.Join(t.TempDir(), "export")
	if o, line, code := runCmd(t, env, "incident", "export", "--org", "acme", "--id", strconv.FormatInt(id, 10), "--dir", out); code != 0 || !strings.Contains(o, "3 entries and 2 evidence files") {
		t.Fatalf("export: exit %d %q %q", code, o, line)
	}
	files, _ := filepath.Glob(filepath.Join(out, "evidence", "*"))
	if len(files) != 2 {
		t.Fatalf("evidence files: got %v, want 2 beside the JSON", files)
	}
	for _, f := range files {
		if filepath.Dir(f) != filepath.Join(out, "evidence") {
			t.Errorf("evidence file %s written outside evidence/", f)
		}
	}
	js, err := os.ReadFile(filepath.Join(out, "incident.json"))
	if err != nil || strings.Contains(string(js), `"data"`) || !strings.Contains(string(js), "evidence/0002-送信記録.eml") {
		t.Fatalf("incident.json: want the files named, not inlined (%v)\n%s", err, js)
	}
	if o, line, code := runCmd(t, env, "incident", "verify", out); code != 0 || !strings.Contains(o, "3 entries, 2 evidence files") {
		t.Fatalf("verify intact: exit %d %q %q", code, o, line)
	}
	if _, _, code := runCmd(t, env, "incident", "export", "--org", "acme", "--id", strconv.FormatInt(id, 10), "--dir", out); code == 0 {
		t.Errorf("export into a directory holding one: exit 0, want refused")
	}
	// An evidence file edited on disk is named.
	edited := filepath.Join(out, "evidence", "0002-送信記録.eml")
	if err := os.WriteFile(edited, []byte("changed"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, line, code := runCmd(t, env, "incident", "verify", out); code == 0 || !strings.Contains(line, "evidence/0002-送信記録.eml") || !strings.Contains(line, "#2") {
		t.Fatalf("verify edited file: exit %d %q, want entry #2 and the file named", code, line)
	}
	// An edited entry is refused too.
	if err := os.WriteFile(edited, []byte("data of 送信記録.eml"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "incident.json"), []byte(strings.Replace(string(js), "顧客名簿の誤送信", "軽微な誤送信", -1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, line, code := runCmd(t, env, "incident", "verify", out); code == 0 || !strings.Contains(line, "#1") {
		t.Fatalf("verify edited entry: exit %d %q, want entry #1 named", code, line)
	}
}
