package store

import (
	"context"

	"github.com/mamori-sec/mamori/internal/inventory"
)

// Inventory reads the organisation's whole inventory in one pass per table:
// what the findings engine evaluates.
func (t Tenant) Inventory(ctx context.Context) (inventory.Data, error) {
	var d inventory.Data
	rows, err := t.db.query(ctx, "SELECT "+personColumns+" FROM people WHERE org_id = ? ORDER BY id", t.org)
	if err != nil {
		return d, err
	}
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			rows.Close()
			return d, err
		}
		d.People = append(d.People, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return d, err
	}
	steps := []func() error{
		func() error {
			return services.all(ctx, t.db, t.org, func(s *inventory.Service) { d.Services = append(d.Services, *s) })
		},
		func() error {
			return accounts.all(ctx, t.db, t.org, func(a *inventory.Account) { d.Accounts = append(d.Accounts, *a) })
		},
		func() error {
			return devices.all(ctx, t.db, t.org, func(x *inventory.Device) { d.Devices = append(d.Devices, *x) })
		},
		func() error {
			return assets.all(ctx, t.db, t.org, func(a *inventory.Asset) { d.Assets = append(d.Assets, *a) })
		},
		func() error {
			return shares.all(ctx, t.db, t.org, func(s *inventory.Share) { d.Shares = append(d.Shares, *s) })
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return d, err
		}
	}
	return d, t.allPlaces(ctx, d.Assets)
}

func (t Tenant) allPlaces(ctx context.Context, list []inventory.Asset) error {
	idx := make(map[int64]*inventory.Asset, len(list))
	for i := range list {
		idx[list[i].ID] = &list[i]
	}
	rows, err := t.db.query(ctx, "SELECT asset_id, kind, ref_id, label FROM asset_places WHERE org_id = ? ORDER BY asset_id, kind, ref_id, label", t.org)
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
		addPlace(idx[id], kind, ref, label)
	}
	return rows.Err()
}
