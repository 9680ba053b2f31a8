package lesson

import (
	"regexp"
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	cases := []struct{ in, want string }{
		{"# 見出し", "<h2>見出し</h2>\n"},
		{"本文と **太字** です", "<p>本文と <strong>太字</strong> です</p>\n"},
		{"- 一\n- 二\n\n1. 三", "<ul>\n<li>一</li>\n<li>二</li>\n</ul>\n<ol>\n<li>三</li>\n</ol>\n"},
		{"[IPA](https://www.ipa.go.jp/)", `<p><a href="https://www.ipa.go.jp/">IPA</a></p>` + "\n"},
		{"[x](javascript:alert(1))", "<p>x)</p>\n"},
		{"[x](//evil.example/)", "<p>x</p>\n"},
		{"<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"},
		{`[a"onmouseover=x](https://a.example/)`, `<p><a href="https://a.example/">a&#34;onmouseover=x</a></p>` + "\n"},
		{"**開いたまま", "<p>**開いたまま</p>\n"},
		{"<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n"},
	}
	for _, c := range cases {
		if got := string(Render(c.in)); got != c.want {
			t.Errorf("Render(%q): got %q, want %q", c.in, got, c.want)
		}
	}
}

var (
	tagPattern  = regexp.MustCompile(`<(/?)([a-z0-9]+)((?: href="[^"<>]*")?)>`)
	allowedTags = map[string]bool{"h2": true, "h3": true, "h4": true, "p": true, "ul": true, "ol": true, "li": true, "strong": true, "a": true}
)

// checkSafe fails when rendered HTML holds anything but our own tags, an
// href that is not http(s) or a local path, or a bare < or >.
func checkSafe(t *testing.T, in, out string) {
	for _, m := range tagPattern.FindAllStringSubmatch(out, -1) {
		if !allowedTags[m[2]] {
			t.Fatalf("Render(%q) made tag %q", in, m[0])
		}
		if m[3] != "" {
			href := strings.TrimSuffix(strings.TrimPrefix(m[3], ` href="`), `"`)
			if m[2] != "a" || !(strings.HasPrefix(href, "https://") || strings.HasPrefix(href, "http://") || (strings.HasPrefix(href, "/") && !strings.HasPrefix(href, "//"))) {
				t.Fatalf("Render(%q) made link %q", in, m[0])
			}
		}
	}
	rest := tagPattern.ReplaceAllString(out, "")
	if strings.ContainsAny(rest, "<>\"") {
		t.Fatalf("Render(%q) left markup outside our tags: %q", in, rest)
	}
}

func FuzzRender(f *testing.F) {
	for _, s := range []string{"# a\n- b\n1. c **d** [e](https://f/)", "<script>", "[x](javascript:1)", "**[a](/b)**", "[a](https://x/\">)", "### <b>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkSafe(t, in, string(Render(in)))
	})
}

func FuzzParse(f *testing.F) {
	f.Add(good)
	f.Add("---\nid: a\n---\n")
	f.Fuzz(func(t *testing.T, src string) {
		l, tx, err := Parse(src)
		if err != nil {
			return
		}
		if !ValidID(l.ID) || len(tx.Quiz) < 3 || len(tx.Quiz) > 5 || strings.Contains(tx.Body, "\n<") {
			t.Fatalf("Parse accepted %q as %+v", src, l)
		}
		checkSafe(t, tx.Body, string(Render(tx.Body)))
	})
}
