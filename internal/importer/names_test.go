package importer

import (
	"testing"

	"github.com/mamori-sec/mamori/internal/inventory"
)

// An HR roster that splits the name and its reading in two is read, the
// halves joined family name first with a half-width space, as a name typed
// whole is stored.
func TestParseSplitNames(t *testing.T) {
	for _, tc := range []struct {
		name, csv  string
		want, kana string
	}{
		{"氏/名 セイ/メイ", "社員番号,氏,名,セイ,メイ,メールアドレス,雇用区分\r\n001,山田,太郎,ﾔﾏﾀﾞ,ﾀﾛｳ,yamada@example.co.jp,正社員\r\n", "山田 太郎", "ヤマダ タロウ"},
		{"姓/名 フリガナ", "姓,名,フリガナ,雇用形態\r\n佐藤,花子,サトウ ハナコ,正社員\r\n", "佐藤 花子", "サトウ ハナコ"},
		{"姓/名 ふりがな(姓)/(名)", "姓（必須）,名（必須）,ふりがな（姓）,ふりがな（名）,雇用形態\r\n鈴木,一郎,すずき,いちろう,パート\r\n", "鈴木 一郎", "すずき いちろう"},
		{"Last name / First name", "Last name,First name,Email,Employment type\r\nSmith,John,john@example.co.jp,Contractor\r\n", "Smith John", ""},
		{"whole name wins", "氏名,氏,名,雇用形態\r\n山田 太郎,山田,太,正社員\r\n", "山田 太郎", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := parseFile(t, "roster.csv", []byte(tc.csv), "", "", Options{})
			if p.Kind != People || len(p.People) != 1 {
				t.Fatalf("got %s with %d people, want one person", p.Kind, len(p.People))
			}
			if r := p.People[0].Record; r.Name != tc.want || r.Kana != tc.kana {
				t.Errorf("got %q %q, want %q %q", r.Name, r.Kana, tc.want, tc.kana)
			}
			for _, w := range p.Warnings {
				if w.Key == "import.warn_unknown_column" && w.Column != "社員番号" {
					t.Errorf("column %q not understood", w.Column)
				}
			}
			f := mustRead(t, "roster.csv", []byte(tc.csv))
			if !Present(f, People, Mamori)["name"] {
				t.Error("the name does not count as present, so an import would not update it")
			}
		})
	}
	// Both halves blank: the name is missing, reported on the family name.
	all := parseErrors(t, "氏,名,雇用形態\r\n山田,太郎,正社員\r\n,,正社員\r\n")
	if all.Total != 1 || all.Errors[0].Line != 3 || all.Errors[0].Column != "氏" || all.Errors[0].Key != "import.row_required" {
		t.Errorf("got %+v, want row 3 氏 required", all.Errors[0])
	}
	// One half only is not a name column.
	if _, err := Parse(mustRead(t, "x.csv", []byte("氏,メールアドレス,雇用形態\r\n山田,yamada@example.co.jp,正社員\r\n")), People, Mamori, Options{}); err == nil {
		t.Error("a roster with 氏 but no 名 was read, want the name column missing")
	}
}

// The Google Admin console's download (First Name [Required], Last Name
// [Required]) reads as people with Japanese names family name first.
func TestParseGWSSplitNames(t *testing.T) {
	p := parseFile(t, "gws_users.csv", readTestdata(t, "gws_users.csv"), People, GWSUsers, Options{})
	if r := p.People[0].Record; r.Name != "山田 太郎" {
		t.Errorf("got %q, want 山田 太郎", r.Name)
	}
	if r := p.People[3].Record; r.Name != "John Smith" {
		t.Errorf("got %q, want John Smith", r.Name)
	}
}

func TestIsRoleAddress(t *testing.T) {
	for login, want := range map[string]bool{
		"info@example.co.jp": true, "support@example.co.jp": true, "sales@example.co.jp": true, "admin@example.co.jp": true,
		"総務@example.co.jp": true, "soumu@example.co.jp": true, "keiri@example.co.jp": true, "eigyo@example.co.jp": true,
		"recruit@example.co.jp": true, "contact@example.co.jp": true, "noreply@example.co.jp": true, "no-reply@example.co.jp": true,
		"INFO@example.co.jp": true, "ｉｎｆｏ@example.co.jp": true, "soumu-team@example.co.jp": true, "info2@example.co.jp": true, "sales.jp@example.co.jp": true,
		"yamada@example.co.jp": false, "t.yamada@example.co.jp": false, "infoman@example.co.jp": false,
		"hanako.sato@example.co.jp": false, "": false, "keiko@example.co.jp": false,
	} {
		if got := isRoleAddress(login); got != want {
			t.Errorf("%q: got %v, want %v", login, got, want)
		}
	}
}

// An account list that does not say the kind reads a role's address as a
// shared account, and says so; one that says the kind is believed.
func TestParseRoleAccountsShared(t *testing.T) {
	p := parseFile(t, "a.csv", []byte("サービス,ログインID\r\nGoogle Workspace,info@example.co.jp\r\nGoogle Workspace,yamada@example.co.jp\r\nfreee,keiri@example.co.jp\r\n"), "", "", Options{})
	want := []inventory.AccountKind{inventory.Shared, inventory.Personal, inventory.Shared}
	for i, w := range want {
		a := p.Accounts[i]
		if a.Record.Kind != w {
			t.Errorf("%s: got %s, want %s", a.Record.LoginID, a.Record.Kind, w)
		}
		if said := len(a.Warnings) == 1 && a.Warnings[0].Key == "import.warn_role_account"; said != (w == inventory.Shared) {
			t.Errorf("%s: warnings %+v", a.Record.LoginID, a.Warnings)
		}
	}
	p = parseFile(t, "a.csv", []byte("サービス,ログインID,種別\r\nGoogle Workspace,info@example.co.jp,個人\r\n"), "", "", Options{})
	if a := p.Accounts[0]; a.Record.Kind != inventory.Personal || len(a.Warnings) != 0 {
		t.Errorf("kind written in the file: got %s %+v, want personal", a.Record.Kind, a.Warnings)
	}
	// Microsoft 365: a role's mailbox is a shared account, not a person.
	m365 := "User principal name,Display name,Block credential,Licenses\r\nsupport@example.co.jp,サポート窓口,False,\r\nyamada@example.co.jp,山田 太郎,False,\r\n"
	p = parseFile(t, "m.csv", []byte(m365), "", "", Options{})
	if a := p.Accounts[0].Record; a.Kind != inventory.Shared || a.PersonEmail != "" {
		t.Errorf("support@ = %+v, want shared with no person", a)
	}
	p = parseFile(t, "m.csv", []byte(m365), People, M365Users, Options{})
	if len(p.People) != 1 || p.Skipped != 1 {
		t.Errorf("got %d people, %d skipped; want yamada only", len(p.People), p.Skipped)
	}
}
