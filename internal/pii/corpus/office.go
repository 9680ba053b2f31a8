package corpus

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/mamori-sec/mamori/internal/pii"
)

// WriteDocx writes a Word document of at least size bytes of text, one
// generated line per paragraph.
func (g *Generator) WriteDocx(w io.Writer, size int64) (pii.Counts, error) {
	total := pii.Counts{}
	zw := zip.NewWriter(w)
	ct, _ := zw.Create("[Content_Types].xml")
	io.WriteString(ct, `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`)
	doc, err := zw.Create("word/document.xml")
	if err != nil {
		return total, err
	}
	io.WriteString(doc, `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	var n int64
	for n < size {
		l := g.Line()
		total.Add(l.Truth)
		io.WriteString(doc, `<w:p><w:r><w:t xml:space="preserve">`)
		xml.EscapeText(doc, []byte(l.Text))
		io.WriteString(doc, `</w:t></w:r></w:p>`)
		n += int64(len(l.Text))
	}
	io.WriteString(doc, `</w:body></w:document>`)
	return total, zw.Close()
}

// WriteXLSX writes a workbook of customer rows (name, My Number, phone,
// e-mail, address) under a header row, rows rows long, with the My
// Numbers as text cells in half the rows and as numbers in the others.
func (g *Generator) WriteXLSX(w io.Writer, rows int) (pii.Counts, error) {
	total := pii.Counts{}
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return total, err
	}
	sw.SetRow("A1", []any{"氏名", "個人番号", "電話番号", "メールアドレス", "住所", "備考"})
	for r := 2; r <= rows+1; r++ {
		d := g.myNumber(false)
		var mn any = str(d)
		if r%2 == 0 && d[0] != 0 {
			var v int64
			for _, x := range d {
				v = v*10 + int64(x)
			}
			mn = v
		}
		phone := fmt.Sprintf("090-%s-%s", str(g.digits(4)), str(g.digits(4)))
		mail := fmt.Sprintf("user%d@example.co.jp", r)
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(cell, []any{g.name(), mn, phone, mail, g.pick(places), g.pick(filler)}); err != nil {
			return total, err
		}
		total[pii.MyNumber]++
		total[pii.Phone]++
		total[pii.Email]++
	}
	if err := sw.Flush(); err != nil {
		return total, err
	}
	return total, f.Write(w)
}

// WritePDF writes a PDF whose pages hold lines of ASCII text (the
// identifiers with English labels): a Type 1 standard font has no
// Japanese glyphs, and this file measures extraction speed.
func (g *Generator) WritePDF(w io.Writer, pages int) (pii.Counts, error) {
	total := pii.Counts{}
	var b bytes.Buffer
	var offs []int
	obj := func(s string) int {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offs), s)
		return len(offs)
	}
	b.WriteString("%PDF-1.4\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("PAGES")
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	var kids []string
	for p := 0; p < pages; p++ {
		var c bytes.Buffer
		c.WriteString("BT /F1 9 Tf 40 800 Td 11 TL\n")
		for i := 0; i < 70; i++ {
			var line string
			switch g.r.IntN(6) {
			case 0:
				line = "Employee My Number " + grouped(g.myNumber(false), " ", 4, 4, 4)
				total[pii.MyNumber]++
			case 1:
				line = fmt.Sprintf("Mobile 080-%s-%s", str(g.digits(4)), str(g.digits(4)))
				total[pii.Phone]++
			case 2:
				line = fmt.Sprintf("Mail staff%d@example.co.jp", g.r.IntN(100000))
				total[pii.Email]++
			default:
				line = fmt.Sprintf("Order %s shipped on 2026-%02d-%02d, amount %d yen", str(g.digits(10)), 1+g.r.IntN(12), 1+g.r.IntN(28), g.r.IntN(100000))
			}
			fmt.Fprintf(&c, "(%s) Tj T*\n", strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(line))
		}
		c.WriteString("ET\n")
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(c.Bytes())
		zw.Close()
		content := obj(fmt.Sprintf("<< /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream", z.Len(), z.Bytes()))
		page := obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R /Resources << /Font << /F1 3 0 R >> >> >>", content))
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
	}
	// Rewrite object 2 now that the pages are known: append it as a new
	// revision of the object at the end and point the xref to it.
	offs[1] = b.Len()
	fmt.Fprintf(&b, "2 0 obj\n<< /Type /Pages /Kids [%s] /Count %d >>\nendobj\n", strings.Join(kids, " "), pages)
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, xref)
	_, err := w.Write(b.Bytes())
	return total, err
}
