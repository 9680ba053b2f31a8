package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestSelfdiagCommand: an answer file with a bad line is refused naming
// it, and nothing is saved; a good one prints the total, the band, the
// part totals and the "don't know" list, or the API's JSON.
func TestSelfdiagCommand(t *testing.T) {
	dir := t.TempDir()
	env := envOf("LANG", "C", "MAMORI_DATA", dir)
	ja := envOf("LANG", "ja_JP.UTF-8", "MAMORI_DATA", dir)
	for _, args := range [][]string{{"migrate"}, {"org", "add", "--slug", "kaisha", "--name", "株式会社かいしゃ"}} {
		if out, line, code := runCmd(t, env, args...); code != 0 {
			t.Fatalf("%v: exit %d %s %s", args, code, out, line)
		}
	}
	var lines []string
	for q := 1; q <= 25; q++ {
		word := "実施している"
		switch q {
		case 3:
			word = "わからない"
		case 20:
			word = "partly"
		}
		lines = append(lines, strconv.Itoa(q)+","+word)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte(strings.Join(append(lines[:5:5], "26,done"), "\n")), 0o600)
	if out, line, code := runCmd(t, env, "selfdiag", "--org", "kaisha", "--answers", bad); code == 0 || !strings.Contains(line, "Line 6") {
		t.Fatalf("bad file: exit %d %q %q, want refused naming line 6", code, out, line)
	}
	good := filepath.Join(dir, "answers.csv")
	os.WriteFile(good, []byte("設問,回答\n"+strings.Join(lines, "\n")+"\n"), 0o600)
	out, line, code := runCmd(t, ja, "selfdiag", "--org", "kaisha", "--answers", good)
	if code != 0 || !strings.Contains(out, "点数：93点") || !strings.Contains(out, "第2部 従業員としての対策：52点／52点") || !strings.Contains(out, "3. パスワード") {
		t.Fatalf("text: exit %d %q %q", code, out, line)
	}
	out, line, code = runCmd(t, env, "selfdiag", "--org", "kaisha", "--answers", good, "--json")
	var j struct {
		ID       int64  `json:"id"`
		Total    int    `json:"total"`
		Band     string `json:"band"`
		DontKnow []struct {
			Question int `json:"question"`
		} `json:"dont_know"`
		Parts []struct {
			Part, Total, Max int
		} `json:"parts"`
	}
	if err := json.Unmarshal([]byte(out), &j); err != nil || code != 0 {
		t.Fatalf("json: exit %d %q %q (%v)", code, out, line, err)
	}
	// The refused file saved nothing: this is the second sitting.
	if j.Total != 93 || j.Band != "mostly" || len(j.DontKnow) != 1 || j.DontKnow[0].Question != 3 || len(j.Parts) != 3 || j.Parts[2].Total != 26 || j.ID != 2 {
		t.Errorf("json = %+v", j)
	}
}
