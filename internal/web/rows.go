package web

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mamori-sec/mamori/internal/inventory"
)

// The rows of long lists are written here rather than by html/template:
// its reflective call for every field and every escaper of every cell cost
// about 60 µs a row, most of a list page's time. The escaping is
// html/template's own, ported (escapeHTML, escapeHref), and a test renders
// the same rows through a template and wants the same bytes
// (TestRowsRenderAsTheTemplateDid).

// escapeHTML writes s escaped as html/template escapes a value in text or
// in a quoted attribute.
func escapeHTML(b *strings.Builder, s string) {
	written := 0
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		var repl string
		switch r {
		case 0:
			repl = "\uFFFD"
		case '"':
			repl = "&#34;"
		case '&':
			repl = "&amp;"
		case '\'':
			repl = "&#39;"
		case '+':
			repl = "&#43;"
		case '<':
			repl = "&lt;"
		case '>':
			repl = "&gt;"
		}
		if repl != "" {
			b.WriteString(s[written:i])
			b.WriteString(repl)
			written = i + w
		}
		i += w
	}
	b.WriteString(s[written:])
}

// escapeHref writes s as html/template writes a value in a quoted href: a
// scheme other than http, https or mailto is refused, the URL normalised
// (percent-encoding what is not allowed in one) and then escaped.
func escapeHref(b *strings.Builder, s string) {
	if protocol, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(protocol, "/") {
		if !strings.EqualFold(protocol, "http") && !strings.EqualFold(protocol, "https") && !strings.EqualFold(protocol, "mailto") {
			s = "#ZgotmplZ"
		}
	}
	var n strings.Builder
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte("!#$&*+,/:;=?@[]-._~", c) >= 0,
			'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			continue
		case c == '%' && i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2]):
			continue
		}
		n.WriteString(s[written:i])
		fmt.Fprintf(&n, "%%%02x", c)
		written = i + 1
	}
	if written != 0 {
		n.WriteString(s[written:])
		s = n.String()
	}
	escapeHTML(b, s)
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// writeShown writes one shown value as the "shown-one" template does.
func writeShown(b *strings.Builder, s shown) {
	switch {
	case s.Link != "":
		b.WriteString(`<a href="`)
		escapeHref(b, s.Link)
		b.WriteString(`">`)
		escapeHTML(b, s.Text)
		b.WriteString(`</a>`)
	case s.Class != "":
		b.WriteString(`<span class="`)
		escapeHTML(b, s.Class)
		b.WriteString(`">`)
		escapeHTML(b, s.Text)
		b.WriteString(`</span>`)
	default:
		escapeHTML(b, s.Text)
	}
}

// cellRows renders the rows of an inventory list, each "<tr>" on a line of
// its own.
func cellRows(rows [][]cell) template.HTML {
	var b strings.Builder
	b.Grow(len(rows) * 1024)
	for _, row := range rows {
		b.WriteString("\n    <tr>")
		for _, c := range row {
			b.WriteString(`<td data-label="`)
			escapeHTML(&b, c.Label)
			b.WriteString(`"`)
			if c.Short {
				b.WriteString(` class="nowrap"`)
			}
			b.WriteString(`>`)
			switch {
			case c.Link != "":
				b.WriteString(`<a href="`)
				escapeHref(&b, c.Link)
				b.WriteString(`">`)
				for _, it := range c.Items {
					escapeHTML(&b, it.Text)
				}
				b.WriteString(`</a>`)
			case c.One != nil:
				writeShown(&b, *c.One)
			case len(c.Items) > 0:
				b.WriteString(`<ul class="plain">`)
				for _, it := range c.Items {
					b.WriteString(`<li>`)
					writeShown(&b, it)
					b.WriteString(`</li>`)
				}
				b.WriteString(`</ul>`)
			default:
				b.WriteString(`<span class="muted">—</span>`)
			}
			b.WriteString(`</td>`)
		}
		b.WriteString(`</tr>`)
	}
	return template.HTML(b.String())
}

// RowsHTML is the list's rows, for the "inventory-table" template.
func (p listPage) RowsHTML() template.HTML { return cellRows(p.Rows) }

// RowsHTML renders the rows of the people list, as the "people-table"
// template wrote them.
func (p peoplePage) RowsHTML() template.HTML {
	label := func(k string) string {
		var b strings.Builder
		escapeHTML(&b, p.T(k))
		return b.String()
	}
	name, dept, typ, email, join, left := label("person.name"), label("person.department"), label("person.employment_type"),
		label("person.email"), label("person.join_date"), label("person.leave_date")
	types := map[inventory.EmploymentType]string{}
	var b strings.Builder
	b.Grow(len(p.People) * 700)
	for _, x := range p.People {
		t, ok := types[x.EmploymentType]
		if !ok {
			t = label("employment." + string(x.EmploymentType))
			types[x.EmploymentType] = t
		}
		b.WriteString("\n    <tr>\n      <td data-label=\"" + name + "\"><a href=\"")
		escapeHref(&b, p.OrgURL("/people/")+strconv.FormatInt(x.ID, 10))
		b.WriteString(`"><ruby>`)
		escapeHTML(&b, x.Name)
		b.WriteString(`<rt>`)
		escapeHTML(&b, x.Kana)
		b.WriteString("</rt></ruby></a></td>\n      <td data-label=\"" + dept + "\">")
		escapeHTML(&b, x.Department)
		b.WriteString("</td>\n      <td data-label=\"" + typ + "\">" + t + "</td>\n      <td class=\"mono\" data-label=\"" + email + "\">")
		escapeHTML(&b, x.Email)
		b.WriteString("</td>\n      <td data-label=\"" + join + "\">")
		escapeHTML(&b, p.Day(x.JoinDate))
		b.WriteString("</td>\n      ")
		if p.ShowLeft {
			b.WriteString("<td data-label=\"" + left + "\">")
			escapeHTML(&b, p.Day(x.LeaveDate))
			b.WriteString("</td>")
		}
		b.WriteString("\n    </tr>")
	}
	return template.HTML(b.String())
}
