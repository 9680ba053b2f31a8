package web_test

import (
	"context"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
)

// TestWhereIsWhatOrderAndExposure: rows and columns read in 五十音 (kana
// whatever the script, kanji by their JIS order, which follows the reading)
// or by importance, not by character code; each mark leads to its place or
// to the share that holds the asset there, and is marked ▲ where the place
// is open beyond the company (a share to anyone or to outsiders, a
// personal device), with a legend.
func TestWhereIsWhatOrderAndExposure(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx, tn, sys := context.Background(), w.db.Tenant(w.orgA.ID), audit.Actor{Label: "test"}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		// Services named so that character-code order (Latin, hiragana,
		// katakana, kanji) differs from the reading order.
		drive := inventory.Service{Name: "さくらドライブ", Category: inventory.Cloud, MFA: inventory.MFAEnforced}
		books := inventory.Service{Name: "会計クラウド", Category: inventory.Cloud, MFA: inventory.MFAEnforced}
		mail := inventory.Service{Name: "アウトルック", Category: inventory.Cloud, MFA: inventory.MFAEnforced}
		for _, s := range []*inventory.Service{&drive, &books, &mail} {
			must(tn.SaveService(ctx, sys, s))
		}
		phone := inventory.Device{Name: "私物スマホ（営業）", Kind: inventory.Smartphone, Ownership: inventory.BYOD, Network: inventory.Mobile}
		must(tn.SaveDevice(ctx, sys, &phone))
		assets := map[string]*inventory.Asset{
			"さくら会員リスト": {Confidentiality: 1, ServiceIDs: []int64{drive.ID}},
			"顧客名簿":     {PersonalInfo: true, ServiceIDs: []int64{drive.ID, books.ID}, DeviceIDs: []int64{phone.ID}},
			"アンケート結果":  {Confidentiality: 2, ServiceIDs: []int64{mail.ID}},
			"かえで見積":    {Confidentiality: 1},
			"佐藤商事の契約書": {Confidentiality: 2, ServiceIDs: []int64{books.ID}},
			"阿部さんの名刺":  {Confidentiality: 1, PaperLocations: []string{"名刺ホルダー"}},
		}
		for name, a := range assets {
			a.Name = name
			must(tn.SaveAsset(ctx, sys, a))
		}
		// The customer list is shared with outsiders from the drive and
		// inside the company from the accounting service; the contract
		// only inside.
		outside := inventory.Share{ServiceID: drive.ID, Path: "/顧客/名簿.xlsx", Scope: inventory.ExternalPeople, Permission: inventory.ShareView, AssetID: assets["顧客名簿"].ID}
		inside := inventory.Share{ServiceID: books.ID, Path: "/経理/顧客", Scope: inventory.WholeOrg, Permission: inventory.ShareView, AssetID: assets["顧客名簿"].ID}
		must(tn.SaveShare(ctx, sys, &outside))
		must(tn.SaveShare(ctx, sys, &inside))

		c := w.client("ja")
		c.signIn(w.users[org.Keeper].Email)
		ours := func(page string, names []string, pattern string) []string {
			var out []string
			for _, m := range regexp.MustCompile(pattern).FindAllStringSubmatch(page, -1) {
				if slices.Contains(names, m[1]) {
					out = append(out, m[1])
				}
			}
			return out
		}
		var assetNames []string
		for n := range assets {
			assetNames = append(assetNames, n)
		}
		rowPattern := `<th scope="row" class="asset"><a href="[^"]*">([^<]*)</a>`
		colPattern := `<th scope="col" class="place \w+" title="[^"]*"><span class="name">(?:<a href="[^"]*">)?([^<]*)<`
		serviceNames := []string{"さくらドライブ", "会計クラウド", "アウトルック"}

		page := c.mustShow("/o/alpha/inventory/where", "五十音順", "重要度順", "凡例", "社外に開いています", "私物")
		if got, want := ours(page, assetNames, rowPattern), []string{"アンケート結果", "かえで見積", "さくら会員リスト", "阿部さんの名刺", "顧客名簿", "佐藤商事の契約書"}; !slices.Equal(got, want) {
			t.Errorf("rows in 五十音: got %v, want %v", got, want)
		}
		if got, want := ours(page, serviceNames, colPattern), []string{"アウトルック", "さくらドライブ", "会計クラウド"}; !slices.Equal(got, want) {
			t.Errorf("service columns in 五十音: got %v, want %v", got, want)
		}

		page = c.mustShow("/o/alpha/inventory/where?order=importance", `<strong aria-current="true">重要度順</strong>`)
		if got, want := ours(page, assetNames, rowPattern), []string{"顧客名簿", "アンケート結果", "佐藤商事の契約書", "かえで見積", "さくら会員リスト", "阿部さんの名刺"}; !slices.Equal(got, want) {
			t.Errorf("rows by importance: got %v, want %v", got, want)
		}
		// The drive and the accounting service hold the customer list
		// (importance 3); mail holds only the survey (2).
		if got, want := ours(page, serviceNames, colPattern), []string{"さくらドライブ", "会計クラウド", "アウトルック"}; !slices.Equal(got, want) {
			t.Errorf("service columns by importance: got %v, want %v", got, want)
		}

		// The customer list's marks, by place.
		row := regexp.MustCompile(`(?s)<th scope="row" class="asset"><a href="[^"]*">顧客名簿</a>.*?</tr>`).FindString(page)
		marks := map[string]string{} // link → mark
		for _, m := range regexp.MustCompile(`<td class="mark( exposed)?"><a href="([^"]*)" title="([^"]*)"><span aria-hidden="true">(.)</span>`).FindAllStringSubmatch(row, -1) {
			if (m[1] != "") != (m[4] == "▲") {
				t.Errorf("mark %s: class %q and sign %q disagree", m[2], m[1], m[4])
			}
			marks[html.UnescapeString(m[2])] = m[4] + " " + html.UnescapeString(m[3])
		}
		want := map[string]string{
			"/o/alpha/shares/" + id(outside.ID): "▲ 顧客名簿 は サービス：さくらドライブ にあり、「外部の特定ユーザー」に共有されています",
			"/o/alpha/shares/" + id(inside.ID):  "● 顧客名簿 は サービス：会計クラウド にあります",
			"/o/alpha/devices/" + id(phone.ID):  "▲ 顧客名簿 は 機器：私物スマホ（営業） にあり、私物端末です",
		}
		for link, mark := range want {
			if marks[link] != mark {
				t.Errorf("mark leading to %s: got %q, want %q", link, marks[link], mark)
			}
		}
		if len(marks) != len(want) {
			t.Errorf("customer list: got marks %v, want exactly %v", marks, want)
		}
		// A place with no record (paper) is marked but leads nowhere.
		paper := regexp.MustCompile(`(?s)<th scope="row" class="asset"><a href="[^"]*">阿部さんの名刺</a>.*?</tr>`).FindString(page)
		if !strings.Contains(paper, `<td class="mark"><span aria-hidden="true">●</span>`) {
			t.Errorf("business cards: want an unlinked mark for the paper holder\n%s", paper)
		}
		// The personal device's column says so.
		if !regexp.MustCompile(`私物スマホ（営業）</a></span><span class="badge byod">私物</span>`).MatchString(page) {
			t.Error("the BYOD device's column has no 私物 badge")
		}
	})
}
