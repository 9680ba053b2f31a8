package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/routine"
	"github.com/mamori-sec/mamori/internal/store"
)

// routineWeeks is how far back the demo companies' routines began.
const routineWeeks = 9

// seedRoutines gives a company the routines its inventory calls for as if
// they had run for the last few weeks: the job's daily sync replayed week
// by week, each past occurrence completed with a note (every third with a
// file; share reviews with each share marked kept), except the most recent
// weekly update check, left overdue so that it escalates to the owner.
// The files are kept unsealed: Seed has no secret key (the server opens
// both).
func seedRoutines(ctx context.Context, t store.Tenant, now time.Time, leaveOverdue bool) error {
	today := calendar.Of(now)
	shares, _, err := t.Shares(ctx, store.ListQuery{Limit: 200})
	if err != nil {
		return err
	}
	n, left := 0, int64(0) // left: the occurrence left overdue
	for d := today.AddDays(-7 * routineWeeks); ; d = d.AddDays(7) {
		if d > today {
			d = today
		}
		if _, err := t.SyncRoutines(ctx, actor, d); err != nil {
			return fmt.Errorf("routines on %s: %w", d, err)
		}
		os, err := t.Occurrences(ctx, store.OccurrenceQuery{Through: d.AddDays(-1), Waiting: true, AnyAssignee: true})
		if err != nil {
			return err
		}
		for _, o := range os {
			if leaveOverdue && left == 0 && o.Chore.ID == "weekly.pending_updates" && o.On >= today.AddDays(-13) && o.On <= today.AddDays(-7) {
				left = o.ID
			}
			if o.ID == left {
				continue // a week or more overdue: escalated by the sync
			}
			n++
			comp := routine.Completion{Note: demoNote(o.Chore.ID)}
			var file *store.EvidenceFile
			if o.Chore.Takes(routine.EvidenceShares) {
				rt, err := t.Routine(ctx, o.RoutineID)
				if err != nil {
					return err
				}
				comp.Shares = map[int64]routine.ShareMark{}
				for _, s := range shares {
					if s.ServiceID == rt.ServiceID {
						comp.Shares[s.ID] = routine.Kept
					}
				}
			}
			if n%3 == 0 && o.Chore.Takes(routine.EvidenceFile) {
				body := []byte(fmt.Sprintf("確認日,%s\n確認者,情シス担当\n結果,問題なし\n", o.On))
				sum := sha256.Sum256(body)
				file = &store.EvidenceFile{Name: "確認記録-" + o.On.String() + ".csv", MIME: "text/csv; charset=utf-8",
					Size: int64(len(body)), SHA256: hex.EncodeToString(sum[:]), Data: body}
			}
			if err := t.CompleteOccurrence(ctx, actor, o.ID, comp, file); err != nil {
				return fmt.Errorf("complete %s on %s: %w", o.Chore.ID, o.On, err)
			}
		}
		if d == today {
			// The escalation of what was left undone.
			_, err := t.SyncRoutines(ctx, actor, today)
			return err
		}
	}
}

// demoNote is what the keeper wrote when completing a chore.
func demoNote(chore string) string {
	switch chore {
	case "weekly.signin_review":
		return "海外や深夜のサインインはありませんでした。"
	case "weekly.pending_updates":
		return "全台の更新を確認しました。営業部のノートPC 1台は再起動待ちのため、翌日に再確認しました。"
	case "monthly.share_review":
		return "リンクを知っている全員への共有を確認し、不要なものはありませんでした。"
	case "monthly.account_review":
		return "退職者のアカウントが残っていないことを確認しました。"
	case "monthly.backup_check":
		return "NAS のバックアップは毎晩成功しています。空き容量は 40% です。"
	}
	return "手順どおりに実施しました。"
}
