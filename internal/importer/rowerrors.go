package importer

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mamori-sec/mamori/internal/problem"
)

// MaxRowErrors is how many bad cells one refused file lists; the rest are
// only counted. A hundred is more than anyone fixes before trying again,
// and a page of them still loads on a phone.
const MaxRowErrors = 100

// maxValueRunes shortens the value an error repeats back.
const maxValueRunes = 60

// RowErrors rejects a file for every bad cell found in it, so that the
// keeper corrects them all in one go instead of one per upload. Nothing of
// the file is kept: reading stays all or nothing.
type RowErrors struct {
	Errors []*RowError // the first MaxRowErrors, in file order
	Total  int         // every bad cell, listed or not
}

// More is how many bad cells are counted but not listed.
func (e *RowErrors) More() int { return e.Total - len(e.Errors) }

func (e *RowErrors) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d bad cells", e.Total)
	for i, re := range e.Errors {
		if i == 3 {
			b.WriteString("; …")
			break
		}
		b.WriteString("; " + re.Error())
	}
	return b.String()
}

// Problem is the refusal as a whole: one bad cell reads as that cell's
// message, several as their number.
func (e *RowErrors) Problem() *problem.Error {
	if e.Total == 1 && len(e.Errors) == 1 {
		return e.Errors[0].Problem()
	}
	return &problem.Error{Code: problem.Invalid, Key: "import.row_errors", Args: []any{e.Total}, Field: "file"}
}

// As lets errors.As see the refusal as a *problem.Error, and as the first
// *RowError for callers that show one cell.
func (e *RowErrors) As(target any) bool {
	switch t := target.(type) {
	case **problem.Error:
		*t = e.Problem()
		return true
	case **RowError:
		if len(e.Errors) > 0 {
			*t = e.Errors[0]
			return true
		}
	}
	return false
}

// AllRowErrors returns the bad cells err reports, a single *RowError (a
// refusal found while planning) included; ok is false for any other error.
func AllRowErrors(err error) (*RowErrors, bool) {
	var all *RowErrors
	if errors.As(err, &all) {
		return all, true
	}
	var one *RowError
	if errors.As(err, &one) {
		return &RowErrors{Errors: []*RowError{one}, Total: 1}, true
	}
	return nil, false
}

// fixes gives, for each error key, the catalogue key of how to put the
// cell right and whether that message takes the error's arguments (line,
// column, then Args).
var fixes = map[string]struct {
	key  string
	args bool
}{
	"import.row_required":          {"import.fix_required", false},
	"import.row_invalid_date":      {"import.fix_date", false},
	"import.row_invalid_email":     {"import.fix_email", false},
	"import.row_invalid_choice":    {"import.fix_choice", true},
	"import.row_invalid_bool":      {"import.fix_bool", false},
	"import.row_invalid_level":     {"import.fix_level", false},
	"import.row_invalid_number":    {"import.fix_number", false},
	"import.row_leave_before_join": {"import.fix_leave_before_join", true},
	"import.row_duplicate":         {"import.fix_duplicate", true},
	"import.row_too_long":          {"import.fix_too_long", true},
	"intake.row_rejected":          {"import.fix_rejected", false},
}

// Fix returns the catalogue key and arguments of how to put the cell
// right, e.g. 「YYYY/MM/DD の形式で入力してください」.
func (e *RowError) Fix() (key string, args []any) {
	f, ok := fixes[e.Key]
	if !ok {
		return "import.fix_other", nil
	}
	if f.args {
		args = e.MessageArgs()
	}
	return f.key, args
}

// CellValue is the value the error is about, as written in the file.
func (e *RowError) CellValue() string {
	if e.Value != "" {
		return e.Value
	}
	switch e.Key {
	case "import.row_required", "import.row_too_long":
		return ""
	}
	if len(e.Args) > 0 {
		return shorten(fmt.Sprint(e.Args[0]))
	}
	return ""
}

// shorten keeps the start of a long value.
func shorten(s string) string {
	if utf8.RuneCountInString(s) <= maxValueRunes {
		return s
	}
	r := []rune(s)
	return string(r[:maxValueRunes-1]) + "…"
}

// Described is one bad cell in the reader's language, as the import page
// lists it, the CLI prints it and the API returns it.
type Described struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Value   string `json:"value"`
	Message string `json:"message"`
	Fix     string `json:"fix"`
}

// Describe puts the listed errors in the reader's language; t is a
// catalogue lookup.
func (e *RowErrors) Describe(t func(key string, args ...any) string) []Described {
	out := make([]Described, len(e.Errors))
	for i, re := range e.Errors {
		key, args := re.Fix()
		out[i] = Described{Row: re.Line, Column: re.Column, Value: re.CellValue(), Message: t(re.Key, re.MessageArgs()...), Fix: t(key, args...)}
	}
	return out
}

// MoreText says how many errors are not listed ("…and 50 more"), or "".
func (e *RowErrors) MoreText(t func(key string, args ...any) string) string {
	if e.More() <= 0 {
		return ""
	}
	return t("import.more_errors", e.More(), len(e.Errors))
}

// Text is the error on one line: row, column, value, then the fix.
func (d Described) Text(t func(key string, args ...any) string) string {
	v := d.Value
	if v == "" {
		v = t("import.blank_value")
	}
	return t("import.error_line", d.Row, d.Column, v, d.Fix)
}
