package scan

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"
)

// A small streaming tokenizer for the XML of Office files, about five
// times faster than encoding/xml here: it only splits text from tags,
// names tags by their local name and reads one attribute on demand. It
// allocates nothing per token; what it returns is valid until the next
// call.
type xmlTokens struct {
	br      *bufio.Reader
	pending bool // a '<' was read: a tag comes next
	kind    tokKind
	name    []byte // local name of a tag
	body    []byte // the tag between < and >
	text    []byte // raw text (entities not yet decoded)
	cdata   bool
	scratch []byte
}

type tokKind int

const (
	tokText tokKind = iota
	tokStart
	tokEnd
	tokEmpty // <x/>
	tokOther // comment, processing instruction, declaration
)

func newXMLTokens(r io.Reader) *xmlTokens {
	return &xmlTokens{br: bufio.NewReaderSize(r, 64<<10)}
}

func (x *xmlTokens) next() error {
	if !x.pending {
		b, err := x.br.ReadSlice('<')
		switch {
		case err == nil:
			x.pending = true
			b = b[:len(b)-1]
		case errors.Is(err, bufio.ErrBufferFull):
		case err == io.EOF:
			if len(b) == 0 {
				return io.EOF
			}
		default:
			return err
		}
		if len(b) > 0 {
			x.kind, x.text, x.cdata = tokText, b, false
			return nil
		}
		if !x.pending {
			return io.EOF
		}
	}
	x.pending = false
	b, err := x.br.ReadSlice('>')
	if errors.Is(err, bufio.ErrBufferFull) {
		// A tag longer than the buffer: no tag we read is; skip it.
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = x.br.ReadSlice('>')
		}
		if err != nil {
			return errCorrupt
		}
		x.kind = tokOther
		return nil
	}
	if err != nil {
		return errCorrupt
	}
	body := b[:len(b)-1]
	switch {
	case bytes.HasPrefix(body, []byte("!--")):
		for !bytes.HasSuffix(body, []byte("--")) {
			if body, err = x.br.ReadSlice('>'); err != nil {
				return errCorrupt
			}
			body = body[:len(body)-1]
		}
		x.kind = tokOther
		return nil
	case bytes.HasPrefix(body, []byte("![CDATA[")):
		x.scratch = append(x.scratch[:0], body[len("![CDATA["):]...)
		for !bytes.HasSuffix(x.scratch, []byte("]]")) {
			x.scratch = append(x.scratch, '>')
			more, err := x.br.ReadSlice('>')
			if err != nil {
				return errCorrupt
			}
			x.scratch = append(x.scratch, more[:len(more)-1]...)
		}
		x.kind, x.text, x.cdata = tokText, x.scratch[:len(x.scratch)-2], true
		return nil
	case len(body) > 0 && (body[0] == '?' || body[0] == '!'):
		x.kind = tokOther
		return nil
	}
	x.kind = tokStart
	if len(body) > 0 && body[0] == '/' {
		x.kind = tokEnd
		body = body[1:]
	} else if len(body) > 0 && body[len(body)-1] == '/' {
		x.kind = tokEmpty
		body = body[:len(body)-1]
	}
	x.body = body
	end := bytes.IndexAny(body, " \t\r\n")
	if end < 0 {
		end = len(body)
	}
	name := body[:end]
	if i := bytes.LastIndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	x.name = name
	return nil
}

// attr returns the value of the attribute with local name name in the
// current tag.
func (x *xmlTokens) attr(name string) []byte {
	b := x.body
	for {
		i := bytes.Index(b, []byte(name+"="))
		if i < 0 || i+len(name)+2 > len(b) {
			return nil
		}
		if i > 0 && (b[i-1] == ' ' || b[i-1] == ':' || b[i-1] == '\t' || b[i-1] == '\n' || b[i-1] == '\r') {
			q := b[i+len(name)+1]
			rest := b[i+len(name)+2:]
			if j := bytes.IndexByte(rest, q); j >= 0 && (q == '"' || q == '\'') {
				return rest[:j]
			}
			return nil
		}
		b = b[i+1:]
	}
}

// writeText writes text with its entities decoded.
func writeText(w io.Writer, t []byte, cdata bool) {
	if cdata || bytes.IndexByte(t, '&') < 0 {
		w.Write(t)
		return
	}
	w.Write(unescape(nil, t))
}

// unescape appends t with XML entities decoded to dst.
func unescape(dst, t []byte) []byte {
	for {
		i := bytes.IndexByte(t, '&')
		if i < 0 {
			return append(dst, t...)
		}
		dst = append(dst, t[:i]...)
		t = t[i:]
		j := bytes.IndexByte(t, ';')
		if j < 0 || j > 12 {
			dst = append(dst, '&')
			t = t[1:]
			continue
		}
		ent := t[1:j]
		t = t[j+1:]
		switch string(ent) {
		case "amp":
			dst = append(dst, '&')
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "quot":
			dst = append(dst, '"')
		case "apos":
			dst = append(dst, '\'')
		default:
			if len(ent) > 1 && ent[0] == '#' {
				var n uint64
				var err error
				if ent[1] == 'x' || ent[1] == 'X' {
					n, err = strconv.ParseUint(string(ent[2:]), 16, 32)
				} else {
					n, err = strconv.ParseUint(string(ent[1:]), 10, 32)
				}
				if err == nil && utf8.ValidRune(rune(n)) {
					dst = utf8.AppendRune(dst, rune(n))
				}
			}
		}
	}
}
