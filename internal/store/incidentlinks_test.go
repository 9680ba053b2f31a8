package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/incident"
	"github.com/mamori-sec/mamori/internal/store"
)

// TestIncidentAlertInTheIncidentsTransaction: an incident opened with an
// alert queues it inside its own transaction. When queueing fails the
// incident is not opened at all (no incident without its alert); when it
// succeeds the hook runs exactly once and already sees the incident it
// alerts about; an intake refused never reaches the queue; a drill and an
// incident without Alert queue nothing.
func TestIncidentAlertInTheIncidentsTransaction(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		tn := db.Tenant(mustOrg(t, db, "alpha"))
		now := c.now()
		in := incident.Intake{Type: incident.Malware, Title: "不審なメールを開いた", OccurredAt: now.Add(-2 * time.Hour), FoundAt: now.Add(-time.Hour), Alert: true}
		var calls []int64
		fail := errors.New("queue down")
		broken := true
		db.SetIncidentAlert(func(ctx context.Context, tx *sql.Tx, orgID, id int64) error {
			var title string
			if err := tx.QueryRowContext(ctx, titleQuery(db), id).Scan(&title); err != nil || title != in.Title {
				t.Errorf("hook: incident %d reads %q (%v) in the transaction, want it there", id, title, err)
			}
			calls = append(calls, id)
			if broken {
				return fail
			}
			return nil
		})
		if _, err := tn.OpenIncident(ctx, actor, in); !errors.Is(err, fail) {
			t.Fatalf("open with the queue down: got %v, want its error", err)
		}
		if is, _ := tn.Incidents(ctx, store.IncidentQuery{}); len(is) != 0 {
			t.Fatalf("after a failed alert: %d incidents, want none", len(is))
		}
		broken, calls = false, nil
		bad := in
		bad.FoundAt = in.OccurredAt.Add(-time.Hour)
		if _, err := tn.OpenIncident(ctx, actor, bad); err == nil || len(calls) != 0 {
			t.Fatalf("refused intake: got %v with %d alerts, want refused with none", err, len(calls))
		}
		id, err := tn.OpenIncident(ctx, actor, in)
		if err != nil || len(calls) != 1 || calls[0] != id {
			t.Fatalf("open: got %d (%v), alerts %v; want exactly one for it", id, err, calls)
		}
		quiet := in
		quiet.Alert = false
		if _, err := tn.OpenIncident(ctx, actor, quiet); err != nil || len(calls) != 1 {
			t.Errorf("without Alert: %v, alerts %v; want none more", err, calls)
		}
		drill := in
		drill.Drill, drill.Scenario = true, "mis_sent_list"
		if _, err := tn.OpenIncident(ctx, actor, drill); err != nil || len(calls) != 1 {
			t.Errorf("a drill: %v, alerts %v; want none more", err, calls)
		}
	})
}

// titleQuery reads an incident's title, in the engine's placeholders.
func titleQuery(db *store.DB) string {
	if db.Engine() == store.Postgres {
		return "SELECT title FROM incidents WHERE id = $1"
	}
	return "SELECT title FROM incidents WHERE id = ?"
}
