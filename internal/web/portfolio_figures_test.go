package web_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/incident"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/posture"
	"github.com/mamori-sec/mamori/internal/synth"
)

// TestPortfolioFiguresAsEachCompanysOwn: the portfolio reads every
// company's open findings, routine figures and incident figures in one
// statement each, and gets for each company what that company's own
// queries give — evaluated companies with findings, routines overdue and
// incidents open, beside ones with none.
func TestPortfolioFiguresAsEachCompanysOwn(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx, sys := context.Background(), audit.Actor{Label: "test"}
		advisor := w.users[org.Advisor]
		if err := w.db.AddMember(ctx, sys, w.orgB.ID, advisor.ID, org.Keeper); err != nil {
			t.Fatal(err)
		}
		now := w.clock.Now()
		today := calendar.Of(now)
		for i := range 3 {
			id, err := w.db.CreateOrg(ctx, sys, org.Org{Slug: fmt.Sprintf("client-%d", i), Name: fmt.Sprintf("顧客%d株式会社", i)}, 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.db.AddMember(ctx, sys, id, advisor.ID, org.Advisor); err != nil {
				t.Fatal(err)
			}
			ten := w.db.Tenant(id)
			if err := ten.BulkLoad(ctx, sys, synth.Generate(int64(i), synth.Portfolio, now)); err != nil {
				t.Fatal(err)
			}
			if _, err := posture.Evaluate(ctx, ten, sys, now); err != nil {
				t.Fatal(err)
			}
			if _, err := ten.SyncRoutines(ctx, sys, today); err != nil {
				t.Fatal(err)
			}
			for range i {
				if _, err := ten.OpenIncident(ctx, sys, incident.Intake{Type: incident.LostDevice, Title: "ノートPCを紛失",
					OccurredAt: now.Add(-3 * time.Hour), FoundAt: now.Add(-time.Hour), FoundBy: "営業部 佐藤"}); err != nil {
					t.Fatal(err)
				}
			}
		}
		later := today.AddDays(60) // routines overdue by then
		all, err := w.db.UserOrgFigures(ctx, advisor.ID, later)
		if err != nil {
			t.Fatal(err)
		}
		orgs, err := w.db.UserOrgs(ctx, advisor.ID)
		if err != nil || len(orgs) != 5 || len(all) != 5 {
			t.Fatalf("got %d organisations and figures for %d (%v), want 5", len(orgs), len(all), err)
		}
		var open, overdue, incidents int
		for _, o := range orgs {
			got := all[o.ID]
			ten := w.db.Tenant(o.ID)
			wantOpen, err := ten.OpenByCheck(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(wantOpen) == 0 {
				wantOpen = []findings.OpenCount(nil)
			}
			if !reflect.DeepEqual(got.Open, wantOpen) {
				t.Errorf("%s: open findings %+v, want its own %+v", o.Slug, got.Open, wantOpen)
			}
			wantR, err := ten.RoutineFigures(ctx, later)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Routines.LastDone.Equal(wantR.LastDone) || got.Routines.Overdue != wantR.Overdue || got.Routines.Escalated != wantR.Escalated {
				t.Errorf("%s: routines %+v, want its own %+v", o.Slug, got.Routines, wantR)
			}
			wantI, err := ten.IncidentFigures(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got.Incidents != wantI {
				t.Errorf("%s: incidents %+v, want its own %+v", o.Slug, got.Incidents, wantI)
			}
			open += len(got.Open)
			overdue += got.Routines.Overdue
			incidents += got.Incidents.Open
		}
		if open == 0 || overdue == 0 || incidents < 3 {
			t.Fatalf("the companies have %d open checks, %d routines overdue, %d incidents open: want some of each (3 incidents at least)", open, overdue, incidents)
		}
	})
}
