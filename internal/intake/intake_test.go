package intake_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/importer"
	"github.com/mamori-sec/mamori/internal/intake"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

var (
	today  = time.Date(2026, 4, 10, 3, 0, 0, 0, time.UTC)
	keeper = audit.Actor{UserID: 0, Label: "keeper@example.co.jp"}
)

// fixture is an organisation in a fresh store.
type fixture struct {
	t   *testing.T
	ctx context.Context
	db  *store.DB
	ten store.Tenant
}

func newFixture(t *testing.T, engine store.Engine) *fixture {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t, engine, func() time.Time { return today })
	id, err := db.CreateOrg(ctx, audit.System, org.Org{Slug: "kaisha", Name: "株式会社かいしゃ"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, ctx: ctx, db: db, ten: db.Tenant(id)}
}

func eachEngine(t *testing.T, fn func(t *testing.T, f *fixture)) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) { fn(t, newFixture(t, e)) })
	}
}

// read parses a file as intake.Read does for the web and the command line.
func (f *fixture) read(name string, data []byte, kind importer.Kind, format importer.Format, service string) (importer.Parsed, intake.Options) {
	f.t.Helper()
	opt := intake.Options{Service: service, Today: today}
	p, src, err := intake.Read(f.ctx, f.ten, name, data, kind, format, opt)
	if err != nil {
		f.t.Fatalf("read %s: %v", name, err)
	}
	opt.Source = src
	return p, opt
}

func testdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "importer", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// apply reads and applies a file.
func (f *fixture) apply(name string, data []byte, kind importer.Kind, format importer.Format, service string) intake.Preview {
	f.t.Helper()
	p, opt := f.read(name, data, kind, format, service)
	pv, err := intake.Apply(f.ctx, f.ten, keeper, p, opt)
	if err != nil {
		f.t.Fatalf("apply %s: %v", name, err)
	}
	return pv
}

func (f *fixture) audits() int64 {
	f.t.Helper()
	n, err := f.db.VerifyAudit(f.ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

func (f *fixture) inventory() inventory.Data {
	f.t.Helper()
	d, err := f.ten.Inventory(f.ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

func counts(pv intake.Preview) string {
	return fmt.Sprintf("added %d changed %d unchanged %d not in file %d", pv.Added, pv.Changed, pv.Unchanged, pv.NotInFile)
}

func csvOf(t *testing.T, kind importer.Kind, lang string, records ...any) []byte {
	t.Helper()
	var rows [][]string
	for _, r := range records {
		cells, err := importer.FormatRecord(kind, r, lang)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, cells)
	}
	var b bytes.Buffer
	if err := importer.WriteCSV(&b, importer.Columns(kind), rows, lang, true); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestPreviewCounts(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		seed := []inventory.Person{
			{Name: "山田 太郎", Kana: "ヤマダ タロウ", Email: "yamada@example.co.jp", Department: "経営", EmploymentType: inventory.Executive},
			{Name: "佐藤 花子", Kana: "サトウ ハナコ", Email: "sato@example.co.jp", Department: "営業部", EmploymentType: inventory.FullTime},
			{Name: "田中 三郎", Kana: "タナカ サブロウ", Department: "倉庫", EmploymentType: inventory.Dispatched},
			{Name: "伊藤 四郎", Kana: "イトウ シロウ", Email: "ito@example.co.jp", Department: "総務部", EmploymentType: inventory.FullTime},
		}
		if err := f.ten.AddPeople(f.ctx, audit.System, seed); err != nil {
			t.Fatal(err)
		}
		before := f.audits()
		data := csvOf(t, importer.People, "ja",
			inventory.Person{Name: "山田 太郎", Kana: "ヤマダ タロウ", Email: "YAMADA@example.co.jp", Department: "経営", EmploymentType: inventory.Executive},
			inventory.Person{Name: "佐藤花子", Kana: "サトウ ハナコ", Email: "sato@example.co.jp", Department: "営業二部", EmploymentType: inventory.FullTime},
			inventory.Person{Name: "田中 三郎", Kana: "ﾀﾅｶ ｻﾌﾞﾛｳ", Department: "倉庫", EmploymentType: inventory.Dispatched, LeaveDate: "2026-03-31"},
			inventory.Person{Name: "高橋 次郎", Kana: "タカハシ ジロウ", Email: "takahashi@example.co.jp", Department: "営業部", EmploymentType: inventory.PartTime},
		)
		p, opt := f.read("people.csv", data, "", "", "")
		pv, err := intake.Plan(f.ctx, f.ten, p, opt)
		if err != nil {
			t.Fatal(err)
		}
		if pv.Added != 1 || pv.Changed != 2 || pv.Unchanged != 1 || pv.NotInFile != 1 || pv.Rows != 4 {
			t.Fatalf("got %s rows %d, want added 1 changed 2 unchanged 1 not in file 1 rows 4", counts(pv), pv.Rows)
		}
		if pv.Kind != importer.People || pv.Format != importer.Mamori || pv.Encoding != "utf-8-bom" || len(pv.SHA256) != 64 || pv.File != "people.csv" {
			t.Fatalf("got %s %s %s %q %q, want people, mamori, utf-8-bom, a sha256 and the name", pv.Kind, pv.Format, pv.Encoding, pv.SHA256, pv.File)
		}
		if f.audits() != before {
			t.Fatal("a preview wrote to the audit trail")
		}
		var dept *intake.Change
		for _, ex := range pv.Examples.Changed {
			for i, c := range ex.Changes {
				if ex.Label == "佐藤 花子 <sato@example.co.jp>" && c.Field == "department" {
					dept = &ex.Changes[i]
				}
				if c.Field == "name" {
					t.Errorf("%s: got a name change %+v, want 佐藤花子 read as 佐藤 花子", ex.Label, c)
				}
			}
		}
		if dept == nil || dept.Before.JA != "営業部" || dept.After.JA != "営業二部" || dept.Label.JA != "部署" || dept.Label.EN != "Department" {
			t.Fatalf("got %+v, want 部署 営業部 → 営業二部 in the examples", pv.Examples.Changed)
		}
		if len(pv.Examples.NotInFile) != 1 || !strings.HasPrefix(pv.Examples.NotInFile[0].Label, "伊藤 四郎") {
			t.Fatalf("got not-in-file examples %+v, want 伊藤 四郎", pv.Examples.NotInFile)
		}
		applied, err := intake.Apply(f.ctx, f.ten, keeper, p, opt)
		if err != nil || !applied.Applied {
			t.Fatalf("apply: got %+v %v, want it applied", applied.Applied, err)
		}
		// One entry for the import, whose details are the 1 added and 2
		// changed; the evaluation runs later, as a job.
		entries, err := f.ten.Audit(f.ctx, store.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, e := range entries {
			actions[e.Action]++
			if e.Action == "import.apply" && (!strings.Contains(e.After, `"sha256":"`+pv.SHA256) || !strings.Contains(e.After, `"file":"people.csv"`) || !strings.Contains(e.After, `"added":1`) || !strings.Contains(e.After, `"details_records":3,`)) {
				t.Errorf("got summary %s, want the file, its sha256 and the counts", e.After)
			}
		}
		if actions["person.create"] != 4 || actions["person.update"] != 0 || actions["import.apply"] != 1 {
			t.Fatalf("got actions %v, want 4 seeded and 1 import entry holding the import's 3 changes", actions)
		}
		d := f.inventory()
		if len(d.People) != 5 {
			t.Fatalf("got %d people, want 5: nobody deleted", len(d.People))
		}
		for _, person := range d.People {
			switch person.Email {
			case "ito@example.co.jp":
				if person.Department != "総務部" {
					t.Errorf("got %q, want the person not in the file left as they were", person.Department)
				}
			case "":
				if person.LeaveDate != "2026-03-31" || person.Kana != "タナカ サブロウ" {
					t.Errorf("got %+v, want 田中 matched by name and kana and given a leave date", person)
				}
			}
		}
		// A record's history still shows what the import changed in it,
		// dated and signed by the import's entry.
		var importSeq int64
		for _, e := range entries {
			if e.Action == "import.apply" {
				importSeq = e.Seq
			}
		}
		for _, person := range d.People {
			hist, err := f.ten.History(f.ctx, fmt.Sprintf("person:%d", person.ID))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range hist {
				if e.Seq == importSeq {
					got = append(got, e.Action)
					if e.Actor != keeper.Label || e.Target != fmt.Sprintf("person:%d", person.ID) {
						t.Errorf("%s: got %q on %q, want the import's actor on the person", person.Email, e.Actor, e.Target)
					}
					if person.Email == "sato@example.co.jp" && (!strings.Contains(e.Before, "営業部") || !strings.Contains(e.After, "営業二部")) {
						t.Errorf("got before %s after %s, want the department change", e.Before, e.After)
					}
				}
			}
			want := map[string]string{"sato@example.co.jp": "person.update", "": "person.update", "takahashi@example.co.jp": "person.create"}[person.Email]
			if len(hist) == 0 || strings.Join(got, ",") != want {
				t.Errorf("%s: got the import's changes %v in its history of %d entries, want %q", person.Email, got, len(hist), want)
			}
		}
	})
}

// TestApplyAllOrNothing: a file with one bad row changes nothing, whether
// the parser or the planner finds it.
func TestApplyAllOrNothing(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		var good []any
		for i := range 600 {
			a := importer.AccountRow{ServiceName: "Slack"}
			a.LoginID = fmt.Sprintf("user%03d@example.co.jp", i)
			a.Kind, a.Privilege, a.MFA, a.Status = inventory.Personal, inventory.Edit, inventory.MFAOn, inventory.Active
			good = append(good, a)
		}
		data := csvOf(t, importer.Accounts, "ja", good...)
		lines := strings.Split(string(data), "\r\n")
		lines[500] = strings.Replace(lines[500], "有効", "たぶん", 1) // 多要素認証 of row 500
		bad := []byte(strings.Join(lines, "\r\n"))
		before := f.audits()
		_, _, err := intake.Read(f.ctx, f.ten, "accounts.csv", bad, "", "", intake.Options{})
		var re *importer.RowError
		if !errors.As(err, &re) || re.Line != 501 || re.Column != "多要素認証" {
			t.Fatalf("got %v, want an error naming row 501 and 多要素認証", err)
		}
		// The same row 500 found by the planner: two rows for one account,
		// the service named once by its catalogue alias.
		dup := append([]any{}, good...)
		alias := good[10].(importer.AccountRow)
		alias.ServiceName = "スラック"
		dup[499] = alias
		p, opt := f.read("accounts.csv", csvOf(t, importer.Accounts, "ja", dup...), "", "", "")
		_, err = intake.Apply(f.ctx, f.ten, keeper, p, opt)
		if !errors.As(err, &re) || re.Line != 501 || re.Key != "import.row_duplicate" {
			t.Fatalf("got %v, want row 501 refused as a duplicate of row 12", err)
		}
		if f.audits() != before || len(f.inventory().Accounts) != 0 || len(f.inventory().Services) != 0 {
			t.Fatal("a refused file changed something")
		}
		pv := f.apply("accounts.csv", data, "", "", "")
		if pv.Added != 600 || len(pv.NewServices) != 1 || pv.NewServices[0].CatalogueKey != "slack" {
			t.Fatalf("got %s new services %+v, want 600 added and Slack from the catalogue", counts(pv), pv.NewServices)
		}
	})
}

// TestReimportAndRoundTrip imports every kind from the importer's example
// files, then imports each again, then exports each (CSV in Japanese, Excel
// in English) and imports the export: the second and third passes change
// nothing and write nothing.
func TestReimportAndRoundTrip(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		files := []struct {
			name string
			kind importer.Kind
		}{
			{"people_ja.csv", importer.People}, {"services_ja.csv", importer.Services}, {"devices_ja.csv", importer.Devices},
			{"assets_ipa.csv", importer.Assets}, {"accounts_ja.csv", importer.Accounts}, {"shares_ja.csv", importer.Shares},
		}
		for _, file := range files {
			pv := f.apply(file.name, testdata(t, file.name), "", "", "")
			if pv.Kind != file.kind || pv.Added == 0 || pv.Changed != 0 {
				t.Fatalf("%s: got %s %s, want %s rows added", file.name, pv.Kind, counts(pv), file.kind)
			}
		}
		// A share and an asset that point at other records, so the round
		// trip covers references by name.
		d := f.inventory()
		sh := d.Shares[0]
		for _, a := range d.Assets {
			if a.Name == "見積書" {
				sh.AssetID = a.ID
			}
		}
		as := d.Assets[0]
		as.ServiceIDs, as.DeviceIDs = []int64{d.Services[0].ID, d.Services[1].ID}, []int64{d.Devices[0].ID}
		if err := f.ten.SaveShare(f.ctx, audit.System, &sh); err != nil {
			t.Fatal(err)
		}
		if err := f.ten.SaveAsset(f.ctx, audit.System, &as); err != nil {
			t.Fatal(err)
		}
		before := f.audits()

		for _, file := range files {
			pv := f.apply(file.name, testdata(t, file.name), "", "", "")
			if pv.Added != 0 || pv.Changed != 0 || len(pv.NewServices) != 0 {
				t.Errorf("%s again: got %s %+v, want nothing added or changed", file.name, counts(pv), pv.Examples.Changed)
			}
		}
		if f.audits() != before {
			t.Fatal("re-importing the example files wrote to the audit trail")
		}
		// yamada's account, exported, reads exactly like the template's
		// example row, which the parser skips as such: give it another
		// last sign-in before the export round trip.
		acc := f.account("yamada@example.co.jp")
		acc.LastLogin = "2026-04-01"
		if err := f.ten.SaveAccount(f.ctx, audit.System, &acc); err != nil {
			t.Fatal(err)
		}
		before = f.audits()
		for _, kind := range importer.Kinds {
			for _, format := range []string{"csv", "xlsx"} {
				lang := map[string]string{"csv": "ja", "xlsx": "en"}[format]
				var b bytes.Buffer
				if _, err := intake.Export(f.ctx, f.ten, &b, kind, format, lang); err != nil {
					t.Fatal(err)
				}
				pv := f.apply(intake.FileName(kind, format, lang), b.Bytes(), kind, "", "")
				if pv.Added != 0 || pv.Changed != 0 || pv.NotInFile != 0 || pv.Unchanged == 0 {
					t.Errorf("%s %s export imported: got %s %+v %+v, want every row unchanged", kind, format, counts(pv), pv.Examples.Changed, pv.Examples.NotInFile)
				}
			}
		}
		if after := f.audits(); after != before {
			t.Fatalf("got %d audit entries after re-imports, want %d", after, before)
		}
	})
}

// TestConsoleExports: Google's user list adds the Workspace accounts
// without touching what it cannot know; the Entra registration details
// then change MFA (and the admin flag) only, and skip accounts mamori does
// not know.
func TestConsoleExports(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		if err := f.ten.AddPeople(f.ctx, audit.System, []inventory.Person{
			{Name: "山田 太郎", Email: "yamada@example.co.jp", EmploymentType: inventory.Executive},
			{Name: "佐藤 花子", Email: "sato@example.co.jp", EmploymentType: inventory.FullTime},
		}); err != nil {
			t.Fatal(err)
		}
		pv := f.apply("gws_users.csv", testdata(t, "gws_users.csv"), "", "", "")
		if pv.Format != importer.GWSUsers || pv.Added != 5 || len(pv.NewServices) != 1 || pv.NewServices[0].CatalogueKey != "google_workspace" {
			t.Fatalf("got %s %s new %+v, want 5 Google Workspace accounts and the service from the catalogue", pv.Format, counts(pv), pv.NewServices)
		}
		var unmatched []string
		for _, u := range pv.Unmatched {
			unmatched = append(unmatched, fmt.Sprintf("%d:%s", u.Line, u.Email))
		}
		// info@ is a role's mailbox: a shared account, nobody's to match.
		if !slices.Equal(unmatched, []string{"4:suzuki@example.co.jp", "5:john.smith@example.co.jp"}) {
			t.Fatalf("got unmatched %v, want the two people's addresses without a person, with their rows", unmatched)
		}
		if info := f.account("info@example.co.jp"); info.Kind != inventory.Shared || info.PersonID != 0 {
			t.Fatalf("got info@ %+v, want a shared account", info)
		}
		if len(pv.Gaps) == 0 || pv.Gaps[0].Key != "import.gap_gws_admin" {
			t.Fatalf("got gaps %+v, want the missing admin flag", pv.Gaps)
		}
		acc := f.account("yamada@example.co.jp")
		if acc.PersonID == 0 || acc.MFA != inventory.MFAOn || acc.Privilege != inventory.Edit || acc.LastLogin != "2026-03-31" {
			t.Fatalf("got %+v, want yamada linked, MFA on, edit (not known), last sign-in", acc)
		}
		// The keeper knows yamada is an administrator and info@ is shared.
		acc.Privilege = inventory.Admin
		if err := f.ten.SaveAccount(f.ctx, audit.System, &acc); err != nil {
			t.Fatal(err)
		}
		info := f.account("info@example.co.jp")
		info.Kind = inventory.Shared
		if err := f.ten.SaveAccount(f.ctx, audit.System, &info); err != nil {
			t.Fatal(err)
		}
		before := f.audits()
		again := f.apply("gws_users.csv", testdata(t, "gws_users.csv"), "", "", "")
		if again.Changed != 0 || again.Added != 0 || f.audits() != before {
			t.Fatalf("got %s %+v, want the Google list to leave the admin and the shared account alone", counts(again), again.Examples.Changed)
		}
		// The keeper marked sato's MFA as not known; Entra knows.
		sato := f.account("sato@example.co.jp")
		sato.MFA = inventory.MFAUnknown
		if err := f.ten.SaveAccount(f.ctx, audit.System, &sato); err != nil {
			t.Fatal(err)
		}
		sato = f.account("sato@example.co.jp")
		pv = f.apply("entra_mfa.csv", testdata(t, "entra_mfa.csv"), "", "", "Google Workspace")
		if pv.Format != importer.EntraMFA || pv.Changed != 1 || pv.Unchanged != 1 || pv.Added != 0 || pv.Skipped != 2 || pv.NotInFile != 3 {
			t.Fatalf("got %s skipped %d %+v, want yamada unchanged, sato changed, 2 unknown skipped, 3 not in the file", counts(pv), pv.Skipped, pv.Examples.Changed)
		}
		warned := 0
		for _, w := range pv.Warnings {
			if w.Key == "intake.warn_unknown_account" {
				warned++
			}
		}
		if warned != 2 {
			t.Fatalf("got warnings %+v, want the two unknown accounts named", pv.Warnings)
		}
		after := f.account("sato@example.co.jp")
		sato.MFA = inventory.MFAOff
		sato.UpdatedAt = after.UpdatedAt
		if after != sato {
			t.Fatalf("got %+v, want only MFA changed from %+v", after, sato)
		}
		if got := f.account("yamada@example.co.jp"); got.Privilege != inventory.Admin || got.MFA != inventory.MFAOn {
			t.Fatalf("got %+v, want yamada still admin with MFA on", got)
		}
		if got := f.account("info@example.co.jp"); got.Kind != inventory.Shared {
			t.Fatalf("got %+v, want info@ still shared", got)
		}
	})
}

// account finds an account by login ID.
func (f *fixture) account(login string) inventory.Account {
	f.t.Helper()
	for _, a := range f.inventory().Accounts {
		if a.LoginID == login {
			return a
		}
	}
	f.t.Fatalf("no account %s", login)
	return inventory.Account{}
}

func TestSharingReportAndMicrosoftUsers(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		if err := f.ten.AddPeople(f.ctx, audit.System, []inventory.Person{{Name: "山田 太郎", Email: "yamada@example.co.jp", EmploymentType: inventory.Executive}}); err != nil {
			t.Fatal(err)
		}
		pv := f.apply("m365_users.csv", testdata(t, "m365_users.csv"), "", "", "")
		if pv.Format != importer.M365Users || pv.Added != 4 || len(pv.NewServices) != 1 || pv.NewServices[0].Name != "Microsoft 365" {
			t.Fatalf("got %s %s %+v, want 4 Microsoft 365 accounts", pv.Format, counts(pv), pv.NewServices)
		}
		if got := f.account("suzuki@example.co.jp"); got.Status != inventory.Suspended || got.MFA != inventory.MFAUnknown {
			t.Fatalf("got %+v, want the blocked account suspended and MFA unknown", got)
		}
		pv = f.apply("sharepoint_sharing.csv", testdata(t, "sharepoint_sharing.csv"), "", "", "")
		if pv.Format != importer.SharePointSharing || pv.Added == 0 || len(pv.NewServices) != 0 {
			t.Fatalf("got %s %s %+v, want shares added to the Microsoft 365 already listed", pv.Format, counts(pv), pv.NewServices)
		}
		n := pv.Added
		before := f.audits()
		pv = f.apply("sharepoint_sharing.csv", testdata(t, "sharepoint_sharing.csv"), "", "", "")
		if pv.Added != 0 || pv.Changed != 0 || pv.Unchanged != n || f.audits() != before {
			t.Fatalf("sharing report again: got %s, want %d unchanged", counts(pv), n)
		}
	})
}

func TestUnknownServiceAndCoverage(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		if err := f.ten.AddPeople(f.ctx, audit.System, []inventory.Person{{Name: "山田 太郎", Kana: "ヤマダ タロウ", Email: "yamada@example.co.jp", Department: "経営", EmploymentType: inventory.Executive, JoinDate: "2010-04-01"}}); err != nil {
			t.Fatal(err)
		}
		data := []byte("サービス,ログインID,種別\r\n勤怠くん,yamada@example.co.jp,個人\r\nマネフォ,yamada@example.co.jp,個人\r\n")
		p, opt := f.read("accounts.csv", data, "", "", "")
		pv, err := intake.Plan(f.ctx, f.ten, p, opt)
		if err != nil {
			t.Fatal(err)
		}
		if len(pv.NewServices) != 2 || pv.NewServices[0].Name != "勤怠くん" || pv.NewServices[0].CatalogueKey != "" || pv.NewServices[1].CatalogueKey != "moneyforward_accounting" {
			t.Fatalf("got new services %+v, want 勤怠くん outside the catalogue and マネフォ from it", pv.NewServices)
		}
		var unknown []intake.Note
		pv.Translate(func(key string, args ...any) string { return key + fmt.Sprint(args...) })
		for _, w := range pv.Warnings {
			if w.Key == "intake.warn_unknown_service" {
				unknown = append(unknown, w)
			}
		}
		if len(unknown) != 1 || unknown[0].Line != 2 || unknown[0].Args[0] != "勤怠くん" || !strings.Contains(unknown[0].Message, "勤怠くん") {
			t.Fatalf("got warnings %+v, want one about 勤怠くん on row 2, translated", pv.Warnings)
		}
		if _, err := intake.Apply(f.ctx, f.ten, keeper, p, opt); err != nil {
			t.Fatal(err)
		}
		for _, s := range f.inventory().Services {
			if s.Name == "勤怠くん" && (s.Category != inventory.Cloud || s.CatalogueKey != "") {
				t.Fatalf("got %+v, want a cloud service outside the catalogue", s)
			}
		}
		// A people list without 部署 or 入社日 leaves them as they are.
		pv = f.apply("people.csv", []byte("氏名,メールアドレス,雇用形態\r\n山田 太郎,yamada@example.co.jp,役員\r\n"), "", "", "")
		if pv.Changed != 0 || pv.Unchanged != 1 {
			t.Fatalf("got %s, want yamada unchanged", counts(pv))
		}
		if got := f.inventory().People[0]; got.Department != "経営" || got.JoinDate != "2010-04-01" || got.Kana != "ヤマダ タロウ" {
			t.Fatalf("got %+v, want the columns the file lacks kept", got)
		}
	})
}
