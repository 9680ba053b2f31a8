package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/inventory"
)

// BulkLoad writes a whole generated inventory (IDs 1..n per kind, as the
// synthetic generator makes them) into an empty organisation with
// multi-row statements, renumbering ids and references. It is for load
// tests and demonstrations at scale: the trail gets one entry that says
// what was loaded, not one per record.
func (t Tenant) BulkLoad(ctx context.Context, actor audit.Actor, d inventory.Data) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		off := map[string]int64{}
		for _, tbl := range []string{"people", "services", "accounts", "devices", "assets", "shares"} {
			var n int64
			if err := tx.queryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM "+tbl).Scan(&n); err != nil {
				return err
			}
			off[tbl] = n
		}
		pid := func(id int64) int64 {
			if id == 0 {
				return 0
			}
			return id + off["people"]
		}
		now := micros(tx.db.Now())
		err := bulkInsert(ctx, tx, "people", []string{"id", "org_id", "name", "kana", "email", "department", "employment_type", "join_date", "leave_date", "manager_email", "created_at", "updated_at"}, len(d.People), func(i int) []any {
			p := d.People[i]
			return []any{p.ID + off["people"], t.org, p.Name, p.Kana, NormaliseEmail(p.Email), p.Department, p.EmploymentType, p.JoinDate, p.LeaveDate, p.ManagerEmail, now, now}
		})
		if err != nil {
			return err
		}
		load := func(tbl string, cols []string, n int, row func(i int) []any) error {
			return bulkInsert(ctx, tx, tbl, append([]string{"id", "org_id"}, append(cols, "updated_at")...), n, func(i int) []any {
				r := row(i)
				return append(append([]any{r[0], t.org}, r[1:]...), now)
			})
		}
		if err := load("services", services.cols, len(d.Services), func(i int) []any {
			s := d.Services[i]
			return append([]any{s.ID + off["services"]}, services.vals(&s)...)
		}); err != nil {
			return err
		}
		if err := load("accounts", accounts.cols, len(d.Accounts), func(i int) []any {
			a := d.Accounts[i]
			a.ServiceID += off["services"]
			a.PersonID = pid(a.PersonID)
			return append([]any{a.ID + off["accounts"]}, accounts.vals(&a)...)
		}); err != nil {
			return err
		}
		if err := load("devices", devices.cols, len(d.Devices), func(i int) []any {
			x := d.Devices[i]
			x.PersonID = pid(x.PersonID)
			return append([]any{x.ID + off["devices"]}, devices.vals(&x)...)
		}); err != nil {
			return err
		}
		if err := load("assets", assets.cols, len(d.Assets), func(i int) []any {
			a := d.Assets[i]
			return append([]any{a.ID + off["assets"]}, assets.vals(&a)...)
		}); err != nil {
			return err
		}
		var places [][]any
		for _, a := range d.Assets {
			for _, s := range a.ServiceIDs {
				places = append(places, []any{t.org, a.ID + off["assets"], "service", s + off["services"], ""})
			}
			for _, x := range a.DeviceIDs {
				places = append(places, []any{t.org, a.ID + off["assets"], "device", x + off["devices"], ""})
			}
			for _, p := range a.PaperLocations {
				places = append(places, []any{t.org, a.ID + off["assets"], "paper", int64(0), p})
			}
		}
		if err := bulkInsert(ctx, tx, "asset_places", []string{"org_id", "asset_id", "kind", "ref_id", "label"}, len(places), func(i int) []any { return places[i] }); err != nil {
			return err
		}
		if err := load("shares", shares.cols, len(d.Shares), func(i int) []any {
			s := d.Shares[i]
			s.ServiceID += off["services"]
			if s.AssetID != 0 {
				s.AssetID += off["assets"]
			}
			return append([]any{s.ID + off["shares"]}, shares.vals(&s)...)
		}); err != nil {
			return err
		}
		if tx.db.engine == Postgres {
			for _, tbl := range []string{"people", "services", "accounts", "devices", "assets", "shares"} {
				if _, err := tx.exec(ctx, "SELECT setval(pg_get_serial_sequence('"+tbl+"', 'id'), (SELECT MAX(id) FROM "+tbl+"))"); err != nil {
					return err
				}
			}
		}
		return t.record(ctx, tx, audit.Event{Action: "inventory.bulk_load", Target: fmt.Sprintf("org:%d", t.org), After: map[string]int{
			"people": len(d.People), "services": len(d.Services), "accounts": len(d.Accounts), "devices": len(d.Devices), "assets": len(d.Assets), "shares": len(d.Shares)}})
	})
}

// bulkInsert writes n rows in multi-row INSERT statements.
func bulkInsert(ctx context.Context, tx *Tx, table string, cols []string, n int, row func(i int) []any) error {
	per := max(1, 30000/len(cols)) // stay under SQLite's and PostgreSQL's parameter limits
	per = min(per, 1000)
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		args := make([]any, 0, (end-start)*len(cols))
		for i := start; i < end; i++ {
			if i > start {
				b.WriteString(", ")
			}
			b.WriteString(one)
			args = append(args, row(i)...)
		}
		if _, err := tx.exec(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("bulk insert %s: %w", table, err)
		}
	}
	return nil
}
