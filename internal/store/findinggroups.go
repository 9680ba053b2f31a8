package store

import (
	"context"
	"slices"
	"strings"

	"github.com/mamori-sec/mamori/internal/findings"
)

// CheckCount is the number of findings of one check a query selects, at
// their highest severity.
type CheckCount struct {
	CheckID  string
	Severity findings.Severity
	Count    int
}

// FindingCounts counts the findings q selects by check (q's paging does
// not apply). With one status it reads only the index
// (org_id, status, severity, check_id, subject_id): the open findings of a
// large organisation are better taken from OpenByCheck's cached answer.
func (t Tenant) FindingCounts(ctx context.Context, q FindingQuery) ([]CheckCount, error) {
	where, args := t.findingWhere(q)
	// Grouped in the index's order (severity, then check), so that SQLite
	// counts from the index alone; a check has one severity.
	rows, err := t.db.query(ctx, "SELECT check_id, severity, count(*) FROM findings WHERE "+where+" GROUP BY severity, check_id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CheckCount
	for rows.Next() {
		var c CheckCount
		var severity int
		if err := rows.Scan(&c.CheckID, &severity, &c.Count); err != nil {
			return nil, err
		}
		c.Severity = findings.Severity(severity)
		if i := slices.IndexFunc(out, func(x CheckCount) bool { return x.CheckID == c.CheckID }); i >= 0 {
			out[i].Count += c.Count
			out[i].Severity = max(out[i].Severity, c.Severity)
			continue
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// FindingsOfCheck lists a page of the findings q selects of one check, by
// subject, in the order of the unique index (org_id, check_id,
// subject_kind, subject_id), so that the first page of a check with a
// hundred thousand findings reads twenty of them.
func (t Tenant) FindingsOfCheck(ctx context.Context, q FindingQuery, check string, offset, limit int) ([]findings.Record, error) {
	q.CheckID = check
	where, args := t.findingWhere(q)
	rows, err := t.db.query(ctx, "SELECT "+findingColumns+" FROM findings WHERE "+where+" ORDER BY subject_kind, subject_id LIMIT ? OFFSET ?",
		append(args, limit, max(offset, 0))...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []findings.Record
	for rows.Next() {
		f, err := scanFinding(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// OpenFindingsProvenBy lists up to limit open findings about people whose
// evidence names r (a leaver's finding lists their accounts and devices).
// Only the checks about people are read, through the unique index
// (org_id, check_id, …): not the hundreds of thousands about shares.
func (t Tenant) OpenFindingsProvenBy(ctx context.Context, r findings.Ref, limit int) ([]findings.Record, error) {
	args := []any{t.org}
	var people []string
	for _, c := range findings.Checks() {
		if c.Subject == findings.KindPerson {
			people = append(people, "?")
			args = append(args, c.ID)
		}
	}
	proof := strings.TrimSuffix(strings.TrimPrefix(findings.EncodeEvidence([]findings.Ref{r}), "["), "]")
	args = append(args, "%"+proof+"%", limit)
	rows, err := t.db.query(ctx, "SELECT "+findingColumns+" FROM findings WHERE org_id = ? AND status = 'open' AND check_id IN ("+
		strings.Join(people, ", ")+") AND evidence LIKE ? ORDER BY check_id, subject_id LIMIT ?", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []findings.Record
	for rows.Next() {
		f, err := scanFinding(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
