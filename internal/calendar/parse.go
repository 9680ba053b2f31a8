package calendar

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Era is a Japanese era (元号) from its first day to its last.
//
// The boundaries are the days the law set: 令和 from 2019-05-01 (元号を改める
// 政令, 平成31年政令第143号), so 平成31年4月30日 is the last day of 平成 and
// 令和元年 begins on 5月1日; 平成 from 1989-01-08 (昭和64年政令第1号, in force
// the day after it was made), so 昭和64年 has only 1月1日 to 7日 and 平成元年
// begins on 1月8日; 昭和 from 1926-12-25 and 大正 from 1912-07-30, the days the
// new eras were proclaimed. 明治 dates are read from 明治6年1月1日
// (1873-01-01) only: before it Japan kept the lunisolar calendar, whose
// month and day are not the Gregorian ones, so 明治5年 and earlier are
// refused rather than misread.
//
// A day written in an era it does not belong to is refused: 令和元年4月30日,
// 平成31年5月1日, 平成32年 (written on forms printed before 令和 was
// announced), 昭和64年1月8日 and 平成元年1月7日 are not days. 元年 is the
// first year of every era.
type Era struct {
	Name        string // 令和
	Letter      byte   // 'R', as in R6.4.1
	First, Last Day    // Last is zero for the current era
}

// eras are the eras of the Gregorian calendar in Japan, newest first.
var eras = []Era{
	{"令和", 'R', Date(2019, 5, 1), 0},
	{"平成", 'H', Date(1989, 1, 8), Date(2019, 4, 30)},
	{"昭和", 'S', Date(1926, 12, 25), Date(1989, 1, 7)},
	{"大正", 'T', Date(1912, 7, 30), Date(1926, 12, 24)},
	{"明治", 'M', Date(1873, 1, 1), Date(1912, 7, 29)},
}

// meijiGregorian is the year of 明治 in which Japan took up the Gregorian
// calendar: 明治 year numbers count from 1868.
const meijiGregorian = 6

// EraOf is the era d falls in and its year of that era; ok is false before
// 1873.
func EraOf(d Day) (e Era, year int, ok bool) {
	for _, e := range eras {
		if d >= e.First && (e.Last == 0 || d <= e.Last) {
			return e, d.year() - e.startYear() + 1, true
		}
	}
	return Era{}, 0, false
}

// startYear is the Gregorian year of the era's 元年.
func (e Era) startYear() int {
	y, _, _ := e.First.Date()
	if e.Letter == 'M' {
		return y - meijiGregorian + 1
	}
	return y
}

func (d Day) year() int {
	y, _, _ := d.Date()
	return y
}

// Wareki writes d in its Japanese era, as 令和8年4月1日 or 令和元年5月1日.
// A day before 1873, or after 令和99年 (era years have one or two digits,
// so that 令和2026年 is refused as the slip it is), is written as
// 1868年1月1日.
func (d Day) Wareki() string {
	y, m, dd := d.Date()
	if y == 0 {
		return ""
	}
	e, n, ok := EraOf(d)
	if !ok || n > 99 {
		return itoa(y) + "年" + itoa(int(m)) + "月" + itoa(dd) + "日"
	}
	year := "元"
	if n > 1 {
		year = itoa(n)
	}
	return e.Name + year + "年" + itoa(int(m)) + "月" + itoa(dd) + "日"
}

// Japanese writes d as 2026年4月1日.
func (d Day) Japanese() string {
	y, m, dd := d.Date()
	if y == 0 {
		return ""
	}
	return itoa(y) + "年" + itoa(int(m)) + "月" + itoa(dd) + "日"
}

func itoa(n int) string {
	if n >= 0 && n < 10 {
		return string(rune('0' + n))
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// Parse reads a day the way people write one, and refuses anything else:
//
//   - year first with - / . or 年月日: 2026-04-01, 2026/4/1, 2026.4.1,
//     2026年4月1日, with or without 日 and spaces around the separators;
//   - a Japanese era, by name or letter (明治 M, 大正 T, 昭和 S, 平成 H,
//     令和 R, either case): 令和8年4月1日, 令和元年5月1日, R8.4.1, H31/4/30,
//     S64-1-7, and the one-character era signs ㋿ ㍻ ㍼ ㍽ ㍾;
//   - full-width digits, letters and signs (２０２６／４／１, Ｒ８．４．１) and
//     kanji numerals (令和八年四月一日, 二〇二六年四月一日).
//
// A western year has four digits; an era year one or two. Impossible
// days (2026/2/30) and days outside their era (see Era) are ErrInvalid.
// Blank text is ErrInvalid too: the caller decides what an empty field
// means.
func Parse(s string) (Day, error) {
	d, rest, err := ParsePrefix(s)
	if err != nil {
		return 0, err
	}
	if strings.TrimSpace(rest) != "" {
		return 0, ErrInvalid
	}
	return d, nil
}

// ParsePrefix reads a day at the start of s as Parse does and returns the
// text after it (after an optional 日 and spaces), for a reader that takes
// a time or a weekday after the day, as exports write them. The rest is
// folded as the day was: full-width signs are ASCII and letters lower
// case.
func ParsePrefix(s string) (d Day, rest string, err error) {
	t := fold(strings.TrimSpace(s))
	if t == "" {
		return 0, "", ErrInvalid
	}
	var era *Era
	for i := range eras {
		e := &eras[i]
		switch {
		case strings.HasPrefix(t, e.Name):
			t, era = t[len(e.Name):], e
		case t[0] == e.Letter+'a'-'A' && len(t) > 1 && !isLetter(t[1]):
			t, era = t[1:], e
		default:
			continue
		}
		break
	}
	t = skipSpace(t)
	var y, n int
	switch {
	case era != nil && strings.HasPrefix(t, "元"):
		y, t = 1, t[len("元"):]
	case era != nil:
		if y, n, t = number(t, 2); n == 0 || y < 1 {
			return 0, "", ErrInvalid
		}
	default:
		if y, n, t = number(t, 4); n != 4 {
			return 0, "", ErrInvalid
		}
	}
	t, ok := separator(t, "年")
	if !ok {
		return 0, "", ErrInvalid
	}
	m, n, t := number(t, 2)
	if n == 0 {
		return 0, "", ErrInvalid
	}
	if t, ok = separator(t, "月"); !ok {
		return 0, "", ErrInvalid
	}
	dd, n, t := number(t, 2)
	if n == 0 {
		return 0, "", ErrInvalid
	}
	t = skipSpace(t)
	t = skipSpace(strings.TrimPrefix(t, "日"))
	if era != nil {
		if era.Letter == 'M' && y < meijiGregorian {
			return 0, "", ErrInvalid
		}
		y += era.startYear() - 1
	}
	if !Valid(y, m, dd) {
		return 0, "", ErrInvalid
	}
	d = Day(daysFromCivil(y, m, dd) + 719163)
	if era != nil && (d < era.First || (era.Last != 0 && d > era.Last)) {
		return 0, "", ErrInvalid
	}
	return d, t, nil
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' }

// separator skips a date separator (- / . or the given kanji) with spaces
// around it.
func separator(t, kanji string) (string, bool) {
	t = skipSpace(t)
	switch {
	case t == "":
		return t, false
	case t[0] == '-' || t[0] == '/' || t[0] == '.':
		t = t[1:]
	case strings.HasPrefix(t, kanji):
		t = t[len(kanji):]
	default:
		return t, false
	}
	return skipSpace(t), true
}

func skipSpace(t string) string {
	for t != "" && (t[0] == ' ' || t[0] == '\t') {
		t = t[1:]
	}
	return t
}

// kanjiDigits are the kanji numerals for 0 to 9.
const kanjiDigits = "〇一二三四五六七八九"

// number reads a number of up to max digits from the start of t, in ASCII
// digits or kanji numerals (四, 十二, 三十一, 二〇二六), and returns it, how
// many digits it has (counting 十 as a place) and the rest of t. n is 0
// when t does not start with a number or the number is too long.
func number(t string, max int) (v, n int, rest string) {
	for n < len(t) && t[n] >= '0' && t[n] <= '9' {
		if n == max {
			return 0, 0, t
		}
		v = v*10 + int(t[n]-'0')
		n++
	}
	if n > 0 {
		return v, n, t[n:]
	}
	// Kanji: digits one by one (二〇二六), or with 十 as the tens (十二,
	// 二十, 三十一).
	var ks []int // digit values; -1 is 十
	i := 0
	for i < len(t) && len(ks) <= max+1 {
		r, size := utf8.DecodeRuneInString(t[i:])
		k := strings.IndexRune(kanjiDigits, r) / len("〇")
		switch {
		case r == '十':
			k = -1
		case !strings.ContainsRune(kanjiDigits, r):
			size = 0
		}
		if size == 0 {
			break
		}
		ks = append(ks, k)
		i += size
	}
	ten := slices.Index(ks, -1)
	switch {
	case len(ks) == 0:
		return 0, 0, t
	case ten < 0 && len(ks) > max:
		return 0, 0, t
	case ten < 0:
		for _, k := range ks {
			v = v*10 + k
		}
		return v, len(ks), t[i:]
	case max < 2 || len(ks) > 3 || slices.Index(ks[ten+1:], -1) >= 0:
		return 0, 0, t
	}
	tens, ones := 1, 0
	if ten == 1 {
		tens = ks[0]
	} else if ten > 1 {
		return 0, 0, t
	}
	if ten+1 < len(ks) {
		ones = ks[ten+1]
	}
	if tens == 0 || ten+1 < len(ks) && ones == 0 {
		return 0, 0, t
	}
	return tens*10 + ones, 2, t[i:]
}

// fold turns full-width ASCII (２０２６／４／１, Ｒ８) and the ideographic
// space into ASCII, upper-case letters into lower case, and the one-sign
// era names (㋿ ㍻ ㍼ ㍽ ㍾) into their two kanji. Text that needs none of
// it is returned as is.
func fold(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || c >= 'A' && c <= 'Z' {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 'Ａ' && r <= 'Ｚ':
			r += 'a' - 'Ａ'
		case r >= '！' && r <= '～':
			r -= 0xFEE0
		case r == '\u3000':
			r = ' '
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		}
		switch r {
		case '㋿':
			b.WriteString("令和")
		case '㍻':
			b.WriteString("平成")
		case '㍼':
			b.WriteString("昭和")
		case '㍽':
			b.WriteString("大正")
		case '㍾':
			b.WriteString("明治")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
