package i18n

import (
	"regexp"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/problem"
)

// TestCataloguesComplete fails on a key missing or empty in either language,
// and on a message whose format verbs differ between the languages or that
// takes two or more arguments without indexed verbs (%[1]s), since word
// order differs between Japanese and English.
func TestCataloguesComplete(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	verb := regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)
	indexed := regexp.MustCompile(`%\[(\d+)\]`)
	for _, l := range Locales {
		for _, other := range Locales {
			for _, k := range c.Keys(other) {
				if strings.TrimSpace(c.Raw(l, k)) == "" {
					t.Errorf("%s: key %q missing or empty", l, k)
				}
			}
		}
	}
	for _, k := range c.Keys(Japanese) {
		ja, en := c.Raw(Japanese, k), c.Raw(English, k)
		vj, ve := verb.FindAllString(ja, -1), verb.FindAllString(en, -1)
		if len(vj) != len(ve) {
			t.Errorf("%q: got %d verbs in ja, %d in en", k, len(vj), len(ve))
		}
		for _, msg := range []string{ja, en} {
			vs := verb.FindAllString(msg, -1)
			n := 0
			for _, v := range vs {
				if v != "%%" {
					n++
				}
			}
			if n >= 2 && len(indexed.FindAllString(msg, -1)) != n {
				t.Errorf("%q: %d arguments without indexed verbs in %q", k, n, msg)
			}
		}
	}
}

func TestNegotiate(t *testing.T) {
	tests := []struct {
		user, cookie, accept string
		want                 Locale
	}{
		{"", "", "ja,en-US;q=0.9", Japanese},
		{"", "", "en-US,en;q=0.9,ja;q=0.8", English},
		{"", "", "fr-FR", English},
		{"", "", "", English},
		{"", "ja", "en-US", Japanese},
		{"en", "ja", "ja", English},
		{"", "", "en;q=0.5, ja-JP;q=0.8", Japanese},
	}
	for _, tt := range tests {
		if got := Negotiate(tt.user, tt.cookie, tt.accept); got != tt.want {
			t.Errorf("Negotiate(%q,%q,%q): got %s, want %s", tt.user, tt.cookie, tt.accept, got, tt.want)
		}
	}
}

func TestFromEnv(t *testing.T) {
	env := map[string]string{"LANG": "ja_JP.UTF-8"}
	if got := FromEnv(func(k string) string { return env[k] }); got != Japanese {
		t.Errorf("got %s, want ja", got)
	}
	env = map[string]string{"LANG": "C.UTF-8"}
	if got := FromEnv(func(k string) string { return env[k] }); got != English {
		t.Errorf("got %s, want en", got)
	}
}

// TestNestedMessage: a message given as an argument of another is
// translated into the same language, so that an import's row error says
// why in the words of the form.
func TestNestedMessage(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	reason := problem.Field("name", "inventory.too_long", 200)
	for l, want := range map[Locale]string{Japanese: "3 行目の「氏名」：長すぎます（200 文字までです）。", English: "Row 3, “Name”: Too long (at most 200 characters)."} {
		col := "氏名"
		if l == English {
			col = "Name"
		}
		if got := c.T(l, "import.row_refused", 3, col, reason); got != want {
			t.Errorf("%s: got %q, want %q", l, got, want)
		}
	}
	if reason.Args[0] != 200 {
		t.Errorf("the nested message's arguments changed: %v", reason.Args)
	}
}

// TestUserLocale: a person who chose no language is written to in
// Japanese (the held-mail notice of a demo user came out in English).
func TestUserLocale(t *testing.T) {
	for in, want := range map[string]Locale{"": Japanese, "en": English, "en-US": English, "ja": Japanese, "fr": Japanese, " ": Japanese} {
		if got := UserLocale(in); got != want {
			t.Errorf("UserLocale(%q) = %q, want %q", in, got, want)
		}
	}
}
