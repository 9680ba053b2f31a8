package store

import (
	"context"

	"github.com/mamori-sec/mamori/internal/findings"
)

// FindingGroup is one check's findings in a list grouped by check.
type FindingGroup struct {
	CheckID  string
	Kind     findings.Kind
	Severity findings.Severity // the highest among them
	Count    int
	Records  []findings.Record // the first of them, by subject
}

// FindingGroups lists the findings q selects grouped by check, the most
// severe and then the most numerous first, each with up to perGroup of its
// findings (q's Offset and Limit do not apply). Two statements, whatever
// the number of checks.
func (t Tenant) FindingGroups(ctx context.Context, q FindingQuery, perGroup int) ([]FindingGroup, error) {
	where, args := t.findingWhere(q)
	rows, err := t.db.query(ctx, "SELECT check_id, MIN(subject_kind), MAX(severity), count(*) FROM findings WHERE "+where+
		" GROUP BY check_id ORDER BY MAX(severity) DESC, count(*) DESC, check_id", args...)
	if err != nil {
		return nil, err
	}
	var out []FindingGroup
	at := map[string]int{}
	for rows.Next() {
		var g FindingGroup
		var kind string
		var severity int
		if err := rows.Scan(&g.CheckID, &kind, &severity, &g.Count); err != nil {
			rows.Close()
			return nil, err
		}
		g.Kind, g.Severity = findings.Kind(kind), findings.Severity(severity)
		at[g.CheckID] = len(out)
		out = append(out, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 || perGroup <= 0 {
		return out, err
	}
	rows, err = t.db.query(ctx, "SELECT "+findingColumns+" FROM (SELECT "+findingColumns+
		", ROW_NUMBER() OVER (PARTITION BY check_id ORDER BY subject_id, id) AS n FROM findings WHERE "+where+
		") AS firsts WHERE n <= ? ORDER BY check_id, subject_id, id", append(args, perGroup)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		f, err := scanFinding(rows)
		if err != nil {
			return nil, err
		}
		if i, ok := at[f.CheckID]; ok {
			out[i].Records = append(out[i].Records, f)
		}
	}
	return out, rows.Err()
}
