package store_test

import (
	"context"
	"slices"
	"sort"
	"testing"

	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/synth"
)

// TestListCountsAndPages checks the bounded counts of the list pages (a
// count that stops past CountUpTo, and a search counted by its page's own
// query) against exact ones, the order of descending lists, and the
// lookups by id and of departments, on a small synthetic company next to
// another organisation.
func TestListCountsAndPages(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, _ *clock) {
		ctx := context.Background()
		other := db.Tenant(mustOrg(t, db, "lists-other"))
		if err := other.BulkLoad(ctx, actor, synth.Generate(2, synth.Size{People: 5, Accounts: 5, Devices: 5, Assets: 5, Shares: 5}, benchDay)); err != nil {
			t.Fatal(err)
		}
		ten := db.Tenant(mustOrg(t, db, "lists"))
		if err := ten.BulkLoad(ctx, actor, synth.Generate(3, synth.Small, benchDay)); err != nil {
			t.Fatal(err)
		}

		// Counting stops past CountUpTo; under it the count is exact.
		_, exact, err := ten.Shares(ctx, store.ListQuery{Limit: 1})
		if err != nil || exact != synth.Small.Shares {
			t.Fatalf("exact count: got %d (%v), want %d", exact, err, synth.Small.Shares)
		}
		if _, n, err := ten.Shares(ctx, store.ListQuery{Limit: 50, CountUpTo: 1000}); err != nil || n != 1001 {
			t.Fatalf("count up to 1000: got %d (%v), want 1001 (more than 1000)", n, err)
		}
		if _, n, err := ten.Shares(ctx, store.ListQuery{Limit: 50, CountUpTo: 5000}); err != nil || n != exact {
			t.Fatalf("count up to 5000: got %d (%v), want the exact %d", n, err, exact)
		}
		anyone := map[string]string{"scope": string(inventory.AnyoneWithLink)}
		_, exactAnyone, _ := ten.Shares(ctx, store.ListQuery{Filters: anyone})
		if _, n, err := ten.Shares(ctx, store.ListQuery{Filters: anyone, CountUpTo: 1000}); err != nil || n != min(exactAnyone, 1001) {
			t.Fatalf("filtered count up to 1000: got %d (%v), want %d", n, err, min(exactAnyone, 1001))
		}

		// A search counted up to its page's end: the same rows as the exact
		// query, a total one past the page while more follow, the exact
		// total on the last page and past the end.
		search := store.ListQuery{Search: "synth.example", Limit: 50}
		all, total, err := ten.Accounts(ctx, store.ListQuery{Search: search.Search, Limit: 10000})
		if err != nil || total < 120 || len(all) != total {
			t.Fatalf("search: got %d of %d (%v), want over 120", len(all), total, err)
		}
		for _, offset := range []int{0, 50, total - total%50, total + 100} {
			q := search
			q.Offset, q.CountUpTo = offset, offset+50
			page, n, err := ten.Accounts(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			want := all[min(offset, total):min(offset+50, total)]
			if len(page) != len(want) || (len(page) > 0 && (page[0].ID != want[0].ID || page[len(page)-1].ID != want[len(want)-1].ID)) {
				t.Fatalf("search from %d: got %d rows, want %d", offset, len(page), len(want))
			}
			wantN := total
			if offset+50 < total {
				wantN = offset + 51
			}
			if n != wantN {
				t.Fatalf("search from %d: got total %d, want %d", offset, n, wantN)
			}
		}
		people, n, err := ten.People(ctx, store.PeopleQuery{Search: "@", Limit: 10, CountUpTo: 10})
		if err != nil || len(people) != 10 || n != 11 {
			t.Fatalf("people search up to 10: got %d rows, total %d (%v), want 10 and 11", len(people), n, err)
		}

		// Descending is ascending reversed, ties included.
		up, _, err := ten.Shares(ctx, store.ListQuery{Sort: "scope", Limit: 10000})
		if err != nil {
			t.Fatal(err)
		}
		down, _, err := ten.Shares(ctx, store.ListQuery{Sort: "-scope", Limit: 10000})
		if err != nil {
			t.Fatal(err)
		}
		slices.Reverse(down)
		for i := range up {
			if up[i].ID != down[i].ID {
				t.Fatalf("row %d: descending reversed gives share %d, ascending %d", i, down[i].ID, up[i].ID)
			}
		}

		// Lookups by id leave out other organisations' records and ids of
		// nothing.
		mine, _, _ := ten.People(ctx, store.PeopleQuery{Limit: 3})
		theirs, _, _ := other.People(ctx, store.PeopleQuery{Limit: 1})
		ids := []int64{mine[0].ID, mine[1].ID, mine[2].ID, theirs[0].ID, 1 << 40}
		byID, err := ten.PeopleByID(ctx, ids)
		if err != nil || len(byID) != 3 {
			t.Fatalf("people by id: got %d (%v), want 3", len(byID), err)
		}
		svcs, _, _ := ten.Services(ctx, store.ListQuery{Limit: 2})
		otherSvcs, _, _ := other.Services(ctx, store.ListQuery{Limit: 1})
		if got, err := ten.ServicesByID(ctx, []int64{svcs[0].ID, svcs[1].ID, otherSvcs[0].ID}); err != nil || len(got) != 2 {
			t.Fatalf("services by id: got %d (%v), want 2", len(got), err)
		}
		if got, err := ten.AssetsByID(ctx, nil); err != nil || len(got) != 0 {
			t.Fatalf("assets by no id: got %d (%v), want none", len(got), err)
		}

		// Departments: those in use, each once (in the engine's order).
		everyone, _, _ := ten.People(ctx, store.PeopleQuery{Limit: 10000})
		seen := map[string]bool{}
		var want []string
		for _, p := range everyone {
			if p.Department != "" && !seen[p.Department] {
				seen[p.Department] = true
				want = append(want, p.Department)
			}
		}
		sort.Strings(want)
		got, err := ten.Departments(ctx)
		sorted := slices.Clone(got)
		sort.Strings(sorted)
		if err != nil || !slices.Equal(sorted, want) {
			t.Fatalf("departments: got %v (%v), want %v", got, err, want)
		}
	})
}
