package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/demo"
	"github.com/mamori-sec/mamori/internal/incident"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// TestDemoIncidents: the demo company has a closed mis-sent-mail incident
// with its review, an open ransomware incident part-way through its
// playbook, and a drill, each with a verifiable timeline.
func TestDemoIncidents(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite, time.Now)
	if _, err := demo.Seed(ctx, db, time.Now()); err != nil {
		t.Fatal(err)
	}
	o, err := db.OrgBySlug(ctx, "sakura-seiki")
	if err != nil {
		t.Fatal(err)
	}
	tn := db.Tenant(o.ID)
	real, err := tn.Incidents(ctx, store.IncidentQuery{})
	if err != nil {
		t.Fatal(err)
	}
	drills, _ := tn.Incidents(ctx, store.IncidentQuery{Drills: true})
	byType := map[incident.Type]store.Incident{}
	for _, i := range real {
		byType[i.Type] = i
	}
	if len(real) != 2 || byType[incident.MisSent].Status != incident.Closed || byType[incident.Malware].Status != incident.Open || len(drills) != 1 {
		t.Fatalf("got %d incidents %+v and %d drills", len(real), byType, len(drills))
	}
	for _, i := range append(real, drills...) {
		if n, err := tn.VerifyIncident(ctx, i.ID, func(f store.IncidentEvidence) ([]byte, error) { return f.Data, nil }); err != nil || n < 4 {
			t.Errorf("%s: %d entries, %v", i.Title, n, err)
		}
	}
}
