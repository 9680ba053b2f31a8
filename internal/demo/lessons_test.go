package demo

import (
	"context"
	"testing"

	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// TestSeedLessons: the demo companies have lessons assigned and partly
// completed, with completion differing by department, and the member who
// signs in has lessons to do.
func TestSeedLessons(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, "sqlite", nil)
	if _, err := Seed(ctx, db, today); err != nil {
		t.Fatal(err)
	}
	for _, slug := range []string{"sakura-seiki", "aoba-koumuten"} {
		o, err := db.OrgBySlug(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		ten := db.Tenant(o.ID)
		prog, err := ten.LessonProgress(ctx)
		if err != nil {
			t.Fatal(err)
		}
		r := prog.Rates()
		if r.Overall.Assigned < 20 || r.Overall.Done == 0 || r.Overall.Done == r.Overall.Assigned || len(r.ByDepartment) < 2 {
			t.Fatalf("%s: got %+v, want assignments partly done across departments", slug, r.Overall)
		}
		rates := map[int]bool{}
		for _, d := range r.ByDepartment {
			rates[d.Percent()] = true
		}
		if len(rates) < 2 {
			t.Fatalf("%s: every department at the same rate %v, want them to differ", slug, rates)
		}
	}
	o, _ := db.OrgBySlug(ctx, "sakura-seiki")
	email := ""
	for _, p := range sakura.people {
		if p.role == org.Member {
			email = p.local + "@" + sakura.domain
			break
		}
	}
	member, err := db.UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	due, err := db.Tenant(o.ID).LessonsDue(ctx, member.ID)
	if err != nil || len(due) == 0 {
		t.Fatalf("got %d lessons due for the demo member (%v), want some to do", len(due), err)
	}
}
