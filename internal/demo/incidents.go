package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/appi"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/incident"
	"github.com/mamori-sec/mamori/internal/store"
)

// seedIncidents gives さくら精機 its incident history: a mis-sent customer
// list last month, worked through and closed with a review; ransomware on
// the drawing server this morning, half-way through its first hour; and a
// tabletop drill on a laptop lost on a train. The times are the store's:
// a timeline is recorded as it happens, so its history is set back from
// the moment the store writes it.
func seedIncidents(ctx context.Context, db *store.DB, t store.Tenant) error {
	now := db.Now()
	d, err := t.ForChecks(ctx, calendar.Of(now).String())
	if err != nil {
		return err
	}
	find := func(kind incident.Kind, name string) incident.Ref {
		switch kind {
		case incident.Device:
			for _, x := range d.Devices {
				if strings.HasPrefix(x.Name, name) {
					return incident.Ref{Kind: kind, ID: x.ID}
				}
			}
		case incident.Asset:
			for _, x := range d.Assets {
				if x.Name == name {
					return incident.Ref{Kind: kind, ID: x.ID}
				}
			}
		case incident.Service:
			for _, x := range d.Services {
				if x.Name == name {
					return incident.Ref{Kind: kind, ID: x.ID}
				}
			}
		}
		return incident.Ref{}
	}
	refs := func(rs ...incident.Ref) []incident.Ref {
		var out []incident.Ref
		for _, r := range rs {
			if r.ID != 0 {
				out = append(out, r)
			}
		}
		return out
	}
	ms, err := t.Members(ctx)
	if err != nil {
		return err
	}
	var keeper int64
	var keeperName string
	for _, m := range ms {
		if m.Role == "keeper" {
			keeper, keeperName = m.ID, m.Name
		}
	}
	cat, err := i18n.Load()
	if err != nil {
		return err
	}
	rules, err := appi.Rules()
	if err != nil {
		return err
	}
	decide := func(id int64, f appi.Facts, form map[string]any) error {
		dec, err := appi.Decide(f, rules)
		if err != nil {
			return err
		}
		ruling := dec.Explain(func(k string, a ...any) string { return cat.T(i18n.Japanese, k, a...) })
		_, err = t.AppendIncident(ctx, actor, id, store.Append{Kind: incident.Decision, Body: map[string]any{"ruling": ruling, "form": form}})
		return err
	}
	step := func(id int64, kind incident.EntryKind, stepID, text, note string, at time.Time) error {
		_, err := t.AppendIncident(ctx, actor, id, store.Append{Kind: kind, OccurredAt: at,
			Body: map[string]any{"step": stepID, "text": text, "note": note}})
		return err
	}
	review := func(id int64, rv incident.Review) error {
		body := map[string]any{"people": rv.People, "technology": rv.Technology, "operations": rv.Operations, "root_cause": rv.RootCause, "lesson": rv.Lesson}
		var actions []map[string]any
		for _, a := range rv.Actions {
			actions = append(actions, map[string]any{"what": a.What, "owner_id": a.OwnerID, "owner": a.Owner, "due": a.Due.String()})
		}
		body["actions"] = actions
		_, err := t.AppendIncident(ctx, actor, id, store.Append{Kind: incident.Reviewed, Body: body})
		return err
	}
	today := calendar.Of(now)

	// 1. Last month: the customer list mailed to the wrong partner.
	found := now.Add(-40*24*time.Hour + 2*time.Hour)
	misSent, err := t.OpenIncident(ctx, actor, incident.Intake{Type: incident.MisSent, Title: "顧客名簿（120件）を別の販売代理店へ誤送信",
		Description: "営業部の高橋が、販売代理店A社に送るはずの顧客名簿（氏名・会社名・電話番号、120件）を、宛先の自動補完で代理店B社に送信。B社からの連絡で発覚。",
		Affected:    refs(find(incident.Asset, "顧客名簿"), find(incident.Service, "Google Workspace")),
		OccurredAt:  found.Add(-50 * time.Minute), FoundAt: found, FoundBy: "販売代理店B社 ご担当者様からの電話"})
	if err != nil {
		return fmt.Errorf("demo incident: %w", err)
	}
	if _, err := t.AppendIncident(ctx, actor, misSent, store.Append{Kind: incident.Triaged, OccurredAt: found.Add(5 * time.Minute),
		Body: map[string]any{"classification": incident.IsIncident, "reasons": "個人データを含む名簿が社外に届いたため、事故として扱う。"}}); err != nil {
		return err
	}
	for i, s := range []struct{ id, text, note string }{
		{"stop_sending", "同じ宛先・同じ操作での送信を止める", "宛先の自動補完を無効化。"},
		{"ask_recipient_delete", "誤送信先に削除を依頼する", "B社ご担当者様に電話で依頼し、削除の返信メールを受領。"},
		{"preserve_mail", "送信済みメールを保存する", "送信済みメールを保存済み。"},
	} {
		if err := step(misSent, incident.StepDone, s.id, s.text, s.note, found.Add(time.Duration(10+10*i)*time.Minute)); err != nil {
			return err
		}
	}
	if _, err := t.AppendIncident(ctx, actor, misSent, store.Append{Kind: incident.Contained, OccurredAt: found.Add(45 * time.Minute),
		Body: map[string]any{"text": "B社から削除完了の連絡を受領。"}}); err != nil {
		return err
	}
	if err := decide(misSent, appi.Facts{People: 120, AwareAt: found}, map[string]any{"People": "120", "Awareness": found.In(calendar.Japan).Format("2006-01-02T15:04")}); err != nil {
		return err
	}
	if keeper != 0 {
		if err := review(misSent, incident.Review{People: "宛先を確認せずに送信した。", Technology: "宛先の自動補完が有効で、社外宛ての確認画面がなかった。",
			Operations: "名簿をメールに添付して送る運用だった。", RootCause: "個人データをメール添付で送る運用と、送信前の確認の仕組みがないこと。",
			Actions: []incident.Action{{What: "社外宛てメールの送信前確認（送信保留）を設定する", OwnerID: keeper, Owner: keeperName, Due: today.AddDays(14)},
				{What: "名簿の受け渡しを期限付き共有リンクに切り替える", OwnerID: keeper, Owner: keeperName, Due: today.AddDays(30)}},
			Lesson: "社外にファイルを送るときは、送信前に宛先の会社名を声に出して確認しましょう。名簿は添付せず、期限付きの共有リンクで渡します。"}); err != nil {
			return err
		}
	}

	// 2. This morning: ransomware on the drawing server, mid-playbook.
	found = now.Add(-95 * time.Minute)
	ransom, err := t.OpenIncident(ctx, actor, incident.Intake{Type: incident.Malware, Title: "図面サーバー（NAS）のファイルが開けない・脅迫文",
		Description: "始業時、開発部の近藤が図面ファイルを開けないことに気付いた。拡張子が .lockbit に変わり、各フォルダに README.txt（脅迫文）がある。",
		Affected:    refs(find(incident.Device, "NAS（図面サーバー）"), find(incident.Device, "PC-08"), find(incident.Asset, "図面データ"), find(incident.Service, "Google Workspace")),
		OccurredAt:  found.Add(-9 * time.Hour), FoundAt: found, FoundBy: "開発部 近藤"})
	if err != nil {
		return err
	}
	if _, err := t.AppendIncident(ctx, actor, ransom, store.Append{Kind: incident.Triaged, OccurredAt: found.Add(8 * time.Minute),
		Body: map[string]any{"classification": incident.IsIncident, "reasons": "ランサムウェアによる暗号化。取引先から預かった図面が含まれる。"}}); err != nil {
		return err
	}
	nas := find(incident.Device, "NAS（図面サーバー）")
	if nas.ID != 0 {
		if err := step(ransom, incident.StepDone, fmt.Sprintf("isolate_device:device:%d", nas.ID), "NAS をネットワークから切り離す（電源は切らない）",
			"LAN ケーブルを抜いた。電源は入れたまま。", found.Add(12*time.Minute)); err != nil {
			return err
		}
	}
	if err := step(ransom, incident.StepDone, "do_not_pay", "身代金は支払わない", "経営者と確認済み。", found.Add(20*time.Minute)); err != nil {
		return err
	}
	if _, err := t.AddIncidentEvidence(ctx, actor, ransom, "README.txt", "text/plain",
		[]byte("Your files are encrypted. Contact us to restore them.\n"), nil, "NAS の共有フォルダにあった脅迫文（写し）"); err != nil {
		return err
	}
	if err := decide(ransom, appi.Facts{People: 35, Wrongful: true, PossibleOnly: true, AwareAt: found},
		map[string]any{"People": "35", "Wrongful": true, "PossibleOnly": true, "Awareness": found.In(calendar.Japan).Format("2006-01-02T15:04")}); err != nil {
		return err
	}

	// 3. A tabletop drill: a laptop lost on a train.
	started := now.Add(-20 * 24 * time.Hour)
	drill, err := t.OpenIncident(ctx, actor, incident.Intake{Type: incident.LostDevice, Title: "電車内でのノートPC紛失",
		Description: "営業担当が帰宅途中の電車の網棚にノートPCを置き忘れました。顧客との見積書が保存されています。",
		Affected:    refs(find(incident.Device, "PC-04")), OccurredAt: started, FoundAt: started, FoundBy: "訓練", Drill: true, Scenario: "laptop_train"})
	if err != nil {
		return err
	}
	if err := step(drill, incident.StepDone, "ask_where_lost", "最後に確認した場所と時刻を聞き取る", "5分で聞き取り完了。", started.Add(5*time.Minute)); err != nil {
		return err
	}
	if err := step(drill, incident.StepSkip, "report_police", "警察に届け出る", "訓練のため省略。", started.Add(15*time.Minute)); err != nil {
		return err
	}
	if keeper != 0 {
		if err := review(drill, incident.Review{People: "紛失時の連絡先を知らない人がいた。", Technology: "PC-04 はディスク暗号化が未設定と判明。",
			Operations: "持ち出しPCの台帳と遠隔消去の手順がない。", RootCause: "持ち出しPCの管理手順がないこと。",
			Actions: []incident.Action{{What: "持ち出しPC全台のディスク暗号化を有効にする", OwnerID: keeper, Owner: keeperName, Due: today.AddDays(21)}},
			Lesson:  "PCを失くしたら、気付いた時点ですぐ担当者に電話しましょう。暗号化されていれば被害は小さくできます。"}); err != nil {
			return err
		}
	}
	return nil
}
