// Package safecsv writes the CSV files mamori hands to people, so that a
// spreadsheet opens every cell as text. A value typed into mamori — a
// person's name, a note, an audit entry's target — may begin with "=",
// "+", "-" or "@"; Excel and LibreOffice would run it as a formula
// (=HYPERLINK(…) leaks data, =cmd|… once ran programs). Every CSV the
// product writes goes through Writer, which puts a single quote before
// such a cell (OWASP "CSV injection"); the importer takes exactly that
// quote off again with Restore, so mamori's own export re-imports the
// values it came from.
package safecsv

import (
	"encoding/csv"
	"io"
	"strings"
	"unicode/utf8"
)

// Writer is an encoding/csv writer whose cells are neutralised, with CRLF
// line ends (what Excel writes and expects).
type Writer struct {
	cw  *csv.Writer
	w   io.Writer
	bom bool
	rec []string
}

// NewWriter returns a Writer to w. With bom it writes a UTF-8 byte order
// mark before the first record: Excel needs it to read Japanese.
func NewWriter(w io.Writer, bom bool) *Writer {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &Writer{cw: cw, w: w, bom: bom}
}

// Write writes one record, each cell passed through Neutralise. The
// caller's slice is not changed.
func (w *Writer) Write(record []string) error {
	if w.bom {
		w.bom = false
		if _, err := io.WriteString(w.w, "\uFEFF"); err != nil {
			return err
		}
	}
	w.rec = w.rec[:0]
	for _, c := range record {
		w.rec = append(w.rec, Neutralise(c))
	}
	return w.cw.Write(w.rec)
}

// Flush writes any buffered records and reports the first error met.
func (w *Writer) Flush() error {
	w.cw.Flush()
	return w.cw.Error()
}

// Dangerous reports whether a spreadsheet would read s as a formula (or
// strip its first character and then do so): it begins with =, +, -, @,
// a tab or a carriage return, or with one of these after single quotes
// (so that a value which itself starts with ' round-trips too).
//
// The full-width ＝ ＋ － ＠ (U+FF1D, U+FF0B, U+FF0D, U+FF20) count as
// well. Excel in a Japanese locale turns a cell typed as "＝1+1" into a
// formula, and whether it does the same for a cell read from a CSV
// depends on its version and settings; we do not bet on it. Quoting them
// costs nothing: a Japanese value that starts with one (a note "－" for
// "none") gets a quote in the file and loses it again on import.
func Dangerous(s string) bool {
	s = strings.TrimLeft(s, "'")
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	switch r, _ := utf8.DecodeRuneInString(s); r {
	case '＝', '＋', '－', '＠':
		return true
	}
	return false
}

// Neutralise returns s with a single quote before it when Dangerous(s).
func Neutralise(s string) string {
	if Dangerous(s) {
		return "'" + s
	}
	return s
}

// Restore undoes Neutralise: it removes exactly one leading quote when
// what follows is Dangerous. A cell that was never neutralised is left as
// it is ("'abc" stays "'abc").
func Restore(s string) string {
	if len(s) > 1 && s[0] == '\'' && Dangerous(s[1:]) {
		return s[1:]
	}
	return s
}
