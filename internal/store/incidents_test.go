package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/incident"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/routine"
	"github.com/mamori-sec/mamori/internal/store"
)

func lostLaptop(t *testing.T, db *store.DB, org int64, c *clock) (store.Tenant, int64, int64) {
	t.Helper()
	ctx := context.Background()
	tn := db.Tenant(org)
	d := &inventory.Device{Name: "営業用ノートPC-03", Kind: inventory.PC, Ownership: inventory.CompanyIssued, DiskEncryption: inventory.Yes, RemoteWipe: inventory.No, Network: inventory.Mobile}
	if err := tn.SaveDevice(ctx, actor, d); err != nil {
		t.Fatal(err)
	}
	now := c.now()
	id, err := tn.OpenIncident(ctx, actor, incident.Intake{Type: incident.LostDevice, Title: "電車内でノートPCを紛失",
		Affected: []incident.Ref{{Kind: incident.Device, ID: d.ID}}, OccurredAt: now.Add(-3 * time.Hour), FoundAt: now.Add(-time.Hour), FoundBy: "営業部 佐藤"})
	if err != nil {
		t.Fatal(err)
	}
	return tn, id, d.ID
}

// TestIncidentTimelineRefusesEdits: the database refuses UPDATE and DELETE
// of timeline entries and evidence on both engines; with the guard dropped
// an edited entry or evidence file is named by the verification.
func TestIncidentTimelineRefusesEdits(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		tn, id, _ := lostLaptop(t, db, mustOrg(t, db, "alpha"), c)
		c.add(time.Minute)
		if _, err := tn.AppendIncident(ctx, actor, id, store.Append{Kind: incident.Triaged, Body: map[string]any{"classification": incident.IsIncident, "reasons": "PC が戻らない"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := tn.AddIncidentEvidence(ctx, actor, id, "遺失届.pdf", "application/pdf", []byte("受理番号 123"), nil, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := tn.AppendIncident(ctx, actor, id, store.Append{Kind: incident.Note, Body: map[string]any{"text": "警察に届出済み"}}); err != nil {
			t.Fatal(err)
		}
		open := func(f store.IncidentEvidence) ([]byte, error) { return f.Data, nil }
		if n, err := tn.VerifyIncident(ctx, id, open); err != nil || n != 4 {
			t.Fatalf("got %d entries, %v; want 4 intact", n, err)
		}
		for _, q := range []string{
			"UPDATE incident_timeline SET body = '{}' WHERE seq = 2",
			"DELETE FROM incident_timeline WHERE seq = 4",
			"UPDATE incident_evidence SET data = data || data WHERE entry_seq = 3",
			"DELETE FROM incident_evidence WHERE entry_seq = 3",
		} {
			if err := rawExec(db, q); err == nil {
				t.Errorf("%s: accepted, want the trigger to refuse it", q)
			}
		}
		drops := []string{"DROP TRIGGER incident_timeline_no_update", "DROP TRIGGER incident_evidence_no_update"}
		if db.Engine() == store.Postgres {
			drops = []string{"DROP TRIGGER incident_timeline_no_change ON incident_timeline", "DROP TRIGGER incident_evidence_no_change ON incident_evidence"}
		}
		for _, q := range drops {
			if err := rawExec(db, q); err != nil {
				t.Fatal(err)
			}
		}
		// An edited evidence file is named.
		if err := rawExec(db, "UPDATE incident_evidence SET data = data || data WHERE entry_seq = 3"); err != nil {
			t.Fatal(err)
		}
		_, err := tn.VerifyIncident(ctx, id, open)
		var b *incident.Broken
		if !errors.As(err, &b) || b.Seq != 3 || b.Reason != "file" || b.File != "遺失届.pdf" {
			t.Fatalf("edited file: got %v, want entry 3 file 遺失届.pdf", err)
		}
		// An edited entry is named.
		if err := rawExec(db, `UPDATE incident_timeline SET body = '{"classification":"near_miss"}' WHERE seq = 2`); err != nil {
			t.Fatal(err)
		}
		_, err = tn.VerifyIncident(ctx, id, open)
		if !errors.As(err, &b) || b.Seq != 2 || b.Reason != "hash" {
			t.Fatalf("edited entry: got %v, want entry 2 hash", err)
		}
	})
}

// TestIncidentRewrittenChainCaughtByAudit: a timeline rewritten wholesale,
// each hash recomputed, still differs from the hashes the audit trail holds.
func TestIncidentRewrittenChainCaughtByAudit(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		tn, id, _ := lostLaptop(t, db, mustOrg(t, db, "alpha"), c)
		es, err := tn.Timeline(ctx, id)
		if err != nil || len(es) != 1 {
			t.Fatalf("got %d entries, %v", len(es), err)
		}
		e := es[0]
		e.Body = `{"title":"なにもなかった"}`
		e.Seal(id, incident.GenesisHash)
		drop := "DROP TRIGGER incident_timeline_no_update"
		if db.Engine() == store.Postgres {
			drop = "DROP TRIGGER incident_timeline_no_change ON incident_timeline"
		}
		if err := rawExec(db, drop); err != nil {
			t.Fatal(err)
		}
		if err := store.RawExecArgs(db, "UPDATE incident_timeline SET body = ?, hash = ? WHERE incident_id = ? AND seq = 1", e.Body, e.Hash, id); err != nil {
			t.Fatal(err)
		}
		_, err = tn.VerifyIncident(ctx, id, func(f store.IncidentEvidence) ([]byte, error) { return f.Data, nil })
		var b *incident.Broken
		if !errors.As(err, &b) || b.Seq != 1 || b.Reason != "audit" {
			t.Fatalf("got %v, want entry 1 differing from the audit trail", err)
		}
	})
}

func TestIncidentIntakeRefusals(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		a, b := mustOrg(t, db, "alpha"), mustOrg(t, db, "bravo")
		_, _, otherDevice := lostLaptop(t, db, b, c)
		now := c.now()
		for _, cse := range []struct {
			in    incident.Intake
			field string
		}{
			{incident.Intake{Type: "flood", Title: "x", OccurredAt: now, FoundAt: now}, "type"},
			{incident.Intake{Type: incident.Other, Title: "  ", OccurredAt: now, FoundAt: now}, "title"},
			{incident.Intake{Type: incident.Other, Title: "x", OccurredAt: now, FoundAt: now.Add(-time.Hour)}, "found_at"},
			{incident.Intake{Type: incident.Other, Title: "x", OccurredAt: now.Add(time.Hour), FoundAt: now.Add(time.Hour)}, "occurred_at"},
			{incident.Intake{Type: incident.Other, Title: "x", OccurredAt: now, FoundAt: now, Affected: []incident.Ref{{Kind: incident.Device, ID: otherDevice}}}, "affected"},
		} {
			_, err := db.Tenant(a).OpenIncident(ctx, actor, cse.in)
			if e, ok := problem.As(err); !ok || e.Field != cse.field {
				t.Errorf("%+v: got %v, want refused naming %s", cse.in, err, cse.field)
			}
		}
	})
}

// TestDrillCompletesTheYearlyDrillRoutine: closing a tabletop drill with
// its review completes the company's yearly drill routine; a real
// incident does not.
func TestDrillCompletesTheYearlyDrillRoutine(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		tn := db.Tenant(mustOrg(t, db, "alpha"))
		today := calendar.Of(c.now())
		if _, err := tn.AddRoutine(ctx, actor, store.RoutineInput{Chore: store.DrillChore,
			Schedule: routine.Schedule{Cadence: routine.Yearly, Day: 1, Month: time.September}}, today); err != nil {
			t.Fatal(err)
		}
		waiting := func() int { // the drill routine's (a real incident's review makes tasks of its own)
			os, err := tn.Occurrences(ctx, store.OccurrenceQuery{Waiting: true, AnyAssignee: true})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, o := range os {
				if string(o.Chore.ID) == store.DrillChore {
					n++
				}
			}
			return n
		}
		if waiting() != 1 {
			t.Fatalf("got %d waiting, want the drill's occurrence", waiting())
		}
		// Closing needs the whole review: a partial one is refused.
		review := map[string]any{"people": "x", "technology": "x", "operations": "x", "root_cause": "y", "lesson": "z",
			"actions": []map[string]any{{"what": "a", "owner_id": 1, "owner": "o", "due": today.AddDays(30).String()}}}
		now := c.now()
		real, err := tn.OpenIncident(ctx, actor, incident.Intake{Type: incident.Other, Title: "本物", OccurredAt: now, FoundAt: now})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tn.AppendIncident(ctx, actor, real, store.Append{Kind: incident.Reviewed, Body: map[string]any{"people": "x"}}); problem.CodeOf(err) != problem.Invalid {
			t.Fatalf("partial review: got %v, want refused", err)
		}
		if _, err := tn.AppendIncident(ctx, actor, real, store.Append{Kind: incident.Reviewed, Body: review}); err != nil {
			t.Fatal(err)
		}
		if waiting() != 1 {
			t.Fatalf("a real incident completed the drill routine")
		}
		drill, err := tn.OpenIncident(ctx, actor, incident.Intake{Type: incident.LostDevice, Title: "電車内でのノートPC紛失", OccurredAt: now, FoundAt: now, Drill: true, Scenario: "laptop_train"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tn.AppendIncident(ctx, actor, drill, store.Append{Kind: incident.Reviewed, Body: review}); err != nil {
			t.Fatal(err)
		}
		if waiting() != 0 {
			t.Errorf("closing the drill left the yearly drill routine waiting")
		}
		f, err := tn.IncidentFigures(ctx)
		if err != nil || f.Closed != 1 || f.Drills != 1 {
			t.Errorf("got %+v %v, want 1 closed incident and 1 drill counted apart", f, err)
		}
	})
}
