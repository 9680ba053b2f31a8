package lesson

import (
	"html"
	"html/template"
	"net/url"
	"strings"
)

// Render turns a lesson's Markdown into HTML. It knows a small subset —
// headings (# and ## as sections of the page, ### below them), paragraphs, lists (- or * and 1.), **bold** and
// [links](https://…) — and escapes everything else, raw HTML included, so
// a lesson a keeper wrote can never put markup or script on a page. A link
// leads only to an http(s) address or a path on this site.
func Render(md string) template.HTML {
	var b strings.Builder
	var para []string
	list := "" // "ul" or "ol" while one is open
	flushPara := func() {
		if len(para) > 0 {
			b.WriteString("<p>")
			b.WriteString(inline(strings.Join(para, " ")))
			b.WriteString("</p>\n")
			para = nil
		}
	}
	closeList := func() {
		if list != "" {
			b.WriteString("</" + list + ">\n")
			list = ""
		}
	}
	for _, raw := range strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n") {
		line := strings.TrimSpace(raw)
		switch {
		case line == "":
			flushPara()
			closeList()
		case strings.HasPrefix(line, "### "), strings.HasPrefix(line, "## "), strings.HasPrefix(line, "# "):
			flushPara()
			closeList()
			hashes, text, _ := strings.Cut(line, " ")
			// The page's title is the h1: # and ## are its sections.
			tag := [...]string{"h2", "h2", "h3"}[len(hashes)-1]
			b.WriteString("<" + tag + ">" + inline(strings.TrimSpace(text)) + "</" + tag + ">\n")
		case strings.HasPrefix(line, "- "), strings.HasPrefix(line, "* "):
			flushPara()
			openList(&b, &list, "ul")
			b.WriteString("<li>" + inline(strings.TrimSpace(line[2:])) + "</li>\n")
		case orderedItem(line) != "":
			flushPara()
			openList(&b, &list, "ol")
			b.WriteString("<li>" + inline(orderedItem(line)) + "</li>\n")
		default:
			closeList()
			para = append(para, line)
		}
	}
	flushPara()
	closeList()
	return template.HTML(b.String()) //nolint:gosec // built only from escaped text and our own tags
}

func openList(b *strings.Builder, list *string, tag string) {
	if *list == tag {
		return
	}
	if *list != "" {
		b.WriteString("</" + *list + ">\n")
	}
	b.WriteString("<" + tag + ">\n")
	*list = tag
}

// orderedItem returns the text of a "1. text" line, "" for other lines.
func orderedItem(line string) string {
	i := 0
	for i < len(line) && i < 3 && line[i] >= '0' && line[i] <= '9' {
		i++
	}
	if i == 0 || i+1 >= len(line) || line[i] != '.' || line[i+1] != ' ' {
		return ""
	}
	return strings.TrimSpace(line[i+2:])
}

// inline escapes text and applies **bold** and [text](link).
func inline(s string) string {
	var b strings.Builder
	bold := false
	for len(s) > 0 {
		switch {
		case strings.HasPrefix(s, "**"):
			if bold {
				b.WriteString("</strong>")
			} else if strings.Contains(s[2:], "**") {
				b.WriteString("<strong>")
			} else {
				b.WriteString("**")
				s = s[2:]
				continue
			}
			bold = !bold
			s = s[2:]
		case s[0] == '[':
			text, link, rest, ok := linkAt(s)
			if !ok {
				b.WriteString(html.EscapeString("["))
				s = s[1:]
				continue
			}
			if safeLink(link) {
				b.WriteString(`<a href="` + html.EscapeString(link) + `">` + html.EscapeString(text) + "</a>")
			} else {
				b.WriteString(html.EscapeString(text))
			}
			s = rest
		default:
			n := strings.IndexAny(s[1:], "*[")
			if n < 0 {
				n = len(s)
			} else {
				n++
			}
			b.WriteString(html.EscapeString(s[:n]))
			s = s[n:]
		}
	}
	if bold {
		b.WriteString("</strong>")
	}
	return b.String()
}

// linkAt reads "[text](link)" at the start of s.
func linkAt(s string) (text, link, rest string, ok bool) {
	end := strings.Index(s, "](")
	if end < 0 || strings.ContainsAny(s[1:end], "[]") {
		return "", "", "", false
	}
	close := strings.IndexByte(s[end+2:], ')')
	if close < 0 {
		return "", "", "", false
	}
	text, link = s[1:end], s[end+2:end+2+close]
	return text, link, s[end+3+close:], text != ""
}

// safeLink accepts an absolute http(s) address or a path on this site.
func safeLink(link string) bool {
	if strings.ContainsAny(link, " \t\\\"'<>`") || link == "" {
		return false
	}
	if strings.HasPrefix(link, "/") {
		return !strings.HasPrefix(link, "//")
	}
	u, err := url.Parse(link)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
