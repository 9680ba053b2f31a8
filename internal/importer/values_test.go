package importer

import (
	"reflect"
	"testing"

	"github.com/mamori-sec/mamori/internal/inventory"
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
		"a、b, c；d":           {"a", "b", "c", "d"},
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

// TestColumnsFollowDescription: the columns of mamori's files are the
// fields of the kind's description, in its order, with its requirement and
// the codes of its values.
func TestColumnsFollowDescription(t *testing.T) {
	for _, k := range Kinds {
		desc, ok := inventory.KindOf(string(k))
		if !ok {
			t.Fatalf("%s: not described", k)
		}
		cols := Columns(k)
		if len(cols) != len(desc.Fields) {
			t.Fatalf("%s: %d columns, %d fields", k, len(cols), len(desc.Fields))
		}
		for i, f := range desc.Fields {
			c := cols[i]
			if c.Key != f.Column() || c.Required != f.Required {
				t.Errorf("%s column %d: got %s required=%v, want %s required=%v", k, i, c.Key, c.Required, f.Column(), f.Required)
			}
			if f.Type == inventory.Enum {
				for _, v := range f.Values {
					if code, ok := c.choices.lookup(c.choices.label(v.Code, "ja")); !ok || code != v.Code {
						t.Errorf("%s.%s: value %s does not read back from its Japanese label", k, f.Key, v.Code)
					}
				}
			}
		}
	}
}
