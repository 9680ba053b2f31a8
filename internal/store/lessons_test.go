package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/lesson"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

func lessonPeople(t *testing.T, ten store.Tenant, c *clock) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	today := calendar.Of(c.now())
	people := []inventory.Person{
		{Name: "新人 一郎", Email: "new@x.example", Department: "営業部", EmploymentType: inventory.FullTime, JoinDate: today.AddDays(-2).String()},
		{Name: "古参 花子", Email: "Old@X.example", Department: "営業部", EmploymentType: inventory.FullTime, JoinDate: "2019-04-01"},
		{Name: "総務 次郎", Email: "ga@x.example", Department: "総務部", EmploymentType: inventory.PartTime, JoinDate: "2020-04-01"},
	}
	if err := ten.AddPeople(ctx, actor, people); err != nil {
		t.Fatal(err)
	}
	list, _, err := ten.People(ctx, store.PeopleQuery{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, p := range list {
		out[p.Email] = p.ID
	}
	return out
}

// TestLessonAssignmentAndCompletion: the daily rules give the joiner the
// basics and everyone else the yearly refresh once; a near miss assigns its
// lesson to the department; a passed quiz takes the lesson off the user's
// list (the user found by e-mail, case ignored) and counts in the rates.
func TestLessonAssignmentAndCompletion(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		ten := db.Tenant(mustOrg(t, db, "learn"))
		other := db.Tenant(mustOrg(t, db, "other"))
		ids := lessonPeople(t, ten, c)
		ours, _ := lesson.Builtin()
		basics := len(lesson.Basics(ours))
		n, err := ten.AssignLessons(ctx, actor, calendar.Of(c.now()))
		if err != nil || n != 3*basics {
			t.Fatalf("got %d %v, want the basics for each of 3 people", n, err)
		}
		if n, err = ten.AssignLessons(ctx, actor, calendar.Of(c.now())); err != nil || n != 0 {
			t.Fatalf("again: got %d %v, want nothing new", n, err)
		}
		if err := ten.AssignForEvent(ctx, actor, "lost_item", "営業部"); err != nil {
			t.Fatal(err)
		}
		if err := ten.AssignForEvent(ctx, actor, "gossip", "営業部"); problem.CodeOf(err) != problem.Invalid {
			t.Fatalf("unknown category: got %v, want invalid", err)
		}
		user := mustUser(t, db, "old@x.example")
		due, err := ten.LessonsDue(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		if len(due) != basics+1 { // lost-device is a basics lesson already open; usb-media is new
			t.Fatalf("got %d lessons due, want %d: %+v", len(due), basics+1, due)
		}
		if got, _ := other.LessonsDue(ctx, user); len(got) != 0 {
			t.Fatalf("other organisation: got %+v, want none", got)
		}
		l, _ := ten.Lesson(ctx, "mis-send")
		wrong := make([]int, len(l.In("ja").Quiz))
		rightAnswers := make([]int, len(wrong))
		for i, q := range l.In("ja").Quiz {
			for j, ch := range q.Choices {
				if ch.Correct {
					rightAnswers[i] = j
				} else {
					wrong[i] = j
				}
			}
		}
		r, err := ten.CompleteLesson(ctx, actor, user, "mis-send", "ja", wrong)
		if err != nil || r.Passed || r.Score != 0 {
			t.Fatalf("wrong answers: got %+v %v, want a failed attempt", r, err)
		}
		if due, _ = ten.LessonsDue(ctx, user); len(due) != basics+1 {
			t.Fatalf("after failing: got %d due, want the lesson still due", len(due))
		}
		if r, err = ten.CompleteLesson(ctx, actor, user, "mis-send", "ja", rightAnswers); err != nil || !r.Passed {
			t.Fatalf("right answers: got %+v %v, want passed", r, err)
		}
		due, _ = ten.LessonsDue(ctx, user)
		for _, d := range due {
			if d.Lesson == "mis-send" {
				t.Fatalf("got mis-send still due after passing")
			}
		}
		done, err := ten.LessonsDone(ctx, user)
		if err != nil || len(done) != 2 || !done[0].Passed || done[0].Score != done[0].Total {
			t.Fatalf("got %+v %v, want two attempts, the newest passed", done, err)
		}
		prog, err := ten.LessonProgress(ctx)
		if err != nil {
			t.Fatal(err)
		}
		rates := prog.Rates()
		if rates.ByLesson["mis-send"] != (lesson.Rate{Done: 1, Assigned: 3}) || rates.ByDepartment["総務部"].Done != 0 {
			t.Fatalf("got %+v, want mis-send 1 of 3", rates)
		}
		if _, err := other.CompleteLesson(ctx, actor, user, "no-such", "ja", nil); problem.CodeOf(err) != problem.NotFound {
			t.Fatalf("unknown lesson: got %v, want not found", err)
		}
		_ = ids
	})
}

// TestSaveLesson: an edit of ours keeps every version and replaces ours in
// this organisation only; a new lesson must not take an existing id; a
// broken source is refused naming the language and line.
func TestSaveLesson(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		ten := db.Tenant(mustOrg(t, db, "edit"))
		other := db.Tenant(mustOrg(t, db, "untouched"))
		src, err := ten.LessonSource(ctx, "mis-send")
		if err != nil {
			t.Fatal(err)
		}
		src["ja"] = strings.Replace(src["ja"], "title: メールの宛先とTo・Cc・Bcc", "title: 当社のメール宛先ルール", 1)
		if _, err := ten.SaveLesson(ctx, actor, "mis-send", src); err != nil {
			t.Fatal(err)
		}
		c.add(time.Minute)
		if _, err := ten.SaveLesson(ctx, actor, "mis-send", src); err != nil {
			t.Fatal(err)
		}
		l, _ := ten.Lesson(ctx, "mis-send")
		if l.In("ja").Title != "当社のメール宛先ルール" || !l.Custom || l.Version != 2 {
			t.Fatalf("got %q custom %v v%d, want the edit as version 2", l.In("ja").Title, l.Custom, l.Version)
		}
		if vs, _ := ten.LessonVersions(ctx, "mis-send"); len(vs) != 2 {
			t.Fatalf("got %d versions, want 2 kept", len(vs))
		}
		if o, _ := other.Lesson(ctx, "mis-send"); o.Custom {
			t.Fatal("another organisation sees the edit")
		}
		own := "---\nid: mis-send\ntitle: x\nminutes: 3\n---\n本文\n=== quiz\n? a\n+ b\n- c\n> d\n? a\n+ b\n- c\n> d\n? a\n+ b\n- c\n> d\n"
		if _, err := ten.SaveLesson(ctx, actor, "", map[string]string{"ja": own}); problem.CodeOf(err) != problem.Invalid {
			t.Fatalf("new lesson with a taken id: got %v, want invalid", err)
		}
		id, err := ten.SaveLesson(ctx, actor, "", map[string]string{"ja": strings.Replace(own, "mis-send", "our-rules", 1)})
		if err != nil || id != "our-rules" {
			t.Fatalf("got %q %v, want our-rules saved", id, err)
		}
		_, err = ten.SaveLesson(ctx, actor, "our-rules", map[string]string{"ja": strings.Replace(own, "mis-send", "our-rules", 1), "en": "---\nid: our-rules\n"})
		e, ok := problem.As(err)
		if !ok || e.Field != "source_en" || e.Key != "lesson.err.front_end" || e.Args[0] != 2 {
			t.Fatalf("got %v, want the English source refused at its line 2", err)
		}
		all, _ := ten.Lessons(ctx)
		if all[len(all)-1].ID != "our-rules" {
			t.Fatalf("got last lesson %s, want the organisation's own after ours", all[len(all)-1].ID)
		}
	})
}
