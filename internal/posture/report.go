package posture

import (
	"context"
	"time"

	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/store"
)

// Report is an organisation's findings as the command line and the JSON
// API give them: the same ids, severities and evidence as the web pages.
type Report struct {
	Org string `json:"org"`
	// Score is null while no area of the inventory has data ("not
	// assessed"); it is computed over the assessed areas only.
	Score         *int            `json:"score"`
	AreasAssessed int             `json:"areas_assessed"`
	Confidence    int             `json:"confidence"`
	Counts        map[string]int  `json:"open_by_severity"`
	Findings      []ReportFinding `json:"findings"`
}

// ReportFinding is one finding in a Report.
type ReportFinding struct {
	ID          int64          `json:"id"`
	Check       string         `json:"check"`
	Severity    string         `json:"severity"`
	Status      string         `json:"status"`
	Title       findings.Text  `json:"title"`
	Subject     findings.Ref   `json:"subject"`
	Evidence    []findings.Ref `json:"evidence"`
	Detail      findings.Text  `json:"detail"`
	FirstSeen   time.Time      `json:"first_seen"`
	ResolvedAt  *time.Time     `json:"resolved_at,omitempty"`
	AcceptedTil string         `json:"accepted_until,omitempty"`
}

// BuildReport lists the organisation's findings of the given status ("" for
// open and accepted), most severe first.
func BuildReport(ctx context.Context, t store.Tenant, slug, status string) (Report, error) {
	open, err := t.OpenByCheck(ctx)
	if err != nil {
		return Report{}, err
	}
	sum, err := t.Summary(ctx)
	if err != nil {
		return Report{}, err
	}
	score := findings.ScoreOf(open, sum.Records())
	rep := Report{Org: slug, Counts: map[string]int{}, Findings: []ReportFinding{}, AreasAssessed: score.AreasAssessed, Confidence: score.Confidence}
	if score.Assessed {
		v := score.Value
		rep.Score = &v
	}
	for sev, n := range score.Counts {
		rep.Counts[sev.String()] = n
	}
	checks := map[string]findings.Check{}
	for _, c := range findings.Checks() {
		checks[c.ID] = c
	}
	for offset := 0; ; offset += 1000 {
		page, total, err := t.Findings(ctx, store.FindingQuery{Status: findings.Status(status), Offset: offset, Limit: 1000})
		if err != nil {
			return rep, err
		}
		for _, f := range page {
			rf := ReportFinding{ID: f.ID, Check: f.CheckID, Severity: f.Severity.String(), Status: string(f.Status),
				Title: checks[f.CheckID].Title, Subject: f.Subject, Evidence: f.Proof(), Detail: f.Detail, FirstSeen: f.FirstSeenAt, AcceptedTil: f.AcceptedUntil}
			if !f.ResolvedAt.IsZero() {
				at := f.ResolvedAt
				rf.ResolvedAt = &at
			}
			rep.Findings = append(rep.Findings, rf)
		}
		if offset+len(page) >= total || len(page) == 0 {
			return rep, nil
		}
	}
}
