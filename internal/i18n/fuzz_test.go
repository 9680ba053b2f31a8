package i18n

import "testing"

// FuzzFromAcceptLanguage: any header yields one of the two locales and
// never panics.
func FuzzFromAcceptLanguage(f *testing.F) {
	for _, s := range []string{"", "ja", "ja-JP,ja;q=0.9,en;q=0.8", "en;q=abc", ";;,,", "*;q=0.1", "JA-jp;q=1.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		if l := FromAcceptLanguage(h); l != Japanese && l != English {
			t.Fatalf("got %q for %q", l, h)
		}
	})
}
