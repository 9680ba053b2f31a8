// Package partner is the company's register of partners and contractors
// (取引先・委託先): who they are, the domains their people write from, and
// what the contract says about the information the company entrusts to
// them. The mail guard reads the names and domains (look-alike domains, a
// partner named in a message sent elsewhere); the self-diagnosis reads the
// contract facts (question 22, confidentiality terms). The record kind is
// described here once: its fields, its enums with their catalogue keys and
// its validation, which every path that writes a partner goes through.
package partner

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/problem"
)

// Terms says whether the contract with a partner holds confidentiality
// terms (秘密保持の定め): catalogue key partner.terms.<Terms>.
type Terms string

// The answers about confidentiality terms. Unchecked is the zero value:
// nobody has looked at the contract yet.
const (
	TermsUnchecked Terms = ""
	TermsYes       Terms = "yes"
	TermsNo        Terms = "no"
)

// TermsChoices lists the answers in the order a form offers them.
var TermsChoices = []Terms{TermsYes, TermsNo, TermsUnchecked}

// Key is the catalogue key of the answer's label.
func (t Terms) Key() string {
	if t == TermsUnchecked {
		return "partner.terms.unchecked"
	}
	return "partner.terms." + string(t)
}

// Limits of the texts of a partner.
const (
	MaxName = 200
	MaxNote = 2000
)

// Partner is a company the organisation corresponds with or entrusts work
// to. AgreedOn and EndsOn are days (zero: not known).
type Partner struct {
	ID      int64
	Name    string
	Domains []string
	// Entrusted says the company hands the partner important information
	// (customer data, designs, payroll): the partners question 22 is about.
	Entrusted bool
	Terms     Terms
	AgreedOn  calendar.Day // the day the confidentiality terms were agreed
	EndsOn    calendar.Day // the day the contract ends
	Note      string
}

// Owns reports whether domain (lower case) is one of the partner's
// domains or below one.
func (p Partner) Owns(domain string) bool {
	for _, d := range p.Domains {
		d = strings.ToLower(d)
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return true
		}
	}
	return false
}

// SplitDomains reads the domains as typed into a form: separated by
// spaces, commas or the Japanese comma (U+3001), in any case.
func SplitDomains(s string) []string {
	const ideographicComma, fullwidthComma = 0x3001, 0xFF0C
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == ideographicComma || r == fullwidthComma
	})
}

// Normalize trims the texts and lowers the domains, dropping repeats.
func (p *Partner) Normalize() {
	p.Name = strings.TrimSpace(p.Name)
	p.Note = strings.TrimSpace(p.Note)
	var ds []string
	seen := map[string]bool{}
	for _, d := range p.Domains {
		d = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
		if d != "" && !seen[d] {
			seen[d] = true
			ds = append(ds, d)
		}
	}
	p.Domains = ds
}

// Validate normalizes p and refuses what cannot be kept, naming the
// field: an empty or over-long name, a domain that is not a domain name,
// an unknown answer about the terms, terms agreed on a day while the
// answer is not "yes", a contract that ends before its terms were agreed,
// an over-long note.
func (p *Partner) Validate() error {
	p.Normalize()
	switch {
	case p.Name == "":
		return problem.Field("name", "partner.name_required")
	case utf8.RuneCountInString(p.Name) > MaxName:
		return problem.Field("name", "partner.name_too_long", MaxName)
	}
	for _, d := range p.Domains {
		if !ValidDomain(d) {
			return problem.Field("domains", "partner.domain_invalid", d)
		}
	}
	switch p.Terms {
	case TermsUnchecked, TermsYes, TermsNo:
	default:
		return problem.Field("terms", "partner.terms_invalid")
	}
	if p.AgreedOn != 0 && p.Terms != TermsYes {
		return problem.Field("agreed_on", "partner.agreed_without_terms")
	}
	if p.AgreedOn != 0 && p.EndsOn != 0 && p.EndsOn < p.AgreedOn {
		return problem.Field("ends_on", "partner.ends_before_agreed")
	}
	if utf8.RuneCountInString(p.Note) > MaxNote {
		return problem.Field("note", "partner.note_too_long", MaxNote)
	}
	return nil
}

// ValidDomain reports whether d (lower case) reads as a domain name: at
// least two labels of letters, digits and hyphens (an internationalised
// name in its xn-- form), no label empty, starting or ending with a hyphen.
func ValidDomain(d string) bool {
	if len(d) > 253 {
		return false
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}
