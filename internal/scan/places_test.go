package scan

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/pii"
)

func TestCovers(t *testing.T) {
	for _, c := range []struct {
		share, path string
		want        bool
	}{
		{`\\NAS\share\経理`, `\\nas\SHARE\経理\給与.xlsx`, true},
		{`\\NAS\share\経理`, `//nas/share/経理/2026/給与.xlsx`, true},
		{`smb://nas/share/経理`, `\\NAS\share\経理\給与.xlsx`, true},
		{`\\NAS\share\経理`, `\\NAS\share\経理2\給与.xlsx`, false},
		{`\\NAS\share\経理`, `\\OTHER\share\経理\給与.xlsx`, false},
		{`\\NAS\share\経理\給与.xlsx`, `\\NAS\share\経理\給与.xlsx`, true},
		{`/mnt/nas/経理`, `/mnt/nas/経理/a/b.csv`, true},
		{`/mnt/nas/経理/`, `/mnt/nas/./経理/a/../b.csv`, true},
		{`/mnt/nas/Keiri`, `/mnt/nas/keiri/b.csv`, false}, // POSIX keeps case
		{`Z:\Keiri`, `z:\keiri\b.csv`, true},
		{`/mnt/nas/経理`, `/mnt/nas/経理/顧客.zip!inner/list.csv`, true},
		{`/mnt/nas/経理/顧客.zip`, `/mnt/nas/経理/顧客.zip!inner/list.csv`, true},
		{`https://Drive.Example.com/shared/%E7%B5%8C%E7%90%86?usp=sharing`, `https://drive.example.com/shared/経理/list.csv`, true},
		{`https://drive.example.com/shared`, `https://evil.example.com/shared/list.csv`, false},
		{`/`, `/mnt/x`, false}, // an empty share path covers nothing
		{``, `/mnt/x`, false},
		// NFD (as macOS writes) and NFC spell the same name.
		{"/nas/\u30ab\u3099", "/nas/\u30ac/x.csv", true},
	} {
		if got := Covers(c.share, c.path); got != c.want {
			t.Errorf("Covers(%q, %q) = %v, want %v", c.share, c.path, got, c.want)
		}
	}
}

func TestSeenAs(t *testing.T) {
	for _, c := range []struct{ path, root, alias, want string }{
		{"/mnt/nas/経理/給与.xlsx", "/mnt/nas", `\\NAS\share`, `\\NAS\share\経理\給与.xlsx`},
		{"/mnt/nas/経理/給与.xlsx", "/mnt/nas/", "smb://nas/share", "smb://nas/share/経理/給与.xlsx"},
		{"/mnt/nasty/x.csv", "/mnt/nas", `\\NAS\share`, "/mnt/nasty/x.csv"},
		{"/mnt/nas/x.csv", "/mnt/nas", "", "/mnt/nas/x.csv"},
		{"/mnt/nas", "/mnt/nas", `\\NAS\share\`, `\\NAS\share`},
		{"export.zip!経理/給与.csv", "", `\\NAS\share`, `\\NAS\share\export.zip!経理\給与.csv`},
	} {
		if got := SeenAs(c.path, c.root, c.alias); got != c.want {
			t.Errorf("SeenAs(%q, %q, %q) = %q, want %q", c.path, c.root, c.alias, got, c.want)
		}
	}
	if !Covers(`\\NAS\share\経理`, SeenAs("/mnt/nas/経理/給与.xlsx", "/mnt/nas", `\\NAS\share`)) {
		t.Fatal("a share on the NAS does not cover the file scanned through its mount")
	}
}

func TestPlacesAndPeople(t *testing.T) {
	es := []Entry{
		{Path: "/s/経理/a.csv", Counts: pii.Counts{pii.MyNumber: 120, pii.Phone: 120}, People: 120, Samples: map[pii.Kind]string{pii.MyNumber: "**********18"}},
		{Path: "/s/経理/b.csv", Counts: pii.Counts{pii.Email: 30}, People: 30, Sensitive: true},
		{Path: "/s/経理/c.txt", Counts: pii.Counts{}},
		{Path: "/s/営業/x.zip!list.csv", Counts: pii.Counts{pii.CreditCard: 2}, People: 2},
		{Path: "/s/営業/y.csv", Counts: pii.Counts{pii.CorporateNumber: 5}}, // not personal
	}
	ps := Places(es)
	if len(ps) != 2 {
		t.Fatalf("got %d places, want 2: %+v", len(ps), ps)
	}
	if ps[0].Folder != "/s/営業/x.zip" || ps[1].Folder != "/s/経理" {
		t.Fatalf("got folders %q, %q", ps[0].Folder, ps[1].Folder)
	}
	k := ps[1]
	if k.People != 120 || k.Files != 2 || !k.Sensitive || !k.MyNumber() || k.Counts[pii.Email] != 30 {
		t.Fatalf("got %+v, want 120 people in 2 files, sensitive, with My Numbers", k)
	}
	if got := PeopleOf(pii.Counts{pii.Phone: 300, pii.Email: 250, pii.CorporateNumber: 900}, map[pii.Kind]int{pii.Phone: 120, pii.Email: 110}); got != 120 {
		t.Fatalf("PeopleOf = %d, want 120 (the most distinct values of one personal kind)", got)
	}
}

func TestCompare(t *testing.T) {
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	before := []Entry{
		{Path: "/s/a/1.csv", Size: 10, ModTime: at, Hash: "h1", Counts: pii.Counts{pii.Phone: 3}, People: 3},
		{Path: "/s/b/2.csv", Size: 10, ModTime: at, Hash: "h2", Counts: pii.Counts{pii.Email: 1}, People: 1},
		{Path: "/s/c/3.csv", Size: 10, ModTime: at, Hash: "h3", Counts: pii.Counts{}},
	}
	// Same size and time but other content: changed (the hash tells).
	after := []Entry{
		{Path: "/s/a/1.csv", Size: 10, ModTime: at, Hash: "hX", Counts: pii.Counts{pii.Phone: 9}, People: 9},
		{Path: "/s/c/3.csv", Size: 10, ModTime: at, Hash: "h3", Counts: pii.Counts{}},
		{Path: "/s/d/4.csv", Size: 5, ModTime: at, Hash: "h4", Counts: pii.Counts{pii.MyNumber: 2}, People: 2},
	}
	c := Compare(before, after)
	if c.ChangedFiles != 1 || c.NewFiles != 1 || c.RemovedFiles != 1 {
		t.Fatalf("got changed %d new %d removed %d, want 1 1 1", c.ChangedFiles, c.NewFiles, c.RemovedFiles)
	}
	if len(c.NewPlaces) != 1 || c.NewPlaces[0] != "/s/d" || len(c.GrownPlaces) != 1 || c.GrownPlaces[0] != "/s/a" ||
		len(c.RemovedPlaces) != 1 || c.RemovedPlaces[0] != "/s/b" {
		t.Fatalf("got %+v", c)
	}
	if !Compare(after, after).Empty() {
		t.Fatal("a run compared with itself reports changes")
	}
}

// TestRunWithinRefusesEscape: a link inside an allowed root that points out
// of it is listed as outside the root and never read; a folder outside the
// roots, or reached with "..", is refused before any scan.
func TestRunWithinRefusesEscape(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "nas")
	secret := filepath.Join(base, "secret")
	for _, d := range []string{filepath.Join(root, "経理"), secret} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(root, "経理", "list.csv"), "氏名,メール\n山田,yamada@example.co.jp\n")
	write(filepath.Join(secret, "cards.txt"), "カード番号 4111 1111 1111 1111\n")
	if err := os.Symlink(filepath.Join(secret, "cards.txt"), filepath.Join(root, "経理", "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(root, "out")); err != nil {
		t.Fatal(err)
	}
	roots := []Root{{Path: root}}
	for _, dir := range []string{secret, filepath.Join(root, "..", "secret"), filepath.Join(root, "out"), "relative/path"} {
		if _, _, err := Allowed(roots, dir); err != ErrOutsideRoots {
			t.Errorf("Allowed(%q): got %v, want ErrOutsideRoots", dir, err)
		}
	}
	r, dir, err := Allowed(roots, filepath.Join(root, "経理"))
	if err != nil || r.Path != root {
		t.Fatalf("Allowed inside: %v %v", r, err)
	}
	rep, err := New(Options{}).RunWithin(context.Background(), r.Path, dir)
	if err != nil {
		t.Fatal(err)
	}
	var sawLink bool
	for _, f := range rep.Files {
		if f.Counts[pii.CreditCard] > 0 {
			t.Fatalf("the card number behind the link was read: %+v", f)
		}
		if filepath.Base(f.Path) == "link.txt" {
			sawLink = f.Error == OutsideRoot
		}
	}
	if !sawLink || rep.Totals[pii.Email] != 1 {
		t.Fatalf("got %+v, want the link named outside_root and the list read", rep.Files)
	}
}
