package demo

import (
	"context"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/nearmiss"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/telework"
)

// seedStaff gives the staff side something to show: the anonymous
// near-miss link, three near misses of the last weeks — one anonymous
// with the keeper's reply and a lesson for everyone, one filed signed in
// by the sales member, one that needs action, with its task on the
// routines' calendar — and the member's telework
// self-check, which puts their home router and personal PC in the
// inventory.
func seedStaff(ctx context.Context, t store.Tenant, memberID int64, memberEmail string, now calendar.Day) error {
	if _, err := t.RotateNearMissLink(ctx, actor); err != nil {
		return err
	}
	_, receipt := nearmiss.NewReceipt()
	anon, err := t.FileNearMiss(ctx, actor, nearmiss.Report{Category: nearmiss.MisSend,
		Happened:   "見積書のメールを送る際、宛先のオートコンプリートで同じ名字の別の取引先が候補に出て、送信直前に気付きました。",
		Almost:     "他社の見積金額が別の取引先に届くところでした。",
		Suggestion: "社外宛てのメールは送信前に宛先を声に出して確認する、送信の取り消し時間を30秒にする。"}, 0, receipt, now.AddDays(-12))
	if err != nil {
		return err
	}
	if err := t.TriageNearMiss(ctx, actor, anon, store.NearMissTriage{Triage: nearmiss.Lesson,
		Reply:  "ご報告ありがとうございます。送信取り消しの時間を30秒に延ばしました。同じ場面で迷った方が他にもいるかもしれないので、全員に共有します。",
		Lesson: "社外宛てのメールは、送信前に宛先（特にオートコンプリートの候補）を確認しましょう。送信取り消しは30秒に延ばしました。"}, now.AddDays(-10)); err != nil {
		return err
	}
	if _, err := t.FileNearMiss(ctx, actor, nearmiss.Report{Category: nearmiss.LostItem,
		Happened: "客先からの帰りの電車で、ノートPCの入った鞄を網棚に置いたまま降りそうになりました。",
		Almost:   "顧客名簿の入ったPCを紛失するところでした。"}, memberID, "", now.AddDays(-5)); err != nil {
		return err
	}
	_, receipt = nearmiss.NewReceipt()
	action, err := t.FileNearMiss(ctx, actor, nearmiss.Report{Category: nearmiss.SuspiciousMail,
		Happened: "「請求書の再送」という件名のメールのリンクを開いてしまい、ログイン画面が出たところで閉じました。"}, 0, receipt, now.AddDays(-2))
	if err != nil {
		return err
	}
	if err := t.TriageNearMiss(ctx, actor, action, store.NearMissTriage{Triage: nearmiss.Action,
		Reply:  "閉じて知らせてくださり、ありがとうございます。パスワードを入力していなければ問題ありません。",
		Action: "メールの外部リンク警告を有効にし、請求書メールの確認手順を朝礼で共有する。",
		Due:    now.AddDays(6)}, now.AddDays(-1)); err != nil { // the task, for the keepers
		return err
	}
	person, err := t.PersonByEmail(ctx, memberEmail)
	if err != nil {
		return err
	}
	a := telework.Answers{RouterPassword: inventory.Unknown, RouterFirmware: inventory.No, WiFiEncrypted: inventory.Yes, OSUpdates: inventory.Yes,
		ScreenLock: inventory.No, OwnUser: inventory.Yes, PersonalPC: inventory.Yes, Where: telework.PersonalPC}
	names := telework.Names{Router: "自宅ルーター（" + person.Name + "）", PC: "私物PC（" + person.Name + "）"}
	return t.SaveTelework(ctx, actor, memberID, person.ID, a, names, now.AddDays(-3))
}
