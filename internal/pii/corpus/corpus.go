// Package corpus writes deterministic Japanese business text with planted
// personal data and decoys, line by line with the truth of each line, for
// the scanner's precision/recall test and its benchmark beside ripgrep.
//
// Planted: My Numbers (valid check digit, labelled), corporate numbers,
// payment cards (Luhn-valid, brand prefixes, with or without hyphens),
// mobile, fixed and +81 phone numbers, e-mail addresses, postal codes with
// an address, bank accounts, driver's licences and passports. Decoys: order
// numbers that pass the My Number check digit, labelled numbers failing
// their check digit, card-like numbers failing Luhn, phone-like serials,
// dates, amounts, part numbers shaped like postal codes and 7-digit
// reception numbers.
package corpus

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"github.com/mamori-sec/mamori/internal/pii"
)

// Line is one generated line and what it holds.
type Line struct {
	Text  string
	Truth pii.Counts
}

// Generator produces lines from a seed; the same seed gives the same text.
type Generator struct {
	r *rand.Rand
	// Rate is the share of lines carrying personal data (the facts file's
	// corpus: one line in 50).
	Rate float64
}

// New returns a generator seeded with seed.
func New(seed uint64) *Generator {
	return &Generator{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), Rate: 1.0 / 50}
}

var (
	surnames = []string{"佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木", "山口", "松本"}
	given    = []string{"太郎", "花子", "一郎", "美咲", "健太", "陽菜", "翔", "結衣", "大輔", "さくら", "拓也", "愛"}
	kana     = []string{"サトウ タロウ", "スズキ ハナコ", "タカハシ イチロウ", "タナカ ミサキ", "ヤマダ ケンタ"}
	places   = []string{"東京都千代田区丸の内", "大阪府大阪市北区梅田", "神奈川県横浜市中区本町", "愛知県名古屋市中村区名駅", "福岡県福岡市博多区博多駅前", "北海道札幌市中央区北一条西", "京都府京都市下京区四条通"}
	banks    = []string{"みずほ", "三菱UFJ", "三井住友", "りそな", "横浜", "千葉", "静岡"}
	branches = []string{"本店", "渋谷", "新宿", "梅田", "横浜駅前", "名古屋", "博多"}
	filler   = []string{
		"いつもお世話になっております。",
		"本日の打ち合わせの議事録を共有いたします。",
		"次回の定例会議は来週の水曜日に開催する予定です。",
		"ご不明な点がございましたら、担当までお問い合わせください。",
		"新しい勤怠システムへの移行は来月から始まります。",
		"The quarterly report is attached for your review.",
		"Please confirm the delivery schedule by Friday.",
		"社内研修の資料はファイルサーバの共有フォルダに保存しました。",
		"見積書の内容について、営業部で確認を進めております。",
		"今期の売上は前年同期比で増加しました。",
		"セキュリティ教育の受講をお願いいたします。",
		"倉庫の棚卸しは月末に実施します。",
	}
)

func (g *Generator) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *Generator) digits(n int) []byte {
	d := make([]byte, n)
	for i := range d {
		d[i] = byte(g.r.IntN(10))
	}
	return d
}

// local returns the digits of a local exchange: never starting with 0.
func (g *Generator) local(n int) []byte {
	d := g.digits(n)
	d[0] = byte(1 + g.r.IntN(9))
	return d
}

func str(d []byte) string {
	b := make([]byte, len(d))
	for i, v := range d {
		b[i] = '0' + v
	}
	return string(b)
}

func grouped(d []byte, sep string, sizes ...int) string {
	s := str(d)
	var parts []string
	for _, n := range sizes {
		parts = append(parts, s[:n])
		s = s[n:]
	}
	return strings.Join(parts, sep)
}

func fullWidth(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			b.WriteRune(c - '0' + '０')
		case c == '-':
			b.WriteRune('－')
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// myNumber returns 12 digits with a valid (or, if bad, a wrong) check digit.
func (g *Generator) myNumber(bad bool) []byte {
	d := g.digits(12)
	weights := [11]int{6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i, w := range weights {
		sum += int(d[i]) * w
	}
	c := 0
	if r := sum % 11; r > 1 {
		c = 11 - r
	}
	if bad {
		c = (c + 1 + g.r.IntN(9)) % 10
	}
	d[11] = byte(c)
	return d
}

func (g *Generator) corporate() []byte {
	d := g.digits(13)
	sum := 0
	for n := 1; n <= 12; n++ {
		q := 1
		if n%2 == 0 {
			q = 2
		}
		sum += int(d[13-n]) * q
	}
	d[0] = byte(9 - sum%9)
	return d
}

// card returns a card number of a brand with a valid (or, if bad, failing) Luhn digit.
func (g *Generator) card(bad bool) []byte {
	prefixes := [][]byte{{4}, {5, 1}, {5, 4}, {3, 5, 4}, {3, 7}}
	p := prefixes[g.r.IntN(len(prefixes))]
	n := 16
	if p[0] == 3 && p[1] == 7 {
		n = 15
	}
	d := append(append([]byte{}, p...), g.digits(n-len(p))...)
	d[n-1] = 0
	sum := 0
	for i := n - 2; i >= 0; i-- {
		v := int(d[i])
		if (n-1-i)%2 == 1 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	c := (10 - sum%10) % 10
	if bad {
		c = (c + 1 + g.r.IntN(9)) % 10
	}
	d[n-1] = byte(c)
	return d
}

func (g *Generator) name() string { return g.pick(surnames) + g.pick(given) }

// Line returns the next line (without its newline).
func (g *Generator) Line() Line {
	if g.r.Float64() < g.Rate {
		return g.personal()
	}
	return g.fillerLine()
}

func (g *Generator) fillerLine() Line {
	var b strings.Builder
	for n := 2 + g.r.IntN(4); n > 0; n-- {
		b.WriteString(g.pick(filler))
	}
	switch g.r.IntN(12) {
	case 0: // the facts file's decoy: an order number passing the My Number check digit
		b.WriteString("注文番号 202610160001 の商品を発送しました。")
	case 1:
		fmt.Fprintf(&b, "請求書番号 %s をご確認ください。", str(g.myNumber(false)))
	case 2:
		fmt.Fprintf(&b, "%d年%d月%d日の会議で、予算 %d,%03d,%03d円 を承認しました。", 2020+g.r.IntN(7), 1+g.r.IntN(12), 1+g.r.IntN(28), g.r.IntN(100), g.r.IntN(1000), g.r.IntN(1000))
	case 3:
		fmt.Fprintf(&b, "製品シリアル %s を登録しました。", "0"+str(g.digits(9)))
	case 4:
		fmt.Fprintf(&b, "受付番号 %s で承りました。", str(g.digits(7)))
	case 5:
		fmt.Fprintf(&b, "品番 %s-%s の在庫を確認しました（東京都内の倉庫）。", str(g.digits(3)), str(g.digits(4)))
	case 6:
		fmt.Fprintf(&b, "更新日 2026-%02d-%02d、版 %d.%d.%d。", 1+g.r.IntN(12), 1+g.r.IntN(28), g.r.IntN(5), g.r.IntN(20), g.r.IntN(100))
	case 7:
		fmt.Fprintf(&b, "追跡番号 %s の荷物が届きました。", str(g.card(false)))
	}
	return Line{Text: b.String(), Truth: pii.Counts{}}
}

func (g *Generator) personal() Line {
	t := pii.Counts{}
	var b strings.Builder
	switch g.r.IntN(14) {
	case 0, 1:
		d := g.myNumber(false)
		var v string
		switch g.r.IntN(3) {
		case 0:
			v = str(d)
		case 1:
			v = grouped(d, " ", 4, 4, 4)
		default:
			v = fullWidth(grouped(d, "-", 4, 4, 4))
		}
		fmt.Fprintf(&b, "氏名：%s　%s：%s", g.name(), g.pick([]string{"個人番号", "マイナンバー"}), v)
		t[pii.MyNumber]++
	case 2: // decoy: a labelled number with a wrong check digit
		fmt.Fprintf(&b, "氏名：%s　個人番号：%s（誤記）", g.name(), str(g.myNumber(true)))
	case 3:
		d := g.digits(8)
		fmt.Fprintf(&b, "%s様 携帯:0%d0-%s TEL %s", g.name(), 7+g.r.IntN(3), grouped(d, "-", 4, 4), "03-"+grouped(g.local(8), "-", 4, 4))
		t[pii.Phone] += 2
	case 4:
		fmt.Fprintf(&b, "〒%s-%s %s%d-%d-%d %s", str(g.digits(3)), str(g.digits(4)), g.pick(places), 1+g.r.IntN(9), 1+g.r.IntN(20), 1+g.r.IntN(30), g.name())
		t[pii.PostalAddress]++
	case 5:
		d := g.card(false)
		v := str(d)
		if len(d) == 16 && g.r.IntN(2) == 0 {
			v = grouped(d, "-", 4, 4, 4, 4)
		}
		fmt.Fprintf(&b, "カード番号 %s 有効期限 %02d/%02d", v, 1+g.r.IntN(12), 27+g.r.IntN(5))
		t[pii.CreditCard]++
	case 6: // decoy: card-like, failing Luhn
		fmt.Fprintf(&b, "カード番号 %s（無効）", str(g.card(true)))
	case 7:
		fmt.Fprintf(&b, "振込先:%s銀行 %s支店 支店番号%s 普通 口座番号%s 名義 %s", g.pick(banks), g.pick(branches), str(g.digits(3)), str(g.digits(7)), g.pick(kana))
		t[pii.BankAccount]++
	case 8:
		fmt.Fprintf(&b, "担当 %s <%s.%s%d@example.co.jp>", g.name(), g.pick([]string{"sato", "suzuki", "tanaka", "yamada"}), g.pick([]string{"taro", "hanako", "ken"}), g.r.IntN(1000))
		t[pii.Email]++
	case 9:
		fmt.Fprintf(&b, "運転免許証番号 %d%s", 30+g.r.IntN(60), str(g.digits(10)))
		t[pii.DriversLicence]++
	case 10:
		fmt.Fprintf(&b, "旅券番号 %c%c%s", 'A'+rune(g.r.IntN(26)), 'A'+rune(g.r.IntN(26)), str(g.digits(7)))
		t[pii.Passport]++
	case 11:
		fmt.Fprintf(&b, "Mobile: +81-90-%s", grouped(g.digits(8), "-", 4, 4))
		t[pii.Phone]++
	case 12:
		fmt.Fprintf(&b, "取引先 株式会社サンプル 法人番号 %s", str(g.corporate()))
		t[pii.CorporateNumber]++
	default:
		fmt.Fprintf(&b, "%s 病歴：高血圧 通院中 電話 0%d-%s-%s", g.name(), 3+g.r.IntN(6), str(g.local(4)), str(g.digits(4)))
		t[pii.Phone]++
	}
	return Line{Text: b.String(), Truth: t}
}

// Write writes lines until at least size bytes, returning what was planted.
func (g *Generator) Write(w io.Writer, size int64) (pii.Counts, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	total := pii.Counts{}
	var n int64
	for n < size {
		l := g.Line()
		total.Add(l.Truth)
		k, err := bw.WriteString(l.Text + "\n")
		if err != nil {
			return total, err
		}
		n += int64(k)
	}
	return total, bw.Flush()
}

// Patterns are the regular expressions ripgrep runs in the benchmark: the
// facts file's six, the same shapes without validation.
var Patterns = []string{
	`[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}`,
	`0[0-9]{1,4}-[0-9]{1,4}-[0-9]{4}`,
	`〒[0-9]{3}-[0-9]{4}`,
	`(?:4[0-9]{3}|5[1-5][0-9]{2}|35[0-9]{2})-?[0-9]{4}-?[0-9]{4}-?[0-9]{4}|3[47][0-9]{13}`,
	`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`,
	`(?:普通|当座)[^0-9\n]{0,12}[0-9]{7}`,
}
