package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAPPIDecideCommand: `mamori appi decide --json CASE.json` prints the
// ruling as JSON, and refuses bad facts naming the field.
func TestAPPIDecideCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ok := write("ok.json", `{"people": 1001, "wrongful": true, "gdpr": true, "awareness": "2025-12-01T10:00:00+09:00"}`)
	out, line, code := runCmd(t, envOf("LANG", "ja_JP.UTF-8"), "appi", "decide", "--json", ok)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, line)
	}
	var got struct {
		MustReport  bool   `json:"must_report"`
		Rule        string `json:"rule_version"`
		Final       string `json:"final_report_deadline"`
		GDPR        string `json:"gdpr_deadline"`
		Preliminary struct {
			Target string `json:"target"`
		} `json:"preliminary_report"`
		Triggers []struct {
			Code, Article, Text string
		} `json:"triggers"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if !got.MustReport || got.Rule != "APPI-2024-04" || got.Final != "2026-01-29" || got.GDPR != "2025-12-04T10:00:00+09:00" || got.Preliminary.Target != "2025-12-04" {
		t.Errorf("got %+v", got)
	}
	if len(got.Triggers) != 2 || !strings.Contains(got.Triggers[0].Text, "不正の目的") || got.Triggers[1].Article != "施行規則7条4号" {
		t.Errorf("got triggers %+v, want wrongful then scale, in Japanese, citing the rule", got.Triggers)
	}

	for _, c := range []struct{ body, field string }{
		{`{"people": -5, "awareness": "2026-01-15"}`, "people"},
		{`{"people": 5, "awareness": "2999-01-15"}`, "awareness"},
		{`{"people": 5, "encrypted": true, "awareness": "2026-01-15"}`, "encrypted"},
		{`{"people": 5, "wrongful": 1, "awareness": "2026-01-15"}`, "wrongful"},
	} {
		_, line, code := runCmd(t, envOf("LANG", "C"), "appi", "decide", "--json", write("bad.json", c.body))
		if code != 1 || !strings.Contains(line, `"`+c.field+`"`) {
			t.Errorf("%s: got exit %d %q, want 1 naming %q", c.body, code, line, c.field)
		}
	}
	if _, line, code := runCmd(t, envOf("LANG", "C"), "appi", "decide"); code != 2 {
		t.Errorf("no --json: got exit %d %q, want 2", code, line)
	}
}
