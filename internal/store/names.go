package store

import (
	"context"
	"slices"
	"strings"

	"github.com/mamori-sec/mamori/internal/inventory"
)

// nameQueries read the words a record is named by, for the ids of one kind
// (appended as "IN (…)"); every query is scoped to the organisation. The
// unary plus on org_id keeps SQLite from walking an (org_id, …) index over
// every record of a large organisation instead of looking up the ids by
// primary key (a million shares: 40 ms instead of well under one).
var nameQueries = map[string]string{
	"person":  "SELECT id, name, '', '' FROM people WHERE +org_id = ? AND id IN ",
	"account": "SELECT a.id, a.login_id, COALESCE(s.name, ''), '' FROM accounts a LEFT JOIN services s ON s.id = a.service_id AND s.org_id = a.org_id WHERE +a.org_id = ? AND a.id IN ",
	"share":   "SELECT x.id, x.path, COALESCE(s.name, ''), '' FROM shares x LEFT JOIN services s ON s.id = x.service_id AND s.org_id = x.org_id WHERE +x.org_id = ? AND x.id IN ",
	"device":  "SELECT id, name, '', kind FROM devices WHERE +org_id = ? AND id IN ",
	"asset":   "SELECT id, name, '', '' FROM assets WHERE +org_id = ? AND id IN ",
	"service": "SELECT id, name, '', '' FROM services WHERE +org_id = ? AND id IN ",
	// A user is named in an organisation's pages while a member of it, or
	// when its own audit trail is about them (a removed member).
	"user": "SELECT u.id, u.name, '', u.email FROM users u WHERE (EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.org_id = ?) OR EXISTS (SELECT 1 FROM audit_log l WHERE l.org_id = ? AND l.target = 'user:' || u.id)) AND u.id IN ",
	"org":  "SELECT id, name, '', '' FROM orgs WHERE id = ? AND id IN ",
	// A checklist is named by its person and its kind, an item by its
	// checklist's person and what it asks for.
	"checklist": "SELECT c.id, COALESCE(p.name, ''), '', c.kind FROM checklists c LEFT JOIN people p ON p.id = c.person_id AND p.org_id = c.org_id WHERE +c.org_id = ? AND c.id IN ",
	// A routine is named by its chore (and service), an occurrence by its
	// routine's and its due day.
	"routine":    "SELECT r.id, r.chore, COALESCE(s.name, ''), '' FROM routines r LEFT JOIN services s ON s.id = r.service_id AND s.org_id = r.org_id WHERE +r.org_id = ? AND r.id IN ",
	"occurrence": "SELECT o.id, r.chore, COALESCE(s.name, ''), o.due_on FROM routine_occurrences o JOIN routines r ON r.id = o.routine_id AND r.org_id = o.org_id LEFT JOIN services s ON s.id = r.service_id AND s.org_id = r.org_id WHERE +o.org_id = ? AND o.id IN ",
	// A risk is named by its asset and its threat (internal/risk).
	"risk":     "SELECT k.id, a.name, '', k.threat FROM risks k JOIN assets a ON a.id = k.asset_id AND a.org_id = k.org_id WHERE +k.org_id = ? AND k.id IN ",
	"incident": "SELECT id, title, '', kind FROM incidents WHERE +org_id = ? AND id IN ",
	// A self-diagnosis sitting is named by its day and its department.
	"selfdiag":       "SELECT id, taken_on, department, '' FROM selfdiag_sittings WHERE +org_id = ? AND id IN ",
	"checklist_item": "SELECT i.id, COALESCE(p.name, ''), '', i.kind FROM checklist_items i JOIN checklists c ON c.id = i.checklist_id AND c.org_id = i.org_id LEFT JOIN people p ON p.id = c.person_id AND p.org_id = c.org_id WHERE +i.org_id = ? AND i.id IN ",
	// A scan run is named by what it scanned, a place by its folder, both
	// as people see them (internal/scan).
	"scan_run":   "SELECT id, CASE WHEN seen_as <> '' THEN seen_as ELSE root END, '', '' FROM scan_runs WHERE +org_id = ? AND id IN ",
	"scan_place": "SELECT id, seen_as, '', '' FROM scan_places WHERE +org_id = ? AND id IN ",
}

// nameChunk bounds the ids of one query, well under either engine's limit
// on parameters; a page needs one chunk per kind.
const nameChunk = 500

// Names looks up the names behind refs: one query per kind of record (and
// one for the findings among them, whose subjects it names too), never one
// per row. A ref this organisation does not have is left out; the caller
// names it from what it has (an audit entry's before state) or as unknown.
func (t Tenant) Names(ctx context.Context, want inventory.Want) (inventory.Names, error) {
	out := inventory.Names{}
	byKind := map[string][]int64{}
	for r := range want {
		byKind[r.Kind] = append(byKind[r.Kind], r.ID)
	}
	// Findings first: their subjects join the other kinds' lookups.
	subjects := map[int64]inventory.Ref{}
	checks := map[int64]string{}
	err := t.eachChunk(ctx, byKind["finding"], "SELECT id, check_id, subject_kind, subject_id FROM findings WHERE +org_id = ? AND id IN ", 1, func(sc rowScanner) error {
		var id, sid int64
		var check, kind string
		if err := sc.Scan(&id, &check, &kind, &sid); err != nil {
			return err
		}
		checks[id], subjects[id] = check, inventory.Ref{Kind: kind, ID: sid}
		byKind[kind] = append(byKind[kind], sid) // eachChunk drops repeats
		return nil
	})
	if err != nil {
		return nil, err
	}
	for kind, ids := range byKind {
		q, ok := nameQueries[kind]
		if !ok {
			continue
		}
		orgArgs := 1
		if kind == "user" {
			orgArgs = 2
		}
		err := t.eachChunk(ctx, ids, q, orgArgs, func(sc rowScanner) error {
			n := inventory.Name{Kind: kind}
			var id int64
			if err := sc.Scan(&id, &n.Name, &n.Service, &n.Type); err != nil {
				return err
			}
			out[inventory.Ref{Kind: kind, ID: id}] = n
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for id, check := range checks {
		n := inventory.Name{Kind: "finding", Name: check}
		s := subjects[id]
		sn, ok := out[s]
		if !ok {
			sn = inventory.Name{Kind: s.Kind}
		}
		n.Subject = &sn
		out[inventory.Ref{Kind: "finding", ID: id}] = n
	}
	return out, nil
}

// eachChunk runs q (ending in "IN ") for ids in chunks of nameChunk, with
// the organisation as its first orgArgs parameters, calling row for each row.
func (t Tenant) eachChunk(ctx context.Context, ids []int64, q string, orgArgs int, row func(rowScanner) error) error {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for start := 0; start < len(ids); start += nameChunk {
		part := ids[start:min(start+nameChunk, len(ids))]
		args := make([]any, 0, orgArgs+len(part))
		for range orgArgs {
			args = append(args, t.org)
		}
		for _, id := range part {
			args = append(args, id)
		}
		rows, err := t.db.query(ctx, q+"("+strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")+")", args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := row(rows); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}
