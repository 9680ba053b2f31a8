package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"

	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/safecsv"
)

// DefaultMaxBytes is the largest file ReadTable takes when not told
// otherwise: far above a 100,000-row ledger (about 15 MB).
const DefaultMaxBytes = 50 << 20

const (
	headerScanRows = 64  // rows searched for the header
	maxColumns     = 512 // a ledger has a few dozen
)

// File is a spreadsheet reduced to text: the header row and the data rows
// below it, cells trimmed, blank rows, comment lines and repeated headers
// left out.
type File struct {
	Header    []string   // header cells as written
	HeaderRow int        // row number of the header as Excel shows it
	Rows      [][]string // data rows, possibly shorter than Header
	Lines     []int      // row number of each of Rows as Excel shows it
	Encoding  string     // "utf-8", "utf-8-bom", "utf-16le", "utf-16be" or "shift_jis"; "" for Excel files
	Delimiter rune       // ',', ';' or '\t'; 0 for Excel files
	Sheet     string     // the sheet read from an Excel file
}

// ReadTable reads a CSV, TSV or Excel (.xlsx) file, deciding by its
// content rather than its name: Excel files are zip archives and the first
// sheet is read; text is UTF-8 (with or without BOM), UTF-16 with BOM
// (Excel's "Unicode text") or Shift_JIS/CP932, and the delimiter is taken
// from the header line. Leading title and comment lines are skipped up to
// the first row that looks like a header of a format Parse knows; blank
// rows, "#" comment lines and repeated header rows below it are left out.
// maxBytes ≤ 0 means DefaultMaxBytes. Errors are *problem.Error with code
// Invalid (Field "file"), except a failing reader's, returned wrapped.
func ReadTable(name string, r io.Reader, maxBytes int64) (File, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	var buf bytes.Buffer
	if l, ok := r.(interface{ Len() int }); ok && int64(l.Len()) <= maxBytes {
		buf.Grow(l.Len() + bytes.MinRead)
	}
	_, err := buf.ReadFrom(io.LimitReader(r, maxBytes+1))
	data := buf.Bytes()
	if err != nil {
		return File{}, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(data)) > maxBytes {
		return File{}, invalid("import.too_large", (maxBytes+(1<<20)-1)>>20)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return File{}, invalid("import.empty")
	}
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return readXLSX(data, maxBytes)
	case bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		return File{}, invalid("import.legacy_xls")
	case binaryMagic(data):
		return File{}, invalid("import.not_spreadsheet")
	}
	text, enc, err := decode(data)
	if err != nil {
		return File{}, err
	}
	if strings.TrimSpace(text) == "" {
		return File{}, invalid("import.empty")
	}
	if looksBinary(text) {
		return File{}, invalid("import.not_spreadsheet")
	}
	f, err := readText(name, text)
	if err != nil {
		return File{}, err
	}
	f.Encoding = enc
	return f, nil
}

// binaryMagic recognises the files people upload by mistake.
func binaryMagic(b []byte) bool {
	for _, m := range []string{"%PDF", "\x89PNG", "\xFF\xD8\xFF", "GIF87a", "GIF89a", "PK\x05\x06", "PK\x07\x08", "\x1F\x8B", "7z\xBC\xAF", "Rar!", "RIFF", "II*\x00", "MM\x00*", "{\\rtf", "\x00\x00\x00"} {
		if bytes.HasPrefix(b, []byte(m)) {
			return true
		}
	}
	head := bytes.ToLower(bytes.TrimSpace(b[:min(len(b), 512)]))
	head = bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	for _, m := range []string{"<!doctype", "<html", "<?xml", "<table"} {
		if bytes.HasPrefix(head, []byte(m)) {
			return true
		}
	}
	return false
}

// decode turns the bytes into UTF-8 text, naming the encoding found.
func decode(b []byte) (string, string, error) {
	switch {
	case bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")):
		b = b[3:]
		if !utf8.Valid(b) {
			return "", "", invalid("import.bad_encoding")
		}
		return string(b), "utf-8-bom", nil
	case bytes.HasPrefix(b, []byte("\xFF\xFE")), bytes.HasPrefix(b, []byte("\xFE\xFF")):
		enc, name := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), "utf-16le"
		if b[0] == 0xFE {
			enc, name = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), "utf-16be"
		}
		out, err := enc.NewDecoder().Bytes(b)
		if err != nil || len(b)%2 != 0 || bytes.ContainsRune(out, utf8.RuneError) {
			return "", "", invalid("import.bad_encoding")
		}
		return string(out), name, nil
	case utf8.Valid(b):
		return string(b), "utf-8", nil
	}
	out, err := japanese.ShiftJIS.NewDecoder().Bytes(b)
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
		return "", "", invalid("import.bad_encoding")
	}
	return string(out), "shift_jis", nil
}

// looksBinary reports text with NULs or many control characters: an
// executable or an archive that happens to decode.
func looksBinary(s string) bool {
	ctl := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == 0 {
			return true
		}
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1A {
			ctl++
		}
	}
	return ctl > len(s)/100+8
}

// readText splits delimited text, trying the delimiters in the order the
// header line suggests until one yields a header.
func readText(name string, text string) (File, error) {
	text = strings.TrimRight(text, "\x1A") // DOS end-of-file mark
	first, rest, _ := strings.Cut(text, "\n")
	if l := strings.ToLower(strings.TrimSpace(first)); strings.HasPrefix(l, "sep=") && len(l) == 5 && strings.ContainsRune(",;\t|", rune(l[4])) {
		// Excel's hint line; left as a blank line so the numbering holds.
		return parseDelimited("\n"+rest, []rune{rune(l[4])})
	}
	return parseDelimited(text, delimiterOrder(name, text))
}

// delimiterOrder ranks , ; and tab by how often they occur, outside
// quotes, in the first lines that are neither blank nor comments. A .tsv
// or .txt name breaks a tie in favour of tab.
func delimiterOrder(name, text string) []rune {
	counts := map[rune]int{}
	lines := 0
	for line := range strings.Lines(text[:min(len(text), 64<<10)]) {
		if lines >= 16 {
			break
		}
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		lines++
		quoted := false
		for _, r := range t {
			switch {
			case r == '"':
				quoted = !quoted
			case !quoted && (r == ',' || r == ';' || r == '\t'):
				counts[r]++
			}
		}
	}
	order := []rune{',', ';', '\t'}
	if n := strings.ToLower(name); strings.HasSuffix(n, ".tsv") || strings.HasSuffix(n, ".txt") {
		order = []rune{'\t', ',', ';'}
	}
	for i := 1; i < len(order); i++ {
		for j := i; j > 0 && counts[order[j]] > counts[order[j-1]]; j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	return order
}

// parseDelimited finds the delimiter that yields a recognised header in
// the first rows, then reads every row with it.
func parseDelimited(text string, order []rune) (File, error) {
	for _, d := range order {
		b := &builder{csv: true}
		if _, err := readCSV(text, d, b, headerScanRows+1); err != nil {
			continue
		}
		if b.header == nil {
			continue
		}
		b = &builder{csv: true}
		if _, err := readCSV(text, d, b, -1); err != nil {
			return File{}, err
		}
		f, err := b.file()
		if err != nil {
			return File{}, err
		}
		f.Delimiter = d
		return f, nil
	}
	return File{}, invalid("import.no_header")
}

// readCSV feeds up to limit records (all when limit < 0) to b, numbering
// them as Excel does: one row per record, even when a quoted cell spans
// several lines.
func readCSV(text string, delim rune, b *builder, limit int) (int, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = delim
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	embedded, n := 0, 0
	for limit < 0 || n < limit {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine - embedded
			}
			return n, invalid("import.bad_csv", line)
		}
		start, _ := r.FieldPos(0)
		line := start - embedded
		for _, c := range rec {
			embedded += strings.Count(c, "\n")
		}
		n++
		if err := b.add(line, rec); err != nil {
			return n, err
		}
		if limit >= 0 && b.header == nil && b.scanned > headerScanRows {
			break
		}
	}
	return n, nil
}

// readXLSX reads the first sheet of an Excel workbook with raw cell values,
// so dates arrive as serial numbers rather than in the viewer's locale.
func readXLSX(data []byte, maxBytes int64) (f File, err error) {
	defer func() {
		// A damaged workbook must not take the server down with it.
		if r := recover(); r != nil {
			f, err = File{}, &problem.Error{Code: problem.Invalid, Key: "import.not_spreadsheet", Field: "file", Err: fmt.Errorf("xlsx: %v", r)}
		}
	}()
	x, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		RawCellValue:      true,
		UnzipSizeLimit:    max(10*maxBytes, 64<<20),
		UnzipXMLSizeLimit: 64 << 20,
	})
	if err != nil {
		if x != nil {
			x.Close()
		}
		return File{}, &problem.Error{Code: problem.Invalid, Key: "import.not_spreadsheet", Field: "file", Err: err}
	}
	defer x.Close()
	sheets := x.GetSheetList()
	if len(sheets) == 0 {
		return File{}, invalid("import.not_spreadsheet")
	}
	rows, err := x.Rows(sheets[0])
	if err != nil {
		return File{}, &problem.Error{Code: problem.Invalid, Key: "import.not_spreadsheet", Field: "file", Err: err}
	}
	defer rows.Close()
	b := &builder{}
	for line := 1; rows.Next(); line++ {
		cells, err := rows.Columns()
		if err != nil {
			return File{}, &problem.Error{Code: problem.Invalid, Key: "import.not_spreadsheet", Field: "file", Err: err}
		}
		if err := b.add(line, cells); err != nil {
			return File{}, err
		}
		if b.header == nil && b.scanned > headerScanRows {
			break
		}
	}
	if err := rows.Error(); err != nil {
		return File{}, &problem.Error{Code: problem.Invalid, Key: "import.not_spreadsheet", Field: "file", Err: err}
	}
	if b.header == nil && b.scanned == 0 {
		return File{}, invalid("import.empty")
	}
	f, err = b.file()
	if err != nil {
		return File{}, err
	}
	f.Sheet = sheets[0]
	return f, nil
}

// builder collects rows: it finds the header, merges a second header row
// (the IPA ledger puts 個人情報 and 機密性 under merged group cells), and
// leaves out blank rows, comment lines and repeated headers.
type builder struct {
	csv       bool
	header    []string
	headerRow int
	layout    *layout
	justAfter bool // the previous row was the header
	scanned   int  // non-blank rows seen before the header
	rows      [][]string
	lines     []int
}

func (b *builder) add(line int, rec []string) error {
	cells := make([]string, len(rec))
	last := -1
	for i, c := range rec {
		c = strings.TrimSpace(strings.ReplaceAll(c, "\uFEFF", ""))
		if b.csv {
			// Our own exports quote cells a spreadsheet would run.
			c = safecsv.Restore(c)
		}
		cells[i] = c
		if c != "" {
			last = i
		}
	}
	cells = cells[:last+1]
	if len(cells) == 0 {
		return nil
	}
	if len(cells) > maxColumns {
		return invalid("import.too_many_columns", line, maxColumns)
	}
	if b.header == nil {
		if b.scanned > headerScanRows {
			return nil
		}
		if kind, format, ok := detectHeader(cells); ok {
			b.header, b.headerRow, b.justAfter = cells, line, true
			if format == Mamori {
				b.layout = mamoriLayouts[kind]
			}
			return nil
		}
		b.scanned++
		return nil
	}
	if b.justAfter {
		b.justAfter = false
		if b.mergeHeader(cells) {
			return nil
		}
	}
	if len(cells) == 1 && strings.HasPrefix(cells[0], "#") {
		return nil
	}
	if b.repeatsHeader(cells) {
		return nil
	}
	b.rows = append(b.rows, cells)
	b.lines = append(b.lines, line)
	return nil
}

// mergeHeader takes a row under the header as its second line when it
// names at least two more columns of the same layout.
func (b *builder) mergeHeader(cells []string) bool {
	if b.layout == nil {
		return false
	}
	have, _ := b.layout.columnsIn(b.header)
	more := 0
	for _, c := range cells {
		if key, ok := b.layout.index[normHeader(c)]; ok && c != "" {
			if _, dup := have[key]; !dup {
				more++
			}
		}
	}
	if more < 2 {
		return false
	}
	merged := make([]string, max(len(b.header), len(cells)))
	copy(merged, b.header)
	for i, c := range cells {
		if _, ok := b.layout.index[normHeader(c)]; ok && c != "" {
			merged[i] = c
		}
	}
	b.header = merged
	return true
}

func (b *builder) repeatsHeader(cells []string) bool {
	if len(cells) > len(b.header) {
		return false
	}
	for i, c := range cells {
		if c != b.header[i] {
			return false
		}
	}
	return len(cells) >= (len(b.header)+1)/2
}

func (b *builder) file() (File, error) {
	if b.header == nil {
		return File{}, invalid("import.no_header")
	}
	if len(b.rows) == 0 {
		return File{}, invalid("import.no_rows")
	}
	return File{Header: b.header, HeaderRow: b.headerRow, Rows: b.rows, Lines: b.lines}, nil
}
