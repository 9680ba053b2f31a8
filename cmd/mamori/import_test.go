package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportAndExportCommands(t *testing.T) {
	dir := t.TempDir()
	env := envOf("LANG", "C", "MAMORI_DATA", dir)
	ja := envOf("LANG", "ja_JP.UTF-8", "MAMORI_DATA", dir)
	people := filepath.Join(dir, "people.csv")
	os.WriteFile(people, []byte("氏名,メールアドレス,部署,雇用形態\r\n山田 太郎,yamada@kaisha.example,経営,役員\r\n佐藤 花子,sato@kaisha.example,営業部,正社員\r\n"), 0o600)
	bad := filepath.Join(dir, "assets.csv")
	os.WriteFile(bad, []byte("情報資産名称,機密性,完全性,可用性\r\n顧客名簿,3,3,3\r\n見積書,高,2,2\r\n"), 0o600)
	xlsx := filepath.Join(dir, "people.xlsx")
	steps := []struct {
		args []string
		env  func(string) string
		code int
		want []string
	}{
		{[]string{"migrate"}, env, 0, nil},
		{[]string{"org", "add", "--slug", "kaisha", "--name", "株式会社かいしゃ"}, env, 0, nil},
		{[]string{"import", "--org", "kaisha", "--kind", "people", people}, env, 0, []string{"people.csv (People, mamori template or export): 2 rows", "2 to add, 0 to change", "+ row 2  山田 太郎 <yamada@kaisha.example>", "Nothing has been changed yet"}},
		{[]string{"import", people, "--org", "kaisha", "--apply"}, ja, 0, []string{"追加 2 件", "反映しました。検出事項の評価を予約しました"}},
		{[]string{"import", "--org", "kaisha", "--apply", people}, env, 0, []string{"0 to add, 0 to change, 2 unchanged", "Everything already matches"}},
		{[]string{"import", "--org", "kaisha", bad}, env, 1, []string{"Row 3", "機密性", "高"}},
		{[]string{"import", "--org", "kaisha", bad}, ja, 1, []string{"3 行目", "機密性"}},
		{[]string{"import", "--org", "kaisha", "--kind", "cars", people}, env, 2, []string{`There is no list "cars"`}},
		{[]string{"import", "--org", "kaisha"}, env, 2, []string{"Name one file to import"}},
		{[]string{"import", "--org", "nowhere", people}, env, 1, []string{"Organisation nowhere not found"}},
		{[]string{"import", "--org", "kaisha", filepath.Join(dir, "nope.csv")}, env, 1, []string{"Cannot read the file"}},
		{[]string{"export", "--org", "kaisha", "--kind", "people", "--lang", "ja"}, env, 0, []string{"\uFEFF氏名,フリガナ,メールアドレス", "佐藤 花子,,sato@kaisha.example,営業部,正社員"}},
		{[]string{"export", "--org", "kaisha", "--kind", "people", "--format", "xlsx"}, env, 2, []string{"--out"}},
		{[]string{"export", "--org", "kaisha", "--kind", "people", "--format", "xlsx", "--out", xlsx}, env, 0, []string{"Exported 2 records to " + xlsx}},
		{[]string{"import", "--org", "kaisha", "--apply", xlsx}, env, 0, []string{"0 to add, 0 to change, 2 unchanged"}},
		{[]string{"audit", "verify"}, env, 0, []string{"intact"}},
	}
	for _, s := range steps {
		out, line, code := runCmd(t, s.env, s.args...)
		for _, want := range s.want {
			if code != s.code || !strings.Contains(out+line, want) {
				t.Fatalf("%v: got exit %d %q %q, want exit %d containing %q", s.args, code, out, line, s.code, want)
			}
		}
		if code != s.code {
			t.Fatalf("%v: got exit %d %q, want %d", s.args, code, line, s.code)
		}
	}
	out, _, code := runCmd(t, env, "import", "--org", "kaisha", "--json", people)
	var pv struct {
		Kind      string `json:"kind"`
		Unchanged int    `json:"unchanged"`
		SHA256    string `json:"sha256"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &pv) != nil || pv.Kind != "people" || pv.Unchanged != 2 || len(pv.SHA256) != 64 {
		t.Fatalf("--json: got exit %d %q", code, out)
	}
}
