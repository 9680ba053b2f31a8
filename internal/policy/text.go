package policy

import "strings"

// Block is one block of a policy text, as the pages show it. The texts are
// "Markdown-ish": a line starting "# " is a chapter title, "## " a section,
// "- " a list item, "1. " a numbered item; other lines run together into
// paragraphs, and a blank line ends one.
type Block struct {
	Kind string // h1, h2, li, ol, p
	Text string
}

// Blocks splits a text into its blocks.
func Blocks(s string) []Block {
	var out []Block
	var para []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, Block{Kind: "p", Text: strings.Join(para, " ")})
			para = nil
		}
	}
	for _, line := range Lines(s) {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			flush()
		case strings.HasPrefix(t, "## "):
			flush()
			out = append(out, Block{Kind: "h2", Text: strings.TrimSpace(t[3:])})
		case strings.HasPrefix(t, "# "):
			flush()
			out = append(out, Block{Kind: "h1", Text: strings.TrimSpace(t[2:])})
		case strings.HasPrefix(t, "- "):
			flush()
			out = append(out, Block{Kind: "li", Text: strings.TrimSpace(t[2:])})
		case numbered(t):
			flush()
			out = append(out, Block{Kind: "ol", Text: t})
		default:
			para = append(para, t)
		}
	}
	flush()
	return out
}

func numbered(t string) bool {
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	return i > 0 && i < 3 && strings.HasPrefix(t[i:], ". ")
}

// Lines splits a text into lines, whatever its line ends.
func Lines(s string) []string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// Chapters returns the chapter titles of a text (its "# " lines), for a
// table of contents.
func Chapters(s string) []string {
	var out []string
	for _, b := range Blocks(s) {
		if b.Kind == "h1" {
			out = append(out, b.Text)
		}
	}
	return out
}
