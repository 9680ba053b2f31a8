package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/pii"
)

// TestScanApply: `mamori scan --org ORG --apply PATH` records the run and
// proposes its places for the keeper; without --org it is a usage error.
func TestScanApply(t *testing.T) {
	dir := t.TempDir()
	env := envOf("MAMORI_DATA", filepath.Join(dir, "data"), "LANG", "C")
	share := filepath.Join(dir, "share", "経理")
	os.MkdirAll(share, 0o755)
	var b strings.Builder
	b.WriteString("氏名,個人番号\n")
	for i := range 7 {
		fmt.Fprintf(&b, "社員%d,%s\n", i, pii.CompleteMyNumber(fmt.Sprintf("3456789%04d", i)))
	}
	os.WriteFile(filepath.Join(share, "給与.csv"), []byte(b.String()), 0o600)
	for _, args := range [][]string{{"migrate"}, {"org", "add", "--slug", "kaisha", "--name", "株式会社かいしゃ"}} {
		if _, line, code := runCmd(t, env, args...); code != 0 {
			t.Fatalf("%v: %d %s", args, code, line)
		}
	}
	if _, line, code := runCmd(t, env, "scan", "--apply", share); code != 2 || !strings.Contains(line, "--org") {
		t.Fatalf("without --org: got %d %q, want a usage error", code, line)
	}
	out, line, code := runCmd(t, env, "scan", "--org", "kaisha", "--apply", "--seen-as", `\\NAS\share\経理`, share)
	if code != scanFound {
		t.Fatalf("got exit %d (%s), want %d\n%s", code, line, scanFound, out)
	}
	if !strings.Contains(out, "1 places proposed") || !strings.Contains(out, "/o/kaisha/scans/1") {
		t.Fatalf("output:\n%s", out)
	}
}
