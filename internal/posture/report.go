package posture

import (
	"context"
	"time"

	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/store"
)

// Report is an organisation's findings as the command line and the JSON
// API give them: the same ids, severities and evidence as the web pages,
// with the words in the reader's language and each record named as a
// person would (the account's login and service, the share's path …).
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
	ID          int64      `json:"id"`
	Check       string     `json:"check"`
	Severity    string     `json:"severity"`
	Status      string     `json:"status"`
	Title       string     `json:"title"`
	Subject     NamedRef   `json:"subject"`
	Evidence    []NamedRef `json:"evidence"`
	Detail      string     `json:"detail,omitempty"`
	FirstSeen   time.Time  `json:"first_seen"`
	ResolvedAt  *time.Time `json:"resolved_at,omitempty"`
	AcceptedTil string     `json:"accepted_until,omitempty"`
}

// NamedRef is a record with the words it is known by.
type NamedRef struct {
	Kind findings.Kind `json:"kind"`
	ID   int64         `json:"id"`
	Name string        `json:"name"`
}

// BuildReport lists the organisation's findings of the given status ("" for
// open and accepted), most severe first, in the language of tr (a
// catalogue's translation: key, args → text). The records are named with
// one lookup per kind for each thousand findings.
func BuildReport(ctx context.Context, t store.Tenant, slug, status string, tr func(key string, args ...any) string) (Report, error) {
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
	for offset := 0; ; offset += 1000 {
		page, total, err := t.Findings(ctx, store.FindingQuery{Status: findings.Status(status), Offset: offset, Limit: 1000})
		if err != nil {
			return rep, err
		}
		want := inventory.Want{}
		proofs := make([][]findings.Ref, len(page))
		for i, f := range page {
			want.Add(string(f.Subject.Kind), f.Subject.ID)
			proofs[i] = f.Proof()
			for _, e := range proofs[i] {
				want.Add(string(e.Kind), e.ID)
			}
		}
		names, err := t.Names(ctx, want)
		if err != nil {
			return rep, err
		}
		named := func(r findings.Ref) NamedRef {
			n, ok := names[inventory.Ref{Kind: string(r.Kind), ID: r.ID}]
			if !ok {
				n = inventory.Name{Kind: string(r.Kind)}
			}
			return NamedRef{Kind: r.Kind, ID: r.ID, Name: n.Label(tr)}
		}
		for i, f := range page {
			rf := ReportFinding{ID: f.ID, Check: f.CheckID, Severity: f.Severity.String(), Status: string(f.Status),
				Title: tr(findings.Check{ID: f.CheckID}.TitleKey()), Subject: named(f.Subject), Evidence: make([]NamedRef, len(proofs[i])),
				Detail: f.Detail.Render(tr), FirstSeen: f.FirstSeenAt, AcceptedTil: f.AcceptedUntil}
			for j, e := range proofs[i] {
				rf.Evidence[j] = named(e)
			}
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
