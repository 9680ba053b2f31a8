package web_test

import (
	"context"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/incident"
	"github.com/mamori-sec/mamori/internal/store"
)

// addIncident gives an organisation one open incident about its PC, with
// an evidence file as entry 2, so that the incident routes have a record
// to walk.
func (w *world) addIncident(t store.Tenant, tag string, device int64) int64 {
	w.t.Helper()
	ctx, sys := context.Background(), audit.Actor{Label: "test"}
	now := w.clock.Now()
	id, err := t.OpenIncident(ctx, sys, incident.Intake{Type: incident.Malware, Title: tag + "のPCでランサムウェア",
		Affected: []incident.Ref{{Kind: incident.Device, ID: device}}, OccurredAt: now.Add(-2 * time.Hour), FoundAt: now.Add(-time.Hour)})
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := t.AddIncidentEvidence(ctx, sys, id, tag+"の画面.png", "image/png", []byte("png "+tag), nil, ""); err != nil {
		w.t.Fatal(err)
	}
	return id
}
