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
	var match []string
	args := []any{t.org}
	if email != "" {
		match = append(match, "lower(owner) = lower(?)")
		args = append(args, email)
	}
	if name != "" {
		match = append(match, "owner = ?")
		args = append(args, name)
	}
	rows, err := t.db.query(ctx, "SELECT "+shares.selectCols()+" FROM shares WHERE org_id = ? AND ("+strings.Join(match, " OR ")+") ORDER BY id LIMIT ?",
		append(args, limit)...)
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
