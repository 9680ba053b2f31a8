package demo

import (
	"context"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/selfdiag"
	"github.com/mamori-sec/mamori/internal/store"
)

// seedSelfdiag gives a company two past self-diagnoses — one a year ago,
// weak on the organisation's part, and one two weeks ago, better — and the
// cloud-service check on two of its cloud services: one complete, one with
// an issue still open.
func seedSelfdiag(ctx context.Context, t store.Tenant, now time.Time) error {
	today := calendar.Of(now)
	d, p, n, k := selfdiag.Done, selfdiag.Partly, selfdiag.NotDone, selfdiag.DontKnow
	yearAgo := selfdiag.Answers{
		p, d, p, n, n, // basic measures
		d, p, n, p, p, n, d, p, p, d, d, d, n, // as employees
		p, n, n, k, k, n, n, // as an organisation
	}
	recent := selfdiag.Answers{
		d, d, p, p, d,
		d, d, p, p, d, p, d, d, d, d, d, d, p,
		d, p, p, d, p, k, p,
	}
	for _, s := range []struct {
		on  calendar.Day
		ans selfdiag.Answers
	}{{today.AddDate(-1, 0, 0), yearAgo}, {today.AddDays(-14), recent}} {
		if _, err := t.SaveSitting(ctx, actor, store.SittingInput{TakenOn: s.on, Source: "form", Answers: s.ans}); err != nil {
			return err
		}
	}
	services, _, err := t.Services(ctx, store.ListQuery{Limit: 200})
	if err != nil {
		return err
	}
	var cloud []inventory.Service
	for _, s := range services {
		if s.Category == inventory.Cloud {
			cloud = append(cloud, s)
		}
	}
	notes := map[int]string{
		5:  "国内の上場企業が運営。導入実績を確認。",
		6:  "稼働率99.9%をサービス仕様で確認。",
		9:  "全員に二要素認証を必須にした。",
		10: "毎月、CSVで手元に書き出している。",
		13: "解約後30日はデータを書き出せる。",
		15: "データは日本国内に保存。",
	}
	for i, s := range cloud[:min(2, len(cloud))] {
		var sheet selfdiag.CloudSheet
		for j := range sheet {
			sheet[j] = selfdiag.CloudAnswer{Mark: selfdiag.CloudChecked, Note: notes[j+1]}
		}
		on := today.AddDays(-30)
		if i == 1 {
			// The second is not finished: the backup point is an issue.
			sheet[9] = selfdiag.CloudAnswer{Mark: selfdiag.CloudIssue, Note: "手元にバックアップを取る手順がまだない。"}
			sheet[14] = selfdiag.CloudAnswer{}
			on = today.AddDays(-5)
		}
		if _, err := t.SaveCloudCheck(ctx, actor, s.ID, on, sheet); err != nil {
			return err
		}
	}
	return nil
}
