package scan

import (
	"archive/zip"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"

	"github.com/mamori-sec/mamori/internal/pii"
)

// zip scans an archive's members into out.Members, adding their findings
// to out. Limits: nesting depth, bytes decompressed from the whole file,
// and the ratio of a member's decompressed to compressed size (zip bombs).
// An encrypted member (a PPAP zip) is reported, never skipped silently.
func (x *extraction) zip(out *File, name string, ra io.ReaderAt, size int64, depth int) error {
	if depth+1 > x.s.opt.MaxDepth {
		return errLimit{TooDeep}
	}
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return errCorrupt
	}
	for _, f := range zr.File {
		if x.ctx.Err() != nil {
			return x.ctx.Err()
		}
		if strings.HasSuffix(f.Name, "/") || f.FileInfo().IsDir() {
			continue
		}
		m := File{Path: out.Path + "!" + memberName(f), Bytes: int64(f.UncompressedSize64)}
		x.member(&m, f, depth+1)
		out.Members = append(out.Members, m)
		out.add(resultOf(&m))
		if m.Error == ZipBomb && x.archiveLeft <= 0 {
			// The whole file's allowance is spent: the rest is not read.
			break
		}
	}
	return nil
}

// memberName decodes a member's name: Windows' "send to compressed folder"
// writes CP932 without the UTF-8 flag.
func memberName(f *zip.File) string {
	if utf8.ValidString(f.Name) {
		return f.Name
	}
	if s, err := japanese.ShiftJIS.NewDecoder().String(f.Name); err == nil {
		return s
	}
	return strings.ToValidUTF8(f.Name, "?")
}

func (x *extraction) member(m *File, f *zip.File, depth int) {
	if f.Flags&0x1 != 0 {
		m.Error = Encrypted
		return
	}
	if f.Method != zip.Store && f.Method != zip.Deflate {
		m.Error = Corrupt
		return
	}
	c := int64(f.CompressedSize64)
	u := int64(f.UncompressedSize64)
	if u > x.archiveLeft || c > 0 && u > 1<<20 && u/max(c, 1) > x.s.opt.MaxRatio {
		m.Error = ZipBomb
		return
	}
	rc, err := f.Open()
	if err != nil {
		m.Error = Corrupt
		return
	}
	defer rc.Close()
	// The sizes in the headers may lie: count what really comes out.
	lr := &limitReader{r: rc, left: min(x.archiveLeft, u+1), ratioBase: max(c, 1), ratio: x.s.opt.MaxRatio}
	x.file(m, m.Path, lr, u, depth, "")
	x.archiveLeft -= lr.read
	if lr.bomb {
		m.Error = ZipBomb
	}
	if m.Error == "" && lr.err != nil && !errors.Is(lr.err, io.EOF) {
		m.Error = Corrupt
	}
}

// limitReader stops a member that decompresses to more than its header
// said or to a ratio beyond the limit.
type limitReader struct {
	r         io.Reader
	left      int64
	read      int64
	ratioBase int64
	ratio     int64
	bomb      bool
	err       error
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		l.bomb = true
		return 0, errLimit{ZipBomb}
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	l.read += int64(n)
	if l.read > 1<<20 && l.read/l.ratioBase > l.ratio {
		l.bomb = true
		return n, errLimit{ZipBomb}
	}
	if err != nil && l.err == nil {
		l.err = err
	}
	return n, err
}

// resultOf is a file's findings as a pii.Result, to add into its archive.
func resultOf(f *File) pii.Result {
	return pii.Result{Counts: f.Counts, Possible: f.Possible, Sensitive: f.Sensitive, Samples: f.Samples, Distinct: f.Distinct}
}
