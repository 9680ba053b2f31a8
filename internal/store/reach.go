package store

import (
	"context"
	"strings"

	"github.com/mamori-sec/mamori/internal/inventory"
)

// SharesOwnedBy lists up to limit shares whose owner is the given address
// (in any case) or name, as the checks match a share's owner to a person.
func (t Tenant) SharesOwnedBy(ctx context.Context, email, name string, limit int) ([]inventory.Share, error) {
	email, name = strings.TrimSpace(email), strings.TrimSpace(name)
	if email == "" && name == "" {
		return nil, nil
	}
	rows, err := t.db.query(ctx, "SELECT "+shares.selectCols()+" FROM shares WHERE org_id = ? AND (lower(owner) = lower(?) OR owner = ?) ORDER BY id LIMIT ?",
		t.org, nonEmpty(email), nonEmpty(name), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []inventory.Share
	for rows.Next() {
		var s inventory.Share
		if err := shares.scan(rows, &s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// nonEmpty keeps an empty value from matching shares without an owner.
func nonEmpty(s string) string {
	if s == "" {
		return "\x00"
	}
	return s
}
