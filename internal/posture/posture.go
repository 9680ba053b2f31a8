// Package posture evaluates one organisation: it reads the inventory, runs
// the findings checks, reconciles the stored findings (open, resolved,
// reopened, expired) and computes the posture score, whose calculation it
// can show line by line.
package posture

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"sort"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/store"
)

// jst is the calendar findings and scores are dated in.
var jst = time.FixedZone("JST", 9*60*60)

// Weight is what one check with open findings costs the score, by
// severity. A check costs its weight once, plus one point per further
// finding, up to twice its weight: ten forgotten accounts are worse than
// one, but one critical problem still outweighs many small ones.
var Weight = map[findings.Severity]int{findings.Critical: 20, findings.High: 10, findings.Medium: 4, findings.Low: 1}

// Deduction is one line of the score's calculation.
type Deduction struct {
	CheckID  string
	Severity findings.Severity
	Open     int
	Points   int
}

// Score is the posture score, 0–100, with how it was computed.
type Score struct {
	Value      int
	Deductions []Deduction // largest first
	Counts     map[findings.Severity]int
}

// ScoreOf computes the score from the open findings per check.
func ScoreOf(open []store.FindingCount) Score {
	s := Score{Value: 100, Counts: map[findings.Severity]int{}}
	for _, c := range open {
		sev := findings.Severity(c.Severity)
		w := Weight[sev]
		pts := min(w+c.Open-1, 2*w)
		s.Deductions = append(s.Deductions, Deduction{CheckID: c.CheckID, Severity: sev, Open: c.Open, Points: pts})
		s.Counts[sev] += c.Open
		s.Value -= pts
	}
	s.Value = max(s.Value, 0)
	sort.SliceStable(s.Deductions, func(i, j int) bool {
		a, b := s.Deductions[i], s.Deductions[j]
		if a.Points != b.Points {
			return a.Points > b.Points
		}
		return a.CheckID < b.CheckID
	})
	return s
}

// Top returns the n most important things to do: the checks that cost the
// most points.
func (s Score) Top(n int) []Deduction {
	return s.Deductions[:min(n, len(s.Deductions))]
}

// Result is what one evaluation did.
type Result struct {
	Sync     store.SyncResult
	Score    Score
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
	today := now.In(jst).Format(time.DateOnly)
	data, err := t.ForChecks(ctx, today)
	if err != nil {
		return Result{}, err
	}
	snap := findings.Snapshot{Today: now, People: data.People, Services: data.Services, Accounts: data.Accounts,
		Devices: data.Devices, Assets: data.Assets, Shares: data.Shares}
	results := findings.Evaluate(&snap)
	severity := map[string]findings.Severity{}
	for _, c := range findings.Checks() {
		severity[c.ID] = c.Severity
	}
	inputs := make([]store.FindingInput, len(results))
	for i, f := range results {
		inputs[i] = input(f, severity[f.CheckID])
	}
	sync, err := t.SyncFindings(ctx, actor, inputs, today)
	if err != nil {
		return Result{}, err
	}
	open, err := t.OpenByCheck(ctx)
	if err != nil {
		return Result{}, err
	}
	score := ScoreOf(open)
	err = t.RecordPosture(ctx, store.PosturePoint{Day: today, Score: score.Value, Critical: score.Counts[findings.Critical],
		High: score.Counts[findings.High], Medium: score.Counts[findings.Medium], Low: score.Counts[findings.Low]})
	return Result{Sync: sync, Score: score, Findings: len(results), Took: time.Since(start)}, err
}

type ref struct {
	Kind findings.Kind `json:"kind"`
	ID   int64         `json:"id"`
}

func input(f findings.Finding, sev findings.Severity) store.FindingInput {
	refs := make([]ref, len(f.Evidence))
	for i, e := range f.Evidence {
		refs[i] = ref{e.Kind, e.ID}
	}
	ev, _ := json.Marshal(refs)
	return store.FindingInput{CheckID: f.CheckID, SubjectKind: string(f.Subject.Kind), SubjectID: f.Subject.ID,
		Severity: int(sev), Evidence: string(ev), DetailJA: f.Detail.JA, DetailEN: f.Detail.EN}
}

func evidenceRefs(stored string) []ref {
	refs := []ref{}
	json.Unmarshal([]byte(stored), &refs)
	return refs
}

// Evidence decodes the stored evidence of a finding.
func Evidence(stored string) []findings.Ref {
	refs := evidenceRefs(stored)
	out := make([]findings.Ref, len(refs))
	for i, r := range refs {
		out[i] = findings.Ref{Kind: r.Kind, ID: r.ID}
	}
	return out
}

// Count is the number of open findings of a severity (4 critical … 1 low).
func (s Score) Count(severity int) int { return s.Counts[findings.Severity(severity)] }
