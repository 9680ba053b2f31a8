package safecsv_test

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/mamori-sec/mamori/internal/safecsv"
)

func TestNeutralise(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`=HYPERLINK("http://x","y")`, `'=HYPERLINK("http://x","y")`},
		{"+cmd", "'+cmd"},
		{"-1+1", "'-1+1"},
		{"@SUM(1)", "'@SUM(1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"＝1+1", "'＝1+1"},
		{"＋81", "'＋81"},
		{"－", "'－"},
		{"＠x", "'＠x"},
		{"'=1", "''=1"},
		{"''-x", "'''-x"},
		{"+81 3 1234 5678", "'+81 3 1234 5678"},
		{"", ""},
		{"'", "'"},
		{"'abc", "'abc"},
		{"山田花子", "山田花子"},
		{"a=b", "a=b"},
		{" =1", " =1"},
	} {
		if got := safecsv.Neutralise(c.in); got != c.want {
			t.Errorf("Neutralise(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := safecsv.Restore(safecsv.Neutralise(c.in)); got != c.in {
			t.Errorf("Restore(Neutralise(%q)) = %q, want it back", c.in, got)
		}
	}
	// A cell that was not written by Writer is left alone.
	for _, s := range []string{"'abc", "'", "'＝"[:1], "it's"} {
		if got := safecsv.Restore(s); got != s {
			t.Errorf("Restore(%q) = %q, want it unchanged", s, got)
		}
	}
}

func TestWriter(t *testing.T) {
	var b bytes.Buffer
	w := safecsv.NewWriter(&b, true)
	rows := [][]string{{"name", "note"}, {"=1+2", "ok"}, {"a,b", "-"}, {"\r=1", "@x"}}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	// encoding/csv drops a lone CR inside a field when it writes CRLF
	// line ends; the quote in front was decided on the original value.
	want := "\uFEFFname,note\r\n'=1+2,ok\r\n\"a,b\",'-\r\n\"'=1\",'@x\r\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
	if rows[1][0] != "=1+2" {
		t.Errorf("Write changed the caller's record: %q", rows[1])
	}
	recs, err := csv.NewReader(bytes.NewReader(b.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range recs {
		for j, c := range r {
			if got := safecsv.Restore(c); got != rows[i][j] && rows[i][j] != "\r=1" {
				t.Errorf("cell %d,%d read back as %q, want %q", i, j, got, rows[i][j])
			}
		}
	}
}

// FuzzRoundTrip: Restore undoes Neutralise for every string, and what
// Neutralise returns is never dangerous past its first quote.
func FuzzRoundTrip(f *testing.F) {
	for _, s := range []string{"=1", "'=1", "''", "＝", "-", "abc", "'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := safecsv.Neutralise(s)
		if got := safecsv.Restore(n); got != s {
			t.Fatalf("Restore(Neutralise(%q)) = %q", s, got)
		}
		if safecsv.Dangerous(s) && n[0] != '\'' {
			t.Fatalf("Neutralise(%q) = %q, want a leading quote", s, n)
		}
	})
}
