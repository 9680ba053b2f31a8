package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
	"github.com/mamori-sec/mamori/internal/synth"
)

// TestPeopleSearchIndex searches people with queries of one, two and more
// characters, Japanese and ASCII, in any case, and wants exactly the
// people a plain substring match over the four searched fields finds (as
// the LIKE did before the bigram index), on each engine; and the index
// follows an edit, an import-style bulk add and another organisation's
// people stay out.
func TestPeopleSearchIndex(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, _ *clock) {
		ctx := context.Background()
		ten := db.Tenant(mustOrg(t, db, "search"))
		other := db.Tenant(mustOrg(t, db, "search-other"))
		people := []inventory.Person{
			{Name: "田中太郎", Kana: "タナカタロウ", Email: "taro.tanaka@example.jp", Department: "営業部"},
			{Name: "田中", Kana: "タナカ", Email: "t@example.jp", Department: "総務部"},
			{Name: "中田花子", Kana: "ナカタハナコ", Email: "HANAKO@Example.JP", Department: "営業部"},
			{Name: "山田", Kana: "ヤマダ", Email: "yamada@example.jp", Department: "開発部第二課"},
			{Name: "Tanaka Ken", Kana: "タナカケン", Email: "ken@tanaka.example", Department: "Sales"},
			{Name: "佐藤ＡＢ", Kana: "サトウ", Email: "sato@example.jp", Department: "情報システム部"},
			{Name: "田", Kana: "タ", Email: "", Department: ""},
		}
		for i := range people {
			people[i].EmploymentType = inventory.FullTime
		}
		if err := ten.AddPeople(ctx, actor, people); err != nil {
			t.Fatal(err)
		}
		if err := other.AddPeople(ctx, actor, []inventory.Person{{Name: "田中秘密", Kana: "タナカ", Email: "tanaka@other.example", EmploymentType: inventory.FullTime}}); err != nil {
			t.Fatal(err)
		}
		// LIKE folds ASCII case on SQLite and not on PostgreSQL; the index
		// must find what each engine's LIKE finds.
		fold := db.Engine() == store.SQLite
		contains := func(field, q string) bool {
			if fold {
				return strings.Contains(strings.ToLower(field), strings.ToLower(q))
			}
			return strings.Contains(field, q)
		}
		want := func(q string) []string {
			var out []string
			all, _, err := ten.People(ctx, store.PeopleQuery{Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range all {
				if contains(p.Name, q) || contains(p.Kana, q) || contains(p.Email, q) || contains(p.Department, q) {
					out = append(out, p.Name)
				}
			}
			slices.Sort(out)
			return out
		}
		check := func(q string) {
			t.Helper()
			got, _, err := ten.People(ctx, store.PeopleQuery{Search: q, Limit: 1000})
			if err != nil {
				t.Fatalf("search %q: %v", q, err)
			}
			var names []string
			for _, p := range got {
				names = append(names, p.Name)
			}
			slices.Sort(names)
			if w := want(q); !slices.Equal(names, w) {
				t.Errorf("search %q: got %q, want %q", q, names, w)
			}
		}
		queries := []string{
			"田", "中", "タ", "t", "T", "x", // one character: no bigram
			"田中", "中田", "タナ", "部", "ta", "TA", "Ｂ", "ＡＢ", "jp", // two
			"田中太郎", "中太", "営業部", "タナカタロウ", "tanaka", "TANAKA", "Tanaka Ken", "example.jp", "hanako@example", "開発部第二課", "第二課", "ナカタ", "ken@tanaka.example", "存在しない",
			"a%b", "ta_ka", // LIKE's wildcards are taken out of a search, as before
		}
		for _, q := range queries {
			check(q)
		}
		if got, _, _ := ten.People(ctx, store.PeopleQuery{Search: "秘密"}); len(got) != 0 {
			t.Fatalf("search 秘密: got %d people of another organisation, want none", len(got))
		}

		// An edit moves the person in the index: the old name is no longer
		// found, the new one is.
		found, _, err := ten.People(ctx, store.PeopleQuery{Search: "山田"})
		if err != nil || len(found) != 1 {
			t.Fatalf("search 山田: got %d (%v), want 1", len(found), err)
		}
		p := found[0]
		p.Name, p.Department = "森川", "品質保証部"
		if err := ten.UpdatePerson(ctx, actor, p); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"山田", "森川", "品質保証", "開発部", "森"} {
			check(q)
		}
		if got, _, _ := ten.People(ctx, store.PeopleQuery{Search: "森川"}); len(got) != 1 {
			t.Fatalf("search 森川 after the edit: got %d, want 1", len(got))
		}
		if got, _, _ := ten.People(ctx, store.PeopleQuery{Search: "山田"}); len(got) != 0 {
			t.Fatalf("search 山田 after the edit: got %d, want 0", len(got))
		}
		// A search combined with a filter and paged.
		got, _, err := ten.People(ctx, store.PeopleQuery{Search: "田中", Department: "営業部", Current: true, Limit: 1})
		if err != nil || len(got) != 1 || got[0].Name != "田中太郎" {
			t.Fatalf("search 田中 in 営業部: got %v (%v), want 田中太郎", got, err)
		}
	})
}

// BenchmarkPeopleSearch times a page of the people list searched, on
// 10,000 generated people (the large tenant's people, without the rest):
//
//	go test -run XXX -bench PeopleSearch ./internal/store/
func BenchmarkPeopleSearch(b *testing.B) {
	for _, e := range storetest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			ctx := context.Background()
			db := storetest.Open(b, e, nil)
			ten := db.Tenant(mustOrg(b, db, "search-bench"))
			data := synth.Generate(1, synth.Size{People: synth.Large.People}, benchDay)
			if err := ten.BulkLoad(ctx, actor, data); err != nil {
				b.Fatal(err)
			}
			for _, q := range []string{"田", "田中", "タナカ", "tanaka", "営業"} {
				b.Run(q, func(b *testing.B) {
					for b.Loop() {
						if _, _, err := ten.People(ctx, store.PeopleQuery{Search: q, Current: true, Limit: 50, CountUpTo: 50}); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
