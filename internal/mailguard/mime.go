package mailguard

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // ISO-2022-JP, Shift_JIS, EUC-JP and the rest
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
)

// MaxTextBytes bounds the decoded text the partner-name rule reads.
const MaxTextBytes = 1 << 20

// ErrNoHeader says the data has no header block ending in an empty line.
var ErrNoHeader = errors.New("mailguard: message has no header")

// split returns the header block (with its final empty line) and the body.
// A message that is only a header has an empty body.
func split(raw []byte) (hdr, body []byte, err error) {
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		return raw[:i+4], raw[i+4:], nil
	}
	if i := bytes.Index(raw, []byte("\n\n")); i >= 0 {
		return raw[:i+2], raw[i+2:], nil
	}
	if bytes.HasSuffix(raw, []byte("\r\n")) || bytes.HasSuffix(raw, []byte("\n")) {
		return raw, nil, nil
	}
	return nil, nil, ErrNoHeader
}

// field is one header field as it lies in the raw bytes, folded lines
// included.
type field struct {
	name string // lower case
	raw  []byte
}

// fields cuts a raw header block into its fields, keeping every byte, so
// that fields not rewritten go out exactly as they came.
func fields(hdr []byte) []field {
	var out []field
	for len(hdr) > 0 {
		end := 0
		for {
			nl := bytes.IndexByte(hdr[end:], '\n')
			if nl < 0 {
				end = len(hdr)
				break
			}
			end += nl + 1
			if end >= len(hdr) || (hdr[end] != ' ' && hdr[end] != '\t') {
				break
			}
		}
		f := hdr[:end]
		name := ""
		if c := bytes.IndexByte(f, ':'); c > 0 {
			name = strings.ToLower(strings.TrimSpace(string(f[:c])))
		}
		out = append(out, field{name: name, raw: f})
		hdr = hdr[end:]
	}
	return out
}

// rewriteHeader drops the fields named in drop and puts add at the top,
// leaving every other byte of the message as it was.
func rewriteHeader(raw []byte, add string, drop ...string) ([]byte, error) {
	hdr, body, err := split(raw)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(raw)+len(add))
	out = append(out, add...)
	for _, f := range fields(hdr) {
		skip := false
		for _, d := range drop {
			if f.name == d {
				skip = true
			}
		}
		if !skip {
			out = append(out, f.raw...)
		}
	}
	return append(out, body...), nil
}

// Prepend adds header lines (each ending in CRLF) at the top, as a trace
// field is added (RFC 5321 §4.4), and removes any Bcc field, which must
// never reach a recipient (RFC 5322 §3.6.3).
func Prepend(raw []byte, lines string) ([]byte, error) {
	return rewriteHeader(raw, lines, "bcc")
}

// ToBcc removes To, Cc and Bcc, so that recipients no longer see each
// other, and says "undisclosed-recipients" instead; the addresses stay in
// the envelope. The body is not touched.
func ToBcc(raw []byte) ([]byte, error) {
	return rewriteHeader(raw, "To: undisclosed-recipients:;\r\n", "to", "cc", "bcc")
}

// Summarize reads what the rules need from a message: its addresses,
// subject, text and attachments, and, when pd is set, personal data in
// its parts.
func Summarize(raw []byte, pd PersonalData) (Summary, error) {
	var s Summary
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
		return s, fmt.Errorf("read message: %w", err)
	}
	h := mail.Header{Header: e.Header}
	s.Subject, _ = h.Subject()
	for _, k := range []string{"From", "To", "Cc"} {
		list, _ := h.AddressList(k)
		for _, a := range list {
			addr := strings.ToLower(a.Address)
			switch k {
			case "From":
				s.From = addr
			case "To":
				s.To = append(s.To, addr)
			default:
				s.Cc = append(s.Cc, addr)
			}
		}
	}
	var text strings.Builder
	err = e.Walk(func(_ []int, part *message.Entity, err error) error {
		if err != nil {
			return nil // a part we cannot read is passed through unread
		}
		if mt, _, _ := part.Header.ContentType(); strings.HasPrefix(mt, "multipart/") {
			return nil
		}
		name, isAtt := attachmentName(part.Header)
		var buf bytes.Buffer
		n, _ := io.Copy(&buf, io.LimitReader(part.Body, 64<<20))
		if isAtt {
			s.Attachments = append(s.Attachments, Attachment{Name: name, Size: int(n)})
		} else if mt, _, _ := part.Header.ContentType(); strings.HasPrefix(mt, "text/") && text.Len() < MaxTextBytes {
			text.Write(buf.Bytes())
			text.WriteByte('\n')
		}
		if pd != nil {
			people, kinds, err := pd.Check(name, bytes.NewReader(buf.Bytes()))
			if err == nil && people > 0 {
				s.People = max(s.People, people)
				s.Kinds = appendNew(s.Kinds, kinds...)
			}
		}
		return nil
	})
	s.Text = text.String()
	return s, err
}

func appendNew(list []string, add ...string) []string {
	for _, a := range add {
		found := false
		for _, x := range list {
			if x == a {
				found = true
			}
		}
		if !found {
			list = append(list, a)
		}
	}
	return list
}

// attachmentName reports whether a part is an attached file, and its
// name decoded (RFC 2231 parameters, and the encoded words that Japanese
// clients put inside quoted file names).
func attachmentName(h message.Header) (string, bool) {
	disp, _, _ := h.ContentDisposition()
	ah := mail.AttachmentHeader{Header: h}
	name, _ := ah.Filename()
	if name == "" {
		name = undecodedName(h)
	}
	if strings.EqualFold(disp, "attachment") {
		if name == "" {
			name = "attachment"
		}
		return name, true
	}
	return name, name != "" && !strings.EqualFold(disp, "inline")
}

// undecodedName falls back on the raw parameter when the header does not
// parse as a media type (some clients leave 8-bit names unquoted).
func undecodedName(h message.Header) string {
	for _, k := range []string{"Content-Disposition", "Content-Type"} {
		v := h.Get(k)
		for _, p := range []string{"filename=", "name="} {
			if i := strings.Index(strings.ToLower(v), p); i >= 0 {
				n := strings.Trim(strings.SplitN(v[i+len(p):], ";", 2)[0], "\" \t")
				if d, err := new(mime.WordDecoder).DecodeHeader(n); err == nil {
					return d
				}
				return n
			}
		}
	}
	return ""
}

// File is an attachment taken out of a message.
type File struct {
	Name        string
	ContentType string
	Data        []byte
}

// part is one body part of the top-level multipart, as byte offsets into
// the body: from its delimiter line to the next delimiter line.
type part struct {
	start, end int
}

// topParts finds the parts of a top-level multipart body. ok is false for
// a message that is not multipart or whose boundary never appears.
func topParts(raw []byte) (body []byte, bodyAt int, parts []part, closeAt int, ok bool) {
	hdr, body, err := split(raw)
	if err != nil {
		return nil, 0, nil, 0, false
	}
	th, err := textproto.ReadHeader(bufioReader(hdr))
	if err != nil {
		return nil, 0, nil, 0, false
	}
	mt, params, err := mime.ParseMediaType(th.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") || params["boundary"] == "" {
		return nil, 0, nil, 0, false
	}
	delim := []byte("--" + params["boundary"])
	var starts []int
	closeAt = -1
	for i := 0; i < len(body); {
		if (i == 0 || body[i-1] == '\n') && bytes.HasPrefix(body[i:], delim) {
			rest := body[i+len(delim):]
			if bytes.HasPrefix(rest, []byte("--")) {
				closeAt = i
				break
			}
			starts = append(starts, i)
		}
		nl := bytes.IndexByte(body[i:], '\n')
		if nl < 0 {
			break
		}
		i += nl + 1
	}
	if closeAt < 0 || len(starts) == 0 {
		return nil, 0, nil, 0, false
	}
	for k, st := range starts {
		end := closeAt
		if k+1 < len(starts) {
			end = starts[k+1]
		}
		parts = append(parts, part{start: st, end: end})
	}
	return body, len(hdr), parts, closeAt, true
}

// Files returns the top-level attachments of a message, decoded.
func Files(raw []byte) ([]File, error) {
	body, _, parts, _, ok := topParts(raw)
	if !ok {
		return nil, nil
	}
	var out []File
	for _, p := range parts {
		if f := partFile(body[p.start:p.end]); f != nil {
			out = append(out, *f)
		}
	}
	return out, nil
}

// partFile reads one part (delimiter line included) and returns it as a
// file when it is an attachment.
func partFile(seg []byte) *File {
	nl := bytes.IndexByte(seg, '\n')
	if nl < 0 {
		return nil
	}
	// The CRLF before the next delimiter belongs to the delimiter.
	content := seg[nl+1:]
	if c, ok := bytes.CutSuffix(content, []byte("\r\n")); ok {
		content = c
	} else {
		content = bytes.TrimSuffix(content, []byte("\n"))
	}
	e, err := message.Read(bytes.NewReader(content))
	if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
		return nil
	}
	if mt, _, _ := e.Header.ContentType(); strings.HasPrefix(mt, "multipart/") {
		return nil
	}
	name, isAtt := attachmentName(e.Header)
	if !isAtt {
		return nil
	}
	data, err := io.ReadAll(io.LimitReader(e.Body, 64<<20))
	if err != nil {
		return nil
	}
	mt, _, _ := e.Header.ContentType()
	return &File{Name: name, ContentType: mt, Data: data}
}

// ReplaceFiles removes the top-level attachments and adds, in their place,
// one UTF-8 text part saying where they can be fetched. Every other byte
// of the message stays as it was. A message without attachments comes
// back unchanged.
func ReplaceFiles(raw []byte, note string) ([]byte, error) { return replaceFiles(raw, note, nil) }

// replaceFiles is ReplaceFiles with extra (a whole MIME part: headers,
// empty line, body) added after the note.
func replaceFiles(raw []byte, note string, extra []byte) ([]byte, error) {
	body, at, parts, closeAt, ok := topParts(raw)
	if !ok {
		return raw, nil
	}
	var keep [][2]int
	removed := false
	for _, p := range parts {
		if partFile(body[p.start:p.end]) != nil {
			removed = true
			continue
		}
		keep = append(keep, [2]int{p.start, p.end})
	}
	if !removed {
		return raw, nil
	}
	delimLine := body[parts[0].start:]
	delimLine = delimLine[:bytes.IndexByte(delimLine, '\n')+1]
	delim := bytes.TrimRight(delimLine, "\r\n")
	out := make([]byte, 0, len(raw))
	out = append(out, raw[:at]...)
	out = append(out, body[:parts[0].start]...)
	for _, k := range keep {
		out = append(out, body[k[0]:k[1]]...)
	}
	out = append(out, delim...)
	out = append(out, "\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: inline\r\n\r\n"...)
	out = append(out, base64Lines([]byte(note))...)
	if extra != nil {
		out = append(out, delim...)
		out = append(out, "\r\n"...)
		out = append(out, extra...)
	}
	out = append(out, body[closeAt:]...)
	return out, nil
}

func base64Lines(b []byte) []byte {
	var buf bytes.Buffer
	enc := make([]byte, 76)
	const chunk = 57
	for len(b) > 0 {
		n := min(chunk, len(b))
		m := encodeBase64(enc, b[:n])
		buf.Write(enc[:m])
		buf.WriteString("\r\n")
		b = b[n:]
	}
	return buf.Bytes()
}
