package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
)

// ownsRefs checks that a service and a person (0 for none) belong to this
// organisation, so that a record cannot point into another company.
func (t Tenant) ownsRefs(ctx context.Context, serviceID, personID int64) error {
	var n int
	if serviceID != 0 {
		if err := t.db.queryRow(ctx, "SELECT count(*) FROM services WHERE org_id = ? AND id = ?", t.org, serviceID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return problem.Field("service_id", "inventory.service_required")
		}
	}
	if personID != 0 {
		if err := t.db.queryRow(ctx, "SELECT count(*) FROM people WHERE org_id = ? AND id = ?", t.org, personID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return problem.Field("person_id", "inventory.person_unknown")
		}
	}
	return nil
}

func (t Tenant) saveAsset(ctx context.Context, tx *Tx, a *inventory.Asset) error {
	for _, id := range a.ServiceIDs {
		if err := t.ownsRefs(ctx, id, 0); err != nil {
			return err
		}
	}
	var err error
	if a.ID == 0 {
		err = assets.insert(ctx, tx, t.org, a)
	} else {
		err = assets.update(ctx, tx, t.org, a)
	}
	if err != nil {
		return err
	}
	return t.replacePlaces(ctx, tx, a)
}

// replacePlaces rewrites where an asset lives, recording a change when the
// set of places differs.
func (t Tenant) replacePlaces(ctx context.Context, tx *Tx, a *inventory.Asset) error {
	before := inventory.Asset{ID: a.ID}
	if err := t.loadPlacesTx(ctx, tx, []*inventory.Asset{&before}); err != nil {
		return err
	}
	if placesKey(before) == placesKey(*a) {
		return nil
	}
	if _, err := tx.exec(ctx, "DELETE FROM asset_places WHERE org_id = ? AND asset_id = ?", t.org, a.ID); err != nil {
		return err
	}
	for _, id := range a.ServiceIDs {
		if _, err := tx.exec(ctx, "INSERT INTO asset_places (org_id, asset_id, kind, ref_id) VALUES (?, ?, 'service', ?)", t.org, a.ID, id); err != nil {
			return err
		}
	}
	for _, id := range a.DeviceIDs {
		var n int
		if err := tx.queryRow(ctx, "SELECT count(*) FROM devices WHERE org_id = ? AND id = ?", t.org, id).Scan(&n); err != nil || n == 0 {
			return problem.Field("device_ids", "inventory.device_unknown")
		}
		if _, err := tx.exec(ctx, "INSERT INTO asset_places (org_id, asset_id, kind, ref_id) VALUES (?, ?, 'device', ?)", t.org, a.ID, id); err != nil {
			return err
		}
	}
	for _, p := range a.PaperLocations {
		if _, err := tx.exec(ctx, "INSERT INTO asset_places (org_id, asset_id, kind, label) VALUES (?, ?, 'paper', ?)", t.org, a.ID, p); err != nil {
			return err
		}
	}
	return t.record(ctx, tx, auditPlaces(before, *a))
}

func placesKey(a inventory.Asset) string {
	return fmt.Sprint(a.ServiceIDs, a.DeviceIDs, a.PaperLocations)
}

func (t Tenant) loadPlaces(ctx context.Context, list []*inventory.Asset) error {
	return t.scanPlaces(ctx, func(q string, args ...any) (rowsLike, error) { return t.db.query(ctx, q, args...) }, list)
}

func (t Tenant) loadPlacesTx(ctx context.Context, tx *Tx, list []*inventory.Asset) error {
	return t.scanPlaces(ctx, func(q string, args ...any) (rowsLike, error) {
		return tx.tx.QueryContext(ctx, tx.db.rebind(q), args...)
	}, list)
}

type rowsLike interface {
	Next() bool
	Scan(...any) error
	Close() error
	Err() error
}

func (t Tenant) scanPlaces(ctx context.Context, query func(string, ...any) (rowsLike, error), list []*inventory.Asset) error {
	byID := map[int64]*inventory.Asset{}
	ids := make([]string, 0, len(list))
	for _, a := range list {
		byID[a.ID] = a
		a.ServiceIDs, a.DeviceIDs, a.PaperLocations = nil, nil, nil
		ids = append(ids, fmt.Sprint(a.ID))
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := query("SELECT asset_id, kind, ref_id, label FROM asset_places WHERE org_id = ? AND asset_id IN ("+strings.Join(ids, ",")+") ORDER BY asset_id, kind, ref_id, label", t.org)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, ref int64
		var kind, label string
		if err := rows.Scan(&id, &kind, &ref, &label); err != nil {
			return err
		}
		addPlace(byID[id], kind, ref, label)
	}
	return rows.Err()
}

// addPlace adds one asset_places row to its asset.
func addPlace(a *inventory.Asset, kind string, ref int64, label string) {
	if a == nil {
		return
	}
	switch kind {
	case "service":
		a.ServiceIDs = append(a.ServiceIDs, ref)
	case "device":
		a.DeviceIDs = append(a.DeviceIDs, ref)
	case "paper":
		a.PaperLocations = append(a.PaperLocations, label)
	}
}

func auditPlaces(before, after inventory.Asset) audit.Event {
	m := func(a inventory.Asset) map[string]any {
		return map[string]any{"services": a.ServiceIDs, "devices": a.DeviceIDs, "paper": a.PaperLocations}
	}
	return audit.Event{Action: "asset.places", Target: fmt.Sprintf("asset:%d", after.ID), Before: m(before), After: m(after)}
}
