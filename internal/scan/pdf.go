package scan

import (
	"bytes"
	"compress/zlib"
	"io"
	"os"
	"os/exec"
	"strings"
	"unicode/utf16"
)

// pdf extracts a PDF's text layer. With poppler's pdftotext installed
// (Debian poppler-utils, run as a separate process) Japanese fonts with
// predefined CMaps are decoded correctly — the pure-Go libraries measured
// in the facts file return garbage for them. Without it, a small built-in
// reader takes the strings of the text operators from uncompressed or
// Flate-compressed content streams: enough for ASCII and UTF-16 text and
// for the digits of most identifiers. A password-protected PDF is
// reported as encrypted; one with no text at all (a scanned image) as
// having no text layer.
func (x *extraction) pdf(out *File, ra io.ReaderAt, size int64, diskPath string) error {
	encrypted := pdfEncrypted(ra, size)
	st := x.stream()
	cw := &countWriter{w: st}
	defer func() {
		out.add(x.done(st))
		if cw.text == 0 && out.Error == "" {
			out.Error = NoText
			if encrypted {
				out.Error = Encrypted
			}
		}
	}()
	if tool, err := exec.LookPath("pdftotext"); err == nil && !x.s.opt.builtinPDF {
		p := diskPath
		if p == "" {
			tmp, err := os.CreateTemp("", "mamori-scan-*.pdf")
			if err != nil {
				return err
			}
			defer os.Remove(tmp.Name())
			_, err = io.Copy(tmp, io.NewSectionReader(ra, 0, size))
			if cerr := tmp.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			p = tmp.Name()
		}
		if strings.HasPrefix(p, "-") {
			p = "./" + p // a file name, not an option
		}
		cmd := exec.CommandContext(x.ctx, tool, "-q", "-enc", "UTF-8", p, "-")
		cmd.Stdout = cw
		if err := cmd.Run(); err != nil {
			if encrypted {
				return errEncrypted
			}
			if x.ctx.Err() != nil {
				return x.ctx.Err()
			}
			return errCorrupt
		}
		return nil
	}
	if encrypted {
		return errEncrypted
	}
	data, err := x.hold(io.NewSectionReader(ra, 0, size), size)
	if err != nil {
		return err
	}
	defer x.release(data)
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		return errCorrupt
	}
	pdfText(data, cw, x.memLeft)
	return nil
}

// countWriter counts the bytes of text that are not white space, to tell
// a scanned image from a text PDF.
type countWriter struct {
	w    textSink
	text int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	for _, b := range p {
		if b > ' ' {
			c.text++
		}
	}
	return c.w.Write(p)
}

func (c *countWriter) WriteString(s string) (int, error) { return c.Write([]byte(s)) }

// pdfEncrypted reports whether the trailer names an /Encrypt dictionary.
func pdfEncrypted(ra io.ReaderAt, size int64) bool {
	const tail = 64 << 10
	off := max(size-tail, 0)
	buf := make([]byte, size-off)
	n, _ := ra.ReadAt(buf, off)
	if bytes.Contains(buf[:n], []byte("/Encrypt")) {
		return true
	}
	if off > 0 { // a cross-reference stream may sit at the front (linearised files)
		head := make([]byte, min(size, tail))
		n, _ := ra.ReadAt(head, 0)
		return bytes.Contains(head[:n], []byte("/Encrypt"))
	}
	return false
}

// pdfText writes the strings of the text objects in every content stream.
func pdfText(data []byte, w textSink, memLeft int64) {
	for {
		i := bytes.Index(data, []byte("stream"))
		if i < 0 {
			return
		}
		dict := data[max(i-512, 0):i]
		body := data[i+len("stream"):]
		if len(body) > 0 && body[0] == '\r' {
			body = body[1:]
		}
		if len(body) > 0 && body[0] == '\n' {
			body = body[1:]
		}
		j := bytes.Index(body, []byte("endstream"))
		if j < 0 {
			return
		}
		content := body[:j]
		data = body[j+len("endstream"):]
		if bytes.Contains(dict, []byte("/Subtype/Image")) || bytes.Contains(dict, []byte("/Subtype /Image")) {
			continue
		}
		if bytes.Contains(dict, []byte("/FlateDecode")) {
			zr, err := zlib.NewReader(bytes.NewReader(content))
			if err != nil {
				continue
			}
			var buf bytes.Buffer
			io.Copy(&buf, io.LimitReader(zr, max(memLeft/2, 1<<20)))
			content = buf.Bytes()
		}
		if bytes.Contains(content, []byte("BT")) {
			textOperators(content, w)
		}
	}
}

// textOperators writes the literal and hex strings of a content stream,
// a newline at each ET and T* / Td move.
func textOperators(c []byte, w textSink) {
	for i := 0; i < len(c); i++ {
		switch c[i] {
		case '(':
			var s []byte
			depth := 1
			for i++; i < len(c) && depth > 0; i++ {
				b := c[i]
				switch b {
				case '\\':
					if i+1 < len(c) {
						i++
						switch e := c[i]; e {
						case 'n':
							s = append(s, '\n')
						case 't':
							s = append(s, '\t')
						case 'r', 'b', 'f':
						default:
							if e >= '0' && e <= '7' {
								v := int(e - '0')
								for k := 0; k < 2 && i+1 < len(c) && c[i+1] >= '0' && c[i+1] <= '7'; k++ {
									i++
									v = v*8 + int(c[i]-'0')
								}
								s = append(s, byte(v))
							} else {
								s = append(s, e)
							}
						}
					}
				case '(':
					depth++
					s = append(s, b)
				case ')':
					depth--
					if depth > 0 {
						s = append(s, b)
					}
				default:
					s = append(s, b)
				}
			}
			i--
			writePDFString(w, s)
		case '<':
			if i+1 < len(c) && c[i+1] == '<' {
				i++
				continue
			}
			end := bytes.IndexByte(c[i:], '>')
			if end < 0 {
				return
			}
			writePDFString(w, unhex(c[i+1:i+end]))
			i += end
		case 'E':
			if i+1 < len(c) && c[i+1] == 'T' {
				w.WriteString("\n")
			}
		case '*':
			w.WriteString("\n")
		}
	}
}

func writePDFString(w textSink, s []byte) {
	if len(s) >= 2 && s[0] == 0xFE && s[1] == 0xFF {
		u := make([]uint16, 0, len(s)/2)
		for k := 2; k+1 < len(s); k += 2 {
			u = append(u, uint16(s[k])<<8|uint16(s[k+1]))
		}
		w.WriteString(string(utf16.Decode(u)))
		return
	}
	w.Write(s)
}

func unhex(h []byte) []byte {
	var out []byte
	var cur byte
	half := false
	for _, b := range h {
		var v byte
		switch {
		case b >= '0' && b <= '9':
			v = b - '0'
		case b >= 'a' && b <= 'f':
			v = b - 'a' + 10
		case b >= 'A' && b <= 'F':
			v = b - 'A' + 10
		default:
			continue
		}
		if half {
			out = append(out, cur<<4|v)
		} else {
			cur = v
		}
		half = !half
	}
	if half {
		out = append(out, cur<<4)
	}
	return out
}
