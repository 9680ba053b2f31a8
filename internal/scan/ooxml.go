package scan

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
)

// office extracts the text of a docx, xlsx or pptx (zip files of XML),
// streaming the XML: paragraphs and rows end lines, cells end with a tab,
// sheets and slides start with a form feed, so a sheet's first row is the
// header the detectors read as labels of its columns.
func (x *extraction) office(out *File, k kind, ra io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return errCorrupt
	}
	parts := map[string]*zip.File{}
	for _, f := range zr.File {
		parts[f.Name] = f
	}
	if _, ok := parts["[Content_Types].xml"]; !ok {
		return errCorrupt
	}
	st := x.stream()
	defer func() { out.add(x.done(st)) }()
	var names []string
	switch k {
	case kDocx:
		names = partsLike(parts, "word/", "document", "header", "footer", "footnotes", "endnotes", "comments")
	case kPptx:
		names = partsLike(parts, "ppt/slides/", "slide")
		names = append(names, partsLike(parts, "ppt/notesSlides/", "notesSlide")...)
	case kXlsx:
		shared, err := x.sharedStrings(parts["xl/sharedStrings.xml"])
		if err != nil {
			return err
		}
		defer x.releaseStrings(shared)
		for _, n := range partsLike(parts, "xl/worksheets/", "sheet") {
			st.WriteString("\f")
			if err := x.sheet(st, parts[n], shared); err != nil {
				return err
			}
		}
		return nil
	}
	for _, n := range names {
		st.WriteString("\f")
		if err := x.paragraphs(st, parts[n]); err != nil {
			return err
		}
	}
	return nil
}

// partsLike lists the XML parts under dir whose file name starts with one
// of the prefixes, in natural order (slide2 before slide10).
func partsLike(parts map[string]*zip.File, dir string, prefixes ...string) []string {
	var out []string
	for n := range parts {
		if !strings.HasPrefix(n, dir) || !strings.HasSuffix(n, ".xml") || strings.Contains(n[len(dir):], "/") {
			continue
		}
		base := path.Base(n)
		for _, p := range prefixes {
			if strings.HasPrefix(base, p) {
				out = append(out, n)
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i]) != len(out[j]) {
			return len(out[i]) < len(out[j])
		}
		return out[i] < out[j]
	})
	return out
}

// openPart opens a part, counting what it decompresses against the file's
// allowance and the ratio limit like an archive member.
func (x *extraction) openPart(f *zip.File) (io.ReadCloser, *limitReader, error) {
	if f.Flags&0x1 != 0 {
		return nil, nil, errEncrypted
	}
	u := int64(f.UncompressedSize64)
	if u > x.archiveLeft {
		return nil, nil, errLimit{ZipBomb}
	}
	rc, err := f.Open()
	if err != nil {
		return nil, nil, errCorrupt
	}
	lr := &limitReader{r: rc, left: min(x.archiveLeft, u+1), ratioBase: max(int64(f.CompressedSize64), 1), ratio: x.s.opt.MaxRatio}
	return rc, lr, nil
}

func (x *extraction) closePart(rc io.ReadCloser, lr *limitReader) {
	x.archiveLeft -= lr.read
	rc.Close()
}

// xmlErr turns a tokenizer error into a reason.
func xmlErr(err error, lr *limitReader) error {
	if lr.bomb {
		return errLimit{ZipBomb}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, errCorrupt) {
		return errCorrupt
	}
	return err
}

// paragraphs writes the text of a Word or PowerPoint part: w:t / a:t
// runs, tabs and breaks, a newline after each paragraph and table row, a
// tab after each table cell.
func (x *extraction) paragraphs(st textSink, f *zip.File) error {
	rc, lr, err := x.openPart(f)
	if err != nil {
		return err
	}
	defer x.closePart(rc, lr)
	d := newXMLTokens(lr)
	inText := false
	for {
		err := d.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return xmlErr(err, lr)
		}
		switch d.kind {
		case tokText:
			if inText {
				writeText(st, d.text, d.cdata)
			}
		case tokStart, tokEmpty:
			switch string(d.name) {
			case "t":
				inText = d.kind == tokStart
			case "tab":
				st.WriteString("\t")
			case "br", "cr":
				st.WriteString("\n")
			}
		case tokEnd:
			switch string(d.name) {
			case "t":
				inText = false
			case "p", "tr":
				st.WriteString("\n")
			case "tc":
				st.WriteString("\t")
			}
		}
	}
}

// sharedStrings reads an xlsx's table of strings, within the worker's
// memory share.
func (x *extraction) sharedStrings(f *zip.File) ([]string, error) {
	if f == nil {
		return nil, nil
	}
	if int64(f.UncompressedSize64) > x.memLeft {
		return nil, errLimit{TooLarge}
	}
	rc, lr, err := x.openPart(f)
	if err != nil {
		return nil, err
	}
	defer x.closePart(rc, lr)
	d := newXMLTokens(lr)
	var out []string
	var cur []byte
	in, inT, phonetic := false, false, false
	var held int64
	for {
		err := d.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			x.memLeft += held
			return nil, xmlErr(err, lr)
		}
		switch d.kind {
		case tokText:
			if inT && !phonetic {
				if d.cdata || bytes.IndexByte(d.text, '&') < 0 {
					cur = append(cur, d.text...)
				} else {
					cur = unescape(cur, d.text)
				}
			}
		case tokStart:
			switch string(d.name) {
			case "si":
				in = true
				cur = cur[:0]
			case "t":
				inT = in
			case "rPh": // phonetic guides repeat the reading
				phonetic = true
			}
		case tokEmpty:
			if string(d.name) == "si" {
				out = append(out, "")
			}
		case tokEnd:
			switch string(d.name) {
			case "si":
				in = false
				held += int64(len(cur)) + 16
				if held > x.memLeft {
					x.memLeft += held - int64(len(cur)) - 16
					return nil, errLimit{TooLarge}
				}
				out = append(out, string(cur))
			case "t":
				inT = false
			case "rPh":
				phonetic = false
			}
		}
	}
	x.memLeft -= held
	return out, nil
}

func (x *extraction) releaseStrings(s []string) {
	for _, v := range s {
		x.memLeft += int64(len(v)) + 16
	}
}

// sheet writes a worksheet: cells separated by tabs, rows by newlines.
// Numbers are written as people typed them: a 12-digit My Number stored
// as a number comes back from E-notation ("1.23456789018E+11").
func (x *extraction) sheet(st textSink, f *zip.File, shared []string) error {
	rc, lr, err := x.openPart(f)
	if err != nil {
		return err
	}
	defer x.closePart(rc, lr)
	d := newXMLTokens(lr)
	var typ []byte
	var val []byte
	inV, firstRow := false, true
	col := 0 // cells written in this row: Excel leaves empty cells out, r="D2" says where a cell sits
	for {
		err := d.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return xmlErr(err, lr)
		}
		switch d.kind {
		case tokText:
			if inV {
				val = append(val, d.text...)
			}
		case tokStart:
			switch string(d.name) {
			case "row":
				if !firstRow {
					st.WriteString("\n")
				}
				firstRow = false
				col = 0
			case "c":
				typ = append(typ[:0], d.attr("t")...)
				val = val[:0]
				for want := columnOf(d.attr("r")); col < want && col < 16384; col++ {
					st.WriteString("\t")
				}
			case "v", "t":
				inV = true
			}
		case tokEnd:
			switch string(d.name) {
			case "v", "t":
				inV = false
			case "c":
				st.WriteString(cellText(string(typ), unescape(nil, val), shared))
				st.WriteString("\t")
				col++
			}
		}
	}
}

func cellText(typ string, v []byte, shared []string) string {
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(string(v)))
		if err != nil || i < 0 || i >= len(shared) {
			return ""
		}
		return shared[i]
	case "", "n":
		s := string(v)
		if strings.ContainsAny(s, "eE.") {
			if f, err := strconv.ParseFloat(s, 64); err == nil && f == float64(int64(f)) && f >= 1e9 && f < 9e18 {
				return strconv.FormatInt(int64(f), 10)
			}
		}
		return s
	}
	return string(v)
}

// columnOf is the 0-based column of a cell reference ("D2" → 3), or -1.
func columnOf(ref []byte) int {
	n := 0
	for _, c := range ref {
		if c < 'A' || c > 'Z' {
			break
		}
		n = n*26 + int(c-'A'+1)
	}
	return n - 1
}
