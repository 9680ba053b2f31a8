package store_test

import (
	"context"
	"testing"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/selfdiag"
	"github.com/mamori-sec/mamori/internal/store"
)

func allAnswered(v selfdiag.Answer) selfdiag.Answers {
	var a selfdiag.Answers
	for q := 1; q <= selfdiag.Questions; q++ {
		a.Set(q, v)
	}
	return a
}

func TestSittingsStore(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		ten := db.Tenant(mustOrg(t, db, "diag"))
		other := db.Tenant(mustOrg(t, db, "diag-other"))
		today := calendar.Of(c.now())

		// An incomplete sitting is refused whole.
		in := allAnswered(selfdiag.Done)
		in.Set(7, selfdiag.Unanswered)
		if _, err := ten.SaveSitting(ctx, actor, store.SittingInput{Answers: in}); problem.CodeOf(err) != problem.Invalid {
			t.Fatalf("incomplete: got %v", err)
		}
		if s, _ := ten.Sittings(ctx); len(s) != 0 {
			t.Fatalf("incomplete sitting saved: %+v", s)
		}

		first := allAnswered(selfdiag.Partly)
		proposed := selfdiag.Answers{}
		proposed.Set(2, selfdiag.Partly)
		proposed.Set(3, selfdiag.Done)
		id1, err := ten.SaveSitting(ctx, actor, store.SittingInput{TakenOn: today.AddDays(-365), Answers: first, Proposed: proposed, Flagged: []int{4}})
		if err != nil {
			t.Fatal(err)
		}
		id2, err := ten.SaveSitting(ctx, actor, store.SittingInput{TakenOn: today, Answers: allAnswered(selfdiag.Done)})
		if err != nil {
			t.Fatal(err)
		}
		got, err := ten.Sitting(ctx, id1)
		if err != nil {
			t.Fatal(err)
		}
		if got.Answers != first || got.AnswerSource(2) != "confirmed" || got.AnswerSource(3) != "overridden" || got.AnswerSource(5) != "own" || !got.Flagged[3] || got.Flagged[4] {
			t.Errorf("sitting read back wrong: %+v", got)
		}
		latest, err := ten.LatestSitting(ctx)
		if err != nil || latest.ID != id2 || latest.Result().Total != 100 {
			t.Errorf("latest = %d (%v), want %d with 100", latest.ID, err, id2)
		}
		totals, _ := ten.SelfdiagTotals(ctx, 10)
		if len(totals) != 2 || totals[0].Total != 50 || totals[1].Total != 100 {
			t.Errorf("totals = %+v", totals)
		}
		// Another organisation sees none of it.
		if _, err := other.Sitting(ctx, id1); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("other org read a sitting: %v", err)
		}
		if _, err := other.LatestSitting(ctx); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("other org has a latest sitting: %v", err)
		}

		// Department sittings merge, weakest answer first.
		sales := allAnswered(selfdiag.Done)
		sales.Set(1, selfdiag.NotDone)
		office := allAnswered(selfdiag.Done)
		office.Set(2, selfdiag.DontKnow)
		s1, err := ten.SaveSitting(ctx, actor, store.SittingInput{Department: "営業部", Answers: sales})
		if err != nil {
			t.Fatal(err)
		}
		s2, err := ten.SaveSitting(ctx, actor, store.SittingInput{Department: "総務部", Answers: office})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ten.MergeSittings(ctx, actor, []int64{s1, id2}, today); problem.CodeOf(err) != problem.Invalid {
			t.Errorf("merge with a company sitting: %v", err)
		}
		if _, err := other.MergeSittings(ctx, actor, []int64{s1, s2}, today); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("other org merged ours: %v", err)
		}
		mid, err := ten.MergeSittings(ctx, actor, []int64{s1, s2}, today)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := ten.Sitting(ctx, mid)
		if m.Answers.Get(1) != selfdiag.NotDone || m.Answers.Get(2) != selfdiag.DontKnow || m.Answers.Get(3) != selfdiag.Done || len(m.Sources) != 2 || m.Source != "merge" {
			t.Errorf("merged = %+v", m)
		}
		if r := m.Result(); r.Total != 4*23-1 {
			t.Errorf("merged total = %d, want %d", r.Total, 4*23-1)
		}
	})
}

func TestCloudCheckStore(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		ten := db.Tenant(mustOrg(t, db, "cloudchk"))
		other := db.Tenant(mustOrg(t, db, "cloudchk-other"))
		today := calendar.Of(c.now())
		svc := inventory.Service{Name: "kintone", Category: inventory.Cloud, MFA: inventory.MFAAvailable}
		if err := ten.SaveService(ctx, actor, &svc); err != nil {
			t.Fatal(err)
		}
		var sheet selfdiag.CloudSheet
		for i := range sheet {
			sheet[i].Mark = selfdiag.CloudChecked
		}
		sheet[5] = selfdiag.CloudAnswer{Mark: selfdiag.CloudIssue, Note: "SLAの記載が見つからない"}
		if _, err := ten.SaveCloudCheck(ctx, actor, svc.ID, today.AddDays(-3), sheet); err != nil {
			t.Fatal(err)
		}
		got, _ := ten.Service(ctx, svc.ID)
		if got.CloudCheckDone != "" {
			t.Fatalf("an incomplete check set the date: %q", got.CloudCheckDone)
		}
		sheet[5] = selfdiag.CloudAnswer{Mark: selfdiag.CloudChecked, Note: "稼働率99.9%を確認"}
		if _, err := other.SaveCloudCheck(ctx, actor, svc.ID, today, sheet); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("other org checked our service: %v", err)
		}
		if _, err := ten.SaveCloudCheck(ctx, actor, svc.ID, today.AddDays(1), sheet); problem.CodeOf(err) != problem.Invalid {
			t.Errorf("future day: %v", err)
		}
		if _, err := ten.SaveCloudCheck(ctx, actor, svc.ID, today, sheet); err != nil {
			t.Fatal(err)
		}
		got, _ = ten.Service(ctx, svc.ID)
		if got.CloudCheckDone != today.String() {
			t.Errorf("cloud check done = %q, want %s", got.CloudCheckDone, today)
		}
		list, err := ten.CloudChecks(ctx, svc.ID)
		if err != nil || len(list) != 2 || !list[0].Complete || list[1].Complete || list[1].Sheet[5].Note != "SLAの記載が見つからない" {
			t.Errorf("history = %+v (%v)", list, err)
		}
		// The live data the prefill reads now shows the service checked.
		live, err := ten.SelfdiagLive(ctx, today)
		if err != nil {
			t.Fatal(err)
		}
		if p := selfdiag.Prefill(live)[22]; p.Answer != selfdiag.Done {
			t.Errorf("question 23 proposed %v (%s), want done", p.Answer, p.Reason)
		}
		onprem := inventory.Service{Name: "社内NAS", Category: inventory.OnPrem, MFA: inventory.MFANone}
		if err := ten.SaveService(ctx, actor, &onprem); err != nil {
			t.Fatal(err)
		}
		if _, err := ten.SaveCloudCheck(ctx, actor, onprem.ID, today, sheet); problem.CodeOf(err) != problem.Invalid {
			t.Errorf("on-premises service checked: %v", err)
		}
	})
}
