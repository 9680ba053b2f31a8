package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

// TestAddAccounts: a bulk add gives every record its id and its own audit
// entry, chained with the entries around it; a duplicate anywhere in the
// batch leaves nothing behind.
func TestAddAccounts(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, _ *clock) {
		ctx := context.Background()
		ten := db.Tenant(mustOrg(t, db, "kaisha"))
		svc := inventory.Service{Name: "Slack", Category: inventory.Cloud, MFA: inventory.MFAAvailable}
		if err := ten.SaveService(ctx, actor, &svc); err != nil {
			t.Fatal(err)
		}
		mk := func(n int) []*inventory.Account {
			out := make([]*inventory.Account, n)
			for i := range out {
				out[i] = &inventory.Account{ServiceID: svc.ID, LoginID: fmt.Sprintf("user%04d@kaisha.example", i), Kind: inventory.Personal,
					Privilege: inventory.Edit, MFA: inventory.MFAOn, Status: inventory.Active}
			}
			return out
		}
		before, _ := db.VerifyAudit(ctx)
		dup := mk(1000)
		dup[777].LoginID = dup[12].LoginID
		err := ten.Batch(ctx, actor, func(w *store.Writer) error { return w.AddAccounts(ctx, dup) })
		if problem.CodeOf(err) != problem.Invalid {
			t.Fatalf("got %v, want the duplicate refused", err)
		}
		if n, _ := db.VerifyAudit(ctx); n != before {
			t.Fatalf("got %d audit entries, want %d: a refused batch left something", n, before)
		}
		if _, total, _ := ten.Accounts(ctx, store.ListQuery{}); total != 0 {
			t.Fatalf("got %d accounts after a refused batch, want 0", total)
		}
		bad := mk(3)
		bad[2].Status = "gone"
		err = ten.Batch(ctx, actor, func(w *store.Writer) error { return w.AddAccounts(ctx, bad) })
		var me *store.ManyError
		if !errors.As(err, &me) || me.Index != 2 {
			t.Fatalf("got %v, want record 2 named", err)
		}
		list := mk(1000)
		if err := ten.Batch(ctx, actor, func(w *store.Writer) error {
			if err := w.AddAccounts(ctx, list); err != nil {
				return err
			}
			return w.AddAccounts(ctx, nil)
		}); err != nil {
			t.Fatal(err)
		}
		n, err := db.VerifyAudit(ctx)
		if err != nil || n != before+1000 {
			t.Fatalf("got %d entries (%v), want %d, chained", n, err, before+1000)
		}
		seen := map[int64]bool{}
		for _, a := range list {
			if a.ID == 0 || seen[a.ID] {
				t.Fatalf("got id %d for %s, want a new one", a.ID, a.LoginID)
			}
			seen[a.ID] = true
		}
		last := list[999]
		got, err := ten.Account(ctx, last.ID)
		if err != nil || got.LoginID != last.LoginID {
			t.Fatalf("got %+v %v, want the id to be %s's", got, err, last.LoginID)
		}
		hist, err := ten.History(ctx, fmt.Sprintf("account:%d", last.ID))
		if err != nil || len(hist) != 1 || hist[0].Action != "account.create" || !strings.Contains(hist[0].After, last.LoginID) {
			t.Fatalf("got %+v %v, want the account's creation in its history", hist, err)
		}
	})
}
