package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestRoutinesCommands: list the week's routines, complete one with a
// note and a file, refuse a file of the wrong type, and export the
// calendar as ICS and as CSV.
func TestRoutinesCommands(t *testing.T) {
	dir := t.TempDir()
	env := envOf("LANG", "C", "MAMORI_DATA", dir)
	ja := envOf("LANG", "ja_JP.UTF-8", "MAMORI_DATA", dir)
	for _, args := range [][]string{{"migrate"}, {"org", "add", "--slug", "kaisha", "--name", "株式会社かいしゃ"}} {
		if out, line, code := runCmd(t, env, args...); code != 0 {
			t.Fatalf("%v: exit %d %s %s", args, code, out, line)
		}
	}
	out, line, code := runCmd(t, env, "routines", "list", "--org", "kaisha", "--days", "400")
	m := regexp.MustCompile(`(?m)^\s+(\d+)\s+\d{4}/\d{2}/\d{2}`).FindStringSubmatch(out)
	if code != 0 || m == nil || !strings.Contains(out, "Review the information security policy") {
		t.Fatalf("list: got exit %d %q %q, want the yearly chores", code, out, line)
	}
	exe := filepath.Join(dir, "tool.exe")
	os.WriteFile(exe, []byte("MZ\x90\x00"), 0o600)
	if _, line, code := runCmd(t, env, "routines", "complete", "--org", "kaisha", "--id", m[1], "--file", exe); code != 1 || !strings.Contains(line, "not accepted") {
		t.Fatalf("complete with an .exe: got exit %d %q, want refused", code, line)
	}
	txt := filepath.Join(dir, "policy.txt")
	os.WriteFile(txt, []byte("規程を見直しました\n"), 0o600)
	if out, line, code := runCmd(t, ja, "routines", "complete", "--org", "kaisha", "--id", m[1], "--note", "見直しました", "--file", txt); code != 0 || !strings.Contains(out, "完了として記録しました") {
		t.Fatalf("complete: got exit %d %q %q", code, out, line)
	}
	ics, line, code := runCmd(t, env, "routines", "calendar", "--org", "kaisha")
	if code != 0 || !strings.Contains(ics, "BEGIN:VCALENDAR\r\n") || !strings.Contains(ics, "DTSTART;VALUE=DATE:") {
		t.Fatalf("calendar: got exit %d %q %q, want ICS", code, ics, line)
	}
	csv, line, code := runCmd(t, ja, "routines", "calendar", "--org", "kaisha", "--format", "csv")
	if code != 0 || !bytes.HasPrefix([]byte(csv), []byte("\uFEFF期限,業務,担当者")) || !strings.Contains(csv, "情シス担当") {
		t.Fatalf("calendar csv: got exit %d %q %q", code, csv, line)
	}
	if out, _, _ := runCmd(t, env, "audit", "verify"); !strings.Contains(out, "intact") {
		t.Fatalf("audit verify: got %q", out)
	}
}
