package demo

import (
	"context"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/posture"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// TestSeedScans: さくら精機 has scanned its shared drive: the roster's folder
// is confirmed as an asset with My Numbers, the share with the labour
// consultant on it carries the My Number wording in a critical finding,
// and the other places wait for the keeper.
func TestSeedScans(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, "sqlite", nil)
	if _, err := Seed(ctx, db, today); err != nil {
		t.Fatal(err)
	}
	o, err := db.OrgBySlug(ctx, sakura.slug)
	if err != nil {
		t.Fatal(err)
	}
	ten := db.Tenant(o.ID)
	runs, err := ten.ScanRuns(ctx, 10)
	if err != nil || len(runs) != 1 || runs[0].Status != store.ScanDone {
		t.Fatalf("got runs %+v %v", runs, err)
	}
	places, _ := ten.ScanPlaces(ctx, runs[0].ID)
	status := map[string]string{}
	for _, p := range places {
		status[p.SeenAs] = p.Status
	}
	if status["共有ドライブ/総務"] != store.PlaceConfirmed || status["共有ドライブ/営業"] != store.PlaceProposed || len(places) < 4 {
		t.Fatalf("got places %v", status)
	}
	if _, err := posture.Evaluate(ctx, ten, audit.System, today); err != nil {
		t.Fatal(err)
	}
	found, _, err := ten.Findings(ctx, store.FindingQuery{CheckID: "shares.special_external", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := i18n.Load()
	for _, f := range found {
		d := f.Detail.Render(func(k string, a ...any) string { return cat.T(i18n.Japanese, k, a...) })
		if strings.HasPrefix(d, "マイナンバーを含むファイル（約") {
			t.Logf("%s", d)
			return
		}
	}
	t.Fatalf("no special_external finding speaks of My Numbers among %d", len(found))
}
