package importer

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/mamori-sec/mamori/internal/i18n"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
)

// parseFile reads and parses a test file, detecting what it is.
func parseFile(t *testing.T, name string, data []byte, kind Kind, format Format, opt Options) Parsed {
	t.Helper()
	f := mustRead(t, name, data)
	p, err := Parse(f, kind, format, opt)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return p
}

func TestParsePeopleJapanese(t *testing.T) {
	for enc, data := range encodings(t, readTestdata(t, "people_ja.csv")) {
		t.Run(enc, func(t *testing.T) {
			p := parseFile(t, "people_ja.csv", data, "", "", Options{})
			if p.Kind != People || p.Format != Mamori {
				t.Fatalf("got %s/%s", p.Kind, p.Format)
			}
			want := []struct {
				line             int
				name, kana, mail string
				emp              inventory.EmploymentType
				join, leave, mgr string
			}{
				{2, "山田 太郎", "ヤマダ タロウ", "yamada@example.co.jp", inventory.Executive, "2010-04-01", "", ""},
				{3, "佐藤 花子", "サトウ ハナコ", "sato@example.co.jp", inventory.FullTime, "2020-04-01", "", "yamada@example.co.jp"},
				{4, "鈴木 一郎", "スズキ イチロウ", "suzuki@example.co.jp", inventory.PartTime, "2019-04-01", "2026-03-31", "sato@example.co.jp"},
				{5, "高橋 次郎", "タカハシ ジロウ", "takahashi@example.co.jp", inventory.PartTime, "2024-07-01", "", "sato@example.co.jp"},
				{6, "田中 三郎", "", "", inventory.Dispatched, "2025-01-06", "", ""},
				{7, "伊藤 四郎", "イトウ シロウ", "ito@partner.example.com", inventory.Contractor, "2025-10-01", "2026-09-30", "yamada@example.co.jp"},
				{8, "渡辺 五郎", "ワタナベ ゴロウ", "", inventory.Counsel, "1989-01-08", "", ""},
				{9, "中村 六子", "ナカムラ ムツコ", "nakamura@example.co.jp", inventory.Contract, "2026-04-01", "", ""},
				{11, "小林 七海", "コバヤシ ナナミ", "kobayashi@example.co.jp", inventory.PartTime, "2026-04-01", "", ""},
			}
			if len(p.People) != len(want) {
				t.Fatalf("got %d people, want %d", len(p.People), len(want))
			}
			for i, w := range want {
				got := p.People[i]
				r := got.Record
				if got.Line != w.line || r.Name != w.name || r.Kana != w.kana || r.Email != w.mail || r.EmploymentType != w.emp ||
					r.JoinDate != w.join || r.LeaveDate != w.leave || r.ManagerEmail != w.mgr {
					t.Errorf("row %d: got line %d %+v, want %+v", i, got.Line, r, w)
				}
				if err := r.Validate(); err != nil {
					t.Errorf("%s: Validate: %v", r.Name, err)
				}
			}
			if len(p.Warnings) != 0 {
				t.Errorf("warnings = %+v, want none", p.Warnings)
			}
		})
	}
}

func TestParsePeopleEnglish(t *testing.T) {
	p := parseFile(t, "people_en.csv", readTestdata(t, "people_en.csv"), People, Mamori, Options{})
	if len(p.People) != 4 {
		t.Fatalf("got %d people, want 4", len(p.People))
	}
	for i, want := range []inventory.EmploymentType{inventory.Executive, inventory.FullTime, inventory.PartTime, inventory.Contractor} {
		if got := p.People[i].Record.EmploymentType; got != want {
			t.Errorf("row %d employment = %s, want %s", i, got, want)
		}
	}
	if got := p.People[3].Record.JoinDate; got != "2025-10-01" {
		t.Errorf("join = %s, want 2025-10-01", got)
	}
	if len(p.Warnings) != 1 || p.Warnings[0].Key != "import.warn_unknown_column" || p.Warnings[0].Column != "Shoe size" || p.Warnings[0].Line != 1 {
		t.Errorf("warnings = %+v, want the unknown column Shoe size", p.Warnings)
	}
}

func TestParseAccounts(t *testing.T) {
	p := parseFile(t, "accounts_ja.csv", readTestdata(t, "accounts_ja.csv"), "", "", Options{})
	if len(p.Accounts) != 5 {
		t.Fatalf("got %d accounts, want 5", len(p.Accounts))
	}
	a := p.Accounts[0].Record
	if a.ServiceName != "Google Workspace" || a.LoginID != "yamada@example.co.jp" || a.Privilege != inventory.Admin || a.MFA != inventory.MFAOn ||
		a.Status != inventory.Active || a.CreatedOn != "2020-04-01" || a.LastLogin != "2026-03-31" || a.Kind != inventory.Personal {
		t.Errorf("first account = %+v", a)
	}
	if a := p.Accounts[2].Record; a.Privilege != inventory.Edit || a.MFA != inventory.MFAUnknown {
		t.Errorf("blank privilege, 不明 MFA = %s, %s; want edit, unknown", a.Privilege, a.MFA)
	}
	if a := p.Accounts[3].Record; a.Kind != inventory.Guest || a.Status != inventory.Suspended || a.EndsOn != "2026-03-31" || a.MFA != inventory.MFAUnknown {
		t.Errorf("guest = %+v", a)
	}
	if a := p.Accounts[4].Record; a.Kind != inventory.Shared || a.MFA != inventory.MFAOff {
		t.Errorf("NAS admin = %+v", a)
	}
	if !reflect.DeepEqual(p.Coverage, Coverage{true, true, true, true, true, true, true}) {
		t.Errorf("coverage = %+v", p.Coverage)
	}
	if len(p.Warnings) != 1 || p.Warnings[0].Key != "import.warn_defaulted" || p.Warnings[0].Column != "権限" || p.Warnings[0].Args[0] != 1 {
		t.Errorf("warnings = %+v, want one defaulted privilege", p.Warnings)
	}
}

func TestParseDevices(t *testing.T) {
	p := parseFile(t, "devices_ja.csv", readTestdata(t, "devices_ja.csv"), "", "", Options{})
	if len(p.Devices) != 4 {
		t.Fatalf("got %d devices", len(p.Devices))
	}
	d := p.Devices[0].Record
	if d.Kind != inventory.PC || d.UserEmail != "sato@example.co.jp" || d.Ownership != inventory.CompanyIssued || d.DiskEncryption != inventory.Yes ||
		d.RemoteWipe != inventory.No || d.DefaultPasswordChanged != inventory.Unknown || d.Network != inventory.Internal || d.LastUpdated != "2026-03-15" {
		t.Errorf("laptop = %+v", d)
	}
	if d := p.Devices[1].Record; d.Kind != inventory.Smartphone || d.Ownership != inventory.BYOD || d.Network != inventory.Mobile || d.DiskEncryption != inventory.Unknown {
		t.Errorf("phone = %+v", d)
	}
	if d := p.Devices[2].Record; d.Kind != inventory.Router || d.DefaultPasswordChanged != inventory.No || d.GuestSeparated != inventory.Yes {
		t.Errorf("router = %+v", d)
	}
	if d := p.Devices[3].Record; d.DisposedOn != "2026-02-01" || d.ErasureDone != inventory.Yes || d.ErasureCertificate != "ABC-123" || d.Network != "" {
		t.Errorf("disposed = %+v", d)
	}
}

func TestParseServices(t *testing.T) {
	p := parseFile(t, "services_ja.csv", readTestdata(t, "services_ja.csv"), "", "", Options{})
	if len(p.Services) != 4 {
		t.Fatalf("got %d services", len(p.Services))
	}
	s := p.Services[0].Record
	if s.Category != inventory.Cloud || s.MFA != inventory.MFAEnforced || s.DataCountry != "US" || !s.InternetFacing || s.SSO || s.CloudCheckDone != "2026-04-01" {
		t.Errorf("Google = %+v", s)
	}
	if s := p.Services[1].Record; s.Category != inventory.Cloud || !s.SSO || s.MFA != inventory.MFAAvailable || s.DataCountry != "JP" {
		t.Errorf("freee = %+v", s)
	}
	if s := p.Services[2].Record; s.Category != inventory.OnPrem || s.InternetFacing || s.MFA != inventory.MFANone {
		t.Errorf("NAS = %+v", s)
	}
	if s := p.Services[3].Record; s.Category != inventory.Network || s.InternetFacing || s.MFA != "" || s.Notes != "NTT" {
		t.Errorf("line = %+v", s)
	}
}

func TestParseShares(t *testing.T) {
	p := parseFile(t, "shares_ja.csv", readTestdata(t, "shares_ja.csv"), "", "", Options{})
	if len(p.Shares) != 3 {
		t.Fatalf("got %d shares", len(p.Shares))
	}
	if s := p.Shares[0].Record; s.Scope != inventory.AnyoneWithLink || s.Permission != inventory.ShareView || s.ExpiresOn != "2026-06-30" || s.AssetName != "見積書" {
		t.Errorf("first = %+v", s)
	}
	if s := p.Shares[1].Record; s.Scope != inventory.ExternalPeople || s.Permission != inventory.ShareEdit || s.LastReviewed != "2026-03-01" {
		t.Errorf("second = %+v", s)
	}
	if s := p.Shares[2].Record; s.Scope != inventory.WholeOrg || s.Permission != inventory.ShareEdit {
		t.Errorf("blank permission = %+v, want edit", s)
	}
}

// The IPA ledger as people keep it: a title, a blank row and a two-row
// header with 個人情報の種類 and 重要度 as group cells.
func TestParseIPALedger(t *testing.T) {
	for enc, data := range encodings(t, readTestdata(t, "assets_ipa.csv")) {
		t.Run(enc, func(t *testing.T) {
			p := parseFile(t, "assets_ipa.csv", data, "", "", Options{})
			if p.Kind != Assets || len(p.Assets) != 4 {
				t.Fatalf("got %s with %d assets", p.Kind, len(p.Assets))
			}
			a := p.Assets[0]
			if a.Line != 5 || a.Record.Name != "従業員名簿" || !a.Record.PersonalInfo || !a.Record.SensitiveInfo || a.Record.MyNumber ||
				a.Record.Confidentiality != 3 || a.Record.Integrity != 3 || a.Record.Availability != 2 || a.Record.RetentionUntil != "退職後7年" ||
				a.Record.RegisteredOn != "2026-04-01" || a.Record.Medium != "事務所PC" {
				t.Errorf("first asset line %d = %+v", a.Line, a.Record)
			}
			if a := p.Assets[2].Record; !a.PersonalInfo || !a.MyNumber || a.RegisteredOn != "2026-04-01" {
				t.Errorf("My Number ledger = %+v", a)
			}
			if a := p.Assets[3].Record; a.RetentionUntil != "2031-03-31" || a.PersonalInfo || a.Importance() != 2 {
				t.Errorf("quotations = %+v", a)
			}
			for _, w := range p.Warnings {
				if w.Key != "import.warn_unknown_column" {
					t.Errorf("unexpected warning %+v", w)
				}
			}
		})
	}
}

// rowErr parses csv and returns the row error.
func rowErr(t *testing.T, csv string) *RowError {
	t.Helper()
	f, err := ReadTable("x.csv", strings.NewReader(csv), 0)
	if err != nil {
		t.Fatalf("ReadTable: %v", err)
	}
	p, err := Parse(f, "", "", Options{})
	if err == nil {
		t.Fatalf("Parse gave %d records, want an error", p.Len())
	}
	var re *RowError
	if !errors.As(err, &re) {
		t.Fatalf("got %v (%T), want *RowError", err, err)
	}
	return re
}

const assetsHeader = "情報資産名称,媒体・保存先,機密性,完全性,可用性,個人情報\r\n"
const peopleHeader = "氏名,メールアドレス,雇用形態,入社日,退職日\r\n"

func TestParseRowErrors(t *testing.T) {
	tests := []struct {
		name, csv  string
		line       int
		column     string
		field, key string
		args       []any
	}{
		{"C/I/A = 4", assetsHeader + "顧客名簿,クラウド,3,2,2,○\r\n見積書,書類,4,1,1,×\r\n", 3, "機密性", "confidentiality", "import.row_invalid_level", []any{"4"}},
		{"C/I/A = 0 (3rd edition)", assetsHeader + "顧客名簿,クラウド,3,0,2,○\r\n", 2, "完全性", "integrity", "import.row_invalid_level", []any{"0"}},
		{"bad boolean", assetsHeader + "顧客名簿,クラウド,3,2,1,たぶん\r\n", 2, "個人情報", "personal_info", "import.row_invalid_bool", []any{"たぶん"}},
		{"leave before join", peopleHeader + "山田 太郎,yamada@example.co.jp,正社員,2020/4/1,2019/3/31\r\n", 2, "退職日", "leave_date", "import.row_leave_before_join", []any{"2019/3/31", "2020/4/1"}},
		{"impossible date", peopleHeader + "山田 太郎,,正社員,2026/2/30,\r\n", 2, "入社日", "join_date", "import.row_invalid_date", []any{"2026/2/30"}},
		{"令和0年", peopleHeader + "山田 太郎,,正社員,令和0年4月1日,\r\n", 2, "入社日", "join_date", "import.row_invalid_date", []any{"令和0年4月1日"}},
		{"unknown employment type", peopleHeader + "山田 太郎,,正社員,,\r\n佐藤 花子,,社長見習い,,\r\n", 3, "雇用形態", "employment_type", "import.row_invalid_choice",
			[]any{"社長見習い", "役員、正社員、契約社員、パート・アルバイト、派遣、業務委託、顧問", "Executive, Full-time, Contract, Part-time, Dispatched, Contractor, Counsel"}},
		{"blank employment type", peopleHeader + "山田 太郎,,,,\r\n", 2, "雇用形態", "employment_type", "import.row_required", nil},
		{"blank name", peopleHeader + ",yamada@example.co.jp,正社員,,\r\n", 2, "氏名", "name", "import.row_required", nil},
		{"bad email", peopleHeader + "山田 太郎,yamada@@example,正社員,,\r\n", 2, "メールアドレス", "email", "import.row_invalid_email", []any{"yamada@@example"}},
		{"duplicate email", peopleHeader + "山田 太郎,yamada@example.co.jp,役員,,\r\n\r\n山田 太郎,YAMADA@example.co.jp,正社員,,\r\n", 4, "メールアドレス", "email", "import.row_duplicate", []any{"YAMADA@example.co.jp", 2}},
		{"first error wins", peopleHeader + "山田 太郎,,正社員,2026/2/30,\r\n佐藤,,謎,,\r\n", 2, "入社日", "join_date", "import.row_invalid_date", []any{"2026/2/30"}},
		{"too long", "サービス名,備考\r\nGoogle," + strings.Repeat("あ", 2001) + "\r\n", 2, "備考", "notes", "import.row_too_long", []any{2000}},
		{"bad count", "情報資産名称,機密性,完全性,可用性,対象人数\r\n名簿,1,1,1,たくさん\r\n", 2, "対象人数", "people_concerned", "import.row_invalid_number", []any{"たくさん"}},
		{"English header", "Name,Employment type,Join date\r\nTaro,Full-time,2026-02-30\r\n", 2, "Join date", "join_date", "import.row_invalid_date", []any{"2026-02-30"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			re := rowErr(t, tt.csv)
			if re.Line != tt.line || re.Column != tt.column || re.Field != tt.field || re.Key != tt.key || !reflect.DeepEqual(re.Args, tt.args) {
				t.Errorf("got %+v, want line %d column %s field %s key %s args %v", re, tt.line, tt.column, tt.field, tt.key, tt.args)
			}
			// The web layer sees a problem with the message arguments.
			pe, ok := problem.As(re)
			if !ok || pe.Code != problem.Invalid || pe.Key != tt.key || pe.Args[0] != tt.line || pe.Args[1] != tt.column {
				t.Errorf("problem.As = %+v, %v", pe, ok)
			}
			if problem.CodeOf(re) != problem.Invalid {
				t.Errorf("CodeOf = %s, want invalid", problem.CodeOf(re))
			}
		})
	}
}

func TestParseFileErrors(t *testing.T) {
	tests := []struct {
		name, csv string
		kind      Kind
		format    Format
		key       string
		args      []any
	}{
		{"missing required column", "氏名,部署,入社日\r\n山田,営業,\r\n", People, Mamori, "import.missing_column", []any{"雇用形態"}},
		{"missing required column (English)", "Name,Department,Join date\r\nTaro,Sales,\r\n", People, Mamori, "import.missing_column", []any{"Employment type"}},
		{"kind the format cannot fill", "User principal name,Display name,Block credential\r\na@example.co.jp,A,False\r\n", Devices, M365Users, "import.kind_mismatch", nil},
		{"mamori file as console", "氏名,雇用形態\r\n山田,正社員\r\n", Shares, SharePointSharing, "import.missing_column", []any{"Resource Path"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustRead(t, "x.csv", []byte(tt.csv))
			_, err := Parse(f, tt.kind, tt.format, Options{})
			wantProblem(t, err, tt.key)
			if e, _ := problem.As(err); !reflect.DeepEqual(e.Args, tt.args) {
				t.Errorf("args = %v, want %v", e.Args, tt.args)
			}
		})
	}
	_, err := Parse(File{}, People, Mamori, Options{})
	wantProblem(t, err, "import.no_header")
}

// catalogue reads the import.* messages of the embedded catalogues.
func catalogue(t *testing.T) map[string]map[string]string {
	t.Helper()
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]map[string]string{}
	for _, l := range i18n.Locales {
		for _, k := range c.Keys(l) {
			if strings.HasPrefix(k, "import.") {
				if m[k] == nil {
					m[k] = map[string]string{}
				}
				m[k][string(l)] = c.Raw(l, k)
			}
		}
	}
	return m
}

// Every key the package uses has a Japanese and an English message, and
// the keys file holds no others.
func TestMessages(t *testing.T) {
	cat := catalogue(t)
	used := map[string]bool{}
	files, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`"(import\.[a-z0-9_]+)"`)
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllSubmatch(b, -1) {
			used[string(m[1])] = true
		}
	}
	for k := range used {
		for _, l := range []string{"ja", "en"} {
			if strings.TrimSpace(cat[k][l]) == "" {
				t.Errorf("%s: no %s message", k, l)
			}
		}
	}
	for k := range cat {
		if !used[k] {
			t.Errorf("%s: in the catalogue but unused", k)
		}
	}
}

// Row error messages name the row, the column and the value in both
// languages, with nothing left unformatted.
func TestRowErrorMessages(t *testing.T) {
	cat := catalogue(t)
	re := rowErr(t, assetsHeader+"顧客名簿,クラウド,3,2,2,○\r\n見積書,書類,4,1,1,×\r\n")
	for lang, want := range map[string][]string{"ja": {"3 行目", "「機密性」", "（4）"}, "en": {"Row 3", "“機密性”", "“4”"}} {
		msg := fmt.Sprintf(cat[re.Key][lang], re.MessageArgs()...)
		for _, w := range want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s message %q lacks %q", lang, msg, w)
			}
		}
		if strings.Contains(msg, "%!") {
			t.Errorf("%s message %q has a formatting error", lang, msg)
		}
	}
	// Every message formats cleanly with arguments of the usual shape.
	sample := map[string][]any{}
	for k, msgs := range cat {
		if strings.Contains(msgs["ja"], "%[2]") {
			sample[k] = []any{3, "列", "値", "値2", "値3"}
		} else if strings.Contains(msgs["ja"], "%[1]s") {
			sample[k] = []any{"値"}
		}
	}
	for _, k := range []string{"import.too_large", "import.bad_csv"} {
		sample[k] = []any{50}
	}
	sample["import.too_many_columns"] = []any{3, 512}
	sample["import.warn_example_row"] = []any{2, ""}
	sample["import.row_duplicate"] = []any{3, "列", "値", 2}
	sample["import.row_too_long"] = []any{3, "列", 2000}
	sample["import.line_too_long"] = []any{"a.csv", 3, 1024, 32767}
	sample["import.cell_too_long"] = []any{"a.csv", 3, "B", 32767}
	sample["import.too_many_rows"] = []any{"a.csv", 200000}
	sample["import.too_many_cells"] = []any{"a.csv", 3000000, 4}
	sample["import.too_much_text"] = []any{"a.csv", 50, 4}
	sample["import.xlsx_unzipped"] = []any{"a.xlsx", 256}
	sample["import.xlsx_ratio"] = []any{"a.xlsx", "xl/worksheets/sheet1.xml", 100}
	sample["import.xlsx_parts"] = []any{"a.xlsx", 1000, 32}
	sample["import.xlsx_understated"] = []any{"a.xlsx", "xl/worksheets/sheet1.xml"}
	sample["import.row_errors"] = []any{3}
	sample["import.more_errors"] = []any{50, 100}
	sample["import.fix_choice"] = []any{3, "列", "値", "甲、乙", "a, b"}
	sample["import.fix_leave_before_join"] = []any{3, "列", "値", "2020/04/01"}
	sample["import.warn_role_not_person"] = []any{3, "", "info@example.co.jp"}
	sample["import.fix_duplicate"] = []any{3, "列", "値", 2}
	sample["import.fix_too_long"] = []any{3, "列", 2000}
	sample["import.warn_defaulted"] = []any{0, "権限", 4, "編集", "Edit"}
	sample["import.warn_employment_defaulted"] = []any{0, "", 4, "正社員", "Full-time"}
	sample["import.risk_too_long"] = []any{3, "対策の内容", "値", 2000}
	for k, msgs := range cat {
		for lang, m := range msgs {
			if strings.Contains(m, "%") && !strings.Contains(m, "%[") {
				t.Errorf("%s/%s uses unindexed verbs", k, lang)
			}
			if out := fmt.Sprintf(m, sample[k]...); strings.Contains(out, "%!") {
				t.Errorf("%s/%s: %q", k, lang, out)
			}
		}
	}
}

func TestTemplateExampleRowSkipped(t *testing.T) {
	cols := Columns(People)
	var b bytes.Buffer
	ex := make([]string, len(cols))
	for i, c := range cols {
		ex[i] = c.Example
	}
	real, _ := FormatRecord(People, PersonRow{Person: inventory.Person{Name: "田中 一", EmploymentType: inventory.FullTime}}, "ja")
	if err := WriteCSV(&b, cols, [][]string{ex, real}, "ja", true); err != nil {
		t.Fatal(err)
	}
	p := parseFile(t, "x.csv", b.Bytes(), "", "", Options{})
	if len(p.People) != 1 || p.People[0].Record.Name != "田中 一" || p.Skipped != 1 {
		t.Fatalf("got %+v", p.People)
	}
	if !slices.ContainsFunc(p.Warnings, func(w Warning) bool { return w.Key == "import.warn_example_row" && w.Line == 2 }) {
		t.Errorf("warnings = %+v, want the example row noted", p.Warnings)
	}
	b.Reset()
	WriteCSV(&b, cols, [][]string{ex}, "ja", true)
	f := mustRead(t, "x.csv", b.Bytes())
	_, err := Parse(f, "", "", Options{})
	wantProblem(t, err, "import.no_rows")
}

func TestFutureDatesQuestioned(t *testing.T) {
	csv := "サービス,ログインID,最終ログイン,作成日\r\nSlack,a@example.co.jp,2026/12/31,2026/4/2\r\n"
	today := time.Date(2026, 4, 1, 20, 0, 0, 0, time.UTC) // 2 April in Japan
	p := parseFile(t, "x.csv", []byte(csv), "", "", Options{Today: today})
	w := p.Accounts[0].Warnings
	if len(w) != 1 || w[0].Key != "import.warn_future_date" || w[0].Column != "最終ログイン" || w[0].Args[0] != "2026/12/31" {
		t.Errorf("warnings = %+v, want the last sign-in questioned", w)
	}
	if p.Accounts[0].Record.LastLogin != "2026-12-31" {
		t.Errorf("the date is kept: got %q", p.Accounts[0].Record.LastLogin)
	}
	p = parseFile(t, "x.csv", []byte(csv), "", "", Options{})
	if len(p.Accounts[0].Warnings) != 0 {
		t.Errorf("without Today: %+v", p.Accounts[0].Warnings)
	}
}
