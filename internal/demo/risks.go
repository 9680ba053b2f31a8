package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/risk"
	"github.com/mamori-sec/mamori/internal/store"
)

// demoRisk is one line of さくら精機's risk register: the asset and the
// owner by name, the due day in days from now.
type demoRisk struct {
	asset, threat     string
	threatLevel, vuln int
	treatment         risk.Treatment
	plan, owner       string
	dueIn             int // days from today; 0 for none
	done              bool
}

// sakuraRisks is the company's first risk analysis: the customer list and
// the drawings first, one treatment already late (the USB stick of the
// sales team should have been encrypted last month).
var sakuraRisks = []demoRisk{
	{"顧客名簿", "device_loss", 2, 3, risk.Reduce, "持出し用 USB メモリを暗号化付きのものに替え、持ち出し記録をつける", "高橋 誠二", -20, false},
	{"顧客名簿", "share_leak", 2, 3, risk.Reduce, "「リンクを知っている全員」の共有を社内限定に直し、月に一度共有一覧を見直す", "田中 美咲", 30, false},
	{"顧客名簿", "mail_misdirect", 3, 2, risk.Reduce, "社外宛てメールの送信前確認（宛先・添付）を必須にする", "伊藤 大輔", 60, false},
	{"図面データ", "ransomware", 3, 2, risk.Reduce, "NAS のバックアップを週1回オフラインの媒体にも取り、復元を試す", "鈴木 正和", 45, false},
	{"図面データ", "insider", 2, 2, risk.Reduce, "退職予定者のアクセス権を退職日前に見直す", "田中 美咲", 90, false},
	{"給与データ", "unauthorised_login", 2, 2, risk.Transfer, "freee の二段階認証を全員に必須とし、サイバー保険の補償範囲を確認する", "加藤 洋子", 40, false},
	{"見積書・請求書", "bec", 2, 2, risk.Reduce, "振込先の変更依頼は必ず電話で本人確認する", "加藤 洋子", 0, true},
	{"製品カタログ", "ddos", 1, 2, risk.None, "", "", 0, false},
}

// seedRisks writes さくら精機's register on its real assets.
func seedRisks(ctx context.Context, t store.Tenant, now time.Time) error {
	assets, _, err := t.Assets(ctx, store.ListQuery{Limit: 1000})
	if err != nil {
		return err
	}
	assetID := map[string]int64{}
	for _, a := range assets {
		if _, dup := assetID[a.Name]; !dup {
			assetID[a.Name] = a.ID
		}
	}
	people, _, err := t.People(ctx, store.PeopleQuery{Limit: 1000})
	if err != nil {
		return err
	}
	personID := map[string]int64{}
	for _, p := range people {
		personID[p.Name] = p.ID
	}
	today := calendar.Of(now)
	var rs []risk.Risk
	for _, d := range sakuraRisks {
		r := risk.Risk{AssetID: assetID[d.asset], Threat: d.threat, ThreatLevel: d.threatLevel, Vulnerability: d.vuln,
			Treatment: d.treatment, Plan: d.plan, OwnerID: personID[d.owner], Status: risk.Open}
		if r.AssetID == 0 || (d.owner != "" && r.OwnerID == 0) {
			return fmt.Errorf("demo risk: no asset %q or person %q", d.asset, d.owner)
		}
		if d.dueIn != 0 {
			r.Due = today.AddDays(d.dueIn)
		} else if d.treatment != risk.None {
			r.Due = today.AddDays(-10)
		}
		if d.done {
			r.Status = risk.Done
		}
		rs = append(rs, r)
	}
	return t.SaveRisks(ctx, actor, rs)
}
