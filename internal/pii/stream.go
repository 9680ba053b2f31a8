package pii

import (
	"bytes"
	"hash/maphash"
	"io"
	"math"
)

const (
	chunkSize  = 256 << 10
	keepBefore = 512 // bytes of left context kept across chunks (e-mail local part, 〒, letters)
	lookahead  = 512 // bytes a value and its right context may reach past the chunk
	maxDigits  = 24
	noPos      = math.MinInt64 / 2
)

// byte classes of the ASCII fast path
const (
	clsNone = iota
	clsDigit
	clsAt
	clsLetter
	clsNL
	clsFF
	clsTab
	clsQuote
)

// Stream is one text being scanned: write its bytes, then Close. It is
// an io.Writer and an io.ReaderFrom, so extractors can write cells and
// paragraphs as they decode them.
type Stream struct {
	s      *Scanner
	cls    *[128]uint8
	buf    []byte
	base   int64 // offset in the text of buf[0]
	pos    int   // next byte of buf to look at
	total  int64
	last   [nGroups]int64 // offset just past the latest word of each group
	header uint16         // groups named in the table's header row
	first  bool           // still in the first line (of the text or of a sheet)
	firstG uint16
	tab    bool // the first line holds a comma or tab: it is a header row
	table  bool // below a header row: each row is a record, labels stay in their row
	col    int  // the field of the line (commas and tabs outside quotes before it)
	quoted bool
	// headerCols: for each group, the columns (bit i for field i, the
	// last bit for fields from 63 on) whose header names it.
	headerCols [nGroups]uint64
	// floor: words before it do not label what follows (a form feed
	// starts a sheet; below a header row, the header speaks instead).
	floor int64
	sens  int

	counts   [len9]int
	possible [len9]int
	samples  [len9]string
	distinct [len9]kmv
	digits   [maxDigits]byte
	groups   [12]int
}

const len9 = 9

func kindIndex(k Kind) int {
	for i, kk := range Kinds {
		if kk == k {
			return i
		}
	}
	panic("pii: unknown kind " + string(k))
}

var (
	iMyNumber  = kindIndex(MyNumber)
	iCorporate = kindIndex(CorporateNumber)
	iCard      = kindIndex(CreditCard)
	iBank      = kindIndex(BankAccount)
	iLicence   = kindIndex(DriversLicence)
	iPassport  = kindIndex(Passport)
	iPhone     = kindIndex(Phone)
	iEmail     = kindIndex(Email)
	iPostal    = kindIndex(PostalAddress)
)

// NewStream starts a text.
func (s *Scanner) NewStream() *Stream {
	st := &Stream{s: s, cls: s.classes(), buf: make([]byte, 0, keepBefore+chunkSize+lookahead), first: true}
	for i := range st.last {
		st.last[i] = noPos
	}
	return st
}

func (s *Scanner) classes() *[128]uint8 {
	var c [128]uint8
	for b := '0'; b <= '9'; b++ {
		c[b] = clsDigit
	}
	c['@'] = clsAt
	c['\n'] = clsNL
	c['\f'] = clsFF
	c[','] = clsTab
	c['\t'] = clsTab
	c['"'] = clsQuote
	for b := 0; b < 128; b++ {
		if len(s.m.byByte[b]) > 0 {
			c[b] = clsLetter
			if b >= 'a' && b <= 'z' {
				c[b-'a'+'A'] = clsLetter
			}
		}
	}
	return &c
}

// Reset starts a new text on the same stream, keeping its buffer.
func (st *Stream) Reset() {
	*st = Stream{s: st.s, cls: st.cls, buf: st.buf[:0], first: true}
	for i := range st.last {
		st.last[i] = noPos
	}
}

// Write adds text; it never fails.
func (st *Stream) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		free := cap(st.buf) - len(st.buf)
		k := min(free, len(p))
		st.buf = append(st.buf, p[:k]...)
		p = p[k:]
		if len(st.buf) == cap(st.buf) {
			st.process(false)
		}
	}
	return n, nil
}

// WriteString adds text.
func (st *Stream) WriteString(s string) (int, error) {
	n := len(s)
	for len(s) > 0 {
		free := cap(st.buf) - len(st.buf)
		k := min(free, len(s))
		st.buf = append(st.buf, s[:k]...)
		s = s[k:]
		if len(st.buf) == cap(st.buf) {
			st.process(false)
		}
	}
	return n, nil
}

// ReadFrom reads r to its end into the stream, without an extra copy.
func (st *Stream) ReadFrom(r io.Reader) (int64, error) {
	var n int64
	for {
		if len(st.buf) == cap(st.buf) {
			st.process(false)
		}
		k, err := r.Read(st.buf[len(st.buf):cap(st.buf)])
		st.buf = st.buf[:len(st.buf)+k]
		n += int64(k)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// Close scans what is left and reports the text's findings.
func (st *Stream) Close() Result {
	st.process(true)
	r := Result{Counts: Counts{}, Possible: Counts{}, Samples: map[Kind]string{}, Distinct: map[Kind]int{}, Bytes: st.total}
	for i, k := range Kinds {
		if st.counts[i] > 0 {
			r.Counts[k] = st.counts[i]
			r.Samples[k] = st.samples[i]
			r.Distinct[k] = st.distinct[i].estimate()
		}
		if st.possible[i] > 0 {
			r.Possible[k] = st.possible[i]
		}
	}
	r.Sensitive = st.sens > 0 && r.Found()
	return r
}

// process scans the buffer up to where values may still continue into
// bytes not yet written (all of it when final), then keeps the unread
// rest and a little left context.
func (st *Stream) process(final bool) {
	end := len(st.buf)
	if !final {
		end -= lookahead
	}
	if end > st.pos {
		st.pos = st.scan(st.pos, end)
	}
	if final {
		st.total = st.base + int64(len(st.buf))
		return
	}
	from := max(min(st.pos, len(st.buf))-keepBefore, 0)
	n := copy(st.buf, st.buf[from:])
	st.buf = st.buf[:n]
	st.base += int64(from)
	st.pos -= from
}

// scan looks at buf[i:end] and returns where it stopped (≥ end).
func (st *Stream) scan(i, end int) int {
	b := st.buf
	cls := st.cls
	m := st.s.m
	for i < end {
		c := b[i]
		if c < 0x80 {
			switch cls[c] {
			case clsNone:
				i++
			case clsDigit:
				i = st.number(i)
			case clsAt:
				i = st.email(i)
			case clsLetter:
				if i > 0 && isLetter(b[i-1]) {
					i++
					continue
				}
				if k, ok := m.atASCII(b[i:]); ok {
					st.label(k, i)
					i += len(k.text)
					continue
				}
				i++
				for i < len(b) && isLetter(b[i]) {
					i++
				}
			case clsNL:
				st.newline(i)
				i++
			case clsFF:
				st.first, st.firstG, st.tab, st.header, st.table = true, 0, false, 0, false
				st.col, st.quoted, st.headerCols = 0, false, [nGroups]uint64{}
				st.floor = st.base + int64(i) + 1
				i++
			case clsTab:
				if st.first {
					st.tab = true
				}
				if !st.quoted {
					st.col++
				}
				i++
			case clsQuote:
				st.quoted = !st.quoted
				i++
			}
			continue
		}
		switch {
		case c < 0xC0:
			i++
			continue
		case c < 0xE0:
			i += 2
			continue
		case c >= 0xF0:
			i += 4
			continue
		}
		if i+2 >= len(b) {
			i++
			continue
		}
		r := rune(c&0x0F)<<12 | rune(b[i+1]&0x3F)<<6 | rune(b[i+2]&0x3F)
		if c == 0xEF {
			if _, w := digitAt(b, i); w == 3 {
				i = st.number(i)
				continue
			}
		}
		if k, ok := m.at(b[i:], r); ok {
			st.label(k, i)
			i += len(k.text)
			continue
		}
		i += 3
	}
	return i
}

func (st *Stream) label(k kw, i int) {
	if k.group == gSensitive {
		st.sens++
		return
	}
	st.last[k.group] = st.base + int64(i+len(k.text))
	if st.first {
		st.firstG |= 1 << k.group
		st.headerCols[k.group] |= colBit(st.col)
	}
}

func colBit(col int) uint64 { return 1 << min(col, 63) }

func (st *Stream) newline(i int) {
	st.col, st.quoted = 0, false
	if st.first {
		st.first = false
		if st.tab {
			st.header = st.firstG
			st.table = true
		}
	}
	if st.table {
		st.floor = st.base + int64(i) + 1
	}
}

// nearest returns the group of the latest word among set that ends within
// within bytes before at, or nGroups.
func (st *Stream) nearest(at int64, set uint16, within int64) group {
	best, bestPos := nGroups, max(at-within, st.floor)
	for g := group(0); g < nGroups; g++ {
		if set&(1<<g) != 0 && st.last[g] >= bestPos && st.last[g] <= at {
			best, bestPos = g, st.last[g]
		}
	}
	return best
}

// fromHeader is the label the header row gives the current column, among
// prefer, in order of preference.
func (st *Stream) fromHeader(prefer ...group) group {
	for _, g := range prefer {
		if st.header&(1<<g) != 0 && st.headerCols[g]&colBit(st.col) != 0 {
			return g
		}
	}
	return nGroups
}

func bit(gs ...group) uint16 {
	var b uint16
	for _, g := range gs {
		b |= 1 << g
	}
	return b
}

// digitAt returns the value and width of an ASCII or full-width digit at
// b[j], or width 0.
func digitAt(b []byte, j int) (byte, int) {
	if j >= len(b) {
		return 0, 0
	}
	c := b[j]
	if c >= '0' && c <= '9' {
		return c - '0', 1
	}
	if c == 0xEF && j+2 < len(b) && b[j+1] == 0xBC && b[j+2] >= 0x90 && b[j+2] <= 0x99 {
		return b[j+2] - 0x90, 3
	}
	return 0, 0
}

// sepAt returns the width of a separator people put between digit
// groups: space, hyphen, dot, and the hyphen look-alikes typed in Japanese
// text (－ ‐ ‑ – − ー).
func sepAt(b []byte, j int) int {
	if j >= len(b) {
		return 0
	}
	switch b[j] {
	case ' ', '-', '.':
		return 1
	case 0xEF:
		if j+2 < len(b) && b[j+1] == 0xBC && b[j+2] == 0x8D {
			return 3
		}
	case 0xE2:
		if j+2 < len(b) && (b[j+1] == 0x80 && (b[j+2] == 0x90 || b[j+2] == 0x91 || b[j+2] == 0x93) || b[j+1] == 0x88 && b[j+2] == 0x92) {
			return 3
		}
	case 0xE3:
		if j+2 < len(b) && b[j+1] == 0x83 && b[j+2] == 0xBC {
			return 3
		}
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlnum(c byte) bool { return isDigit(c) || isLetter(c) }

// number reads the digit run starting at b[i], classifies it and returns
// the index after it.
func (st *Stream) number(i int) int {
	b := st.buf
	letters := 0
	if i > 0 && isAlnum(b[i-1]) {
		if isDigit(b[i-1]) {
			return skipAlnum(b, i)
		}
		for k := i - 1; k >= 0 && k >= i-3 && b[k] >= 'A' && b[k] <= 'Z'; k-- {
			letters++
		}
		if letters != 2 || i-3 >= 0 && isAlnum(b[i-3]) {
			return skipAlnum(b, i)
		}
	}
	nd, ng, glen := 0, 0, 0
	j := i
	var sep []byte
	for {
		if v, w := digitAt(b, j); w > 0 {
			if nd < maxDigits {
				st.digits[nd] = v
			}
			nd++
			glen++
			j += w
			continue
		}
		if letters > 0 || glen == 0 {
			break
		}
		sw := sepAt(b, j)
		if sw == 0 {
			break
		}
		if _, w := digitAt(b, j+sw); w == 0 {
			break
		}
		if sep == nil {
			sep = b[j : j+sw]
		} else if !bytes.Equal(sep, b[j:j+sw]) {
			break
		}
		if ng < len(st.groups)-1 {
			st.groups[ng] = glen
			ng++
		} else {
			nd = maxDigits + 1 // too many groups: not an identifier
		}
		glen = 0
		j += sw
	}
	st.groups[ng] = glen
	ng++
	if j < len(b) && isAlnum(b[j]) {
		return skipAlnum(b, j)
	}
	if nd == 0 {
		return i + 1
	}
	if nd > 19 {
		return j
	}
	d, g := st.digits[:nd], st.groups[:ng]
	at := st.base + int64(i)
	if letters == 2 {
		if nd == 7 && ng == 1 {
			lab := st.nearest(at-2, bit(gPassport, gOther), Window)
			if lab == nGroups {
				lab = st.fromHeader(gPassport)
			}
			if lab == gPassport {
				st.found(iPassport, d, g, b[i-2:i])
			} else if lab != gOther {
				st.possible[iPassport]++
			}
		}
		return j
	}
	switch {
	case i > 0 && b[i-1] == '+' && nd >= 11 && nd <= 12 && d[0] == 8 && d[1] == 1 && d[2] != 0:
		st.found(iPhone, d, g, nil)
	case nd == 12 && (ng == 1 || ng == 3 && g[0] == 4 && g[1] == 4 && g[2] == 4):
		st.twelve(at, j, d, g)
	case nd == 13 && corporateNumberValid(d) && (ng == 1 || ng == 4 && g[0] == 1 && g[1] == 4 && g[2] == 4):
		lab := st.nearest(at, bit(gCorporate, gOther, gMyNumber), Window)
		if lab == nGroups {
			lab = st.fromHeader(gCorporate)
		}
		if lab == gCorporate {
			st.found(iCorporate, d, g, nil)
		} else if lab != gOther {
			st.possible[iCorporate]++
		}
	case nd >= 13 && cardGroups(g) && cardBrand(d) && luhnValid(d):
		if st.nearest(at, bit(gCard, gOther), 40) != gOther {
			st.found(iCard, d, g, nil)
		}
	case d[0] == 0 && phoneShape(d, g):
		lab := st.nearest(at, bit(gPhone, gOther, gBank, gCard, gMyNumber, gLicence), Window)
		if ng == 1 {
			if lab == nGroups {
				lab = st.fromHeader(gPhone)
			}
			if lab == gPhone {
				st.found(iPhone, d, g, nil)
			}
		} else if lab != gOther || at-st.last[gOther] > 40 {
			st.found(iPhone, d, g, nil)
		}
	case nd == 7 && (ng == 2 && g[0] == 3 || ng == 1) && st.postal(at, j):
		st.found(iPostal, d, g, nil)
	case nd == 7 && ng == 1:
		lab := st.nearest(at, bit(gBank, gOther, gPhone, gCard, gPostal), 80)
		if lab == nGroups {
			lab = st.fromHeader(gBank)
		}
		if lab == gBank {
			st.found(iBank, d, g, nil)
		}
	}
	return j
}

// twelve classifies a 12-digit number: My Number, driver's licence, or
// an order number.
func (st *Stream) twelve(at int64, j int, d []byte, g []int) {
	mn := myNumberValid(d)
	lab := st.nearest(at, bit(gMyNumber, gLicence, gOther, gCorporate, gBank, gPhone, gCard), Window)
	if lab == nGroups {
		lab = st.fromHeader(gMyNumber, gLicence)
	}
	if lab == nGroups && mn {
		// A label just after the value: "123456789018（個人番号）".
		if st.s.m.contains(st.buf[j:min(j+60, len(st.buf))], gMyNumber) {
			lab = gMyNumber
		}
	}
	switch lab {
	case gMyNumber:
		if mn {
			st.found(iMyNumber, d, g, nil)
		}
	case gLicence:
		if p := int(d[0])*10 + int(d[1]); p >= 10 && p <= 97 {
			st.found(iLicence, d, g, nil)
		}
	case gOther, gCorporate:
	default:
		if mn {
			st.possible[iMyNumber]++
		}
	}
}

// postal reports whether a 7-digit code at offset at (ending at buf[j])
// follows 〒 or 郵便番号 and is followed by an address.
func (st *Stream) postal(at int64, j int) bool {
	if st.nearest(at, bit(gPostal), 16) != gPostal {
		return false
	}
	rest := st.buf[j:min(j+90, len(st.buf))]
	for k := 0; k+2 < len(rest); k++ {
		if rest[k] < 0xE5 || rest[k] > 0xE9 {
			continue
		}
		switch string(rest[k : k+3]) {
		case "都", "道", "府", "県", "市", "区", "町", "村", "郡":
			return true
		}
	}
	return false
}

func cardGroups(g []int) bool {
	switch len(g) {
	case 1:
		return true
	case 3: // American Express 4-6-5, Diners 4-6-4
		return g[0] == 4 && g[1] == 6 && (g[2] == 5 || g[2] == 4)
	}
	for _, n := range g[:len(g)-1] {
		if n != 4 {
			return false
		}
	}
	return g[len(g)-1] >= 1 && g[len(g)-1] <= 4
}

func skipAlnum(b []byte, i int) int {
	for i < len(b) {
		if _, w := digitAt(b, i); w > 0 {
			i += w
			continue
		}
		if !isLetter(b[i]) {
			break
		}
		i++
	}
	return i
}

// found counts one confirmed value of kind k, hashing its digits for the
// distinct estimate and masking the first one as the sample.
func (st *Stream) found(k int, d []byte, g []int, prefix []byte) {
	st.counts[k]++
	var h maphash.Hash
	h.SetSeed(st.s.seed)
	h.WriteByte(byte(k))
	h.Write(prefix)
	h.Write(d)
	st.distinct[k].add(h.Sum64())
	if st.samples[k] == "" {
		st.samples[k] = mask(d, g, prefix)
	}
}

// mask writes the digits as grouped, every digit but the last two as '*'.
func mask(d []byte, g []int, prefix []byte) string {
	out := make([]byte, 0, len(d)+len(g)+len(prefix))
	for range prefix {
		out = append(out, '*')
	}
	k := 0
	for gi, n := range g {
		if gi > 0 {
			out = append(out, '-')
		}
		for ; n > 0 && k < len(d); n-- {
			if k >= len(d)-2 {
				out = append(out, '0'+d[k])
			} else {
				out = append(out, '*')
			}
			k++
		}
	}
	return string(out)
}

func isLocal(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

func isDomain(c byte) bool { return isAlnum(c) || c == '-' || c == '.' }

// email checks an address around the '@' at b[i] and returns the index
// after it.
func (st *Stream) email(i int) int {
	b := st.buf
	k := i
	for k > 0 && i-k < 64 && isLocal(b[k-1]) {
		k--
	}
	for k < i && b[k] == '.' {
		k++
	}
	if k == i {
		return i + 1
	}
	j := i + 1
	for j < len(b) && j-i < 254 && isDomain(b[j]) {
		j++
	}
	dom := b[i+1 : j]
	for len(dom) > 0 && (dom[len(dom)-1] == '.' || dom[len(dom)-1] == '-') {
		dom = dom[:len(dom)-1]
	}
	dot := bytes.LastIndexByte(dom, '.')
	if dot <= 0 || dom[0] == '.' || bytes.Contains(dom, []byte("..")) {
		return i + 1
	}
	tld := dom[dot+1:]
	if len(tld) < 2 {
		return i + 1
	}
	for _, c := range tld {
		if !isLetter(c) {
			return i + 1
		}
	}
	st.counts[iEmail]++
	var h maphash.Hash
	h.SetSeed(st.s.seed)
	for _, c := range b[k : i+1+len(dom)] {
		h.WriteByte(lower(c))
	}
	st.distinct[iEmail].add(h.Sum64())
	if st.samples[iEmail] == "" {
		st.samples[iEmail] = string(b[k:k+1]) + "***@" + string(dom)
	}
	return i + 1 + len(dom)
}

// kmv estimates the number of distinct values from the k smallest hashes
// seen (exact below k): bounded memory whatever the file. The k hashes sit
// in a set and in a max-heap, so replacing the largest is O(log k).
type kmv struct {
	set  map[uint64]struct{}
	heap []uint64 // max-heap of the set's members
}

const kmvK = 1024

func (s *kmv) add(h uint64) {
	if s.set == nil {
		s.set = make(map[uint64]struct{}, 16)
	}
	if len(s.heap) == kmvK && h >= s.heap[0] {
		return
	}
	if _, ok := s.set[h]; ok {
		return
	}
	s.set[h] = struct{}{}
	if len(s.heap) < kmvK {
		s.heap = append(s.heap, h)
		for i := len(s.heap) - 1; i > 0; {
			p := (i - 1) / 2
			if s.heap[p] >= s.heap[i] {
				break
			}
			s.heap[p], s.heap[i] = s.heap[i], s.heap[p]
			i = p
		}
		return
	}
	delete(s.set, s.heap[0])
	s.heap[0] = h
	for i := 0; ; {
		l, r, big := 2*i+1, 2*i+2, i
		if l < len(s.heap) && s.heap[l] > s.heap[big] {
			big = l
		}
		if r < len(s.heap) && s.heap[r] > s.heap[big] {
			big = r
		}
		if big == i {
			break
		}
		s.heap[i], s.heap[big] = s.heap[big], s.heap[i]
		i = big
	}
}

func (s *kmv) estimate() int {
	if len(s.heap) < kmvK {
		return len(s.heap)
	}
	return int(float64(kmvK-1) / (float64(s.heap[0]) / math.MaxUint64))
}
