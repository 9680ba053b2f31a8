package demo

import (
	"bytes"
	"context"
	"testing"

	"github.com/mamori-sec/mamori/internal/notify"
	"github.com/mamori-sec/mamori/internal/seal"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// TestSeedReminders: the demo company has its channels (e-mail to the dev
// sink, off; Teams, on, with its webhook sealed), two past digests, and a
// test message queued that will fail for the jobs page.
func TestSeedReminders(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite, nil)
	if _, err := Seed(ctx, db, today); err != nil {
		t.Fatal(err)
	}
	box, _ := seal.New(bytes.Repeat([]byte{1}, 32))
	var tests []notify.Kind
	enqueue := func(_ context.Context, _, _ int64, k notify.Kind) error { tests = append(tests, k); return nil }
	if err := SeedReminders(ctx, db, box, enqueue, today); err != nil {
		t.Fatal(err)
	}
	o, _ := db.OrgBySlug(ctx, sakura.slug)
	ten := db.Tenant(o.ID)
	chans, err := ten.Channels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range chans {
		switch c.Kind {
		case notify.Email:
			if c.Enabled || c.Host != "127.0.0.1" || c.Port != 2525 {
				t.Errorf("e-mail channel: got %+v, want the dev sink, off", c)
			}
		case notify.Teams:
			if !c.Enabled || c.Secret == "" {
				t.Errorf("teams channel: got %+v, want on with a sealed webhook", c)
			}
		}
	}
	ds, err := ten.Deliveries(ctx, 10)
	if err != nil || len(ds) != 2 || ds[0].Status != store.DeliverySent {
		t.Errorf("deliveries: got %+v %v, want two sent", ds, err)
	}
	if len(tests) != 1 || tests[0] != notify.Teams {
		t.Errorf("test messages queued: got %v, want one on Teams", tests)
	}
}
