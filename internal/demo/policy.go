package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/policy"
	"github.com/mamori-sec/mamori/internal/store"
)

// seedPolicy gives the main company its policy set as it would stand after
// a year of use: the guideline roles and the emergency contacts filled in,
// most of the executive's checklist done, a version 1 generated from the
// ledgers and published, then a version 2 with one rule added, which the
// owner, the keeper and one member have acknowledged and the others not yet.
func seedPolicy(ctx context.Context, t store.Tenant, c company, users map[string]int64, now time.Time) error {
	if c.slug != sakura.slug {
		return nil
	}
	people, _, err := t.People(ctx, store.PeopleQuery{Limit: 1000})
	if err != nil {
		return err
	}
	byName := map[string]int64{}
	for _, p := range people {
		byName[p.Name] = p.ID
	}
	roles := map[policy.Role]int64{policy.SecurityLead: byName["鈴木 正和"], policy.ITLead: byName["田中 美咲"], policy.SystemAdmin: byName["田中 美咲"],
		policy.TrainingLead: byName["中村 恵子"], policy.InspectionLead: byName["加藤 洋子"]}
	if err := t.SetPolicyRoles(ctx, actor, roles); err != nil {
		return err
	}
	contacts := []policy.Contact{
		{Kind: policy.Inside, Name: "総務部 田中 美咲", Phone: "03-5700-0101", Email: "m.tanaka@" + c.domain, Note: "夜間・休日は携帯 090-0000-0101"},
		{Kind: policy.ITVendor, Name: "大森システムサービス株式会社（保守契約）", Phone: "03-5700-0202", Email: "support@omori-system.example"},
		{Kind: policy.Insurer, Name: "みなと損害保険株式会社 サイバー保険窓口", Phone: "0120-000-303", Note: "証券番号は総務部の金庫に保管"},
	}
	if err := t.SaveContacts(ctx, actor, contacts); err != nil {
		return err
	}
	day := func(monthsAgo int) string { return calendar.Of(now).AddDate(0, -monthsAgo, 0).String() }
	marks := []policy.Mark{
		{Item: "principle_1", DoneOn: day(11), Note: "年頭の全体朝礼で、情報セキュリティを経営課題として取り組むことを伝えました。"},
		{Item: "principle_2", DoneOn: day(8), Note: "主要な委託先3社に対策状況の確認票を送り、回答を得ました。"},
		{Item: "action_1", DoneOn: day(11), Note: "基本方針を定め、ホームページに掲載しました。", Link: "https://" + c.domain + "/security-policy"},
		{Item: "action_2", DoneOn: day(10), Note: "年間予算に情報セキュリティ費を計上し、総務部の田中を担当にしました。"},
		{Item: "action_3", DoneOn: day(9)},
		{Item: "action_5", Note: "緊急連絡先は整理済み。復旧手順の訓練は来期に実施予定です。"},
		{Item: "action_7", DoneOn: day(2), Note: "IPAのメールニュースを総務部で購読し、月次の会議で共有しています。"},
	}
	for _, m := range marks {
		if err := t.SaveSignoffMark(ctx, actor, m, nil); err != nil {
			return fmt.Errorf("sign-off %s: %w", m.Item, err)
		}
	}
	f, err := t.PolicyFacts(ctx)
	if err != nil {
		return err
	}
	g, err := policy.GenerateAll(f, now.AddDate(-1, 0, 0))
	if err != nil {
		return err
	}
	owner := audit.Actor{UserID: users["k.sato"], Label: actor.Label}
	if _, err := t.CreatePolicyDraft(ctx, owner, store.PolicyTexts(g)); err != nil {
		return err
	}
	if err := t.PublishPolicy(ctx, owner, 1); err != nil {
		return err
	}
	for _, u := range []string{"k.sato", "m.tanaka", "y.kato", "s.takahashi", "k.okada"} {
		if err := t.AcknowledgePolicy(ctx, audit.Actor{UserID: users[u], Label: actor.Label}, users[u], 1); err != nil {
			return err
		}
	}
	// Version 2: the rules on generative AI, added after a near miss.
	v2 := store.PolicyTexts(g)
	v2.RulesJA = strings.Replace(v2.RulesJA, "- 公衆無線LANでは、重要な情報を扱いません。", "- 公衆無線LANでは、重要な情報を扱いません。\n- 生成AIのサービスに、お客さまの情報や図面を入力しません。", 1)
	v2.RulesEN = strings.Replace(v2.RulesEN, "- Do not handle important information over public Wi-Fi.", "- Do not handle important information over public Wi-Fi.\n- Do not enter customers' information or drawings into generative AI services.", 1)
	if _, err := t.CreatePolicyDraft(ctx, owner, v2); err != nil {
		return err
	}
	if err := t.PublishPolicy(ctx, owner, 2); err != nil {
		return err
	}
	for _, u := range []string{"k.sato", "m.tanaka", "s.takahashi"} {
		if err := t.AcknowledgePolicy(ctx, audit.Actor{UserID: users[u], Label: actor.Label}, users[u], 2); err != nil {
			return err
		}
	}
	return nil
}
