package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/lesson"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
)

// seedLessons gives a company a month of lessons: the rules' basics (as
// if the daily job had run a month ago), a near miss in sales that
// assigned the mis-send lesson there, and completions that differ by
// department — most of the office done, sales behind, a few first tries
// failed. The company's first staff member (the demo's member sign-in)
// has one lesson done and the rest to do, so they see both lists.
func seedLessons(ctx context.Context, t store.Tenant, c company, now time.Time) error {
	learner := ""
	for _, p := range c.people {
		if p.role == org.Member {
			learner = p.local + "@" + c.domain
			break
		}
	}
	if _, err := t.AssignLessons(ctx, actor, calendar.Of(now).AddDays(-30)); err != nil {
		return fmt.Errorf("lessons: %w", err)
	}
	people, _, err := t.People(ctx, store.PeopleQuery{Current: true, Limit: 500})
	if err != nil {
		return err
	}
	if err := t.AssignForEvent(ctx, actor, "mis_send", "営業部"); err != nil {
		return fmt.Errorf("lessons after a near miss: %w", err)
	}
	lessons, err := t.Lessons(ctx)
	if err != nil {
		return err
	}
	for i, p := range people {
		for j, l := range lessons {
			if !l.Basics {
				continue
			}
			take := (i+j)%4 != 0
			if p.Department == "営業部" {
				take = (i+j)%2 == 0
			}
			if p.Email == learner {
				take = l.ID == "report-early"
			}
			if !take {
				continue
			}
			me := store.Learner{PersonID: p.ID, Name: p.Name}
			if (i+j)%5 == 0 { // a first try that did not pass
				if _, err := t.CompleteLessonAs(ctx, actor, me, l, "ja", answers(l, false)); err != nil {
					return err
				}
			}
			if _, err := t.CompleteLessonAs(ctx, actor, me, l, "ja", answers(l, true)); err != nil {
				return err
			}
		}
	}
	return nil
}

// answers picks the right (or a wrong) choice of each question.
func answers(l lesson.Lesson, right bool) []int {
	quiz := l.In("ja").Quiz
	out := make([]int, len(quiz))
	for i, q := range quiz {
		for j, c := range q.Choices {
			if c.Correct == right {
				out[i] = j
			}
		}
	}
	return out
}
