package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/jobs"
	"github.com/mamori-sec/mamori/internal/jobs/jobstest"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// TestDailyLessons: the periodic lesson job gives a new joiner the basics
// set without anyone asking.
func TestDailyLessons(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			db := jobstest.Open(t, engine, nil)
			sys := audit.Actor{Label: "test"}
			id, err := db.CreateOrg(ctx, sys, org.Org{Slug: "lessons", Name: "学習株式会社"}, 0)
			if err != nil {
				t.Fatal(err)
			}
			ten := db.Tenant(id)
			joined := calendar.Of(db.Now()).AddDays(-1).String()
			if err := ten.AddPeople(ctx, sys, []inventory.Person{{Name: "新人 太郎", Email: "new@lessons.example", EmploymentType: inventory.FullTime, JoinDate: joined}}); err != nil {
				t.Fatal(err)
			}
			user, err := db.CreateUser(ctx, sys, auth.User{Email: "new@lessons.example", Name: "新人 太郎", PasswordHash: "x"})
			if err != nil {
				t.Fatal(err)
			}
			q, err := jobs.Open(db, jobs.Config{Work: true, Delay: -1, PollInterval: 20 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			if err := q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				q.Stop(sctx)
			})
			deadline := time.Now().Add(30 * time.Second)
			for {
				due, err := ten.LessonsDue(ctx, user)
				if err != nil {
					t.Fatal(err)
				}
				if len(due) > 0 {
					if due[0].Reason != "joiner" {
						t.Fatalf("got %+v, want the joiner's basics", due[0])
					}
					return
				}
				if time.Now().After(deadline) {
					t.Fatal("got no lessons for the new joiner after start, want the basics")
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}
