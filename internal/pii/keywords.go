package pii

import (
	"bytes"
	"unicode/utf8"
)

// group is what a context word speaks of.
type group uint8

const (
	gMyNumber group = iota
	gCorporate
	gCard
	gPhone
	gBank
	gLicence
	gPassport
	gPostal
	gOther // labels of numbers that are not personal: orders, invoices, serials
	gSensitive
	nGroups
)

// words are the context words the detectors look for in people's files,
// as Microsoft Purview's Japanese definitions and the facts file list them.
// ASCII words match case-insensitively at the start of a word.
var words = map[group][]string{
	gMyNumber:  {"個人番号", "マイナンバー", "ﾏｲﾅﾝﾊﾞｰ", "通知カード", "my number", "mynumber", "individual number"},
	gCorporate: {"法人番号", "corporate number"},
	gCard:      {"カード番号", "クレジット", "カード", "有効期限", "card", "visa", "mastercard", "jcb", "amex"},
	gPhone:     {"電話", "携帯", "連絡先", "ＴＥＬ", "tel", "phone", "mobile", "fax"},
	gBank:      {"口座", "普通", "当座", "振込", "振替", "預金", "銀行", "支店", "account"},
	gLicence:   {"運転免許", "免許証", "免許番号", "driver", "licence", "license"},
	gPassport:  {"パスポート", "旅券", "passport"},
	gPostal:    {"郵便番号", "〒"},
	gOther: {"注文", "受注", "発注", "伝票", "請求", "見積", "管理番号", "会員番号", "受付番号", "問い合わせ番号", "問合せ番号",
		"お問合せ番号", "製造番号", "製品番号", "シリアル", "型番", "品番", "商品コード", "商品番号", "予約番号", "チケット", "追跡番号",
		"order", "invoice", "serial", "ticket", "tracking", "sku"},
	gSensitive: {"病歴", "病名", "既往歴", "診断", "通院", "入院", "服薬", "投薬", "治療", "障害者", "障がい", "身体障害",
		"精神", "健康診断", "検査結果", "遺伝", "犯罪歴", "前科", "前歴", "逮捕", "犯罪被害", "信条", "宗教", "人種", "社会的身分",
		"medical", "diagnosis", "criminal record"},
}

// kw is one context word in the matcher.
type kw struct {
	text  []byte
	group group
	ascii bool
}

// matcher finds context words in one pass: a bit set of the first
// characters of the non-ASCII words (keyed by the 16-bit code point of
// their first three-byte UTF-8 sequence) and a table of first letters for
// the ASCII ones, then a prefix comparison for the few words that share a
// first character.
type matcher struct {
	first  [1 << 16 / 64]uint64
	index  [1 << 16]uint8 // 1 + the position in lists of a first character's words
	lists  [][]kw
	byByte [128][]kw
}

func newMatcher() *matcher {
	m := &matcher{lists: [][]kw{nil}}
	for g, list := range words {
		for _, w := range list {
			r, size := utf8.DecodeRuneInString(w)
			if size == 1 {
				c := lower(w[0])
				m.byByte[c] = append(m.byByte[c], kw{[]byte(w), g, true})
				continue
			}
			if size != 3 {
				panic("pii: context word must start with a three-byte character: " + w)
			}
			m.first[r>>6] |= 1 << (r & 63)
			if m.index[r] == 0 {
				m.index[r] = uint8(len(m.lists))
				m.lists = append(m.lists, nil)
			}
			m.lists[m.index[r]] = append(m.lists[m.index[r]], kw{[]byte(w), g, false})
		}
	}
	// Longer words first, so 運転免許 is seen before a shorter word
	// sharing its first character.
	for _, list := range m.lists {
		sortLongestFirst(list)
	}
	for i := range m.byByte {
		sortLongestFirst(m.byByte[i])
	}
	return m
}

func sortLongestFirst(list []kw) {
	for i := 1; i < len(list); i++ {
		for j := i; j > 0 && len(list[j].text) > len(list[j-1].text); j-- {
			list[j], list[j-1] = list[j-1], list[j]
		}
	}
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// at reports the word starting at b[0] whose first character is the
// three-byte rune r, if any.
func (m *matcher) at(b []byte, r rune) (kw, bool) {
	if m.first[r>>6]&(1<<(r&63)) == 0 {
		return kw{}, false
	}
	for _, k := range m.lists[m.index[r]] {
		if bytes.HasPrefix(b, k.text) {
			return k, true
		}
	}
	return kw{}, false
}

// atASCII reports the ASCII word starting at b[0] (case-insensitive,
// ending at a non-letter).
func (m *matcher) atASCII(b []byte) (kw, bool) {
	for _, k := range m.byByte[lower(b[0])] {
		n := len(k.text)
		if len(b) < n || !equalFold(b[:n], k.text) {
			continue
		}
		if len(b) > n && isLetter(b[n]) {
			continue
		}
		return k, true
	}
	return kw{}, false
}

func equalFold(a, lowerB []byte) bool {
	for i := range a {
		if lower(a[i]) != lowerB[i] {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// contains reports whether a word of group g starts anywhere in b.
func (m *matcher) contains(b []byte, g group) bool {
	for _, w := range words[g] {
		if len(w) > 0 && w[0] >= 0x80 && bytes.Contains(b, []byte(w)) {
			return true
		}
	}
	return false
}
