package calendar

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestOneJapanZone fails when Go code outside this package defines the
// Japan time zone again instead of using Japan.
func TestOneJapanZone(t *testing.T) {
	again := regexp.MustCompile(`FixedZone\("JST"|"Asia/Tokyo"|9\s*\*\s*60\s*\*\s*60|\b32400\b`)
	root := filepath.Join("..", "..")
	scanned := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || rel == "internal/calendar"):
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(rel, ".go"):
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		scanned++
		for i, line := range strings.Split(string(b), "\n") {
			if again.MatchString(line) {
				t.Errorf("%s:%d: the Japan time zone defined again; use calendar.Japan or calendar.Of", rel, i+1)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if scanned < 50 {
		t.Fatalf("scanned %d Go files, want the whole module", scanned)
	}
}
