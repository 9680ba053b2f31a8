package scan

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"

	"github.com/mamori-sec/mamori/internal/pii"
	"github.com/mamori-sec/mamori/internal/pii/corpus"
)

// The text every format carries: one My Number (labelled), one card, one
// mobile number, one e-mail address.
const sample = "氏名：山田太郎\n個人番号：1234 5678 9018\nカード番号 4111-1111-1111-1111\n携帯 090-1234-5678\nmail taro.yamada@example.co.jp\n"

var sampleCounts = pii.Counts{pii.MyNumber: 1, pii.CreditCard: 1, pii.Phone: 1, pii.Email: 1}

func write(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func equal(a, b pii.Counts) bool {
	for k, v := range a {
		if v != 0 && b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if v != 0 && a[k] != v {
			return false
		}
	}
	return true
}

func scanOne(t *testing.T, p string) File {
	t.Helper()
	return New(Options{}).File(context.Background(), p)
}

// zipOf builds a zip of the given members (name → content), in order.
func zipOf(t testing.TB, members ...any) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for i := 0; i < len(members); i += 2 {
		f, err := w.Create(members[i].(string))
		if err != nil {
			t.Fatal(err)
		}
		switch c := members[i+1].(type) {
		case string:
			f.Write([]byte(c))
		case []byte:
			f.Write(c)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func docx(t testing.TB, paragraphs ...string) []byte {
	var body strings.Builder
	for _, p := range paragraphs {
		fmt.Fprintf(&body, `<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>`, p)
	}
	return zipOf(t,
		"[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"word/document.xml", `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`+body.String()+`</w:body></w:document>`)
}

func pptx(t testing.TB, text string) []byte {
	return zipOf(t,
		"[Content_Types].xml", `<Types/>`,
		"ppt/slides/slide1.xml", `<p:sld xmlns:p="p" xmlns:a="a"><a:p><a:r><a:t>`+strings.ReplaceAll(text, "\n", `</a:t></a:r></a:p><a:p><a:r><a:t>`)+`</a:t></a:r></a:p></p:sld>`,
		"ppt/notesSlides/notesSlide1.xml", `<p:notes xmlns:p="p" xmlns:a="a"><a:p><a:r><a:t>予備 TEL 03-1234-5678</a:t></a:r></a:p></p:notes>`)
}

func xlsx(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{
		{"氏名", "個人番号", "電話番号", "メール"},
		{"山田太郎", 123456789018, "090-1234-5678", "taro@example.co.jp"}, // a number cell: written as 1.23456789018E+11
		{"佐藤花子", "202610160001", "03-1234-5678", "hanako@example.co.jp"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	// A sparse row: Excel writes no cell for the empty ones.
	// Read without its column it would sit under 個人番号.
	f.SetCellValue("Sheet1", "A5", "鈴木一郎")
	f.SetCellValue("Sheet1", "D5", "111111111118") // under メール: a possible My Number only
	f.NewSheet("商品")
	f.SetSheetRow("商品", "A1", &[]any{"品名", "番号"})
	f.SetSheetRow("商品", "A2", &[]any{"りんご", "202610160001"})
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pdfOf makes a one-page PDF whose text is lines, with the content
// stream compressed or not.
func pdfOf(lines []string, compress, encrypt bool) []byte {
	var content bytes.Buffer
	content.WriteString("BT /F1 10 Tf 50 750 Td 12 TL\n")
	for _, l := range lines {
		fmt.Fprintf(&content, "(%s) Tj T*\n", l)
	}
	content.WriteString("ET\n")
	stream := content.Bytes()
	filter := ""
	if compress {
		var z bytes.Buffer
		w := zlib.NewWriter(&z)
		w.Write(stream)
		w.Close()
		stream = z.Bytes()
		filter = "/Filter /FlateDecode "
	}
	var b bytes.Buffer
	var offs []int
	obj := func(s string) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offs), s)
	}
	b.WriteString("%PDF-1.4\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>")
	obj(fmt.Sprintf("<< %s/Length %d >>\nstream\n%s\nendstream", filter, len(stream), stream))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	enc := ""
	if encrypt {
		obj("<< /Filter /Standard /V 1 /R 2 /O <00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff> /U <00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff> /P -4 >>")
		enc = fmt.Sprintf(" /Encrypt %d 0 R /ID [<0123456789abcdef0123456789abcdef><0123456789abcdef0123456789abcdef>]", len(offs))
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, enc, xref)
	return b.Bytes()
}

var pdfLines = []string{"Customer list", "My Number 1234 5678 9018", "Card 4111-1111-1111-1111", "Tel 090-1234-5678", "mail taro.yamada@example.co.jp"}

func eml(attachment []byte) []byte {
	iso, _ := japanese.ISO2022JP.NewEncoder().String(sample)
	var b bytes.Buffer
	b.WriteString("From: =?UTF-8?B?5bGx55Sw?= <sender@example.jp>\r\nTo: keeper@example.co.jp\r\nSubject: list\r\nMIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: multipart/mixed; boundary=BOUND\r\n\r\n")
	b.WriteString("--BOUND\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: 7bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(iso, "\n", "\r\n"))
	b.WriteString("\r\n--BOUND\r\nContent-Type: application/zip\r\nContent-Disposition: attachment; filename=\"list.zip\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString(attachment)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n--BOUND--\r\n")
	return b.Bytes()
}

func TestExtractors(t *testing.T) {
	dir := t.TempDir()
	utf16le, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(sample)
	utf16noBOM, _ := unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewEncoder().String(sample)
	sjis, _ := japanese.ShiftJIS.NewEncoder().String(sample)
	euc, _ := japanese.EUCJP.NewEncoder().String(sample)
	for _, tc := range []struct {
		name string
		data []byte
		want pii.Counts
	}{
		{"utf8.txt", []byte(sample), sampleCounts},
		{"bom.txt", append([]byte{0xEF, 0xBB, 0xBF}, sample...), sampleCounts},
		{"utf16le.txt", []byte(utf16le), sampleCounts},
		{"utf16be-nobom.txt", []byte(utf16noBOM), sampleCounts},
		{"cp932.csv", []byte(sjis), sampleCounts},
		{"eucjp.txt", []byte(euc), sampleCounts},
		{"list.tsv", []byte("氏名\t個人番号\t携帯\n山田\t123456789018\t09012345678\n"), pii.Counts{pii.MyNumber: 1, pii.Phone: 1}},
		{"doc.docx", docx(t, strings.Split(sample, "\n")...), sampleCounts},
		{"slides.pptx", pptx(t, sample), pii.Counts{pii.MyNumber: 1, pii.CreditCard: 1, pii.Phone: 2, pii.Email: 1}},
		{"book.xlsx", xlsx(t), pii.Counts{pii.MyNumber: 2, pii.Phone: 2, pii.Email: 2}},
		{"plain.pdf", pdfOf(pdfLines, false, false), sampleCounts},
		{"flate.pdf", pdfOf(pdfLines, true, false), sampleCounts},
		{"mail.eml", eml(zipOf(t, "a.txt", sample)), pii.Counts{pii.MyNumber: 2, pii.CreditCard: 2, pii.Phone: 2, pii.Email: 4}},
		{"photo.png", []byte("\x89PNG\r\n\x1a\n個人番号 123456789018"), pii.Counts{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := scanOne(t, write(t, dir, tc.name, tc.data))
			if f.Error != "" {
				t.Fatalf("error %s", f.Error)
			}
			if !equal(f.Counts, tc.want) {
				t.Errorf("counts %v, want %v", f.Counts, tc.want)
			}
		})
	}
}

func TestArchives(t *testing.T) {
	dir := t.TempDir()
	inner := zipOf(t, "b/doc.docx", docx(t, strings.Split(sample, "\n")...), "c.txt", sample)
	outer := zipOf(t, "a.txt", sample, "inner.zip", inner, "empty/", "")
	f := scanOne(t, write(t, dir, "outer.zip", outer))
	if f.Error != "" {
		t.Fatalf("error %s", f.Error)
	}
	want := pii.Counts{}
	for range 3 {
		want.Add(sampleCounts)
	}
	if !equal(f.Counts, want) {
		t.Errorf("archive counts %v, want %v", f.Counts, want)
	}
	var paths []string
	var walk func(fs []File)
	walk = func(fs []File) {
		for _, m := range fs {
			paths = append(paths, strings.TrimPrefix(m.Path, dir+"/"))
			walk(m.Members)
		}
	}
	walk(f.Members)
	got := strings.Join(paths, " ")
	if got != "outer.zip!a.txt outer.zip!inner.zip outer.zip!inner.zip!b/doc.docx outer.zip!inner.zip!c.txt" {
		t.Errorf("members %s", got)
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	// A zip bomb: 64 MiB of zeros compress to about 64 KiB.
	var bomb bytes.Buffer
	w := zip.NewWriter(&bomb)
	fw, _ := w.Create("zeros.txt")
	zero := make([]byte, 1<<20)
	for range 64 {
		fw.Write(zero)
	}
	w.Close()
	// An encrypted member (a PPAP zip): the flag says so.
	var enc bytes.Buffer
	w = zip.NewWriter(&enc)
	fw, _ = w.CreateHeader(&zip.FileHeader{Name: "secret.xlsx", Method: zip.Store, Flags: 0x1})
	fw.Write([]byte("ciphertext"))
	w.Close()
	// Nesting deeper than the limit.
	deep := []byte(sample)
	name := "x.txt"
	for range 6 {
		deep = zipOf(t, name, deep)
		name = "n.zip"
	}
	corrupt := zipOf(t, "a.txt", sample)
	corrupt = corrupt[:len(corrupt)-30]
	cases := []struct {
		name   string
		data   []byte
		reason Reason // of the file, or of its first member
	}{
		{"bomb.zip", bomb.Bytes(), ZipBomb},
		{"ppap.zip", enc.Bytes(), Encrypted},
		{"deep.zip", deep, TooDeep},
		{"corrupt.zip", corrupt, Corrupt},
		{"corrupt.docx", []byte("PK\x03\x04 not really"), Corrupt},
		{"locked.xlsx", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...), Encrypted},
		{"locked.pdf", pdfOf(pdfLines, false, true), Encrypted},
		{"scanned.pdf", pdfOf(nil, false, false), NoText},
		{"old.xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...), Legacy},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := scanOne(t, write(t, dir, tc.name, tc.data))
			got := f.Error
			for m := &f; got == "" && len(m.Members) > 0; m = &m.Members[0] {
				got = m.Members[0].Error
			}
			if got != tc.reason {
				t.Errorf("reason %q, want %q", got, tc.reason)
			}
		})
	}
}

func TestWalkReportsAndContinues(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a/list.txt", []byte(sample))
	write(t, dir, "a/b/clean.txt", []byte("本日は晴天なり。"))
	write(t, dir, "a/b/ppap.zip", func() []byte {
		var enc bytes.Buffer
		w := zip.NewWriter(&enc)
		fw, _ := w.CreateHeader(&zip.FileHeader{Name: "x.txt", Method: zip.Store, Flags: 0x1})
		fw.Write([]byte("x"))
		w.Close()
		return enc.Bytes()
	}())
	// A symlink loop between two links, and a link back up the tree.
	os.Symlink(filepath.Join(dir, "loop2"), filepath.Join(dir, "loop1"))
	os.Symlink(filepath.Join(dir, "loop1"), filepath.Join(dir, "loop2"))
	os.Symlink(filepath.Join(dir, "a"), filepath.Join(dir, "a", "b", "up"))
	locked := write(t, dir, "a/locked.txt", []byte(sample))
	os.Chmod(locked, 0)
	rep, err := New(Options{Workers: 2}).Run(context.Background(), []string{dir, filepath.Join(dir, "missing")})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Reason{}
	for _, f := range rep.Files {
		rel, _ := filepath.Rel(dir, f.Path)
		got[rel] = f.Error
		for _, m := range f.Members {
			rel, _ := filepath.Rel(dir, m.Path)
			got[rel] = m.Error
		}
	}
	want := map[string]Reason{
		"a/list.txt":         "",
		"a/b/clean.txt":      "",
		"a/b/ppap.zip!x.txt": Encrypted,
		"loop1":              SymlinkLoop,
		"loop2":              SymlinkLoop,
		"a/b/up":             SymlinkLoop,
		"missing":            Missing,
	}
	if os.Geteuid() != 0 { // root reads any file
		want["a/locked.txt"] = Permission
	}
	for p, r := range want {
		if g, ok := got[p]; !ok || g != r {
			t.Errorf("%s: reason %q (listed %v), want %q", p, g, ok, r)
		}
	}
	if !equal(rep.Totals, sampleCounts) && os.Geteuid() != 0 {
		t.Errorf("totals %v, want %v", rep.Totals, sampleCounts)
	}
	if !rep.Found() || rep.Unreadable < 5 {
		t.Errorf("found %v unreadable %d", rep.Found(), rep.Unreadable)
	}
}

func TestFileChangedDuringScan(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "growing.txt", []byte(sample))
	s := New(Options{})
	s.opt.afterRead = func(path string) {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString("more\n")
		f.Close()
	}
	if f := s.File(context.Background(), p); f.Error != Changed {
		t.Errorf("reason %q, want %q", f.Error, Changed)
	}
}

// TestBuiltinPDF reads the test PDFs without pdftotext, as on a machine
// without poppler-utils.
func TestBuiltinPDF(t *testing.T) {
	dir := t.TempDir()
	s := New(Options{})
	s.opt.builtinPDF = true
	for _, tc := range []struct {
		name   string
		data   []byte
		want   pii.Counts
		reason Reason
	}{
		{"plain.pdf", pdfOf(pdfLines, false, false), sampleCounts, ""},
		{"flate.pdf", pdfOf(pdfLines, true, false), sampleCounts, ""},
		{"locked.pdf", pdfOf(pdfLines, false, true), pii.Counts{}, Encrypted},
		{"scanned.pdf", pdfOf(nil, false, false), pii.Counts{}, NoText},
		{"truncated.pdf", pdfOf(pdfLines, true, false)[:200], pii.Counts{}, NoText},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := s.File(context.Background(), write(t, dir, tc.name, tc.data))
			if f.Error != tc.reason || !equal(f.Counts, tc.want) {
				t.Errorf("counts %v reason %q, want %v %q", f.Counts, f.Error, tc.want, tc.reason)
			}
		})
	}
}

// TestLargeMemberStreams: a text member larger than the memory budget is
// streamed through the detectors, not held.
func TestLargeMemberStreams(t *testing.T) {
	dir := t.TempDir()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	fw, _ := w.Create("big.txt")
	g := corpus.New(3) // varied text: it compresses like real text, not like a bomb
	planted, err := g.Write(fw, 24<<20)
	if err != nil {
		t.Fatal(err)
	}
	n := planted[pii.Phone]
	w.Close()
	p := write(t, dir, "big.zip", b.Bytes())
	f := New(Options{Workers: 1, MemoryBudget: 4 << 20}).File(context.Background(), p)
	if f.Error != "" || f.Counts[pii.Phone] < n*95/100 {
		t.Errorf("error %q phones %d, want none and %d", f.Error, f.Counts[pii.Phone], n)
	}
	// A nested archive must be held whole: beyond the budget it is named.
	outer := zipOf(t, "inner.zip", b.Bytes())
	p = write(t, dir, "outer.zip", outer)
	f = New(Options{Workers: 1, MemoryBudget: 64 << 10}).File(context.Background(), p)
	if len(f.Members) != 1 || f.Members[0].Error != TooLarge {
		t.Errorf("nested archive over the budget: %+v", f.Members)
	}
}

// TestShiftJISMemberNames: Windows' "send to compressed folder" writes
// member names in CP932 without the UTF-8 flag; they are reported decoded.
func TestShiftJISMemberNames(t *testing.T) {
	name, _ := japanese.ShiftJIS.NewEncoder().String("顧客名簿.csv")
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	fw, err := w.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, NonUTF8: true})
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(sample))
	w.Close()
	f := scanOne(t, write(t, t.TempDir(), "sjis.zip", b.Bytes()))
	if len(f.Members) != 1 || !strings.HasSuffix(f.Members[0].Path, "!顧客名簿.csv") || !equal(f.Counts, sampleCounts) {
		t.Errorf("members %+v counts %v", f.Members, f.Counts)
	}
}

// TestPDFNamedLikeAnOption: a relative path starting with "-" reaches
// pdftotext as a file name.
func TestPDFNamedLikeAnOption(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "-v.pdf", pdfOf(pdfLines, false, false))
	t.Chdir(dir)
	if f := scanOne(t, "-v.pdf"); f.Error != "" || !equal(f.Counts, sampleCounts) {
		t.Errorf("counts %v error %q", f.Counts, f.Error)
	}
}
