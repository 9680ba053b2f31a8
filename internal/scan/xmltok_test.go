package scan

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// textOf runs the tokenizer and writes the text inside <t> elements, tags
// as [name], [/name] and [name/].
func textOf(t testing.TB, doc string) (string, error) {
	var b bytes.Buffer
	d := newXMLTokens(strings.NewReader(doc))
	for {
		err := d.next()
		if err == io.EOF {
			return b.String(), nil
		}
		if err != nil {
			return b.String(), err
		}
		switch d.kind {
		case tokText:
			writeText(&b, d.text, d.cdata)
		case tokStart:
			b.WriteString("[" + string(d.name) + "]")
		case tokEnd:
			b.WriteString("[/" + string(d.name) + "]")
		case tokEmpty:
			b.WriteString("[" + string(d.name) + "/]")
		}
	}
}

func TestXMLTokens(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{`<?xml version="1.0"?><w:p><w:t xml:space="preserve">a &amp; b &#x3042;&#12354;</w:t><w:tab/></w:p>`, `[p][t]a & b ああ[/t][tab/][/p]`},
		{`<a><!-- x > y --><t><![CDATA[<raw> & ]]></t></a>`, `[a][t]<raw> & [/t][/a]`},
		{`<c r="A1" t="s"><v>3</v></c>`, `[c][v]3[/v][/c]`},
	} {
		got, err := textOf(t, tc.doc)
		if err != nil || got != tc.want {
			t.Errorf("%s: got %q (%v), want %q", tc.doc, got, err, tc.want)
		}
	}
	d := newXMLTokens(strings.NewReader(`<c r="A1" s="2" t="inlineStr">`))
	d.next()
	if got := string(d.attr("t")); got != "inlineStr" {
		t.Errorf(`attr("t") = %q, want inlineStr`, got)
	}
	if _, err := textOf(t, `<a><b attr="never closed`); err == nil {
		t.Error("an unclosed tag: no error")
	}
}

func FuzzXMLTokens(f *testing.F) {
	f.Add(`<w:p><w:t>a &amp; b</w:t></w:p>`)
	f.Add(`<a><!-- c --><![CDATA[x]]></a>`)
	f.Fuzz(func(t *testing.T, doc string) { textOf(t, doc) })
}
