package inventory

import (
	"github.com/mamori-sec/mamori/internal/calendar"

	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/mamori-sec/mamori/internal/problem"
)

// CheckValue is the one check of one value of a field, whichever path it
// came by: a form, a cell of an import, the API. It refuses text that is
// not UTF-8, that holds a NUL or another control character (a line break
// only in long text), that is longer than the field allows, a value an
// enumeration does not have and a date that is not a calendar day. The
// refusal names the field; its key is the same on every path.
func CheckValue(f Field, s string) error {
	switch f.Type {
	case Text, LongText, Email, List, Retention, Country:
		if err := checkText(f, s); err != nil {
			return err
		}
		if f.Type == Email && s != "" && !EmailShape(s) {
			return problem.Field(f.Key, "inventory.email_invalid", s)
		}
	case Enum, TriState:
		if !f.Has(s) {
			return problem.Field(f.Key, "inventory.value_invalid", printable(s))
		}
	case Date:
		if s == "" {
			return nil
		}
		if _, err := calendar.ParseISO(s); err != nil {
			return problem.Field(f.Key, "inventory.date_invalid", printable(s))
		}
	}
	return nil
}

// checkText refuses broken text: not UTF-8, control characters, too long.
func checkText(f Field, s string) error {
	if !utf8.ValidString(s) {
		return problem.Field(f.Key, "inventory.text_encoding")
	}
	multi := f.Type == LongText
	n := 0
	for _, r := range s {
		n++
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r == '\u2028' || r == '\u2029' {
			if multi && (r == '\n' || r == '\r' || r == '\t') {
				continue
			}
			return problem.Field(f.Key, "inventory.text_control", int(r))
		}
	}
	if f.Max > 0 && n > f.Max {
		return problem.Field(f.Key, "inventory.too_long", f.Max)
	}
	return nil
}

// printable is a refused value as a message may show it: valid UTF-8 and
// no longer than a line.
func printable(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:40]) + "…"
	}
	return s
}

// EmailShape reports an address with one @, something on both sides, a
// dot inside the domain and no spaces or list separators.
func EmailShape(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at != strings.LastIndexByte(s, '@') || at == len(s)-1 {
		return false
	}
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == ',' || r == ';' || r == '<' || r == '>' }) {
		return false
	}
	domain := s[at+1:]
	return strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// Check validates rec (a *Person, *Service, *Account, *Device, *Asset or
// *Share of kind k) field by field, in the order of the description, and
// names the first field that is wrong. Every value but long text is
// trimmed first, as every path stores it.
func (k *Kind) Check(rec any) error {
	for _, f := range k.Fields {
		switch {
		case f.str != nil:
			p := f.str(rec)
			if f.Type != LongText {
				*p = strings.TrimSpace(*p)
			}
			if *p == "" {
				if f.Required {
					return problem.Field(f.Key, f.Missing)
				}
				if f.Type == Enum && !f.Has("") || f.Type == TriState && !f.Has("") {
					return problem.Field(f.Key, "inventory.value_invalid", "")
				}
				continue
			}
			if err := CheckValue(f, *p); err != nil {
				return err
			}
		case f.num != nil:
			if n := *f.num(rec); n < f.Min || n > f.Max {
				if f.Max == 3 {
					return problem.Field(f.Key, "inventory.cia_range", n)
				}
				return problem.Field(f.Key, "inventory.value_invalid", "")
			}
		case f.ref != nil:
			if f.Required && f.ref(rec) == 0 {
				return problem.Field(f.Key, f.Missing)
			}
		case f.lst != nil:
			for _, item := range f.lst(rec) {
				if err := CheckValue(f, item); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Fold is the form a natural key is compared in, on every path: NFKC
// (full-width letters and half-width kana made ordinary), lower case,
// runs of spaces as one. "Slack" and "ｓｌａｃｋ " are one service.
func Fold(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			s = norm.NFKC.String(s)
			break
		}
	}
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}
