package scan

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"path"
	"strings"
	"unicode/utf8"

	xencoding "golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/mamori-sec/mamori/internal/pii"
)

// extraction is the work on one top-level file, with its limits.
type extraction struct {
	s           *Scanner
	ctx         context.Context
	archiveLeft int64 // bytes still allowed out of the archive(s) in this file
	memLeft     int64 // bytes this worker may still hold whole
}

// errLimit: a limit of the extraction was reached; the reason is set.
type errLimit struct{ reason Reason }

func (e errLimit) Error() string { return string(e.reason) }

func (x *extraction) stream() *pii.Stream {
	if st, ok := x.s.streams.Get().(*pii.Stream); ok {
		st.Reset()
		return st
	}
	return x.s.pii.NewStream()
}

func (x *extraction) done(st *pii.Stream) pii.Result {
	r := st.Close()
	x.s.streams.Put(st)
	return r
}

// kind is the format of a file, from its name and first bytes.
type kind int

const (
	kText kind = iota
	kZip
	kDocx
	kXlsx
	kPptx
	kPDF
	kEML
	kLegacy
	kEncryptedOffice
	kBinary
)

var binaryExt = map[string]bool{
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".bmp": true, ".tif": true, ".tiff": true, ".webp": true, ".heic": true, ".ico": true,
	".exe": true, ".dll": true, ".so": true, ".dylib": true, ".bin": true, ".iso": true, ".dmg": true, ".img": true,
	".mp3": true, ".mp4": true, ".m4a": true, ".mov": true, ".avi": true, ".wav": true, ".wmv": true, ".mkv": true,
	".gz": true, ".tgz": true, ".bz2": true, ".xz": true, ".7z": true, ".rar": true, ".zst": true,
	".woff": true, ".woff2": true, ".ttf": true, ".otf": true, ".class": true, ".jar": true, ".pyc": true, ".o": true, ".a": true,
}

func sniff(name string, head []byte) kind {
	ext := strings.ToLower(path.Ext(name))
	cfb := bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	pk := bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06"))
	switch ext {
	case ".docx", ".docm", ".xlsx", ".xlsm", ".pptx", ".pptm":
		if cfb {
			// Office writes a password-protected document as an OLE
			// container holding the encrypted package.
			return kEncryptedOffice
		}
		switch ext[:4] {
		case ".doc":
			return kDocx
		case ".xls":
			return kXlsx
		}
		return kPptx
	case ".doc", ".xls", ".ppt", ".msg":
		return kLegacy
	case ".pdf":
		return kPDF
	case ".eml":
		return kEML
	case ".zip":
		return kZip
	}
	switch {
	case pk:
		return kZip
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return kPDF
	case cfb:
		return kLegacy
	case binaryExt[ext]:
		return kBinary
	}
	return kText
}

// file extracts one file or member: name is its path for reports and type
// detection, r its content (size bytes; r may also be an io.ReaderAt),
// diskPath its path on disk when it has one.
func (x *extraction) file(out *File, name string, r io.Reader, size int64, depth int, diskPath string) {
	if x.ctx.Err() != nil {
		return
	}
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	head, _ := br.Peek(4096)
	k := sniff(name, head)
	var err error
	switch k {
	case kText:
		err = x.text(out, br)
	case kEML:
		err = x.eml(out, name, br, depth)
	case kLegacy:
		out.Error = Legacy
	case kEncryptedOffice:
		out.Error = Encrypted
	case kBinary:
	case kZip, kDocx, kXlsx, kPptx, kPDF:
		// ReadAt does not depend on what the peek consumed.
		ra, ok := r.(io.ReaderAt)
		if !ok {
			var held []byte
			held, err = x.hold(br, size)
			if err == nil {
				defer x.release(held)
				ra = bytes.NewReader(held)
				size = int64(len(held))
			}
		}
		if err == nil {
			switch k {
			case kZip:
				err = x.zip(out, name, ra, size, depth)
			case kPDF:
				err = x.pdf(out, ra, size, diskPath)
			default:
				err = x.office(out, k, ra, size)
			}
		}
	}
	if err != nil && out.Error == "" {
		var lim errLimit
		switch {
		case errors.As(err, &lim):
			out.Error = lim.reason
		case errors.Is(err, errEncrypted):
			out.Error = Encrypted
		case errors.Is(err, errCorrupt):
			out.Error = Corrupt
		default:
			out.Error = reasonOfRead(err)
		}
	}
}

var (
	errEncrypted = errors.New("encrypted")
	errCorrupt   = errors.New("corrupt")
)

func reasonOfRead(err error) Reason {
	if r := reasonOf(err); r != ReadError {
		return r
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return Corrupt
	}
	return ReadError
}

// hold reads r whole into memory, within the worker's share of the budget.
func (x *extraction) hold(r io.Reader, size int64) ([]byte, error) {
	if size < 0 { // unknown (a mail attachment): as much as the share allows
		size = x.memLeft
	}
	if size > x.memLeft {
		return nil, errLimit{TooLarge}
	}
	x.memLeft -= size
	buf := bytes.NewBuffer(make([]byte, 0, min(size, 1<<20)))
	n, err := io.Copy(buf, io.LimitReader(r, size+1))
	x.memLeft += size - int64(cap(buf.Bytes()))
	if n > size {
		x.release(buf.Bytes())
		return nil, errLimit{TooLarge}
	}
	if err != nil {
		x.release(buf.Bytes())
		return nil, err
	}
	return buf.Bytes(), nil
}

func (x *extraction) release(b []byte) { x.memLeft += int64(cap(b)) }

// encoding of a text file
type encoding int

const (
	encUTF8 encoding = iota
	encUTF8BOM
	encUTF16LE
	encUTF16BE
	encCP932
	encEUCJP
	encBinary
)

// detectEncoding decides from the first bytes: BOM, then the shape of
// UTF-16 (NULs in alternate bytes), then valid UTF-8, then CP932 (Shift
// JIS as Windows writes it) if it decodes without errors.
func detectEncoding(head []byte) encoding {
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		return encUTF8BOM
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return encUTF16LE
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return encUTF16BE
	}
	if len(head) >= 4 {
		even, odd := 0, 0
		for i := 0; i+1 < len(head); i += 2 {
			if head[i] == 0 {
				even++
			}
			if head[i+1] == 0 {
				odd++
			}
		}
		pairs := len(head) / 2
		switch {
		case odd*3 > pairs && even*10 < pairs:
			return encUTF16LE
		case even*3 > pairs && odd*10 < pairs:
			return encUTF16BE
		case even+odd > 0:
			return encBinary
		}
	}
	// A multi-byte character may be cut at the end of the sample.
	h := head
	for k := 0; k < 3 && len(h) > 0 && !utf8.Valid(h); k++ {
		h = h[:len(h)-1]
	}
	if utf8.Valid(h) {
		return encUTF8
	}
	sjis, euc := validCP932(head), validEUCJP(head)
	switch {
	case sjis && euc:
		// Both decode: take the one that reads as Japanese (more kana).
		if kana(japanese.EUCJP.NewDecoder(), head) > kana(japanese.ShiftJIS.NewDecoder(), head) {
			return encEUCJP
		}
		return encCP932
	case sjis:
		return encCP932
	case euc:
		return encEUCJP
	}
	return encUTF8
}

// validEUCJP reports whether b is well-formed EUC-JP, allowing a
// character cut at the end.
func validEUCJP(b []byte) bool {
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c < 0x80:
		case c == 0x8E: // half-width katakana
			if i+1 < len(b) && (b[i+1] < 0xA1 || b[i+1] > 0xDF) {
				return false
			}
			i++
		case c == 0x8F: // JIS X 0212
			for k := 1; k <= 2 && i+k < len(b); k++ {
				if b[i+k] < 0xA1 || b[i+k] == 0xFF {
					return false
				}
			}
			i += 2
		case c >= 0xA1 && c <= 0xFE:
			if i+1 < len(b) && (b[i+1] < 0xA1 || b[i+1] == 0xFF) {
				return false
			}
			i++
		default:
			return false
		}
	}
	return true
}

// kana counts the hiragana and katakana in b decoded with enc.
func kana(dec *xencoding.Decoder, b []byte) int {
	s, _ := dec.Bytes(b)
	n := 0
	for _, r := range string(s) {
		if r >= 0x3041 && r <= 0x30FF {
			n++
		}
	}
	return n
}

// validCP932 reports whether b is well-formed Shift JIS (a lead byte
// 81–9F or E0–FC followed by a trail byte 40–7E or 80–FC), allowing a
// lead byte cut at the end.
func validCP932(b []byte) bool {
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c < 0x80 || c >= 0xA1 && c <= 0xDF:
		case c >= 0x81 && c <= 0x9F || c >= 0xE0 && c <= 0xFC:
			if i+1 == len(b) {
				return true
			}
			t := b[i+1]
			if t < 0x40 || t == 0x7F || t > 0xFC {
				return false
			}
			i++
		default:
			return false
		}
	}
	return true
}

// text streams a plain-text file (txt, csv, tsv, anything not recognised
// as another format) through the detectors, decoded to UTF-8.
func (x *extraction) text(out *File, br *bufio.Reader) error {
	head, _ := br.Peek(4096)
	var src io.Reader = br
	switch detectEncoding(head) {
	case encBinary:
		return nil
	case encUTF8BOM:
		br.Discard(3)
	case encUTF16LE:
		src = transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder())
	case encUTF16BE:
		src = transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder())
	case encCP932:
		src = transform.NewReader(br, japanese.ShiftJIS.NewDecoder())
	case encEUCJP:
		src = transform.NewReader(br, japanese.EUCJP.NewDecoder())
	}
	st := x.stream()
	_, err := st.ReadFrom(src)
	out.add(x.done(st))
	return err
}

// writeText sends decoded text to a stream; used by the structured
// extractors.
type textSink interface {
	io.Writer
	WriteString(string) (int, error)
}
