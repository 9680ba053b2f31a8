package demo

import (
	"context"
	"slices"
	"testing"

	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// TestSeedFindings checks that the demo shows a newcomer many kinds of
// findings, among them the ones the seed articles tell first: people who
// left still signing in, a customer list open to anyone with the link, a
// VPN box not updated for months.
func TestSeedFindings(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) { checkFindings(t, storetest.Open(t, e, nil)) })
	}
}

func checkFindings(t *testing.T, db *store.DB) {
	ctx := context.Background()
	if _, err := Seed(ctx, db, today); err != nil {
		t.Fatalf("seed: %v", err)
	}
	type want struct{ check, subject string } // subject: a person's, device's or asset's name, or a share's path
	for _, c := range []struct {
		slug     string
		distinct int
		want     []want
	}{
		{sakura.slug, 20, []want{
			{"people.departed_active", "木村 隆"},
			{"people.departed_active", "前田 修"},
			{"people.departed_devices", "木村 隆"},
			{"shares.open_important", "マイドライブ/営業/顧客名簿.xlsx"},
			{"shares.anyone_link", "クラウド録画「経営会議」"},
			{"shares.mynumber_org_wide", "共有ドライブ/総務部/年末調整/扶養控除等申告書_控え/"},
			{"network.vpn_outdated", "VPN装置（テレワーク用 SSL-VPN）"},
			{"network.default_password", "複合機（事務所 2階）"},
			{"network.default_password", "ネットワークカメラ（工場入口）"},
			{"network.guest_wifi_not_separated", "Wi-Fi アクセスポイント（事務所・来客用 SSID 併用）"},
			{"devices.disposed_no_erasure", "PC-旧03（経理 2018年購入）"},
			{"devices.level3_on_usb", "USBメモリ-01（営業部 持出し用）"},
			{"devices.byod_no_screen_lock", "スマホ-03（営業 伊藤 私物 Android）"},
		}},
		{aoba.slug, 10, []want{
			{"people.departed_active", "内田 健"},
			{"shares.open_important", "OneDrive/施主名簿.xlsx"},
			{"shares.departed_owner", "OneDrive/施主名簿.xlsx"},
		}},
	} {
		o, err := db.OrgBySlug(ctx, c.slug)
		if err != nil {
			t.Fatal(err)
		}
		d, err := db.Tenant(o.ID).Inventory(ctx)
		if err != nil {
			t.Fatal(err)
		}
		snap := findings.Snapshot{Today: today, People: d.People, Services: d.Services, Accounts: d.Accounts,
			Devices: d.Devices, Assets: d.Assets, Shares: d.Shares}
		fired := map[string]int{}
		subjects := map[want]bool{}
		names := subjectNames(d)
		for _, f := range findings.Evaluate(&snap) {
			fired[f.CheckID]++
			subjects[want{f.CheckID, names[f.Subject]}] = true
		}
		var ids []string
		for id := range fired {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		t.Logf("%s: %d of %d checks fire: %v", c.slug, len(ids), len(findings.Checks()), ids)
		if len(ids) < c.distinct {
			t.Errorf("%s: %d checks fire, want at least %d", c.slug, len(ids), c.distinct)
		}
		for _, w := range c.want {
			if _, ok := findings.Lookup(w.check); !ok {
				t.Errorf("no check %s", w.check)
			} else if !subjects[w] {
				t.Errorf("%s: %s does not fire for %s", c.slug, w.check, w.subject)
			}
		}
	}
}

// subjectNames names the records findings can be about.
func subjectNames(d inventory.Data) map[findings.Ref]string {
	m := map[findings.Ref]string{}
	for _, p := range d.People {
		m[findings.Ref{Kind: findings.KindPerson, ID: p.ID}] = p.Name
	}
	for _, s := range d.Services {
		m[findings.Ref{Kind: findings.KindService, ID: s.ID}] = s.Name
	}
	for _, a := range d.Accounts {
		m[findings.Ref{Kind: findings.KindAccount, ID: a.ID}] = a.LoginID
	}
	for _, x := range d.Devices {
		m[findings.Ref{Kind: findings.KindDevice, ID: x.ID}] = x.Name
	}
	for _, a := range d.Assets {
		m[findings.Ref{Kind: findings.KindAsset, ID: a.ID}] = a.Name
	}
	for _, s := range d.Shares {
		m[findings.Ref{Kind: findings.KindShare, ID: s.ID}] = s.Path
	}
	return m
}
