package store

import (
	"context"

	"github.com/mamori-sec/mamori/internal/inventory"
)

// AssetShare sums up the shares that hold one information asset in one
// service with one reach: the where-is-what map marks a place by them
// without reading every share.
type AssetShare struct {
	AssetID, ServiceID int64
	Scope              inventory.ShareScope
	FirstID            int64 // the lowest id among them, to link to
	Count              int
}

// SharesOfAssets sums up the shares in force on today (a date,
// 2006-01-02) that hold the assets among ids, in one query per 500 ids.
func (t Tenant) SharesOfAssets(ctx context.Context, ids []int64, today string) ([]AssetShare, error) {
	var out []AssetShare
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := []any{t.org}
		for _, id := range ids[:n] {
			args = append(args, id)
		}
		args = append(args, today)
		ids = ids[n:]
		rows, err := t.db.query(ctx, `SELECT asset_id, service_id, scope, MIN(id), COUNT(*) FROM shares
			WHERE org_id = ? AND asset_id IN (`+questionMarks(len(args)-2)+`) AND (expires_on = '' OR expires_on >= ?)
			GROUP BY asset_id, service_id, scope ORDER BY asset_id, service_id, scope`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var s AssetShare
			if err := rows.Scan(&s.AssetID, &s.ServiceID, &s.Scope, &s.FirstID, &s.Count); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, s)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
