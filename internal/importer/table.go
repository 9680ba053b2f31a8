package importer

import (
	"archive/zip"
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

// Limits bound what reading one file may cost the server, whatever the
// file claims about itself. Each refusal is a *problem.Error naming the
// limit, the file and, where there is one, the row and column; nothing is
// kept from a refused file.
type Limits struct {
	// MaxBytes is the file as uploaded.
	MaxBytes int64
	// MaxUnzipped is an Excel file's parts decompressed, together. Their
	// sizes are checked in the zip directory before the workbook is
	// opened, and counted again while they are decompressed, since the
	// directory may lie.
	MaxUnzipped int64
	// MaxInMemory is the part of MaxUnzipped the Excel reader keeps in
	// memory: every part but the worksheets and shared strings larger
	// than spillBytes, which it streams from a temporary file.
	MaxInMemory int64
	// MaxRatio is how many times larger than compressed one part may
	// decompress to, for parts above ratioFloor. Real workbooks stay well
	// under 100; a zip bomb is in the thousands.
	MaxRatio int64
	// MaxCell is the characters of one cell (Excel's own limit is 32,767).
	MaxCell int
	// MaxRowBytes is one row of a CSV as read, before it is split into
	// cells: the reader never holds more of one row than this.
	MaxRowBytes int
	// MaxRows counts every row read, blank ones included.
	MaxRows int
	// MaxColumns is the columns of one row, up to its last non-blank cell.
	MaxColumns int
	// MaxCells is the non-blank cells kept, together.
	MaxCells int
	// MaxText is the bytes of the cells kept, together.
	MaxText int64
}

// DefaultLimits are the limits of every import: a 100,000-row list of 20
// filled columns fits (an account list has a dozen), and the worst file they accept adds
// less than 200 MB to the server while it is read (docs/perf.md, "Import
// memory").
var DefaultLimits = Limits{
	MaxBytes:    DefaultMaxBytes,
	MaxUnzipped: 128 << 20,
	MaxInMemory: 32 << 20,
	MaxRatio:    100,
	MaxCell:     32767,
	MaxRowBytes: 1 << 20,
	MaxRows:     200_000,
	MaxColumns:  maxColumns,
	MaxCells:    2_000_000,
	MaxText:     DefaultMaxBytes,
}

const (
	// spillBytes is the size above which the Excel reader moves a
	// worksheet or the shared strings to a temporary file and streams it.
	spillBytes = 4 << 20
	// ratioFloor exempts small parts from MaxRatio: a short, repetitive
	// styles part compresses very well and costs nothing.
	ratioFloor = 1 << 20
	// maxParts bounds the parts of a workbook; Excel writes a dozen.
	maxParts = 1000
)

// orDefault fills the zero fields of l from DefaultLimits.
func (l Limits) orDefault() Limits {
	d := DefaultLimits
	if l.MaxBytes > 0 {
		d.MaxBytes = l.MaxBytes
	}
	if l.MaxUnzipped > 0 {
		d.MaxUnzipped = l.MaxUnzipped
	}
	if l.MaxInMemory > 0 {
		d.MaxInMemory = l.MaxInMemory
	}
	if l.MaxRatio > 0 {
		d.MaxRatio = l.MaxRatio
	}
	if l.MaxCell > 0 {
		d.MaxCell = l.MaxCell
	}
	if l.MaxRowBytes > 0 {
		d.MaxRowBytes = l.MaxRowBytes
	}
	if l.MaxRows > 0 {
		d.MaxRows = l.MaxRows
	}
	if l.MaxColumns > 0 {
		d.MaxColumns = l.MaxColumns
	}
	if l.MaxCells > 0 {
		d.MaxCells = l.MaxCells
	}
	if l.MaxText > 0 {
		d.MaxText = l.MaxText
	}
	return d
}

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
// maxBytes ≤ 0 means DefaultMaxBytes; the other limits are DefaultLimits.
// Errors are *problem.Error with code Invalid (Field "file"), except a
// failing reader's, returned wrapped.
func ReadTable(name string, r io.Reader, maxBytes int64) (File, error) {
	return ReadTableLimits(name, r, Limits{MaxBytes: maxBytes})
}

// ReadTableLimits is ReadTable within lim; its zero fields are those of
// DefaultLimits.
func ReadTableLimits(name string, r io.Reader, lim Limits) (File, error) {
	lim = lim.orDefault()
	maxBytes := lim.MaxBytes
	var buf bytes.Buffer
	if l, ok := r.(interface{ Len() int }); ok && int64(l.Len()) <= maxBytes {
		buf.Grow(l.Len() + bytes.MinRead)
	}
	_, err := buf.ReadFrom(io.LimitReader(r, maxBytes+1))
	data := buf.Bytes()
	if err != nil {
		return File{}, fmt.Errorf("read %s: %w", name, err)
	}
	return ReadTableBytes(name, data, lim)
}

// ReadTableBytes is ReadTableLimits for a file already in memory, without
// copying it.
func ReadTableBytes(name string, data []byte, lim Limits) (File, error) {
	lim = lim.orDefault()
	if maxBytes := lim.MaxBytes; int64(len(data)) > maxBytes {
		return File{}, invalid("import.too_large", (maxBytes+(1<<20)-1)>>20)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return File{}, invalid("import.empty")
	}
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return readXLSX(name, data, lim)
	case bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		return File{}, invalid("import.legacy_xls")
	case binaryMagic(data):
		return File{}, invalid("import.not_spreadsheet")
	}
	text, enc, err := decode(data)
	if err != nil {
		return File{}, err
	}
	if len(bytes.TrimSpace(text)) == 0 {
		return File{}, invalid("import.empty")
	}
	if looksBinary(text) {
		return File{}, invalid("import.not_spreadsheet")
	}
	f, err := readText(name, text, lim)
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

// decode turns the bytes into UTF-8 text, naming the encoding found. UTF-8
// is returned as it is, without a copy.
func decode(b []byte) ([]byte, string, error) {
	switch {
	case bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")):
		b = b[3:]
		if !utf8.Valid(b) {
			return nil, "", invalid("import.bad_encoding")
		}
		return b, "utf-8-bom", nil
	case bytes.HasPrefix(b, []byte("\xFF\xFE")), bytes.HasPrefix(b, []byte("\xFE\xFF")):
		enc, name := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), "utf-16le"
		if b[0] == 0xFE {
			enc, name = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), "utf-16be"
		}
		out, err := enc.NewDecoder().Bytes(b)
		if err != nil || len(b)%2 != 0 || bytes.ContainsRune(out, utf8.RuneError) {
			return nil, "", invalid("import.bad_encoding")
		}
		return out, name, nil
	case utf8.Valid(b):
		return b, "utf-8", nil
	}
	out, err := japanese.ShiftJIS.NewDecoder().Bytes(b)
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
		return nil, "", invalid("import.bad_encoding")
	}
	return out, "shift_jis", nil
}

// looksBinary reports text with NULs or many control characters: an
// executable or an archive that happens to decode.
func looksBinary(s []byte) bool {
	ctl := 0
	for _, c := range s {
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
func readText(name string, text []byte, lim Limits) (File, error) {
	text = bytes.TrimRight(text, "\x1A") // DOS end-of-file mark
	first, _, _ := bytes.Cut(text, []byte("\n"))
	if l := bytes.ToLower(bytes.TrimSpace(first)); bytes.HasPrefix(l, []byte("sep=")) && len(l) == 5 && bytes.ContainsRune([]byte(",;\t|"), rune(l[4])) {
		// Excel's hint line; left as a blank line so the numbering holds:
		// what follows it starts with its newline.
		return parseDelimited(name, text[len(first):], []rune{rune(l[4])}, lim)
	}
	return parseDelimited(name, text, delimiterOrder(name, text), lim)
}

// delimiterOrder ranks , ; and tab by how often they occur, outside
// quotes, in the first lines that are neither blank nor comments. A .tsv
// or .txt name breaks a tie in favour of tab.
func delimiterOrder(name string, text []byte) []rune {
	counts := map[rune]int{}
	lines := 0
	for line := range bytes.Lines(text[:min(len(text), 64<<10)]) {
		if lines >= 16 {
			break
		}
		t := bytes.TrimSpace(line)
		if len(t) == 0 || t[0] == '#' {
			continue
		}
		lines++
		quoted := false
		for _, r := range string(t) {
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
func parseDelimited(name string, text []byte, order []rune, lim Limits) (File, error) {
	for _, d := range order {
		b := newBuilder(name, lim, true)
		if _, err := readCSV(text, d, b, headerScanRows+1); err != nil {
			if isLimit(err) {
				return File{}, err
			}
			continue
		}
		if b.header == nil {
			continue
		}
		b = newBuilder(name, lim, true)
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

// errRowTooLong is what rowGuard returns when a row runs past its limit.
var errRowTooLong = errors.New("row too long")

// rowGuard hands the CSV reader at most max bytes past mark, the offset
// where the row being read began, so that one huge cell (or a quoted cell
// that never closes) stops the read instead of growing the reader's
// buffers to the size of the file.
type rowGuard struct {
	r          io.Reader
	read, mark int64
	max        int64
}

func (g *rowGuard) Read(p []byte) (int, error) {
	if g.read-g.mark > g.max {
		return 0, errRowTooLong
	}
	if room := g.max + 1 - (g.read - g.mark); int64(len(p)) > room {
		p = p[:room]
	}
	n, err := g.r.Read(p)
	g.read += int64(n)
	return n, err
}

// readCSV feeds up to limit records (all when limit < 0) to b, numbering
// them as Excel does: one row per record, even when a quoted cell spans
// several lines.
func readCSV(text []byte, delim rune, b *builder, limit int) (int, error) {
	g := &rowGuard{r: bytes.NewReader(text), max: int64(b.lim.MaxRowBytes)}
	r := csv.NewReader(g)
	r.Comma = delim
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	embedded, n, next := 0, 0, 1
	for limit < 0 || n < limit {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if errors.Is(err, errRowTooLong) {
			return n, invalid("import.line_too_long", b.name, next, b.lim.MaxRowBytes>>10, b.lim.MaxCell)
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine - embedded
			}
			return n, invalid("import.bad_csv", line)
		}
		g.mark = r.InputOffset()
		start, _ := r.FieldPos(0)
		line := start - embedded
		for _, c := range rec {
			embedded += strings.Count(c, "\n")
		}
		next = line + 1
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

// isLimit reports an error refusing the file for one of its limits, which
// no other delimiter would change.
func isLimit(err error) bool {
	e, ok := problem.As(err)
	if !ok {
		return false
	}
	switch e.Key {
	case "import.line_too_long", "import.cell_too_long", "import.too_many_rows", "import.too_many_cells", "import.too_much_text", "import.too_many_columns":
		return true
	}
	return false
}

// readXLSX reads the first sheet of an Excel workbook with raw cell values,
// so dates arrive as serial numbers rather than in the viewer's locale.
func readXLSX(name string, data []byte, lim Limits) (f File, err error) {
	if err := checkZip(name, data, lim); err != nil {
		return File{}, err
	}
	defer func() {
		// A damaged workbook must not take the server down with it.
		if r := recover(); r != nil {
			f, err = File{}, &problem.Error{Code: problem.Invalid, Key: "import.not_spreadsheet", Field: "file", Err: fmt.Errorf("xlsx: %v", r)}
		}
	}()
	x, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		RawCellValue:      true,
		UnzipSizeLimit:    max(lim.MaxUnzipped, spillBytes), // checkZip enforces MaxUnzipped
		UnzipXMLSizeLimit: spillBytes,
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
	b := newBuilder(name, lim, false)
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

// checkZip refuses a workbook whose parts would decompress to more than
// lim allows, before the Excel reader opens it: first by the sizes the
// zip directory declares, then by decompressing every part, counting and
// discarding, because a crafted directory can understate them. The count
// stops at the limit, so a bomb costs at most MaxUnzipped bytes of
// decompression and no memory. The Excel reader reads every part, so
// every part counts.
func checkZip(name string, data []byte, lim Limits) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return &problem.Error{Code: problem.Invalid, Key: "import.not_spreadsheet", Field: "file", Err: err}
	}
	mb := func(n int64) int64 { return n >> 20 }
	tooBig := invalid("import.xlsx_unzipped", name, mb(lim.MaxUnzipped))
	parts := invalid("import.xlsx_parts", name, maxParts, mb(lim.MaxInMemory))
	if len(zr.File) > maxParts {
		return parts
	}
	var total, inMemory uint64
	for _, zf := range zr.File {
		size := zf.UncompressedSize64
		if total += size; size > uint64(lim.MaxUnzipped) || total > uint64(lim.MaxUnzipped) {
			return tooBig
		}
		if size > ratioFloor && size > zf.CompressedSize64*uint64(lim.MaxRatio) {
			return invalid("import.xlsx_ratio", name, zf.Name, lim.MaxRatio)
		}
		if !spills(zf.Name, size) {
			if inMemory += size; inMemory > uint64(lim.MaxInMemory) {
				return parts
			}
		}
	}
	left := lim.MaxUnzipped
	buf := make([]byte, 32<<10)
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return &problem.Error{Code: problem.Invalid, Key: "import.not_spreadsheet", Field: "file", Err: err}
		}
		// Never more than the directory declared, nor than is left.
		// archive/zip itself refuses to read a part past its declared size
		// (zip.ErrFormat); the limit here does not rely on it.
		want := min(int64(zf.UncompressedSize64), left)
		n, err := io.CopyBuffer(io.Discard, io.LimitReader(rc, want+1), buf)
		rc.Close()
		if n > want || errors.Is(err, zip.ErrFormat) {
			return invalid("import.xlsx_understated", name, zf.Name)
		}
		if err != nil {
			return &problem.Error{Code: problem.Invalid, Key: "import.not_spreadsheet", Field: "file", Err: err}
		}
		left -= n
	}
	return nil
}

// spills reports the parts the Excel reader moves to a temporary file
// rather than keep in memory (excelize's UnzipXMLSizeLimit).
func spills(name string, size uint64) bool {
	n := strings.ToLower(strings.ReplaceAll(name, "\\", "/"))
	return size > spillBytes && (n == "xl/sharedstrings.xml" || strings.HasPrefix(n, "xl/worksheets/sheet"))
}

// builder collects rows: it finds the header, merges a second header row
// (the IPA ledger puts 個人情報 and 機密性 under merged group cells), and
// leaves out blank rows, comment lines and repeated headers. It counts
// what it keeps against the limits.
type builder struct {
	name      string
	lim       Limits
	csv       bool
	header    []string
	headerRow int
	layout    *layout
	justAfter bool // the previous row was the header
	scanned   int  // non-blank rows seen before the header
	rows      [][]string
	lines     []int
	seen      int   // rows read, blank ones included
	cells     int   // non-blank cells kept
	text      int64 // bytes of the cells kept
}

func newBuilder(name string, lim Limits, csv bool) *builder {
	return &builder{name: name, lim: lim, csv: csv}
}

func (b *builder) add(line int, rec []string) error {
	if b.seen++; b.seen > b.lim.MaxRows {
		return invalid("import.too_many_rows", b.name, b.lim.MaxRows)
	}
	cells := make([]string, len(rec))
	last := -1
	for i, c := range rec {
		if len(c) > b.lim.MaxCell && utf8.RuneCountInString(c) > b.lim.MaxCell {
			col, _ := excelize.ColumnNumberToName(i + 1)
			return invalid("import.cell_too_long", b.name, line, col, b.lim.MaxCell)
		}
		c = strings.TrimSpace(strings.ReplaceAll(c, "\uFEFF", ""))
		if b.csv {
			// Our own exports quote cells a spreadsheet would run.
			c = safecsv.Restore(c)
		}
		cells[i] = c
		if c != "" {
			last = i
			b.cells++
			b.text += int64(len(c))
		}
	}
	cells = cells[:last+1]
	if len(cells) == 0 {
		return nil
	}
	if len(cells) > b.lim.MaxColumns {
		return invalid("import.too_many_columns", line, b.lim.MaxColumns)
	}
	if b.cells > b.lim.MaxCells {
		return invalid("import.too_many_cells", b.name, b.lim.MaxCells, line)
	}
	if b.text > b.lim.MaxText {
		return invalid("import.too_much_text", b.name, b.lim.MaxText>>20, line)
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
