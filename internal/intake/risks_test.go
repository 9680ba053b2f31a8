package intake_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/importer"
	"github.com/mamori-sec/mamori/internal/intake"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/risk"
	"github.com/mamori-sec/mamori/internal/store"
)

// riskFixture is an organisation with two assets (one with personal
// information) and one person.
func riskFixture(t *testing.T, f *fixture) (inventory.Asset, inventory.Asset, inventory.Person) {
	t.Helper()
	if err := f.ten.AddPeople(f.ctx, keeper, []inventory.Person{{Name: "山田 太郎", Email: "yamada@kaisha.example", EmploymentType: inventory.FullTime}}); err != nil {
		t.Fatal(err)
	}
	people, _, _ := f.ten.People(f.ctx, store.PeopleQuery{})
	pi := inventory.Asset{Name: "顧客名簿", Medium: "社内サーバ", BusinessArea: "営業", PersonalInfo: true, Confidentiality: 2, Integrity: 2, Availability: 1}
	cat := inventory.Asset{Name: "製品カタログ", Medium: "ウェブサイト", Confidentiality: 1, Integrity: 2, Availability: 2}
	for _, a := range []*inventory.Asset{&pi, &cat} {
		if err := f.ten.SaveAsset(f.ctx, keeper, a); err != nil {
			t.Fatal(err)
		}
	}
	return pi, cat, people[0]
}

func readRisks(t *testing.T, f *fixture, name, data string) (importer.Parsed, intake.Options, error) {
	t.Helper()
	opt := intake.Options{Today: today}
	p, src, err := intake.Read(f.ctx, f.ten, name, []byte(data), "", "", opt)
	opt.Source = src
	return p, opt, err
}

// TestRiskRoundTrip exports the register as CSV and Excel in both
// languages and imports each back: nothing changes, and the computed
// columns are in the export.
func TestRiskRoundTrip(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		pi, cat, owner := riskFixture(t, f)
		for _, r := range []risk.Risk{
			{AssetID: pi.ID, Threat: "share_leak", ThreatLevel: 3, Vulnerability: 3, Treatment: risk.Reduce, Plan: "リンク共有をやめる", OwnerID: owner.ID, Due: calendar.Date(2026, 5, 31)},
			{AssetID: cat.ID, Threat: "うちだけの脅威", ThreatLevel: 1, Vulnerability: 2},
		} {
			if _, err := f.ten.SaveRisk(f.ctx, keeper, r); err != nil {
				t.Fatal(err)
			}
		}
		for _, format := range []string{"csv", "xlsx"} {
			for _, lang := range []string{"ja", "en"} {
				var b bytes.Buffer
				n, err := intake.Export(f.ctx, f.ten, &b, importer.Risks, format, lang)
				if err != nil || n != 2 {
					t.Fatalf("%s/%s export: %d, %v", format, lang, n, err)
				}
				if format == "csv" && lang == "ja" {
					out := b.String()
					for _, want := range []string{"情報資産名称", "脅威の起こりやすさ", "被害発生可能性", "リスク値", "顧客名簿", "共有設定の誤りによる情報漏えい", ",3,共有設定の誤りによる情報漏えい,3,3,3,9,低減,", "山田 太郎", "うちだけの脅威"} {
						if !strings.Contains(out, want) {
							t.Errorf("export lacks %q:\n%s", want, out)
						}
					}
				}
				p, opt, err := readRisks(t, f, "risks."+format, b.String())
				if err != nil {
					t.Fatalf("%s/%s read back: %v", format, lang, err)
				}
				if p.Kind != importer.Risks {
					t.Fatalf("%s/%s detected as %q", format, lang, p.Kind)
				}
				pv, err := intake.Apply(f.ctx, f.ten, keeper, p, opt)
				if err != nil {
					t.Fatalf("%s/%s apply: %v", format, lang, err)
				}
				if pv.Added != 0 || pv.Changed != 0 || pv.Unchanged != 2 {
					t.Errorf("%s/%s round trip: added %d changed %d unchanged %d, want 0 0 2", format, lang, pv.Added, pv.Changed, pv.Unchanged)
				}
			}
		}
	})
}

// TestRiskImportErrors: every bad cell is refused naming its row and
// column, and nothing of the file is saved.
func TestRiskImportErrors(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		riskFixture(t, f)
		head := "情報資産名称,媒体・保存先,機密性,脅威,脅威の起こりやすさ,脆弱性のつけ込みやすさ,リスク値,対応,対策の内容,担当者,期日\n"
		good := "製品カタログ,,,DDoS攻撃,1,1,,,,,\n"
		cases := []struct {
			name, body string
			line       int
			column     string
			key        string
		}{
			{"threat level 4", "製品カタログ,,,ランサムウェアによる被害,4,2,,,,,\n", 3, "脅威の起こりやすさ", "import.risk_level"},
			{"vulnerability 0", "製品カタログ,,,ランサムウェアによる被害,2,0,,,,,\n", 3, "脆弱性のつけ込みやすさ", "import.risk_level"},
			{"confidentiality 5", "製品カタログ,,5,ランサムウェアによる被害,2,2,,,,,\n", 3, "機密性", "import.risk_level"},
			{"unknown asset", "存在しない資産,,,ランサムウェアによる被害,2,2,,,,,\n", 3, "情報資産名称", "intake.risk_asset_unknown"},
			{"unknown owner", "製品カタログ,,,ランサムウェアによる被害,1,1,,低減,更新,鈴木 一郎,2026/06/30\n", 3, "担当者", "intake.risk_owner_unknown"},
			{"wrong risk value", "製品カタログ,,,ランサムウェアによる被害,3,3,4,低減,更新,山田 太郎,2026/06/30\n", 3, "リスク値", "intake.risk_computed"},
			{"above the line without treatment", "顧客名簿,,,ランサムウェアによる被害,3,3,,,,,\n", 3, "対応", "import.row_refused"},
			{"duplicate", "製品カタログ,ウェブサイト,,DDoS攻撃,1,2,,,,,\n", 3, "脅威", "import.row_duplicate"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				p, opt, err := readRisks(t, f, "risks.csv", head+good+c.body)
				if err == nil {
					_, err = intake.Apply(f.ctx, f.ten, keeper, p, opt)
				}
				all, ok := importer.AllRowErrors(err)
				if !ok || len(all.Errors) == 0 {
					t.Fatalf("got %v, want a refusal naming row %d", err, c.line)
				}
				e := all.Errors[0]
				if e.Line != c.line || e.Column != c.column || e.Key != c.key {
					t.Errorf("got row %d column %q key %s, want row %d column %q key %s", e.Line, e.Column, e.Key, c.line, c.column, c.key)
				}
				if l, _ := f.ten.Risks(f.ctx); len(l) != 0 {
					t.Errorf("%d risks saved from a refused file, want none", len(l))
				}
			})
		}
	})
}

// TestRiskImportAdds reads a sheet written by hand in English.
func TestRiskImportAdds(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		pi, _, owner := riskFixture(t, f)
		body := "Information asset,Threat,Threat level,Vulnerability,Treatment,Plan,Owner,Due,Status\n" +
			"顧客名簿,Ransomware,3,2,Reduce,Offline backup,yamada@kaisha.example,R8.6.30,In progress\n"
		p, opt, err := readRisks(t, f, "risks.csv", body)
		if err != nil {
			t.Fatal(err)
		}
		pv, err := intake.Apply(f.ctx, f.ten, keeper, p, opt)
		if err != nil || pv.Added != 1 {
			t.Fatalf("apply: %+v, %v", pv, err)
		}
		l, _ := f.ten.Risks(f.ctx)
		if len(l) != 1 || l[0].AssetID != pi.ID || l[0].Threat != "ransomware" || l[0].OwnerID != owner.ID || l[0].Due != calendar.Date(2026, 6, 30) || l[0].Treatment != risk.Reduce {
			t.Fatalf("saved %+v", l)
		}
	})
}
