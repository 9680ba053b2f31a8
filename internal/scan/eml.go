package scan

import (
	"errors"
	"io"
	"mime"
	"strings"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // ISO-2022-JP, Shift_JIS and the other charsets of Japanese mail
)

// eml scans a message: its address and subject headers and text parts go
// through the detectors as the message's own text (decoded from its
// transfer encoding and charset); each attachment is a member,
// "mail.eml!invoice.xlsx", extracted like a file of its type.
func (x *extraction) eml(out *File, name string, r io.Reader, depth int) error {
	if depth+1 > x.s.opt.MaxDepth {
		return errLimit{TooDeep}
	}
	e, err := message.Read(r)
	if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
		return errCorrupt
	}
	st := x.stream()
	defer func() { out.add(x.done(st)) }()
	for _, k := range []string{"From", "To", "Cc", "Bcc", "Reply-To", "Subject"} {
		if v, err := e.Header.Text(k); err == nil && v != "" {
			st.WriteString(k + ": " + v + "\n")
		}
	}
	n := 0
	return x.entity(out, st, e, depth, &n)
}

func (x *extraction) entity(out *File, st textSink, e *message.Entity, depth int, n *int) error {
	if mr := e.MultipartReader(); mr != nil {
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return nil
			}
			if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
				return errCorrupt
			}
			if err := x.entity(out, st, p, depth, n); err != nil {
				return err
			}
		}
	}
	ct, params, _ := e.Header.ContentType()
	filename := attachmentName(e.Header, params)
	if filename == "" && (ct == "" || strings.HasPrefix(ct, "text/")) {
		_, err := io.Copy(st, e.Body)
		st.WriteString("\n")
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			return errCorrupt
		}
		return nil
	}
	*n++
	if filename == "" {
		filename = "part" + itoa(*n)
		if ct == "message/rfc822" {
			filename += ".eml"
		}
	}
	m := File{Path: out.Path + "!" + filename}
	cr := &countReader{r: e.Body}
	x.file(&m, m.Path, cr, -1, depth+1, "")
	m.Bytes = cr.n
	out.Members = append(out.Members, m)
	out.add(resultOf(&m))
	return nil
}

func attachmentName(h message.Header, ctParams map[string]string) string {
	_, dp, err := h.ContentDisposition()
	if err == nil && dp["filename"] != "" {
		return decodeWord(dp["filename"])
	}
	return decodeWord(ctParams["name"])
}

func decodeWord(s string) string {
	if d, err := new(mime.WordDecoder).DecodeHeader(s); err == nil {
		return d
	}
	return s
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
