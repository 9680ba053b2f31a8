package importer

import (
	"reflect"
	"testing"
)

// TestListCellQuoting: a name holding a comma, a quote or a line break
// survives a list cell, in Japanese and English files, and what people
// type by hand still splits as before.
func TestListCellQuoting(t *testing.T) {
	for _, items := range [][]string{
		{"Google Workspace", "kintone"},
		{"会計, 人事", "A、B", `say "hi"`, "x;y", "plain"},
		{`"quoted"`, " lead", "trail "},
		{"one"},
	} {
		for _, sep := range []string{"、", ", "} {
			cell := joinList(items, sep)
			if got := splitList(cell); !reflect.DeepEqual(got, items) {
				t.Errorf("joinList(%q, %q) = %q, read back %q", items, sep, cell, got)
			}
		}
	}
	for cell, want := range map[string][]string{
		"a、b, c；d":          {"a", "b", "c", "d"},
		` "a, b" , c`:        {"a, b", "c"},
		`x "y" z`:            {`x "y" z`},
		"":                   nil,
		`"unterminated, yes`: {"unterminated, yes"},
	} {
		if got := splitList(cell); !reflect.DeepEqual(got, want) {
			t.Errorf("splitList(%q) = %q, want %q", cell, got, want)
		}
	}
}
