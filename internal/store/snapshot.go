package store

import (
	"context"

	"github.com/mamori-sec/mamori/internal/inventory"
)

// Inventory reads the organisation's whole inventory in one pass per table.
func (t Tenant) Inventory(ctx context.Context) (inventory.Data, error) {
	return t.read(ctx, func(d *inventory.Data) error {
		return shares.all(ctx, t.db, t.org, func(s *inventory.Share) { d.Shares = append(d.Shares, *s) })
	})
}

// ForChecks reads what the findings checks look at, as of today
// (YYYY-MM-DD): the whole inventory except the shares that stay inside the
// company (unless they hold My Number data) or have expired, and without
// share paths. On a tenant with a million shares this saves most of the
// reading.
//
// What it read is kept in memory and read again only where the inventory
// changed since (see checkcache.go): the slices returned are shared, to be
// read and not changed.
func (t Tenant) ForChecks(ctx context.Context, today string) (inventory.Data, error) {
	return t.forChecks(ctx, today)
}

// read reads everything but the shares, which readShares adds.
func (t Tenant) read(ctx context.Context, readShares func(*inventory.Data) error) (inventory.Data, error) {
	var d inventory.Data
	if err := t.readPeople(ctx, &d.People); err != nil {
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
		func() error { return readShares(&d) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return d, err
		}
	}
	return d, t.allPlaces(ctx, d.Assets)
}

// readPeople appends the organisation's people to out, in id order.
func (t Tenant) readPeople(ctx context.Context, out *[]inventory.Person) error {
	rows, err := t.db.query(ctx, "SELECT "+personColumns+" FROM people WHERE org_id = ? ORDER BY id", t.org)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return err
		}
		*out = append(*out, p)
	}
	return rows.Err()
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

func (t Tenant) sharesForChecks(ctx context.Context, today string, out *[]inventory.Share) error {
	// A large table is read in two id ranges at once, on two reader
	// connections: with the pure-Go SQLite driver, decoding rows is the
	// cost, and it scales with cores.
	var lo, hi int64
	if err := t.db.queryRow(ctx, "SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM shares").Scan(&lo, &hi); err != nil {
		return err
	}
	if hi-lo < 200000 {
		return t.shareRange(ctx, today, lo, hi, out)
	}
	mid := lo + (hi-lo)/2
	var second []inventory.Share
	errc := make(chan error, 1)
	go func() { errc <- t.shareRange(ctx, today, mid+1, hi, &second) }()
	err := t.shareRange(ctx, today, lo, mid, out)
	if err2 := <-errc; err == nil {
		err = err2
	}
	*out = append(*out, second...)
	return err
}

func (t Tenant) shareRange(ctx context.Context, today string, from, to int64, out *[]inventory.Share) error {
	rows, err := t.db.query(ctx, `SELECT id, service_id, scope, permission, expires_on, owner, asset_id, created_on, last_reviewed FROM shares
		WHERE org_id = ? AND id BETWEEN ? AND ? AND (scope <> 'organisation' OR asset_id IN (SELECT id FROM assets WHERE org_id = ? AND my_number = 1))
		AND (expires_on = '' OR expires_on >= ?) ORDER BY id`, t.org, from, to, t.org, today)
	if err != nil {
		return err
	}
	defer rows.Close()
	// The kept inventory holds hundreds of thousands of shares whose
	// scopes, permissions, owners and dates repeat: one copy of each.
	in := interner{}
	for rows.Next() {
		s := inventory.Share{OrgID: t.org}
		if err := rows.Scan(&s.ID, &s.ServiceID, &s.Scope, &s.Permission, &s.ExpiresOn, &s.Owner, &s.AssetID, &s.CreatedOn, &s.LastReviewed); err != nil {
			return err
		}
		s.Scope, s.Permission = inventory.ShareScope(in.of(string(s.Scope))), inventory.SharePermission(in.of(string(s.Permission)))
		s.ExpiresOn, s.Owner, s.CreatedOn, s.LastReviewed = in.of(s.ExpiresOn), in.of(s.Owner), in.of(s.CreatedOn), in.of(s.LastReviewed)
		*out = append(*out, s)
	}
	return rows.Err()
}

// interner keeps one copy of each string it has seen.
type interner map[string]string

func (in interner) of(s string) string {
	if v, ok := in[s]; ok {
		return v
	}
	in[s] = s
	return s
}
