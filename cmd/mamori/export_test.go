package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/importer"
	"github.com/mamori-sec/mamori/internal/safecsv"
)

// TestExportCommandNeutralisesFormulas: people whose name and department
// are formulas, imported and exported again by the CLI, come out as text
// in every kind's CSV, and the export imports back unchanged.
func TestExportCommandNeutralisesFormulas(t *testing.T) {
	dir := t.TempDir()
	env := envOf("LANG", "C", "MAMORI_DATA", dir)
	people := filepath.Join(dir, "people.csv")
	os.WriteFile(people, []byte("氏名,メールアドレス,部署,雇用形態\r\n"+
		`"=HYPERLINK(""http://x"",""y"")",a@kaisha.example,+cmd,正社員`+"\r\n"+
		"-1+1,b@kaisha.example,@SUM(1),正社員\r\n"+
		"＝1+1,c@kaisha.example,－,正社員\r\n"), 0o600)
	for _, args := range [][]string{{"migrate"}, {"org", "add", "--slug", "kaisha", "--name", "株式会社かいしゃ"},
		{"import", "--org", "kaisha", "--apply", people}} {
		if _, line, code := runCmd(t, env, args...); code != 0 {
			t.Fatalf("%v: exit %d %s", args, code, line)
		}
	}
	for _, k := range importer.Kinds {
		out, line, code := runCmd(t, env, "export", "--org", "kaisha", "--kind", string(k))
		if code != 0 {
			t.Fatalf("export %s: exit %d %s", k, code, line)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatalf("export %s: %v", k, err)
		}
		for _, r := range rows {
			for _, c := range r {
				if safecsv.Dangerous(c) && c[0] != '\'' {
					t.Errorf("export %s: cell %q would run as a formula", k, c)
				}
			}
		}
		if k != importer.People {
			continue
		}
		if !strings.Contains(out, `"'=HYPERLINK(""http://x"",""y"")"`) || !strings.Contains(out, "'＝1+1") || !strings.Contains(out, "'－") {
			t.Fatalf("people export lacks the quoted formulas:\n%s", out)
		}
		again := filepath.Join(dir, "again.csv")
		os.WriteFile(again, []byte(out), 0o600)
		if out, line, code := runCmd(t, env, "import", "--org", "kaisha", again); code != 0 || !strings.Contains(out, "0 to add, 0 to change, 3 unchanged") {
			t.Fatalf("re-import: exit %d %q %s, want everything unchanged", code, out, line)
		}
	}
}
