package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/lesson"
	"github.com/mamori-sec/mamori/internal/problem"
)

// LessonVersion is one saved version of an organisation's lesson.
type LessonVersion struct {
	Version   int
	Sources   map[string]string // by locale
	CreatedBy string            // the user's name
	CreatedAt int64             // micros
}

// Lessons returns the organisation's lessons: ours, with the
// organisation's edits in their place, then its own.
func (t Tenant) Lessons(ctx context.Context) ([]lesson.Lesson, error) {
	ours, err := lesson.Builtin()
	if err != nil {
		return nil, err
	}
	rows, err := t.db.query(ctx, `SELECT v.lesson, v.version, v.source_ja, v.source_en FROM lesson_versions v
		WHERE v.org_id = ? AND v.version = (SELECT MAX(w.version) FROM lesson_versions w WHERE w.org_id = v.org_id AND w.lesson = v.lesson)
		ORDER BY v.id`, t.org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var theirs []lesson.Lesson
	for rows.Next() {
		var id, ja, en string
		var version int
		if err := rows.Scan(&id, &version, &ja, &en); err != nil {
			return nil, err
		}
		l, err := lesson.Build(map[string]string{"ja": ja, "en": en})
		if err != nil {
			continue // saved valid; a later release may read it otherwise
		}
		l.ID, l.Custom, l.Version = id, true, version
		theirs = append(theirs, l)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return lesson.Merge(ours, theirs), nil
}

// Lesson returns one lesson of the organisation.
func (t Tenant) Lesson(ctx context.Context, id string) (lesson.Lesson, error) {
	all, err := t.Lessons(ctx)
	if err != nil {
		return lesson.Lesson{}, err
	}
	for _, l := range all {
		if l.ID == id {
			return l, nil
		}
	}
	return lesson.Lesson{}, problem.ErrNotFound
}

// LessonVersions lists the saved versions of one of the organisation's
// lessons, newest first (none for ours as shipped).
func (t Tenant) LessonVersions(ctx context.Context, id string) ([]LessonVersion, error) {
	rows, err := t.db.query(ctx, `SELECT v.version, v.source_ja, v.source_en, COALESCE(u.name, ''), v.created_at FROM lesson_versions v
		LEFT JOIN users u ON u.id = v.created_by WHERE v.org_id = ? AND v.lesson = ? ORDER BY v.version DESC`, t.org, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LessonVersion
	for rows.Next() {
		var v LessonVersion
		var ja, en string
		if err := rows.Scan(&v.Version, &ja, &en, &v.CreatedBy, &v.CreatedAt); err != nil {
			return nil, err
		}
		v.Sources = map[string]string{"ja": ja, "en": en}
		out = append(out, v)
	}
	return out, rows.Err()
}

// LessonSource returns the source to edit: the organisation's newest
// version, or ours as shipped.
func (t Tenant) LessonSource(ctx context.Context, id string) (map[string]string, error) {
	vs, err := t.LessonVersions(ctx, id)
	if err != nil {
		return nil, err
	}
	if len(vs) > 0 {
		return vs[0].Sources, nil
	}
	if src, ok := lesson.BuiltinSource(id); ok {
		return src, nil
	}
	return nil, problem.ErrNotFound
}

// SaveLesson validates and keeps a new version of a lesson: an edit of
// id (ours or the organisation's), or with id "" a new lesson, whose front
// matter names its id. It returns the lesson's id. A fault names the
// language and line (problem field "source_<locale>").
func (t Tenant) SaveLesson(ctx context.Context, actor audit.Actor, id string, sources map[string]string) (string, error) {
	for _, loc := range lesson.Locales {
		sources[loc] = strings.TrimSpace(strings.ReplaceAll(sources[loc], "\r\n", "\n"))
	}
	l, err := lesson.Build(sources)
	if err != nil {
		var se *lesson.SourceError
		if errors.As(err, &se) {
			var args []any
			if se.Err.Line > 0 {
				args = append(args, se.Err.Line)
			}
			if se.Err.Arg != "" {
				args = append(args, se.Err.Arg)
			}
			return "", problem.Field("source_"+se.Locale, "lesson.err."+se.Err.Code, args...)
		}
		return "", err
	}
	existing, err := t.Lessons(ctx)
	if err != nil {
		return "", err
	}
	exists := slices.ContainsFunc(existing, func(x lesson.Lesson) bool { return x.ID == l.ID })
	switch {
	case id == "" && exists:
		return "", problem.Field("source_ja", "lesson.id_taken", l.ID)
	case id != "" && !slices.ContainsFunc(existing, func(x lesson.Lesson) bool { return x.ID == id }):
		return "", problem.ErrNotFound
	case id != "" && l.ID != id:
		return "", problem.Field("source_ja", "lesson.id_changed", id)
	}
	err = t.change(ctx, actor, func(tx *Tx) error {
		var version int
		if err := tx.queryRow(ctx, "SELECT COALESCE(MAX(version), 0) FROM lesson_versions WHERE org_id = ? AND lesson = ?", t.org, l.ID).Scan(&version); err != nil {
			return err
		}
		version++
		if _, err := tx.exec(ctx, "INSERT INTO lesson_versions (org_id, lesson, version, source_ja, source_en, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			t.org, l.ID, version, sources["ja"], sources["en"], actor.UserID, micros(t.db.Now())); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "lesson.save", Target: "lesson:" + l.ID,
			After: map[string]any{"title": l.In("ja").Title, "version": version, "questions": len(l.In("ja").Quiz)}})
	})
	return l.ID, err
}

// lessonWorld is what the assignment rules read: the people, every
// assignment and every completion of the organisation.
type lessonWorld struct {
	people []lesson.Person
	given  []lesson.Assignment
	done   []lesson.Completion
}

func (t Tenant) lessonWorld(ctx context.Context, query queryFunc) (lessonWorld, error) {
	var w lessonWorld
	rows, err := query(ctx, "SELECT id, department, join_date, leave_date FROM people WHERE org_id = ? ORDER BY id", t.org)
	if err != nil {
		return w, err
	}
	for rows.Next() {
		var p lesson.Person
		var joined, left string
		if err := rows.Scan(&p.ID, &p.Department, &joined, &left); err != nil {
			rows.Close()
			return w, err
		}
		p.Joined, _ = calendar.ParseISO(joined)
		p.Left, _ = calendar.ParseISO(left)
		w.people = append(w.people, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return w, err
	}
	rows, err = query(ctx, "SELECT person_id, lesson, reason, detail, assigned_on, due_on FROM lesson_assignments WHERE org_id = ? ORDER BY id", t.org)
	if err != nil {
		return w, err
	}
	for rows.Next() {
		var a lesson.Assignment
		if err := rows.Scan(&a.PersonID, &a.Lesson, &a.Reason, &a.Detail, &a.On, &a.Due); err != nil {
			rows.Close()
			return w, err
		}
		w.given = append(w.given, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return w, err
	}
	rows, err = query(ctx, "SELECT person_id, lesson, completed_on, passed FROM lesson_completions WHERE org_id = ? AND person_id <> 0 ORDER BY id", t.org)
	if err != nil {
		return w, err
	}
	defer rows.Close()
	for rows.Next() {
		var c lesson.Completion
		var passed int
		if err := rows.Scan(&c.PersonID, &c.Lesson, &c.On, &passed); err != nil {
			return w, err
		}
		c.Passed = passed != 0
		w.done = append(w.done, c)
	}
	return w, rows.Err()
}

// queryFunc runs a query on the database or inside a transaction.
type queryFunc func(ctx context.Context, q string, args ...any) (*sql.Rows, error)

func (t *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, t.db.rebind(q), args...)
}

// assign writes assignments and records them as one audit event.
func (t Tenant) assign(ctx context.Context, tx *Tx, action, target string, as []lesson.Assignment, extra map[string]any) error {
	now := micros(t.db.Now())
	lessons := map[string]int{}
	for _, a := range as {
		if _, err := tx.exec(ctx, "INSERT INTO lesson_assignments (org_id, person_id, lesson, reason, detail, assigned_on, due_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			t.org, a.PersonID, a.Lesson, string(a.Reason), a.Detail, a.On, a.Due, now); err != nil {
			return err
		}
		lessons[a.Lesson]++
	}
	after := map[string]any{"assignments": len(as), "lessons": sortedKeys(lessons)}
	for k, v := range extra {
		after[k] = v
	}
	return t.record(ctx, tx, audit.Event{Action: action, Target: target, After: after})
}

func sortedKeys(m map[string]int) string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

// AssignLessons runs the daily rules (lesson.Plan): new joiners get the
// basics set, everyone a yearly refresh. It returns how many lessons were
// assigned; with none, nothing is recorded.
func (t Tenant) AssignLessons(ctx context.Context, actor audit.Actor, today calendar.Day) (int, error) {
	lessons, err := t.Lessons(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	err = t.change(ctx, actor, func(tx *Tx) error {
		w, err := t.lessonWorld(ctx, tx.query)
		if err != nil {
			return err
		}
		plan := lesson.Plan(today, w.people, lessons, w.given, w.done)
		if n = len(plan); n == 0 {
			tx.unchanged++
			return nil
		}
		return t.assign(ctx, tx, "lesson.assign_rules", fmt.Sprintf("org:%d", t.org), plan, nil)
	})
	return n, err
}

// AssignForEvent assigns the lessons that answer a near miss or incident
// of category to the active people of department ("" for everyone). The
// categories accepted are lesson.Categories: mis_send, wrong_attachment,
// share_setting, lost_item, suspicious_mail, tailgating, other, malware,
// account_takeover. People who have the lesson open already are skipped;
// when nobody is left, nothing is recorded. Call it after the event's own
// change has committed.
func (t Tenant) AssignForEvent(ctx context.Context, actor audit.Actor, category string, department string) error {
	if !lesson.ValidCategory(category) {
		return problem.Field("category", "lesson.category_invalid")
	}
	lessons, err := t.Lessons(ctx)
	if err != nil {
		return err
	}
	today := calendar.Of(t.db.Now())
	return t.change(ctx, actor, func(tx *Tx) error {
		w, err := t.lessonWorld(ctx, tx.query)
		if err != nil {
			return err
		}
		as := lesson.ForEvent(today, category, strings.TrimSpace(department), w.people, lessons, w.given, w.done)
		if len(as) == 0 {
			tx.unchanged++
			return nil
		}
		return t.assign(ctx, tx, "lesson.assign_event", fmt.Sprintf("org:%d", t.org), as, map[string]any{"category": category, "department": department})
	})
}

// AssignLesson is the keeper's assignment of one lesson to the people
// given and everyone in department (either may be empty, not both), due
// on due (zero: in lesson.ManualDays). It returns how many were assigned.
func (t Tenant) AssignLesson(ctx context.Context, actor audit.Actor, id string, personIDs []int64, department string, due calendar.Day) (int, error) {
	if _, err := t.Lesson(ctx, id); err != nil {
		return 0, err
	}
	department = strings.TrimSpace(department)
	if len(personIDs) == 0 && department == "" {
		return 0, problem.Field("department", "lesson.assign_whom")
	}
	today := calendar.Of(t.db.Now())
	n := 0
	err := t.change(ctx, actor, func(tx *Tx) error {
		w, err := t.lessonWorld(ctx, tx.query)
		if err != nil {
			return err
		}
		var chosen []lesson.Person
		for _, p := range w.people {
			if slices.Contains(personIDs, p.ID) || (department != "" && p.Department == department) {
				chosen = append(chosen, p)
			}
		}
		if len(chosen) == 0 {
			return problem.Field("department", "lesson.assign_nobody")
		}
		as := lesson.ByHand(today, due, id, chosen, w.given, w.done)
		if n = len(as); n == 0 {
			return problem.New(problem.Conflict, "lesson.assign_already")
		}
		return t.assign(ctx, tx, "lesson.assign", "lesson:"+id, as, map[string]any{"department": department})
	})
	return n, err
}

// Learner is a signed-in user as the lessons see them: the person of the
// organisation with the same e-mail address, if any.
type Learner struct {
	UserID   int64
	PersonID int64 // 0 when no person of the organisation has the user's address
	Name     string
}

// LearnerOf finds the person behind a user by e-mail address (case
// ignored), preferring one who has not left.
func (t Tenant) LearnerOf(ctx context.Context, userID int64) (Learner, error) {
	u, err := t.db.User(ctx, userID)
	if err != nil {
		return Learner{}, err
	}
	l := Learner{UserID: userID, Name: u.Name}
	err = t.db.queryRow(ctx, "SELECT id FROM people WHERE org_id = ? AND email <> '' AND lower(email) = lower(?) ORDER BY CASE WHEN leave_date = '' THEN 0 ELSE 1 END, id LIMIT 1",
		t.org, u.Email).Scan(&l.PersonID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return l, err
	}
	return l, nil
}

// LessonsDue lists the lessons asked of a user and not yet passed, the
// soonest due first: for the user's own page.
func (t Tenant) LessonsDue(ctx context.Context, userID int64) ([]lesson.Due, error) {
	me, err := t.LearnerOf(ctx, userID)
	if err != nil || me.PersonID == 0 {
		return nil, err
	}
	lessons, err := t.Lessons(ctx)
	if err != nil {
		return nil, err
	}
	w, err := t.lessonWorld(ctx, t.db.query)
	if err != nil {
		return nil, err
	}
	today := calendar.Of(t.db.Now())
	byID := map[string]lesson.Lesson{}
	for _, l := range lessons {
		byID[l.ID] = l
	}
	var out []lesson.Due
	seen := map[string]bool{}
	for _, a := range w.given {
		l, ok := byID[a.Lesson]
		if a.PersonID != me.PersonID || !ok || seen[a.Lesson] || !lesson.Open(a, w.done) {
			continue
		}
		seen[a.Lesson] = true
		d := lesson.Due{Lesson: a.Lesson, Minutes: l.Minutes, Reason: a.Reason, On: a.On, Due: a.Due, Overdue: a.Due < today, Titles: map[string]string{}}
		for _, loc := range lesson.Locales {
			d.Titles[loc] = l.In(loc).Title
		}
		out = append(out, d)
	}
	slices.SortStableFunc(out, func(a, b lesson.Due) int { return int(a.Due) - int(b.Due) })
	return out, nil
}

// CompletionRecord is one completion as kept.
type CompletionRecord struct {
	Lesson string
	Score  int
	Total  int
	Passed bool
	On     calendar.Day
}

// LessonsDone lists a user's completions, newest first.
func (t Tenant) LessonsDone(ctx context.Context, userID int64) ([]CompletionRecord, error) {
	me, err := t.LearnerOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	rows, err := t.db.query(ctx, "SELECT lesson, score, total, passed, completed_on FROM lesson_completions WHERE org_id = ? AND (user_id = ? OR (person_id <> 0 AND person_id = ?)) ORDER BY id DESC",
		t.org, userID, me.PersonID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CompletionRecord
	for rows.Next() {
		var c CompletionRecord
		var passed int
		if err := rows.Scan(&c.Lesson, &c.Score, &c.Total, &passed, &c.On); err != nil {
			return nil, err
		}
		c.Passed = passed != 0
		out = append(out, c)
	}
	return out, rows.Err()
}

// CompleteLesson scores a user's answers to a lesson's quiz (in the
// language they read it) and keeps the completion, passed or not.
func (t Tenant) CompleteLesson(ctx context.Context, actor audit.Actor, userID int64, id, locale string, answers []int) (lesson.Result, error) {
	l, err := t.Lesson(ctx, id)
	if err != nil {
		return lesson.Result{}, err
	}
	me, err := t.LearnerOf(ctx, userID)
	if err != nil {
		return lesson.Result{}, err
	}
	return t.CompleteLessonAs(ctx, actor, me, l, locale, answers)
}

// CompleteLessonAs keeps a completion of l by a learner (a person without
// an account too: the demo company, an import of paper results).
func (t Tenant) CompleteLessonAs(ctx context.Context, actor audit.Actor, me Learner, l lesson.Lesson, locale string, answers []int) (lesson.Result, error) {
	id, userID := l.ID, me.UserID
	r := lesson.Score(l.In(locale).Quiz, answers)
	now := t.db.Now()
	err := t.change(ctx, actor, func(tx *Tx) error {
		if _, err := tx.exec(ctx, "INSERT INTO lesson_completions (org_id, person_id, user_id, lesson, version, score, total, passed, completed_on, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			t.org, me.PersonID, userID, id, l.Version, r.Score, r.Total, boolInt(r.Passed), calendar.Of(now), micros(now)); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "lesson.complete", Target: "lesson:" + id,
			After: map[string]any{"score": r.Score, "total": r.Total, "passed": r.Passed}})
	})
	return r, err
}

// LessonProgress is what the keeper's completion figures are drawn from.
type LessonProgress struct {
	People []lesson.Person
	Given  []lesson.Assignment
	Done   []lesson.Completion
}

// Rates computes completion per lesson, per department and overall.
func (p LessonProgress) Rates() lesson.Rates {
	return lesson.CompletionRates(p.People, p.Given, p.Done)
}

// LessonProgress reads the organisation's assignments and completions.
func (t Tenant) LessonProgress(ctx context.Context) (LessonProgress, error) {
	w, err := t.lessonWorld(ctx, t.db.query)
	return LessonProgress{People: w.people, Given: w.given, Done: w.done}, err
}
