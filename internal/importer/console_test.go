package importer

import (
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/mamori-sec/mamori/internal/inventory"
)

func TestParseGWSUsers(t *testing.T) {
	var first Parsed
	for enc, data := range encodings(t, readTestdata(t, "gws_users.csv")) {
		t.Run(enc, func(t *testing.T) {
			p := parseFile(t, "gws_users.csv", data, "", "", Options{})
			if p.Kind != Accounts || p.Format != GWSUsers || len(p.Accounts) != 5 {
				t.Fatalf("got %s/%s with %d accounts", p.Kind, p.Format, len(p.Accounts))
			}
			y := p.Accounts[0]
			if y.Line != 2 || y.Record.LoginID != "yamada@example.co.jp" || y.Record.PersonEmail != "yamada@example.co.jp" || y.Record.ServiceName != "Google Workspace" ||
				y.Record.Status != inventory.Active || y.Record.LastLogin != "2026-03-31" || y.Record.MFA != inventory.MFAOn ||
				y.Record.DisplayName != "山田 太郎" || y.Record.RecoveryEmail != "taro.yamada.home@gmail.com" || y.Record.EmployeeType != "役員" || y.Record.Department != "経営" {
				t.Errorf("yamada = line %d %+v", y.Line, y.Record)
			}
			if a := p.Accounts[1].Record; a.MFA != inventory.MFAOff || a.ManagerEmail != "yamada@example.co.jp" {
				t.Errorf("sato = %+v", a)
			}
			if a := p.Accounts[2].Record; a.Status != inventory.Suspended || a.LastLogin != "" {
				t.Errorf("suzuki (suspended, never signed in) = %+v", a)
			}
			if a := p.Accounts[3].Record; a.DisplayName != "John Smith" || a.LastLogin != "2025-12-01" {
				t.Errorf("john = %+v", a)
			}
			for _, a := range p.Accounts {
				// The file cannot say who is an admin: ordinary, and flagged.
				// info@ names a role, not a person: a shared account.
				want := inventory.Personal
				if a.Record.LoginID == "info@example.co.jp" {
					want = inventory.Shared
				}
				if a.Record.Privilege != inventory.Edit || a.Record.Kind != want {
					t.Errorf("%s: privilege %s kind %s, want edit %s", a.Record.LoginID, a.Record.Privilege, a.Record.Kind, want)
				}
			}
			if a := p.Accounts[4]; a.Record.PersonEmail != "" || len(a.Warnings) != 1 || a.Warnings[0].Key != "import.warn_role_account" {
				t.Errorf("info@ = %+v, want a shared account with no person, and said so", a)
			}
			if want := (Coverage{MFA: true, Status: true, LastLogin: true}); p.Coverage != want {
				t.Errorf("coverage = %+v, want %+v", p.Coverage, want)
			}
			if !slices.Equal(p.Gaps, []string{"import.gap_gws_admin"}) {
				t.Errorf("gaps = %v", p.Gaps)
			}
			if first.Accounts == nil {
				first = p
			} else if !reflect.DeepEqual(first, p) {
				t.Errorf("%s reads differently from UTF-8", enc)
			}
		})
	}
}

func TestParseGWSPeople(t *testing.T) {
	p := parseFile(t, "gws_users.csv", readTestdata(t, "gws_users.csv"), People, GWSUsers, Options{})
	// info@ is a role's mailbox, not a person.
	if len(p.People) != 4 || p.Skipped != 1 {
		t.Fatalf("got %d people, %d skipped; want 4 and info@ skipped", len(p.People), p.Skipped)
	}
	want := []inventory.EmploymentType{inventory.Executive, inventory.FullTime, inventory.PartTime, inventory.Contractor}
	for i, w := range want {
		if got := p.People[i].Record.EmploymentType; got != w {
			t.Errorf("%s: %s, want %s", p.People[i].Record.Name, got, w)
		}
	}
	if r := p.People[1].Record; r.Name != "佐藤 花子" || r.Email != "sato@example.co.jp" || r.Department != "営業部" || r.ManagerEmail != "yamada@example.co.jp" {
		t.Errorf("sato = %+v", r)
	}
	if len(p.Warnings) != 1 || p.Warnings[0].Key != "import.warn_role_not_person" {
		t.Errorf("warnings = %+v, want info@ left out", p.Warnings)
	}
}

func TestParseGAM(t *testing.T) {
	csv := "primaryEmail,name.givenName,name.familyName,isAdmin,isEnrolledIn2Sv,lastLoginTime,suspended\n" +
		"yamada@example.co.jp,太郎,山田,True,True,2026-03-31T00:24:13.000Z,False\n" +
		"sato@example.co.jp,花子,佐藤,False,False,1970-01-01T00:00:00.000Z,True\n"
	p := parseFile(t, "gam.csv", []byte(csv), "", "", Options{})
	if a := p.Accounts[0].Record; a.Privilege != inventory.Admin || a.MFA != inventory.MFAOn || a.LastLogin != "2026-03-31" || a.DisplayName != "山田 太郎" {
		t.Errorf("yamada = %+v", a)
	}
	if a := p.Accounts[1].Record; a.Status != inventory.Suspended || a.Privilege != inventory.Edit || a.LastLogin != "" {
		t.Errorf("sato (never signed in: the Unix epoch) = %+v", a)
	}
	if !p.Coverage.Privilege || len(p.Gaps) != 0 {
		t.Errorf("coverage %+v gaps %v: GAM has isAdmin", p.Coverage, p.Gaps)
	}
}

func TestParseM365Users(t *testing.T) {
	for enc, data := range encodings(t, readTestdata(t, "m365_users.csv")) {
		t.Run(enc, func(t *testing.T) {
			p := parseFile(t, "m365_users.csv", data, "", "", Options{})
			if p.Format != M365Users || len(p.Accounts) != 4 {
				t.Fatalf("got %s with %d accounts", p.Format, len(p.Accounts))
			}
			y := p.Accounts[0].Record
			if y.LoginID != "yamada@example.onmicrosoft.com" || y.PersonEmail != "yamada@example.co.jp" || y.CreatedOn != "2021-04-01" ||
				y.Status != inventory.Active || y.DisplayName != "山田 太郎" || y.Licenses != "contoso:O365_BUSINESS_PREMIUM" || y.ServiceName != "Microsoft 365" {
				t.Errorf("yamada = %+v", y)
			}
			if len(p.Accounts[0].Warnings) != 1 || p.Accounts[0].Warnings[0].Key != "import.warn_date_ambiguous" {
				t.Errorf("4/1/2021 warnings = %+v", p.Accounts[0].Warnings)
			}
			if a := p.Accounts[1].Record; a.Status != inventory.Suspended || a.CreatedOn != "2021-04-01" {
				t.Errorf("blocked = %+v", a)
			}
			if a := p.Accounts[2].Record; a.Kind != inventory.Guest || a.PersonEmail != "" || a.CreatedOn != "2025-10-15" {
				t.Errorf("guest = %+v", a)
			}
			if a := p.Accounts[3].Record; a.CreatedOn != "2022-04-13" || a.PersonEmail != "sato@example.co.jp" {
				t.Errorf("sato = %+v", a)
			}
			for _, a := range p.Accounts {
				// No MFA in this export: unknown, never off.
				if a.Record.MFA != inventory.MFAUnknown || a.Record.Privilege != inventory.Edit {
					t.Errorf("%s: MFA %s privilege %s", a.Record.LoginID, a.Record.MFA, a.Record.Privilege)
				}
			}
			if p.Coverage.MFA || p.Coverage.Privilege || p.Coverage.LastLogin || !p.Coverage.Status || !p.Coverage.Kind {
				t.Errorf("coverage = %+v", p.Coverage)
			}
			if !slices.Contains(p.Gaps, "import.gap_m365_mfa") {
				t.Errorf("gaps = %v", p.Gaps)
			}
		})
	}
}

// The semicolon export with a BOM and the CountryOrRegion / StateOrProvince
// header variants.
func TestParseM365Semicolon(t *testing.T) {
	f := mustRead(t, "m365_users_semicolon.csv", readTestdata(t, "m365_users_semicolon.csv"))
	if f.Delimiter != ';' || f.Encoding != "utf-8-bom" {
		t.Errorf("delimiter %q encoding %s", f.Delimiter, f.Encoding)
	}
	p, err := Parse(f, "", "", Options{Service: "Microsoft 365 (本社)"})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Accounts) != 2 {
		t.Fatalf("got %d accounts", len(p.Accounts))
	}
	if a := p.Accounts[0].Record; a.DisplayName != "山田; 太郎" || a.CreatedOn != "2021-04-01" || a.ServiceName != "Microsoft 365 (本社)" {
		t.Errorf("yamada = %+v", a)
	}
	if a := p.Accounts[1].Record; a.Status != inventory.Suspended {
		t.Errorf("suzuki = %+v", a)
	}
}

func TestParseM365People(t *testing.T) {
	p := parseFile(t, "m365_users.csv", readTestdata(t, "m365_users.csv"), People, M365Users, Options{})
	if len(p.People) != 3 || p.Skipped != 1 {
		t.Fatalf("got %d people, %d skipped; want 3 and the guest skipped", len(p.People), p.Skipped)
	}
	if r := p.People[0].Record; r.Name != "山田 太郎" || r.Email != "yamada@example.co.jp" || r.EmploymentType != inventory.FullTime {
		t.Errorf("yamada = %+v", r)
	}
	if len(p.Warnings) != 1 || p.Warnings[0].Key != "import.warn_employment_defaulted" || p.Warnings[0].Args[0] != 3 {
		t.Errorf("warnings = %+v", p.Warnings)
	}
}

func TestParseEntraMFA(t *testing.T) {
	for _, name := range []string{"entra_mfa.csv", "entra_mfa_graph.csv"} {
		t.Run(name, func(t *testing.T) {
			p := parseFile(t, name, readTestdata(t, name), "", "", Options{})
			if p.Format != EntraMFA {
				t.Fatalf("format %s", p.Format)
			}
			y := p.Accounts[0].Record
			if y.LoginID != "yamada@example.co.jp" || y.Privilege != inventory.Admin || y.MFA != inventory.MFAOn || y.DisplayName != "山田 太郎" {
				t.Errorf("yamada = %+v", y)
			}
			if s := p.Accounts[len(p.Accounts)-1].Record; name == "entra_mfa_graph.csv" && (s.MFA != inventory.MFAOff || s.Privilege != inventory.Edit) {
				t.Errorf("sato = %+v", s)
			}
			if !p.Coverage.MFA || !p.Coverage.Privilege || p.Coverage.Status || len(p.Gaps) != 0 {
				t.Errorf("coverage %+v gaps %v", p.Coverage, p.Gaps)
			}
		})
	}
	p := parseFile(t, "entra_mfa.csv", readTestdata(t, "entra_mfa.csv"), "", "", Options{})
	if a := p.Accounts[1].Record; a.Privilege != inventory.Admin || a.MFA != inventory.MFAOff {
		t.Errorf("admin without MFA = %+v", a)
	}
	if a := p.Accounts[3].Record; a.Kind != inventory.Guest || a.PersonEmail != "" || a.MFA != inventory.MFAOn {
		t.Errorf("guest = %+v", a)
	}
}

// A Japanese-language portal download (header names unverified), saved
// by Excel as Shift_JIS.
func TestParseEntraJapaneseCP932(t *testing.T) {
	csv := "ユーザー プリンシパル名,表示名,ユーザーの種類,管理者,多要素認証が可能,多要素認証が登録済み\r\n" +
		"yamada@example.co.jp,山田 太郎,メンバー,はい,はい,はい\r\n" +
		"sato@example.co.jp,佐藤 花子,メンバー,いいえ,いいえ,いいえ\r\n"
	data := encodings(t, []byte(csv))["shift_jis"]
	p := parseFile(t, "ユーザー登録の詳細.csv", data, "", "", Options{})
	if p.Format != EntraMFA || len(p.Accounts) != 2 {
		t.Fatalf("got %s with %d", p.Format, len(p.Accounts))
	}
	if a := p.Accounts[0].Record; a.MFA != inventory.MFAOn || a.Privilege != inventory.Admin {
		t.Errorf("yamada = %+v", a)
	}
	if a := p.Accounts[1].Record; a.MFA != inventory.MFAOff || a.Privilege != inventory.Edit {
		t.Errorf("sato = %+v", a)
	}
}

func TestParseEntraUnknownMFAValue(t *testing.T) {
	csv := "userPrincipalName,isMfaRegistered\nyamada@example.co.jp,maybe\n"
	p := parseFile(t, "x.csv", []byte(csv), "", "", Options{})
	if a := p.Accounts[0]; a.Record.MFA != inventory.MFAUnknown || len(a.Warnings) != 1 || a.Warnings[0].Key != "import.warn_unknown_value" {
		t.Errorf("got %+v", a)
	}
	f := mustRead(t, "x.csv", []byte("userPrincipalName,isMfaRegistered,isAdmin\nyamada@example.co.jp,true,perhaps\n"))
	_, err := Parse(f, "", "", Options{})
	var re *RowError
	if !errors.As(err, &re) || re.Key != "import.row_invalid_bool" || re.Column != "isAdmin" || re.Line != 2 {
		t.Errorf("unreadable admin flag: got %v, want a row error", err)
	}
}

func TestParseSharePointSharing(t *testing.T) {
	f := mustRead(t, "sharepoint_sharing.csv", readTestdata(t, "sharepoint_sharing.csv"))
	if f.HeaderRow != 3 {
		t.Errorf("header row = %d, want 3 (after the comment and a blank line)", f.HeaderRow)
	}
	p, err := Parse(f, "", "", Options{Domains: []string{"example.co.jp"}})
	if err != nil {
		t.Fatal(err)
	}
	type share struct {
		line  int
		path  string
		scope inventory.ShareScope
		perm  inventory.SharePermission
	}
	want := []share{
		{4, "sites/sales/Shared Documents/見積/2026-04 見積書.xlsx", inventory.AnyoneWithLink, inventory.ShareView},
		{5, "sites/sales/Shared Documents/顧客名簿.xlsx", inventory.ExternalPeople, inventory.ShareEdit},
		{7, "sites/sales/Shared Documents/社内規程", inventory.WholeOrg, inventory.ShareView},
		{11, "sites/sales/Shared Documents/契約書", inventory.ExternalPeople, inventory.ShareEdit},
		{13, "sites/sales/Shared Documents/お知らせ.docx", inventory.WholeOrg, inventory.ShareView},
		{14, "sites/sales/Shared Documents/提案書.pptx", inventory.WholeOrg, inventory.ShareEdit},
	}
	var got []share
	for _, s := range p.Shares {
		got = append(got, share{s.Line, s.Record.Path, s.Record.Scope, s.Record.Permission})
		if s.Record.ServiceName != "Microsoft 365" {
			t.Errorf("service = %q", s.Record.ServiceName)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("shares:\n got %v\nwant %v", got, want)
	}
	if p.Skipped != 2 {
		t.Errorf("skipped = %d, want 2 (Limited Access, the members' group)", p.Skipped)
	}
	// An address outside the company's domains is external even as a "Member".
	csv := "Resource Path,Permission,User Name,User Email,User Or Group Type,Link ID,Link Type,AccessViaLinkID\n" +
		"a.docx,Edit,SharingLink,,,L1,Specific People,\n" +
		"a.docx,Edit,Ext,someone@other.example,Member,,,L1\n"
	p = parseFile(t, "x.csv", []byte(csv), "", "", Options{Domains: []string{"@example.co.jp"}})
	if len(p.Shares) != 1 || p.Shares[0].Record.Scope != inventory.ExternalPeople {
		t.Errorf("got %+v, want one external_people share", p.Shares)
	}
}

// Entra's "Download users" list shares the user principal name with the
// Microsoft 365 export and is read the same way.
func TestParseEntraUserList(t *testing.T) {
	csv := "userPrincipalName,displayName,surname,mail,givenName,objectId,userType,jobTitle,department,accountEnabled,usageLocation\n" +
		"yamada@example.onmicrosoft.com,山田 太郎,山田,yamada@example.co.jp,太郎,1,Member,社長,経営,True,JP\n" +
		"partner_client.example.com#EXT#@example.onmicrosoft.com,Partner,,partner@client.example.com,,2,Guest,,,True,\n" +
		"old@example.co.jp,旧アカウント,,,,3,Member,,,False,JP\n"
	p := parseFile(t, "exportUsers.csv", []byte(csv), "", "", Options{})
	if p.Format != M365Users || len(p.Accounts) != 3 {
		t.Fatalf("got %s with %d", p.Format, len(p.Accounts))
	}
	if a := p.Accounts[0].Record; a.PersonEmail != "yamada@example.co.jp" || a.Status != inventory.Active || a.Department != "経営" {
		t.Errorf("yamada = %+v", a)
	}
	if a := p.Accounts[1].Record; a.Kind != inventory.Guest || a.PersonEmail != "" {
		t.Errorf("guest = %+v", a)
	}
	if a := p.Accounts[2].Record; a.Status != inventory.Suspended {
		t.Errorf("disabled = %+v", a)
	}
}
