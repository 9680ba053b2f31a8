package importer

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/problem"
)

// The parts of the smallest workbook Excel and excelize open, but the sheet.
var workbookParts = map[string]string{
	"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
	"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
	"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
	"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
}

const sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
const sheetTail = `</sheetData></worksheet>`

// writeRow writes one row of inline strings; line 0 leaves out the
// optional row and cell references, so that rows repeat exactly.
func writeRow(w io.Writer, line int, cells []string) {
	if line == 0 {
		io.WriteString(w, `<row>`)
		for _, c := range cells {
			fmt.Fprintf(w, `<c t="inlineStr"><is><t>%s</t></is></c>`, c)
		}
		io.WriteString(w, `</row>`)
		return
	}
	fmt.Fprintf(w, `<row r="%d">`, line)
	for i, c := range cells {
		col := string(rune('A' + i%26))
		if i >= 26 {
			col = string(rune('A'+i/26-1)) + col
		}
		fmt.Fprintf(w, `<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>`, col, line, c)
	}
	io.WriteString(w, `</row>`)
}

// workbook builds an xlsx whose first sheet body is written by rows; raw,
// when set, writes the sheet with the sizes it returns in the directory
// instead of the true ones.
func workbook(t testing.TB, rows func(w io.Writer), lie uint64) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, workbookParts[name])
	}
	if lie == 0 {
		w, err := zw.Create("xl/worksheets/sheet1.xml")
		if err != nil {
			t.Fatal(err)
		}
		bw := &countWriter{w: w}
		io.WriteString(bw, sheetHead)
		rows(bw)
		io.WriteString(bw, sheetTail)
	} else {
		// The directory understates the sheet: compress it ourselves and
		// write it raw with the sizes we choose.
		var comp bytes.Buffer
		fw, _ := flate.NewWriter(&comp, flate.DefaultCompression)
		crc := crc32.NewIEEE()
		mw := io.MultiWriter(fw, crc)
		io.WriteString(mw, sheetHead)
		rows(mw)
		io.WriteString(mw, sheetTail)
		fw.Close()
		w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CRC32: crc.Sum32(), CompressedSize64: uint64(comp.Len()), UncompressedSize64: lie})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(comp.Bytes())
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return c.w.Write(p) }

var accountsHead = []string{"サービス名", "ログインID", "種別", "権限"}

// bombRows writes the header and then identical rows until the sheet is
// about size bytes: it compresses a thousandfold.
func bombRows(size int64) func(io.Writer) {
	return func(w io.Writer) {
		cw := &countWriter{w: w}
		writeRow(cw, 1, accountsHead)
		for cw.n < size {
			writeRow(cw, 0, []string{"Slack", "a@example.jp", "個人", "編集"})
		}
	}
}

// allocated returns the bytes f allocates (not a timing: a count).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// An Excel file whose sheet decompresses to 300 MB, about 1 MB on the
// wire, is refused from its zip directory, naming the file and the limit,
// before anything is decompressed.
func TestXLSXZipBombRefused(t *testing.T) {
	bomb := workbook(t, bombRows(300<<20), 0)
	if len(bomb) > 2<<20 {
		t.Fatalf("bomb is %d bytes, want < 2 MB", len(bomb))
	}
	var err error
	got := allocated(func() { _, err = ReadTable("bomb.xlsx", bytes.NewReader(bomb), 0) })
	wantProblem(t, err, "import.xlsx_unzipped")
	if e, _ := problemOf(err); e.Args[0] != "bomb.xlsx" || e.Args[1] != int64(128) {
		t.Errorf("args = %v, want the file and 128 MB", e.Args)
	}
	if got > 32<<20 {
		t.Errorf("reading the bomb allocated %d MB, want < 32 MB", got>>20)
	}
}

// A sheet within the total but compressed far beyond what a real workbook
// reaches is refused by its ratio.
func TestXLSXRatioRefused(t *testing.T) {
	bomb := workbook(t, bombRows(40<<20), 0)
	_, err := ReadTable("ratio.xlsx", bytes.NewReader(bomb), 0)
	wantProblem(t, err, "import.xlsx_ratio")
	if e, _ := problemOf(err); e.Args[1] != "xl/worksheets/sheet1.xml" {
		t.Errorf("args = %v, want the part named", e.Args)
	}
}

// A zip directory that understates the sheet (1 KB declared, 300 MB
// inside) passes the directory check and is caught while decompressing,
// without holding the data.
func TestXLSXLyingDirectoryRefused(t *testing.T) {
	bomb := workbook(t, bombRows(300<<20), 1000)
	var err error
	got := allocated(func() { _, err = ReadTable("liar.xlsx", bytes.NewReader(bomb), 0) })
	wantProblem(t, err, "import.xlsx_understated")
	if got > 32<<20 {
		t.Errorf("reading allocated %d MB, want < 32 MB", got>>20)
	}
}

// A CSV that is one 40 MB cell is refused at the row limit, and the reader
// never holds the cell.
func TestCSVHugeCellRefused(t *testing.T) {
	data := []byte("サービス名,ログインID\r\nSlack,\"" + strings.Repeat("a", 40<<20) + "\"\r\n")
	var err error
	got := allocated(func() { _, err = ReadTableBytes("huge.csv", data, Limits{}) })
	wantProblem(t, err, "import.line_too_long")
	if e, _ := problemOf(err); e.Args[0] != "huge.csv" || e.Args[1] != 2 {
		t.Errorf("args = %v, want the file and row 2", e.Args)
	}
	if got > 16<<20 {
		t.Errorf("reading allocated %d MB, want < 16 MB", got>>20)
	}
	// A quote that never closes is the same attack with newlines.
	data = []byte("サービス名,ログインID\r\nSlack,\"" + strings.Repeat("a\r\n", 1<<20))
	_, err = ReadTableBytes("open.csv", data, Limits{})
	wantProblem(t, err, "import.line_too_long")
}

// Each limit accepts a file exactly at it and refuses one just over,
// naming the file, the limit and where it was passed.
func TestLimitsAtBoundary(t *testing.T) {
	csvOf := func(rows ...[]string) []byte {
		var b bytes.Buffer
		b.WriteString(strings.Join(accountsHead, ",") + "\r\n")
		for _, r := range rows {
			b.WriteString(strings.Join(r, ",") + "\r\n")
		}
		return b.Bytes()
	}
	row := func(n int) []string { return []string{"Slack", fmt.Sprintf("u%d@example.jp", n), "個人", "編集"} }
	rows := func(n int) [][]string {
		out := make([][]string, n)
		for i := range out {
			out[i] = row(i)
		}
		return out
	}
	cell := func(n int) []byte { return csvOf([]string{"Slack", strings.Repeat("あ", n)}) }
	small := workbook(t, func(w io.Writer) {
		writeRow(w, 1, accountsHead)
		writeRow(w, 2, row(1))
	}, 0)
	unzipped := int64(0)
	if zr, err := zip.NewReader(bytes.NewReader(small), int64(len(small))); err == nil {
		for _, f := range zr.File {
			unzipped += int64(f.UncompressedSize64)
		}
	}
	text := int64(len(strings.Join(accountsHead, "")) + len(strings.Join(row(0), "")))
	for _, tt := range []struct {
		name     string
		ok, over []byte
		lim      Limits
		key      string
	}{
		{"cell", cell(100), cell(101), Limits{MaxCell: 100}, "import.cell_too_long"},
		{"rows", csvOf(rows(9)...), csvOf(rows(10)...), Limits{MaxRows: 10}, "import.too_many_rows"},
		{"cells", csvOf(rows(4)...), csvOf(rows(5)...), Limits{MaxCells: 20}, "import.too_many_cells"},
		{"columns", csvOf(append(row(0), make([]string, 2)...)), csvOf(append(row(0), "", "", "x")), Limits{MaxColumns: 6}, "import.too_many_columns"},
		{"text", csvOf(row(0)), csvOf(row(10)), Limits{MaxText: text}, "import.too_much_text"},
		{"row bytes", csvOf(row(0)), csvOf(append(row(0), strings.Repeat("x", 64))), Limits{MaxRowBytes: 48}, "import.line_too_long"},
		{"unzipped", small, small, Limits{MaxUnzipped: unzipped}, ""},
		{"unzipped over", nil, small, Limits{MaxUnzipped: unzipped - 1}, "import.xlsx_unzipped"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.ok != nil {
				if _, err := ReadTableBytes("ok.csv", tt.ok, tt.lim); err != nil {
					t.Fatalf("at the limit: %v", err)
				}
			}
			if tt.key != "" {
				_, err := ReadTableBytes("over.csv", tt.over, tt.lim)
				wantProblem(t, err, tt.key)
			}
		})
	}
}

// The limits hold for the web layer's default too: a file accepted by the
// defaults is read.
func TestDefaultLimitsAcceptLedger(t *testing.T) {
	data := accountsCSV(t, 100_000)
	if _, err := ReadTableBytes("accounts.csv", data, Limits{}); err != nil {
		t.Fatal(err)
	}
}

func problemOf(err error) (*problem.Error, bool) { return problem.As(err) }

// FuzzReadTableLimits feeds crafted workbooks and CSV under small limits:
// whatever the bytes, and whatever sizes the zip directory claims, reading
// never panics, fails only with the importer's own problems, and a table
// it returns is within every limit.
func FuzzReadTableLimits(f *testing.F) {
	small := func(rows func(io.Writer), lie uint64) []byte { return workbook(f, rows, lie) }
	f.Add(small(func(w io.Writer) { writeRow(w, 1, accountsHead); writeRow(w, 2, []string{"Slack", "a@x.jp"}) }, 0), uint32(0))
	f.Add(small(bombRows(64<<10), 0), uint32(0))
	f.Add(small(bombRows(64<<10), 100), uint32(0))
	f.Add([]byte("サービス名,ログインID\r\nSlack,\""+strings.Repeat("a", 300)+"\"\r\n"), uint32(0))
	f.Add([]byte("サービス名,ログインID\r\nSlack,\"open\r\n"+strings.Repeat("a,", 200)), uint32(0))
	f.Add([]byte("body"), uint32(70<<10))
	lim := Limits{MaxBytes: 256 << 10, MaxUnzipped: 128 << 10, MaxInMemory: 64 << 10, MaxRatio: 20, MaxCell: 100, MaxRowBytes: 512, MaxRows: 50, MaxColumns: 8, MaxCells: 120, MaxText: 2 << 10}
	f.Fuzz(func(t *testing.T, data []byte, lie uint32) {
		if lie != 0 {
			// data is the sheet's rows; the directory says lie bytes.
			data = workbook(t, func(w io.Writer) { writeRow(w, 1, accountsHead); w.Write(data) }, uint64(lie))
		}
		file, err := ReadTableBytes("fuzz", data, lim)
		if err != nil {
			checkErr(t, err)
			return
		}
		rows, cells, text := 0, 0, 0
		for _, r := range append([][]string{file.Header}, file.Rows...) {
			rows++
			if len(r) > lim.MaxColumns {
				t.Fatalf("row of %d columns, limit %d", len(r), lim.MaxColumns)
			}
			for _, c := range r {
				if n := len([]rune(c)); n > lim.MaxCell {
					t.Fatalf("cell of %d characters, limit %d", n, lim.MaxCell)
				}
				if c != "" {
					cells++
					text += len(c)
				}
			}
		}
		if rows > lim.MaxRows || cells > lim.MaxCells || int64(text) > lim.MaxText {
			t.Fatalf("%d rows, %d cells, %d bytes kept; limits %d, %d, %d", rows, cells, text, lim.MaxRows, lim.MaxCells, lim.MaxText)
		}
	})
}
