package main

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/demo"
	"github.com/mamori-sec/mamori/internal/posture"
	"github.com/mamori-sec/mamori/internal/store"
)

// TestFindingsCommandNamesRecords: `mamori findings` lists the demo
// company's findings with each record named as a person would — an account
// by its login and service — and the words in the reader's language, in
// text and in --json; never "account:12".
func TestFindingsCommandNamesRecords(t *testing.T) {
	dir := t.TempDir()
	if _, line, code := runCmd(t, envOf("LANG", "C", "MAMORI_DATA", dir), "migrate"); code != 0 {
		t.Fatalf("migrate: %s", line)
	}
	db, err := store.Open(context.Background(), "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(context.Background(), db, time.Now()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	idShaped := regexp.MustCompile(`#\d|\b(person|account|device|share|asset|service|finding):\d`)
	for _, c := range []struct {
		lang, status, severity, account string
	}{
		{"ja_JP.UTF-8", "未対応", "緊急", "@sakura-seiki.example（Google Workspace）"},
		{"C", "Open", "Critical", "@sakura-seiki.example (Google Workspace)"},
	} {
		env := envOf("LANG", c.lang, "MAMORI_DATA", dir)
		out, line, code := runCmd(t, env, "findings", "--org", demo.Slug)
		if code != 0 {
			t.Fatalf("%s: findings: exit %d %s", c.lang, code, line)
		}
		for _, want := range []string{c.status, c.severity, c.account} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: findings output lacks %q:\n%.1500s", c.lang, want, out)
			}
		}
		if m := idShaped.FindString(out); m != "" || strings.Contains(out, "(open)") || strings.Contains(out, "（open）") {
			t.Errorf("%s: findings output shows a code or an id (%q):\n%.1500s", c.lang, m, out)
		}
		out, line, code = runCmd(t, env, "findings", "--org", demo.Slug, "--json", "--evaluate=false")
		var rep posture.Report
		if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || len(rep.Findings) < 40 {
			t.Fatalf("%s: findings --json: exit %d %s, %d findings", c.lang, code, line, len(rep.Findings))
		}
		accounts := 0
		for _, f := range rep.Findings {
			for _, r := range append([]posture.NamedRef{f.Subject}, f.Evidence...) {
				if r.Name == "" || idShaped.MatchString(r.Name) {
					t.Errorf("%s: finding %d names %s %d as %q", c.lang, f.ID, r.Kind, r.ID, r.Name)
				}
			}
			if strings.HasSuffix(f.Subject.Name, strings.TrimPrefix(c.account, "@sakura-seiki.example")) && strings.Contains(f.Subject.Name, "@") {
				accounts++
			}
		}
		if accounts == 0 {
			t.Errorf("%s: --json names no account by login and service", c.lang)
		}
	}
}
