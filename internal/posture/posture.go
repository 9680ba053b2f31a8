// Package posture evaluates one organisation: it reads the inventory, runs
// the findings checks, has the store apply the transitions the findings
// capability decides (open, resolved, reopened, expired), and records the
// posture score of the day.
package posture

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/risk"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/workflow"
)

// Result is what one evaluation did.
type Result struct {
	Sync     store.SyncResult
	Score    findings.Score
	Findings int
	Took     time.Duration
}

// LeaseTime bounds one evaluation's hold on its organisation: if the
// process holding it dies, another evaluation may start after this long.
const LeaseTime = 15 * time.Minute

// Evaluate runs every check on the organisation's inventory as of now and
// stores the outcome: findings and today's score. It holds the
// organisation's evaluation lease meanwhile, so evaluations of one
// organisation never overlap (on one server or several); while another
// holds it, Evaluate returns store.ErrEvaluationBusy.
func Evaluate(ctx context.Context, t store.Tenant, actor audit.Actor, now time.Time) (Result, error) {
	res, _, err := EvaluateThen(ctx, t, actor, now, nil)
	return res, err
}

// EvaluateThen is Evaluate for the job queue: done runs in the transaction
// that releases the lease, when no inventory change arrived during the
// evaluation; again reports that one did, and the organisation must be
// evaluated once more.
func EvaluateThen(ctx context.Context, t store.Tenant, actor audit.Actor, now time.Time, done func(context.Context, *sql.Tx) error) (res Result, again bool, err error) {
	owner := make([]byte, 8)
	rand.Read(owner)
	lease, err := t.ClaimEvaluation(ctx, hex.EncodeToString(owner), LeaseTime)
	if err != nil {
		return Result{}, false, err
	}
	res, err = evaluate(ctx, t, actor, now)
	if err != nil {
		// The caller's context may be over; give the lease back regardless.
		t.ReleaseEvaluation(context.WithoutCancel(ctx), lease)
		return res, false, err
	}
	again, err = t.FinishEvaluation(ctx, lease, done)
	if err != nil {
		t.ReleaseEvaluation(context.WithoutCancel(ctx), lease)
	}
	return res, again, err
}

func evaluate(ctx context.Context, t store.Tenant, actor audit.Actor, now time.Time) (Result, error) {
	start := time.Now()
	today := calendar.Of(now).String()
	data, err := t.ForChecks(ctx, today)
	if err != nil {
		return Result{}, err
	}
	// The joiner / mover / leaver checklists follow the same data, first,
	// so that the checks see their items as they now are.
	if _, err := t.SyncChecklists(ctx, audit.System, data, calendar.Of(now)); err != nil {
		return Result{}, fmt.Errorf("checklists: %w", err)
	}
	leaver, err := t.OpenLeaverItems(ctx)
	if err != nil {
		return Result{}, err
	}
	risks, err := RiskItems(ctx, t, data.Assets, calendar.Of(now))
	if err != nil {
		return Result{}, err
	}
	waiting, err := t.PolicyWaiting(ctx, now)
	if err != nil {
		return Result{}, err
	}
	lastSitting, err := t.LastSittingDay(ctx)
	if err != nil {
		return Result{}, err
	}
	snap := findings.Snapshot{Today: now, People: data.People, Services: data.Services, Accounts: data.Accounts,
		Devices: data.Devices, Assets: data.Assets, Shares: data.Shares, LeaverItems: LeaverItems(leaver), Risks: risks,
		PolicyWaiting: waiting, OrgID: t.OrgID(), LastSelfdiag: lastSitting}
	results := findings.Evaluate(&snap)
	sync, err := t.SyncFindings(ctx, actor, findings.Results(results), today)
	if err != nil {
		return Result{}, err
	}
	open, err := t.OpenByCheck(ctx)
	if err != nil {
		return Result{}, err
	}
	// The records counted as the dashboard counts them (the snapshot leaves
	// out shares no check looks at).
	sum, err := t.Summary(ctx)
	if err != nil {
		return Result{}, err
	}
	score := findings.ScoreOf(open, sum.Records())
	res := Result{Sync: sync, Score: score, Findings: len(results), Took: time.Since(start)}
	if !score.Assessed {
		// No inventory yet: there is no score to keep, and a 100 would lie.
		return res, nil
	}
	err = t.RecordPosture(ctx, store.PosturePoint{Day: today, Score: score.Value, Critical: score.Counts[findings.Critical],
		High: score.Counts[findings.High], Medium: score.Counts[findings.Medium], Low: score.Counts[findings.Low],
		Method: store.ScoreByArea, Confidence: score.Confidence})
	return res, err
}

// RiskItems reads the risk register and judges each risk by the rules of
// internal/risk against its asset's 重要度 and the acceptance line, as the
// risk checks read them.
func RiskItems(ctx context.Context, t store.Tenant, assets []inventory.Asset, today calendar.Day) ([]findings.RiskItem, error) {
	list, err := t.Risks(ctx)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	line, err := t.RiskLine(ctx)
	if err != nil {
		return nil, err
	}
	importance := make(map[int64]int, len(assets))
	for _, a := range assets {
		importance[a.ID] = a.Importance()
	}
	out := make([]findings.RiskItem, 0, len(list))
	for _, r := range list {
		e := risk.Assess(r, importance[r.AssetID], line, today)
		it := findings.RiskItem{AssetID: r.AssetID, Untreated: e.Untreated}
		if r.Treatment != risk.None && r.Status != risk.Done {
			it.Due = r.Due.String()
		}
		out = append(out, it)
	}
	return out, nil
}

// LeaverItems turns open leaver items into what the findings read.
func LeaverItems(items []workflow.Item) []findings.LeaverItem {
	out := make([]findings.LeaverItem, len(items))
	for i, it := range items {
		out[i] = findings.LeaverItem{PersonID: it.PersonID, Due: it.Due.String()}
		switch it.Subject.Kind {
		case workflow.AccountSubject:
			out[i].Subject = findings.Ref{Kind: findings.KindAccount, ID: it.Subject.ID}
		case workflow.DeviceSubject:
			out[i].Subject = findings.Ref{Kind: findings.KindDevice, ID: it.Subject.ID}
		case workflow.ShareSubject:
			out[i].Subject = findings.Ref{Kind: findings.KindShare, ID: it.Subject.ID}
		}
	}
	return out
}
