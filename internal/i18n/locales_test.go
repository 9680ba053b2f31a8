package i18n

import (
	"testing"
	"testing/fstest"
)

// TestThirdLanguageIsAFolder: a language is added by adding its folder of
// messages; nothing in Go names it.
func TestThirdLanguageIsAFolder(t *testing.T) {
	fsys := fstest.MapFS{
		"catalogue/ja/core.json": {Data: []byte(`{"language.name": "日本語", "hello": "こんにちは"}`)},
		"catalogue/en/core.json": {Data: []byte(`{"language.name": "English", "hello": "Hello"}`)},
		"catalogue/fr/core.json": {Data: []byte(`{"language.name": "Français", "hello": "Bonjour"}`)},
	}
	locales := localesIn(fsys)
	if len(locales) != 3 || locales[0] != Japanese || locales[1] != English || locales[2] != "fr" {
		t.Fatalf("localesIn = %v, want [ja en fr]", locales)
	}
	c, err := load(fsys, locales)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("fr", "hello"); got != "Bonjour" {
		t.Errorf(`T(fr, hello) = %q, want "Bonjour"`, got)
	}
	for in, want := range map[string]Locale{"fr": "fr", "fr-FR": "fr", "fr_CA.UTF-8": "fr", "de": "", "ja-JP": Japanese, "jpn": Japanese} {
		if got := parseIn(locales, in); got != want {
			t.Errorf("parseIn(%q) = %q, want %q", in, got, want)
		}
	}
	for h, want := range map[string]Locale{"fr-FR,fr;q=0.9,en;q=0.5": "fr", "de,fr;q=0.9": English, "en,fr;q=0.5": English} {
		if got := fromAcceptLanguageIn(locales, h); got != want {
			t.Errorf("fromAcceptLanguageIn(%q) = %q, want %q", h, got, want)
		}
	}
}

// TestEveryLanguageNamesItself: the language menu shows each language by
// its own name, from its own catalogue.
func TestEveryLanguageNamesItself(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range Locales {
		if c.Raw(l, "language.name") == "" {
			t.Errorf("%s: language.name missing", l)
		}
	}
}
