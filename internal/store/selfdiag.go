package store

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/selfdiag"
)

// The self-diagnosis and the cloud-service check. The rules (scoring,
// bands, merging, what a complete cloud check is) are internal/selfdiag's;
// this file keeps every sitting and every check, each with its audit entry.

// Sitting is one stored set of answers.
type Sitting struct {
	ID         int64
	Department string // "" for the whole company
	TakenOn    calendar.Day
	Source     string // form, file, merge
	By         string // who answered, as the audit trail names them
	CreatedAt  time.Time
	Answers    selfdiag.Answers
	// Proposed is what mamori proposed for each question when the sitting
	// was taken (Unanswered: no proposal).
	Proposed selfdiag.Answers
	// Flagged marks the questions answered "done" while live findings
	// said otherwise, when the sitting was taken.
	Flagged [selfdiag.Questions]bool
	// Sources are the department sittings a merged sitting came from.
	Sources []int64
}

// Result scores the sitting.
func (s Sitting) Result() selfdiag.Result { return selfdiag.Score(s.Answers) }

// AnswerSource says whether the answer to q was mamori's proposal
// confirmed, a proposal overridden, or the person's own (no proposal).
func (s Sitting) AnswerSource(q int) string {
	switch p := s.Proposed.Get(q); {
	case p == selfdiag.Unanswered:
		return "own"
	case p == s.Answers.Get(q):
		return "confirmed"
	}
	return "overridden"
}

// SittingInput is a sitting to keep.
type SittingInput struct {
	Department string
	TakenOn    calendar.Day
	Source     string
	Answers    selfdiag.Answers
	Proposed   selfdiag.Answers
	Flagged    []int
}

// MaxDepartment is the longest department label.
const MaxDepartment = 100

// sittingAudit is a sitting as the audit trail keeps it: every answer by
// question, the total and the band.
func sittingAudit(department, takenOn, source string, a selfdiag.Answers, flagged []int) map[string]any {
	answers := map[string]string{}
	for q := 1; q <= selfdiag.Questions; q++ {
		answers[strconv.Itoa(q)] = a.Get(q).Code()
	}
	r := selfdiag.Score(a)
	m := map[string]any{"taken_on": takenOn, "selfdiag_total": r.Total, "selfdiag_band": r.Band.Code(), "selfdiag_answers": answers, "selfdiag_source": source}
	if department != "" {
		m["department"] = department
	}
	if len(flagged) > 0 {
		m["selfdiag_flagged"] = flagged
	}
	return m
}

// SaveSitting keeps a complete sitting. A sitting with a question left
// unanswered is refused, naming the questions: nothing is saved.
func (t Tenant) SaveSitting(ctx context.Context, actor audit.Actor, in SittingInput) (int64, error) {
	return t.saveSitting(ctx, actor, in, nil)
}

func (t Tenant) saveSitting(ctx context.Context, actor audit.Actor, in SittingInput, sources []int64) (int64, error) {
	in.Department = strings.TrimSpace(in.Department)
	if len([]rune(in.Department)) > MaxDepartment {
		return 0, problem.Field("department", "inventory.too_long", MaxDepartment)
	}
	if r := selfdiag.Score(in.Answers); len(r.Unanswered) > 0 {
		return 0, problem.New(problem.Invalid, "selfdiag.incomplete", joinInts(r.Unanswered))
	}
	if in.TakenOn.IsZero() {
		in.TakenOn = calendar.Of(t.db.Now())
	}
	if in.Source == "" {
		in.Source = "form"
	}
	var id int64
	err := t.change(ctx, actor, func(tx *Tx) error {
		var err error
		id, err = tx.insert(ctx, "INSERT INTO selfdiag_sittings (org_id, department, taken_on, total, source, user_id, by_label, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			t.org, in.Department, in.TakenOn.String(), selfdiag.Score(in.Answers).Total, in.Source, actor.UserID, actor.Label, micros(tx.db.Now()))
		if err != nil {
			return err
		}
		for q := 1; q <= selfdiag.Questions; q++ {
			if _, err := tx.exec(ctx, "INSERT INTO selfdiag_answers (org_id, sitting_id, question, answer, proposed, flagged) VALUES (?, ?, ?, ?, ?, ?)",
				t.org, id, q, in.Answers.Get(q).Code(), in.Proposed.Get(q).Code(), boolInt(slices.Contains(in.Flagged, q))); err != nil {
				return err
			}
		}
		for _, src := range sources {
			if _, err := tx.exec(ctx, "INSERT INTO selfdiag_merges (org_id, sitting_id, source_id) VALUES (?, ?, ?)", t.org, id, src); err != nil {
				return err
			}
		}
		action := "selfdiag.sitting"
		if sources != nil {
			action = "selfdiag.merge"
		}
		return t.record(ctx, tx, audit.Event{Action: action, Target: "selfdiag:" + strconv.FormatInt(id, 10),
			After: sittingAudit(in.Department, in.TakenOn.String(), in.Source, in.Answers, in.Flagged)})
	})
	return id, err
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

// MergeSittings makes the company's sitting from department sittings (at
// least two, each with its department), by selfdiag.Merge's rule.
func (t Tenant) MergeSittings(ctx context.Context, actor audit.Actor, ids []int64, takenOn calendar.Day) (int64, error) {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) < 2 {
		return 0, problem.New(problem.Invalid, "selfdiag.merge_two")
	}
	var deps []selfdiag.Department
	for _, id := range ids {
		s, err := t.Sitting(ctx, id)
		if err != nil {
			return 0, err
		}
		if s.Department == "" {
			return 0, problem.New(problem.Invalid, "selfdiag.merge_departments")
		}
		deps = append(deps, selfdiag.Department{Name: s.Department, Answers: s.Answers})
	}
	merged, _ := selfdiag.Merge(deps)
	return t.saveSitting(ctx, actor, SittingInput{TakenOn: takenOn, Source: "merge", Answers: merged}, ids)
}

// Sittings returns every sitting, newest first.
func (t Tenant) Sittings(ctx context.Context) ([]Sitting, error) {
	return t.sittings(ctx, "")
}

// Sitting returns one sitting.
func (t Tenant) Sitting(ctx context.Context, id int64) (Sitting, error) {
	out, err := t.sittings(ctx, " AND s.id = ?", id)
	if err != nil {
		return Sitting{}, err
	}
	if len(out) == 0 {
		return Sitting{}, problem.ErrNotFound
	}
	return out[0], nil
}

// LatestSitting returns the newest sitting of the whole company (not a
// department's), not-found when there is none.
func (t Tenant) LatestSitting(ctx context.Context) (Sitting, error) {
	out, err := t.sittings(ctx, " AND s.department = '' ORDER BY s.taken_on DESC, s.id DESC LIMIT 1")
	if err != nil {
		return Sitting{}, err
	}
	if len(out) == 0 {
		return Sitting{}, problem.ErrNotFound
	}
	return out[0], nil
}

// LastSittingDay is the day (YYYY-MM-DD) of the company's latest sitting
// (not a department's), "" for none: what the check for an overdue
// self-diagnosis reads.
func (t Tenant) LastSittingDay(ctx context.Context) (string, error) {
	var day sql.NullString
	err := t.db.queryRow(ctx, "SELECT MAX(taken_on) FROM selfdiag_sittings WHERE org_id = ? AND department = ''", t.org).Scan(&day)
	return day.String, err
}

func (t Tenant) sittings(ctx context.Context, where string, args ...any) ([]Sitting, error) {
	q := "SELECT s.id, s.department, s.taken_on, s.source, s.by_label, s.created_at FROM selfdiag_sittings s WHERE s.org_id = ?" + where
	if !strings.Contains(where, "ORDER BY") {
		q += " ORDER BY s.taken_on DESC, s.id DESC"
	}
	rows, err := t.db.query(ctx, q, append([]any{t.org}, args...)...)
	if err != nil {
		return nil, err
	}
	var out []Sitting
	at := map[int64]int{}
	for rows.Next() {
		var s Sitting
		var day string
		var created int64
		if err := rows.Scan(&s.ID, &s.Department, &day, &s.Source, &s.By, &created); err != nil {
			rows.Close()
			return nil, err
		}
		s.TakenOn, _ = calendar.ParseISO(day)
		s.CreatedAt = fromMicros(created)
		at[s.ID] = len(out)
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]string, len(out))
	for i, s := range out {
		ids[i] = strconv.FormatInt(s.ID, 10)
	}
	in := " AND sitting_id IN (" + strings.Join(ids, ", ") + ")"
	rows, err = t.db.query(ctx, "SELECT sitting_id, question, answer, proposed, flagged FROM selfdiag_answers WHERE org_id = ?"+in, t.org)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var sid int64
		var q, flagged int
		var answer, proposed string
		if err := rows.Scan(&sid, &q, &answer, &proposed, &flagged); err != nil {
			rows.Close()
			return nil, err
		}
		i, ok := at[sid]
		if !ok || !selfdiag.ValidQuestion(q) {
			continue
		}
		a, _ := selfdiag.AnswerOf(answer)
		p, _ := selfdiag.AnswerOf(proposed)
		out[i].Answers.Set(q, a)
		out[i].Proposed.Set(q, p)
		out[i].Flagged[q-1] = flagged != 0
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = t.db.query(ctx, "SELECT sitting_id, source_id FROM selfdiag_merges WHERE org_id = ?"+in+" ORDER BY source_id", t.org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var sid, src int64
		if err := rows.Scan(&sid, &src); err != nil {
			return nil, err
		}
		if i, ok := at[sid]; ok {
			out[i].Sources = append(out[i].Sources, src)
		}
	}
	return out, rows.Err()
}

// SelfdiagLive reads what the prefill reads: the inventory as the checks
// see it and the findings not resolved, each named by its record.
func (t Tenant) SelfdiagLive(ctx context.Context, today calendar.Day) (selfdiag.Live, error) {
	live := selfdiag.Live{Today: today}
	data, err := t.ForChecks(ctx, today.String())
	if err != nil {
		return live, err
	}
	live.Data = data
	if live.Programme, err = t.SelfdiagProgramme(ctx, today); err != nil {
		return live, err
	}
	live.Findings, err = t.NamedFindings(ctx)
	return live, err
}

// NamedFindings returns the findings not resolved (open or accepted), each
// named by its record: what the prefill, the contradictions and the
// SECURITY ACTION readiness read.
func (t Tenant) NamedFindings(ctx context.Context) ([]selfdiag.OpenFinding, error) {
	rows, err := t.db.query(ctx, "SELECT check_id, subject_kind, subject_id, status FROM findings WHERE org_id = ? AND status IN (?, ?) ORDER BY id", t.org, findings.Open, findings.Accepted)
	if err != nil {
		return nil, err
	}
	type raw struct {
		check, kind, status string
		id                  int64
	}
	var list []raw
	want := inventory.Want{}
	for rows.Next() {
		var r raw
		if err := rows.Scan(&r.check, &r.kind, &r.id, &r.status); err != nil {
			rows.Close()
			return nil, err
		}
		list = append(list, r)
		want.Add(r.kind, r.id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	names, err := t.Names(ctx, want)
	if err != nil {
		return nil, err
	}
	out := make([]selfdiag.OpenFinding, 0, len(list))
	for _, r := range list {
		n := names[inventory.Ref{Kind: r.kind, ID: r.id}]
		if n.Kind == "" {
			n.Kind = r.kind
		}
		out = append(out, selfdiag.OpenFinding{CheckID: r.check, Subject: n, Accepted: r.status == string(findings.Accepted)})
	}
	return out, nil
}

// CloudCheck is one stored cloud-service check.
type CloudCheck struct {
	ID        int64
	ServiceID int64
	CheckedOn calendar.Day
	Complete  bool
	By        string
	CreatedAt time.Time
	Sheet     selfdiag.CloudSheet
}

// cloudCheckAudit is a check as the audit trail keeps it.
func cloudCheckAudit(checkedOn string, sheet selfdiag.CloudSheet) map[string]any {
	marks := map[string]string{}
	notes := map[string]string{}
	for i, a := range sheet {
		n := strconv.Itoa(i + 1)
		marks[n] = string(a.Mark)
		if a.Note != "" {
			notes[n] = a.Note
		}
	}
	return map[string]any{"checked_on": checkedOn, "cloud_complete": sheet.Complete(), "cloud_marks": marks, "cloud_notes": notes}
}

// SaveCloudCheck keeps a cloud check of one cloud service on day. When it
// is complete, the service's "cloud check done" date becomes that day (if
// later than the one it has) through the ordinary service update, in the
// same transaction, so the findings that read it are evaluated again by
// the usual follow-up.
func (t Tenant) SaveCloudCheck(ctx context.Context, actor audit.Actor, serviceID int64, day calendar.Day, sheet selfdiag.CloudSheet) (int64, error) {
	for i := range sheet {
		sheet[i].Note = strings.TrimSpace(sheet[i].Note)
	}
	if err := sheet.Validate(); err != nil {
		return 0, err
	}
	today := calendar.Of(t.db.Now())
	if day.IsZero() {
		day = today
	}
	if day > today {
		return 0, problem.Field("checked_on", "selfdiag.cloud.future")
	}
	var id int64
	err := t.change(ctx, actor, func(tx *Tx) error {
		svc, err := services.get(ctx, tx.tx, t.db, t.org, serviceID)
		if err != nil {
			return err
		}
		if svc.Category != inventory.Cloud {
			return problem.New(problem.Invalid, "selfdiag.cloud.not_cloud")
		}
		id, err = tx.insert(ctx, "INSERT INTO cloud_checks (org_id, service_id, checked_on, complete, user_id, by_label, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			t.org, serviceID, day.String(), boolInt(sheet.Complete()), actor.UserID, actor.Label, micros(tx.db.Now()))
		if err != nil {
			return err
		}
		for i, a := range sheet {
			if _, err := tx.exec(ctx, "INSERT INTO cloud_check_items (org_id, check_id, item, mark, note) VALUES (?, ?, ?, ?, ?)", t.org, id, i+1, string(a.Mark), a.Note); err != nil {
				return err
			}
		}
		if err := t.record(ctx, tx, audit.Event{Action: "cloudcheck.save", Target: "service:" + strconv.FormatInt(serviceID, 10), After: cloudCheckAudit(day.String(), sheet)}); err != nil {
			return err
		}
		if sheet.Complete() && svc.CloudCheckDone < day.String() {
			svc.CloudCheckDone = day.String()
			return services.update(ctx, tx, t.org, &svc)
		}
		return nil
	})
	return id, err
}

// CloudChecks returns the checks of one service, newest first.
func (t Tenant) CloudChecks(ctx context.Context, serviceID int64) ([]CloudCheck, error) {
	rows, err := t.db.query(ctx, "SELECT id, service_id, checked_on, complete, by_label, created_at FROM cloud_checks WHERE org_id = ? AND service_id = ? ORDER BY checked_on DESC, id DESC", t.org, serviceID)
	if err != nil {
		return nil, err
	}
	var out []CloudCheck
	at := map[int64]int{}
	for rows.Next() {
		var c CloudCheck
		var day string
		var complete int
		var created int64
		if err := rows.Scan(&c.ID, &c.ServiceID, &day, &complete, &c.By, &created); err != nil {
			rows.Close()
			return nil, err
		}
		c.CheckedOn, _ = calendar.ParseISO(day)
		c.Complete, c.CreatedAt = complete != 0, fromMicros(created)
		at[c.ID] = len(out)
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	rows, err = t.db.query(ctx, "SELECT i.check_id, i.item, i.mark, i.note FROM cloud_check_items i JOIN cloud_checks c ON c.id = i.check_id AND c.org_id = i.org_id WHERE i.org_id = ? AND c.service_id = ?", t.org, serviceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var cid int64
		var item int
		var mark, note string
		if err := rows.Scan(&cid, &item, &mark, &note); err != nil {
			return nil, err
		}
		if i, ok := at[cid]; ok && item >= 1 && item <= selfdiag.CloudItems {
			out[i].Sheet[item-1] = selfdiag.CloudAnswer{Mark: selfdiag.CloudMark(mark), Note: note}
		}
	}
	return out, rows.Err()
}

// SelfdiagTotals returns the totals of the company's sittings, oldest
// first, at most n of the latest: the dashboard's trend.
func (t Tenant) SelfdiagTotals(ctx context.Context, n int) ([]SittingTotal, error) {
	rows, err := t.db.query(ctx, "SELECT taken_on, total FROM selfdiag_sittings WHERE org_id = ? AND department = '' ORDER BY taken_on DESC, id DESC LIMIT ?", t.org, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SittingTotal
	for rows.Next() {
		var s SittingTotal
		var day string
		if err := rows.Scan(&day, &s.Total); err != nil {
			return nil, err
		}
		s.TakenOn, _ = calendar.ParseISO(day)
		out = append(out, s)
	}
	slices.Reverse(out)
	return out, rows.Err()
}

// SittingTotal is one point of the trend.
type SittingTotal struct {
	TakenOn calendar.Day
	Total   int
}
