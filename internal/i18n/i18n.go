// Package i18n holds mamori's Japanese and English message catalogues and
// decides which language a person sees.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
)

// Locale is a language mamori speaks.
type Locale string

// The languages the product is written in: Japanese first, English
// complete.
const (
	Japanese Locale = "ja"
	English  Locale = "en"
)

// Locales lists the languages mamori speaks, in display order: Japanese,
// English, then any other language with a folder of messages under
// catalogue/, so that adding a language is adding its folder.
var Locales = localesIn(files)

// localesIn lists the folders of catalogue/ as locales, Japanese and
// English first.
func localesIn(fsys fs.FS) []Locale {
	entries, err := fs.ReadDir(fsys, "catalogue")
	if err != nil {
		return []Locale{Japanese, English}
	}
	out := []Locale{Japanese, English}
	for _, e := range entries {
		if l := Locale(e.Name()); e.IsDir() && l != Japanese && l != English {
			out = append(out, l)
		}
	}
	return out
}

// Parse returns the locale named by s (ja, ja-JP, en_US, jpn …), or "" if
// mamori does not speak it.
func Parse(s string) Locale { return parseIn(Locales, s) }

// UserLocale is the language to write to a person in: their own choice,
// or Japanese (the product's first language) when they made none.
func UserLocale(s string) Locale {
	if l := Parse(s); l != "" {
		return l
	}
	return Japanese
}

func parseIn(locales []Locale, s string) Locale {
	base := strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(base, "-_.@"); i >= 0 {
		base = base[:i]
	}
	switch base { // ISO 639-2 codes
	case "jpn":
		base = "ja"
	case "eng":
		base = "en"
	}
	if base == "" {
		return ""
	}
	for _, l := range locales {
		if string(l) == base {
			return l
		}
	}
	return ""
}

// Each language is a folder of JSON files, one per module (core.json,
// inventory.json, findings.json, …), merged at load; a key defined twice is
// an error.
//
//go:embed catalogue
var files embed.FS

// Catalogue maps message keys to text per locale.
type Catalogue struct {
	msgs map[Locale]map[string]string
}

// Load reads the embedded catalogues.
func Load() (*Catalogue, error) { return load(files, Locales) }

func load(files fs.FS, locales []Locale) (*Catalogue, error) {
	c := &Catalogue{msgs: map[Locale]map[string]string{}}
	for _, l := range locales {
		dir := "catalogue/" + string(l)
		entries, err := fs.ReadDir(files, dir)
		if err != nil {
			return nil, err
		}
		all := map[string]string{}
		for _, e := range entries {
			b, err := fs.ReadFile(files, dir+"/"+e.Name())
			if err != nil {
				return nil, err
			}
			m := map[string]string{}
			if err := json.Unmarshal(b, &m); err != nil {
				return nil, fmt.Errorf("catalogue %s/%s: %w", l, e.Name(), err)
			}
			for k, v := range m {
				if _, dup := all[k]; dup {
					return nil, fmt.Errorf("catalogue %s: key %q defined twice (%s)", l, k, e.Name())
				}
				all[k] = v
			}
		}
		c.msgs[l] = all
	}
	return c, nil
}

// T returns the message for key in locale l, formatted with args. A missing
// key returns the key itself, so a gap is visible rather than blank (and the
// catalogue test fails on it).
func (c *Catalogue) T(l Locale, key string, args ...any) string {
	m, ok := c.msgs[l][key]
	if !ok {
		m, ok = c.msgs[English][key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 {
		return m
	}
	cloned := false
	for i, a := range args {
		if nested, ok := a.(Message); ok {
			if !cloned {
				args, cloned = slices.Clone(args), true
			}
			k, as := nested.Message()
			args[i] = c.T(l, k, as...)
		}
	}
	return fmt.Sprintf(m, args...)
}

// Message is a message given as an argument of another, translated into
// the same language: a *problem.Error is one.
type Message interface {
	Message() (key string, args []any)
}

// Has reports whether key exists in every catalogue.
func (c *Catalogue) Has(key string) bool {
	for _, l := range Locales {
		if _, ok := c.msgs[l][key]; !ok {
			return false
		}
	}
	return true
}

// Keys lists every key of locale l, sorted.
func (c *Catalogue) Keys(l Locale) []string {
	keys := make([]string, 0, len(c.msgs[l]))
	for k := range c.msgs[l] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Raw returns the unformatted message, "" if missing.
func (c *Catalogue) Raw(l Locale, key string) string { return c.msgs[l][key] }

// Negotiate picks the locale: the user's own setting, then the language
// cookie, then the browser's Accept-Language (Japanese for "ja", else English).
func Negotiate(userSetting, cookie, acceptLanguage string) Locale {
	if l := Parse(userSetting); l != "" {
		return l
	}
	if l := Parse(cookie); l != "" {
		return l
	}
	return FromAcceptLanguage(acceptLanguage)
}

// FromAcceptLanguage reads an Accept-Language header: the highest-weighted
// language gives that language when mamori speaks it, English otherwise.
func FromAcceptLanguage(h string) Locale { return fromAcceptLanguageIn(Locales, h) }

func fromAcceptLanguageIn(locales []Locale, h string) Locale {
	best, bestQ := English, -1.0
	for _, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if tag == "" {
			continue
		}
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if _, err := fmt.Sscanf(v, "%g", &q); err != nil {
				q = 0
			}
		}
		if q > bestQ {
			bestQ = q
			best = English
			if l := parseIn(locales, tag); l != "" {
				best = l
			}
		}
	}
	return best
}

// FromEnv picks the command line's language from LC_ALL, LC_MESSAGES, LANG.
func FromEnv(getenv func(string) string) Locale {
	for _, k := range []string{"MAMORI_LANG", "LC_ALL", "LC_MESSAGES", "LANG"} {
		v := getenv(k)
		if v == "" {
			continue
		}
		if l := Parse(v); l != "" {
			return l
		}
		return English
	}
	return English
}
