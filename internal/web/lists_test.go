package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/synth"
)

// TestListsOfALargerOrganisation checks what the list pages say when there
// is more than they count: more than 1,000 records, more than one page of
// search results, and a filter by a record of a kind too numerous to offer
// as choices, reached from that record's page.
func TestListsOfALargerOrganisation(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		owner := w.users[org.Owner]
		orgID, err := w.db.CreateOrg(ctx, audit.Actor{Label: "test"}, org.Org{Slug: "charlie", Name: "チャーリー工業"}, owner.ID)
		if err != nil {
			t.Fatal(err)
		}
		ten := w.db.Tenant(orgID)
		size := synth.Size{People: 40, Accounts: 120, Devices: 20, Assets: 250, Shares: 1200}
		if err := ten.BulkLoad(ctx, audit.Actor{Label: "test"}, synth.Generate(5, size, time.Now())); err != nil {
			t.Fatal(err)
		}
		c := w.client("ja")
		c.signIn(owner.Email)

		c.mustShow("/o/charlie/shares", `<p class="count">1000 件以上</p>`, "?offset=50")
		c.mustShow("/o/charlie/accounts?q=synth.example", `<p class="count">50 件以上</p>`, "offset=50")
		c.mustShow("/o/charlie/devices", `<p class="count">20 件</p>`)
		_, people, _ := ten.People(ctx, store.PeopleQuery{Current: true, Search: "synth.example"})
		if people > 50 || people == 0 {
			t.Fatalf("got %d people at synth.example, want some, one page", people)
		}
		c.mustShow("/o/charlie/people?q=synth.example", `<p class="count">`+id(int64(people))+` 人</p>`)

		// 250 assets are too many to offer in the shares' filter, but the
		// one chosen from an asset's page is kept and offered.
		var asset int64
		var held int
		assets, _, _ := ten.Assets(ctx, store.ListQuery{Limit: size.Assets})
		for _, a := range assets {
			if _, n, _ := ten.Shares(ctx, store.ListQuery{Filters: map[string]string{"asset_id": id(a.ID)}}); n > 0 {
				asset, held = a.ID, n
				break
			}
		}
		if asset == 0 {
			t.Fatal("no asset is held in a share")
		}
		body := c.mustShow("/o/charlie/shares?asset_id="+id(asset), `<p class="count">`+id(int64(held))+` 件</p>`,
			`<option value="`+id(asset)+`" selected>`)
		if n := strings.Count(body, "<option"); n > 40 {
			t.Errorf("shares page offers %d options, want the assets left out", n)
		}
	})
}
