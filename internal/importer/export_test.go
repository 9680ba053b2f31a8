package importer

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/mamori-sec/mamori/internal/inventory"
)

// samples are records of every kind touching every value of every enum,
// with the awkward characters exports meet.
func samples() map[Kind][]any {
	people := []any{
		PersonRow{Person: inventory.Person{Name: "佐々木 健", Kana: "ササキ ケン", Email: "sasaki@example.co.jp", Department: "営業部", EmploymentType: inventory.Contract,
			JoinDate: "2021-04-01", LeaveDate: "2026-03-31"}, ManagerEmail: "boss@example.co.jp"},
		PersonRow{Person: inventory.Person{Name: `=HYPERLINK("http://evil.example","押して")`, EmploymentType: inventory.Counsel}},
		PersonRow{Person: inventory.Person{Name: "Tom \"T\", Jr.", Department: "開発,運用 夜間", EmploymentType: inventory.FullTime, JoinDate: "1989-01-08"}},
		PersonRow{Person: inventory.Person{Name: "-マイナス始まり", EmploymentType: inventory.Executive}},
		PersonRow{Person: inventory.Person{Name: "'+81 の人", EmploymentType: inventory.PartTime}},
		PersonRow{Person: inventory.Person{Name: "@メンション", EmploymentType: inventory.Dispatched}},
		PersonRow{Person: inventory.Person{Name: "委託 太郎", EmploymentType: inventory.Contractor, LeaveDate: "2027-01-31"}},
	}
	services := []any{
		inventory.Service{Name: "Google Workspace", Category: inventory.Cloud, Admins: "山田、佐藤", OwnerDepartment: "総務部", DataHeld: "メール", SSO: true,
			MFA: inventory.MFAEnforced, DataCountry: "US", InternetFacing: true, CloudCheckDone: "2026-04-01", Notes: "年1回見直し"},
		inventory.Service{Name: "社内NAS", Category: inventory.OnPrem, MFA: inventory.MFANone, InternetFacing: true},
		inventory.Service{Name: "閉域クラウド", Category: inventory.Cloud, MFA: inventory.MFAAvailable, InternetFacing: false, DataCountry: "JP"},
		inventory.Service{Name: "光回線", Category: inventory.Network},
	}
	var accounts []any
	kinds := []inventory.AccountKind{inventory.Personal, inventory.Shared, inventory.ServiceAcc, inventory.Guest, inventory.External}
	privs := []inventory.Privilege{inventory.Admin, inventory.Edit, inventory.View, inventory.Download}
	mfas := []inventory.AccountMFA{inventory.MFAOn, inventory.MFAOff, inventory.MFAUnknown}
	statuses := []inventory.AccountStatus{inventory.Active, inventory.Suspended, inventory.Deleted}
	for i := range 12 {
		a := AccountRow{ServiceName: []string{"Slack", "freee会計", "独自システム"}[i%3]}
		a.LoginID = strings.Repeat("u", i+1) + "@example.co.jp"
		if i%2 == 0 {
			a.PersonEmail = a.LoginID
		}
		a.Kind, a.Privilege, a.MFA, a.Status = kinds[i%5], privs[i%4], mfas[i%3], statuses[i%3]
		if i%4 == 1 {
			a.CreatedOn, a.LastLogin, a.EndsOn = "2020-02-29", "2026-03-31", "2026-12-31"
		}
		accounts = append(accounts, a)
	}
	var devices []any
	tris := []inventory.Tri{inventory.Yes, inventory.No, inventory.Unknown}
	zones := []inventory.NetworkZone{inventory.Internal, inventory.GuestWiFi, inventory.Home, inventory.Mobile, ""}
	for i, k := range inventory.DeviceKinds {
		d := DeviceRow{Device: inventory.Device{Name: "機器-" + string(k), Kind: k, Ownership: []inventory.Ownership{inventory.CompanyIssued, inventory.BYOD}[i%2],
			DiskEncryption: tris[i%3], ScreenLock: tris[(i+1)%3], RemoteWipe: tris[(i+2)%3], Antivirus: tris[i%3], DefaultPasswordChanged: tris[(i+1)%3],
			GuestSeparated: tris[(i+2)%3], ErasureDone: tris[i%3], Network: zones[i%5], OSVersion: "v" + string(rune('0'+i%10))}}
		if i%3 == 0 {
			d.UserEmail, d.LastUpdated, d.DisposedOn, d.ErasureCertificate = "user@example.co.jp", "2026-01-15", "2026-03-01", "CERT-0012"
		}
		devices = append(devices, d)
	}
	assets := []any{
		AssetRow{Asset: inventory.Asset{BusinessArea: "人事", Name: "従業員名簿", Notes: "氏名・住所", UserScope: "人事担当", OwnerDepartment: "総務部", Medium: "クラウド",
			PersonalInfo: true, SensitiveInfo: true, Confidentiality: 3, Integrity: 3, Availability: 2, RetentionUntil: "退職後7年", RegisteredOn: "2026-04-01",
			PaperLocations: []string{"総務部キャビネット", "金庫"}, PeopleConcerned: 1200, DataLevel: 3},
			ServiceNames: []string{"Google Workspace", "SmartHR"}, DeviceNames: []string{"総務NAS"}},
		AssetRow{Asset: inventory.Asset{Name: "マイナンバー", MyNumber: true, Confidentiality: 3, Integrity: 2, Availability: 1, RetentionUntil: "2033-03-31"}},
		AssetRow{Asset: inventory.Asset{Name: "カタログ", Confidentiality: 1, Integrity: 1, Availability: 1, RetentionUntil: "5"}},
	}
	var shares []any
	scopes := []inventory.ShareScope{inventory.AnyoneWithLink, inventory.Public, inventory.ExternalDomain, inventory.ExternalPeople, inventory.WholeOrg}
	for i, sc := range scopes {
		s := ShareRow{Share: inventory.Share{Path: "https://drive.example.com/f/" + string(sc), Scope: sc, Permission: []inventory.SharePermission{inventory.ShareView, inventory.ShareEdit}[i%2]},
			ServiceName: "Google ドライブ"}
		if i%2 == 0 {
			s.ExpiresOn, s.Owner, s.AssetName, s.CreatedOn, s.LastReviewed = "2026-06-30", "sato@example.co.jp", "見積書", "2026-04-01", "2026-04-15"
		}
		shares = append(shares, s)
	}
	return map[Kind][]any{People: people, Services: services, Accounts: accounts, Devices: devices, Assets: assets, Shares: shares}
}

// records returns the parsed records of kind as []any.
func records(p Parsed, kind Kind) []any {
	var out []any
	switch kind {
	case People:
		for _, r := range p.People {
			out = append(out, r.Record)
		}
	case Services:
		for _, r := range p.Services {
			out = append(out, r.Record)
		}
	case Accounts:
		for _, r := range p.Accounts {
			out = append(out, r.Record)
		}
	case Devices:
		for _, r := range p.Devices {
			out = append(out, r.Record)
		}
	case Assets:
		for _, r := range p.Assets {
			out = append(out, r.Record)
		}
	case Shares:
		for _, r := range p.Shares {
			out = append(out, r.Record)
		}
	}
	return out
}

// Export, then import: every record comes back equal, for every kind, in
// both languages, as CSV and as Excel.
func TestRoundTrip(t *testing.T) {
	for kind, recs := range samples() {
		for _, lang := range []string{"ja", "en"} {
			var rows [][]string
			for _, r := range recs {
				cells, err := FormatRecord(kind, r, lang)
				if err != nil {
					t.Fatal(err)
				}
				rows = append(rows, cells)
			}
			cols := Columns(kind)
			for _, form := range []string{"csv", "csv-bom", "xlsx"} {
				t.Run(string(kind)+"/"+lang+"/"+form, func(t *testing.T) {
					var b bytes.Buffer
					var err error
					if form == "xlsx" {
						err = WriteXLSX(&b, SheetName(kind, lang), cols, rows, lang)
					} else {
						err = WriteCSV(&b, cols, rows, lang, form == "csv-bom")
					}
					if err != nil {
						t.Fatal(err)
					}
					f := mustRead(t, "export."+form, b.Bytes())
					p, err := Parse(f, "", "", Options{})
					if err != nil {
						t.Fatalf("Parse: %v", err)
					}
					if p.Kind != kind || p.Format != Mamori {
						t.Fatalf("read back as %s/%s", p.Kind, p.Format)
					}
					got := records(p, kind)
					if len(got) != len(recs) {
						t.Fatalf("got %d records, want %d", len(got), len(recs))
					}
					for i := range recs {
						want := recs[i]
						if !reflect.DeepEqual(got[i], want) {
							t.Errorf("record %d:\n got %+v\nwant %+v", i, got[i], want)
						}
					}
					for _, w := range p.Warnings {
						if w.Key != "import.warn_defaulted" {
							t.Errorf("unexpected warning %+v", w)
						}
					}
				})
			}
		}
	}
}

func TestFormatRecordWrongType(t *testing.T) {
	if _, err := FormatRecord(People, inventory.Service{}, "ja"); err == nil {
		t.Error("formatting a service as a person: no error")
	}
	cells, err := FormatRecord(People, inventory.Person{Name: "山田", EmploymentType: inventory.FullTime, JoinDate: "2026-04-01"}, "ja")
	if err != nil || cells[0] != "山田" || cells[4] != "正社員" || cells[6] != "2026/04/01" {
		t.Errorf("got %q, %v", cells, err)
	}
}

// A formula in a name stays text when the CSV is opened in Excel.
func TestWriteCSVEscapesFormulas(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, Columns(People)[:1], [][]string{{"=1+2"}, {"+81"}, {"-x"}, {"@sum"}, {"'=a"}, {"ok"}}, "ja", false); err != nil {
		t.Fatal(err)
	}
	want := "氏名\r\n'=1+2\r\n'+81\r\n'-x\r\n'@sum\r\n''=a\r\nok\r\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
	b.Reset()
	WriteCSV(&b, Columns(People)[:1], nil, "en", true)
	if !strings.HasPrefix(b.String(), "\uFEFFName\r\n") {
		t.Errorf("got %q, want a BOM and the English header", b.String())
	}
}

func TestWriteXLSXLayout(t *testing.T) {
	var b bytes.Buffer
	cols := Columns(Assets)
	row, _ := FormatRecord(Assets, samples()[Assets][0], "ja")
	if err := WriteXLSX(&b, "情報資産管理台帳", cols, [][]string{row}, "ja"); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := x.GetSheetList(); !slices.Equal(got, []string{"情報資産管理台帳"}) {
		t.Errorf("sheets = %v", got)
	}
	panes, err := x.GetPanes("情報資産管理台帳")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes = %+v, %v; want the top row frozen", panes, err)
	}
	id, _ := x.GetCellStyle("情報資産管理台帳", "A1")
	st, err := x.GetStyle(id)
	if err != nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header style = %+v, %v; want bold", st, err)
	}
	if w, _ := x.GetColWidth("情報資産管理台帳", "B"); w < 12 {
		t.Errorf("column B width = %v, want room for 情報資産名称", w)
	}
	if v, _ := x.GetCellValue("情報資産管理台帳", "J2"); v != "3" {
		t.Errorf("J2 (機密性) = %q", v)
	}
	if typ, _ := x.GetCellType("情報資産管理台帳", "J2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("J2 type = %v, want a number", typ)
	}
}

func TestTemplate(t *testing.T) {
	for _, kind := range Kinds {
		for _, lang := range []string{"ja", "en"} {
			t.Run(string(kind)+"/"+lang, func(t *testing.T) {
				data, err := Template(kind, lang)
				if err != nil {
					t.Fatal(err)
				}
				x, err := excelize.OpenReader(bytes.NewReader(data))
				if err != nil {
					t.Fatal(err)
				}
				defer x.Close()
				guide := "記入方法"
				if lang == "en" {
					guide = "How to fill in"
				}
				if got := x.GetSheetList(); !slices.Equal(got, []string{SheetName(kind, lang), guide}) {
					t.Errorf("sheets = %v", got)
				}
				if dv, err := x.GetDataValidations(SheetName(kind, lang)); err != nil || len(dv) == 0 {
					t.Errorf("data validations = %v, %v; want drop-down lists", dv, err)
				}
				rows, _ := x.GetRows(guide)
				if len(rows) < len(Columns(kind))+5 {
					t.Errorf("guide has %d rows", len(rows))
				}
				f := mustRead(t, "template.xlsx", data)
				if !slices.Equal(f.Header, HeaderRow(Columns(kind), lang)) {
					t.Errorf("header = %q", f.Header)
				}
				// The untouched template holds only the example: nothing to import.
				_, err = Parse(f, "", "", Options{})
				wantProblem(t, err, "import.no_rows")
				// The example values themselves are valid input.
				f.Rows[0] = slices.Clone(f.Rows[0])
				f.Rows[0][0] = "記入した値"
				if kind == Assets {
					f.Rows[0][1] = "記入した値"
				}
				p, err := Parse(f, kind, Mamori, Options{})
				if err != nil || p.Len() != 1 {
					t.Errorf("example row edited: %d records, %v", p.Len(), err)
				}
			})
		}
	}
}

// Excel keeps dates as serial numbers; a sheet typed by hand has date
// cells, numbers and text mixed.
func TestReadXLSXHandMade(t *testing.T) {
	x := excelize.NewFile()
	defer x.Close()
	sh := x.GetSheetName(0)
	x.SetCellStr(sh, "A1", "従業員一覧")
	for i, h := range []string{"氏名", "雇用形態", "入社日", "退職日"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 3)
		x.SetCellStr(sh, cell, h)
	}
	x.SetCellStr(sh, "A4", "山田 太郎")
	x.SetCellStr(sh, "B4", "役員")
	x.SetCellValue(sh, "C4", time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
	style, _ := x.NewStyle(&excelize.Style{NumFmt: 14})
	x.SetCellStyle(sh, "C4", "D6", style)
	x.SetCellStr(sh, "A6", "佐藤 花子")
	x.SetCellStr(sh, "B6", "パート")
	x.SetCellInt(sh, "C6", 45292)
	x.SetCellStr(sh, "D6", "令和8年3月31日")
	x.NewSheet("メモ")
	x.SetCellStr("メモ", "A1", "氏名")
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		t.Fatal(err)
	}
	f := mustRead(t, "従業員.xlsx", b.Bytes())
	if f.Sheet != sh || f.HeaderRow != 3 || !slices.Equal(f.Lines, []int{4, 6}) || f.Encoding != "" || f.Delimiter != 0 {
		t.Errorf("file = %+v", f)
	}
	p, err := Parse(f, "", "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r := p.People[0].Record; r.JoinDate != "2026-04-01" || r.EmploymentType != inventory.Executive {
		t.Errorf("yamada = %+v", r)
	}
	if r := p.People[1].Record; r.JoinDate != "2024-01-01" || r.LeaveDate != "2026-03-31" || p.People[1].Line != 6 {
		t.Errorf("sato = %+v", r)
	}
}
