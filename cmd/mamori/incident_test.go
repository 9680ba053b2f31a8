package main

import (
	"context"
	"encoding/json"
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

// TestIncidentVerifyCommand: `mamori incident verify` passes an intact
// incident (in the database and as an exported file) and names the first
// broken entry of an edited export, and the evidence file edited on disk.
func TestIncidentVerifyCommand(t *testing.T) {
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
	if _, err := tn.AddIncidentEvidence(ctx, sys, id, "送信記録.eml", "message/rfc822", []byte("From: a\r\n\r\nbody"), nil, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := tn.AppendIncident(ctx, sys, id, store.Append{Kind: incident.Note, Body: map[string]any{"text": "削除を依頼"}}); err != nil {
		t.Fatal(err)
	}
	ex, err := store.ExportIncident(ctx, tn, "acme", id, func(f store.IncidentEvidence) ([]byte, error) { return f.Data, nil })
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	env := envOf("LANG", "C", "MAMORI_DATA", dir)
	if out, line, code := runCmd(t, env, "incident", "verify", "--org", "acme", "--id", strconv.FormatInt(id, 10)); code != 0 || !strings.Contains(out, "3 entries, 1 evidence files") {
		t.Fatalf("database: exit %d %q %q", code, out, line)
	}
	// The export with its evidence beside it, as a file.
	exportDir := t.TempDir()
	ex.Evidence[0].File, ex.Evidence[0].Data = "evidence/送信記録.eml", nil
	if err := os.MkdirAll(filepath.Join(exportDir, "evidence"), 0o700); err != nil {
		t.Fatal(err)
	}
	evidence := filepath.Join(exportDir, "evidence", "送信記録.eml")
	if err := os.WriteFile(evidence, []byte("From: a\r\n\r\nbody"), 0o600); err != nil {
		t.Fatal(err)
	}
	write := func(ex incident.Export) string {
		b, _ := json.Marshal(ex)
		p := filepath.Join(exportDir, "incident.json")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	file := write(ex)
	if out, line, code := runCmd(t, env, "incident", "verify", file); code != 0 || !strings.Contains(out, "no tampering") {
		t.Fatalf("export: exit %d %q %q", code, out, line)
	}
	// The evidence file edited on disk is named.
	if err := os.WriteFile(evidence, []byte("From: a\r\n\r\nedited"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, line, code := runCmd(t, env, "incident", "verify", file); code != 1 || !strings.Contains(line, "Entry #2") || !strings.Contains(line, "evidence/送信記録.eml") {
		t.Errorf("edited evidence: exit %d %q, want entry 2 and the file named", code, line)
	}
	os.WriteFile(evidence, []byte("From: a\r\n\r\nbody"), 0o600)
	// An edited entry in the export is named.
	edited := ex
	edited.Entries = append([]incident.Entry(nil), ex.Entries...)
	edited.Entries[2].Body = `{"text":"何もしていない"}`
	if _, line, code := runCmd(t, env, "incident", "verify", write(edited)); code != 1 || !strings.Contains(line, "Entry #3") || !strings.Contains(line, "content changed") {
		t.Errorf("edited entry: exit %d %q, want entry 3", code, line)
	}
}
