package inventory

import (
	"testing"

	"github.com/mamori-sec/mamori/internal/i18n"
)

func TestCatalogueEntriesAreValidServices(t *testing.T) {
	entries := Catalogue()
	if len(entries) < 25 {
		t.Fatalf("got %d catalogue entries, want at least 25", len(entries))
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	keys, names := map[string]bool{}, map[string]bool{}
	for _, e := range entries {
		t.Run(e.Key, func(t *testing.T) {
			if e.Key == "" || keys[e.Key] {
				t.Fatalf("key %q empty or not unique", e.Key)
			}
			if n := foldName(e.Name); n != "" && names[n] {
				t.Fatalf("name %q not unique", e.Name)
			}
			keys[e.Key], names[foldName(e.Name)] = true, true
			s := e.Service()
			if s.Name == "" {
				s.Name = e.Label(func(key string, args ...any) string { return cat.T(i18n.Japanese, key, args...) })
			}
			if err := s.Validate(); err != nil {
				t.Fatalf("as a service: %v", err)
			}
			if s.CatalogueKey != e.Key {
				t.Fatalf("got catalogue key %q, want %q", s.CatalogueKey, e.Key)
			}
			for _, key := range []string{e.DescriptionKey(), e.NameKey()} {
				if key != "" && !cat.Has(key) {
					t.Fatalf("message %s missing in a language", key)
				}
			}
			for _, l := range i18n.Locales {
				name := e.Label(func(key string, args ...any) string { return cat.T(l, key, args...) })
				if got, ok := Lookup(name); !ok || got.Key != e.Key {
					t.Fatalf("Lookup(%q): got %q %v, want itself", name, got.Key, ok)
				}
			}
			if got, ok := CatalogueByKey(e.Key); !ok || got.Name != e.Name {
				t.Fatalf("CatalogueByKey(%q): got %q %v", e.Key, got.Name, ok)
			}
		})
	}
}

// TestCatalogueAliasesDoNotCollide: an alias must name one entry only.
func TestCatalogueAliasesDoNotCollide(t *testing.T) {
	seen := map[string]string{}
	for _, e := range Catalogue() {
		for _, n := range append([]string{e.Name, e.Key}, e.Aliases...) {
			f := foldName(n)
			if f == "" {
				continue // an entry without a product name
			}
			if other, ok := seen[f]; ok && other != e.Key {
				t.Errorf("%q names both %s and %s", n, other, e.Key)
			}
			seen[f] = e.Key
		}
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		name, want string
	}{
		{"G Suite", "google_workspace"},
		{"Gsuite", "google_workspace"},
		{"google workspace", "google_workspace"},
		{"ＧＯＯＧＬＥ　ＷＯＲＫＳＰＡＣＥ", "google_workspace"},
		{"Office 365", "microsoft_365"},
		{"O365", "microsoft_365"},
		{"m365", "microsoft_365"},
		{"Ｍ３６５", "microsoft_365"},
		{"Teams", "microsoft_365"},
		{"マネフォ", "moneyforward_accounting"},
		{"ﾏﾈｰﾌｫﾜｰﾄﾞ", "moneyforward_accounting"},
		{"マネーフォワードクラウド会計", "moneyforward_accounting"},
		{"サイボウズ", "cybozu_office"},
		{"サイボウズ・オフィス", "cybozu_office"},
		{"KINTONE", "kintone"},
		{"ｷﾝﾄｰﾝ", "kintone"},
		{"freee", "freee_accounting"},
		{"Line Works", "line_works"},
		{"お名前ドットコム", "onamae"},
		{"smart hr", "smarthr"},
		{"ﾊﾟｰﾄﾅｰ", ""},
		{"", ""},
		{"   ", ""},
		{"社内ファイルサーバ", ""},
	}
	for _, tt := range tests {
		got, ok := Lookup(tt.name)
		if tt.want == "" {
			if ok {
				t.Errorf("Lookup(%q): got %q, want no match", tt.name, got.Key)
			}
			continue
		}
		if !ok || got.Key != tt.want {
			t.Errorf("Lookup(%q): got %q %v, want %q", tt.name, got.Key, ok, tt.want)
		}
	}
}

func TestFoldName(t *testing.T) {
	for in, want := range map[string]string{
		"ｶﾞﾙｰﾝ":    "ガルン",
		"ﾊﾟｿｺﾝ":    "パソコン",
		"Ａｂｃ－１":    "abc1",
		"ヴ":        "ヴ",
		"ｳﾞｪﾙﾃﾞｨ":  "ヴェルディ",
		"お名前 .com": "お名前com",
	} {
		if got := foldName(in); got != want {
			t.Errorf("foldName(%q): got %q, want %q", in, got, want)
		}
	}
}
