package demo

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/pii"
	"github.com/mamori-sec/mamori/internal/scan"
)

// TestDemoFiles: the demo company's shared folder, scanned, shows where
// its personal data lives: the roster's My Numbers (with health notes:
// 要配慮), the customer list, the payees' accounts in a Shift JIS file, the
// card numbers in a mail's zip, the encrypted PPAP zip — and nothing in
// the minutes, whose numbers are order numbers.
func TestDemoFiles(t *testing.T) {
	dir := t.TempDir()
	if err := WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	rep, err := scan.New(scan.Options{}).Run(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]scan.File{}
	for _, f := range rep.Files {
		rel, _ := filepath.Rel(dir, f.Path)
		byName[filepath.ToSlash(rel)] = f
	}
	n := len(sakura.people)
	for _, tc := range []struct {
		file      string
		want      pii.Counts
		sensitive bool
		reason    scan.Reason
	}{
		{"総務/従業員名簿.xlsx", pii.Counts{pii.MyNumber: n, pii.Phone: n, pii.PostalAddress: n}, true, ""},
		{"営業/顧客リスト.csv", pii.Counts{pii.Phone: 5, pii.Email: 5, pii.PostalAddress: 5}, false, ""},
		{"経理/振込先一覧.csv", pii.Counts{pii.BankAccount: 3}, false, ""},
		{"受信メール/カード決済の控え.eml", pii.Counts{pii.CreditCard: 2, pii.Email: 2}, false, ""},
		{"共有/給与明細_暗号化.zip", pii.Counts{}, false, ""},
		{"共有/議事録.txt", pii.Counts{}, false, ""},
	} {
		f, ok := byName[tc.file]
		if !ok {
			t.Errorf("%s not scanned (have %v)", tc.file, byName)
			continue
		}
		for _, k := range pii.Kinds {
			if f.Counts[k] != tc.want[k] {
				t.Errorf("%s: %s %d, want %d", tc.file, k, f.Counts[k], tc.want[k])
			}
		}
		if f.Sensitive != tc.sensitive || f.Error != tc.reason {
			t.Errorf("%s: sensitive %v error %q", tc.file, f.Sensitive, f.Error)
		}
	}
	ppap := byName["共有/給与明細_暗号化.zip"]
	if len(ppap.Members) != 1 || ppap.Members[0].Error != scan.Encrypted || !strings.HasSuffix(ppap.Members[0].Path, "!給与明細.xlsx") {
		t.Errorf("PPAP zip members: %+v", ppap.Members)
	}
}
