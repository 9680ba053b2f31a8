package pii

import (
	"bytes"
	"io"
	"runtime"
	"strings"
	"testing"
)

func digitsOf(s string) []byte {
	var d []byte
	for _, c := range s {
		if c >= '0' && c <= '9' {
			d = append(d, byte(c-'0'))
		}
	}
	return d
}

func TestMyNumberCheckDigit(t *testing.T) {
	for _, tc := range []struct {
		n    string
		want bool
	}{
		{"123456789018", true}, // the statute's worked example: base 12345678901 → 8
		{"123456789017", false},
		{"123456789010", false},
		{"000000000000", true}, // remainder 0 → check 0
		{"202610160001", true}, // the facts file's decoy order number passes too
		{"12345678901", false},
		{"1234567890188", false},
	} {
		if got := myNumberValid(digitsOf(tc.n)); got != tc.want {
			t.Errorf("myNumberValid(%s) = %v, want %v", tc.n, got, tc.want)
		}
	}
	// Exactly one check digit in ten is right for any base.
	for base := 0; base < 200; base++ {
		ok := 0
		for c := 0; c < 10; c++ {
			d := digitsOf(strings.Repeat("0", 8) + itoa3(base) + string(rune('0'+c)))
			if myNumberValid(d) {
				ok++
			}
		}
		if ok != 1 {
			t.Fatalf("base %d: %d valid check digits, want 1", base, ok)
		}
	}
}

func itoa3(n int) string {
	return string([]byte{byte('0' + n/100%10), byte('0' + n/10%10), byte('0' + n%10)})
}

func TestCorporateNumberCheckDigit(t *testing.T) {
	for _, tc := range []struct {
		n    string
		want bool
	}{
		{"7123456789012", true}, // base 123456789012 → 7
		{"4011001098993", true}, // base 011001098993 → 4
		{"5011001098993", false},
		{"0123456789012", false}, // the check digit is never 0
		{"712345678901", false},
	} {
		if got := corporateNumberValid(digitsOf(tc.n)); got != tc.want {
			t.Errorf("corporateNumberValid(%s) = %v, want %v", tc.n, got, tc.want)
		}
	}
}

func TestLuhnAndBrands(t *testing.T) {
	for _, tc := range []struct {
		n           string
		luhn, brand bool
	}{
		{"4111111111111111", true, true},  // Visa
		{"4111111111111112", false, true}, // one digit off
		{"5555555555554444", true, true},  // Mastercard
		{"2221000000000009", true, true},  // Mastercard 2-series
		{"3530111333300000", true, true},  // JCB
		{"378282246310005", true, true},   // American Express
		{"30569309025904", true, true},    // Diners
		{"6011111111111117", true, false}, // Discover: not a brand we count
		{"1234567812345670", true, false},
		{"41111111111111", false, false}, // Visa prefix, wrong length
	} {
		d := digitsOf(tc.n)
		if got := luhnValid(d); got != tc.luhn {
			t.Errorf("luhnValid(%s) = %v, want %v", tc.n, got, tc.luhn)
		}
		if got := cardBrand(d); got != tc.brand {
			t.Errorf("cardBrand(%s) = %v, want %v", tc.n, got, tc.brand)
		}
	}
}

// scanText runs the scanner over s and returns the confirmed counts.
func scanText(t *testing.T, s string) Result {
	t.Helper()
	r, err := NewScanner().Scan(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestDetectors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		text     string
		want     Counts
		possible Counts
	}{
		{"my number with label", "個人番号：1234 5678 9018 です。", Counts{MyNumber: 1}, nil},
		{"my number katakana label", "マイナンバー 123456789018", Counts{MyNumber: 1}, nil},
		{"my number label after", "123456789018（マイナンバー）", Counts{MyNumber: 1}, nil},
		{"my number full-width", "個人番号　１２３４－５６７８－９０１８", Counts{MyNumber: 1}, nil},
		{"my number without label is possible", "番号 123456789018 を確認", Counts{}, Counts{MyNumber: 1}},
		{"my number failing its check digit", "個人番号：123456789017", Counts{}, nil},
		{"order number nearer than the label", "個人番号の届出について。注文番号 202610160001 を発送しました。", Counts{}, nil},
		{"label too far away", "マイナンバー" + strings.Repeat("あ", 120) + " 123456789018", Counts{}, Counts{MyNumber: 1}},
		{"csv header labels the column", "氏名,個人番号,電話番号\n山田太郎,123456789018,09012345678\n佐藤花子,202610160001,0312345678\n", Counts{MyNumber: 2, Phone: 2}, nil},
		{"tsv header with several labels", "氏名\t個人番号\t携帯\n山田\t123456789018\t09012345678\n", Counts{MyNumber: 1, Phone: 1}, nil},
		{"a label in the row above stays in its row", "氏名,個人番号,備考\n山田,123456789018,お問い合わせ済み\n佐藤,202610160001,\n", Counts{MyNumber: 2}, nil},
		{"a department is not an order label", "氏名,部署,個人番号\n山田,製造,123456789018\n", Counts{MyNumber: 1}, nil},
		{"the header labels its own column only", "氏名,個人番号,備考\n山田,123456789018,旧 111111111118\n", Counts{MyNumber: 1}, Counts{MyNumber: 1}},
		{"quoted commas keep the columns", "住所,氏名,個人番号\n\"東京都千代田区1-2-3, 5F\",山田,123456789018\n", Counts{MyNumber: 1}, nil},
		{"corporate number", "法人番号 4011001098993", Counts{CorporateNumber: 1}, nil},
		{"corporate number bad check", "法人番号 5011001098993", Counts{}, nil},
		{"card with hyphens", "カード番号 4111-1111-1111-1111", Counts{CreditCard: 1}, nil},
		{"card plain no label", "決済 5555555555554444 済", Counts{CreditCard: 1}, nil},
		{"amex grouped", "AMEX 3782 822463 10005", Counts{CreditCard: 1}, nil},
		{"card failing Luhn", "カード番号 4111-1111-1111-1112", Counts{}, nil},
		{"card-like order number", "注文番号 4111111111111111", Counts{}, nil},
		{"mobile", "携帯:090-1234-5678", Counts{Phone: 1}, nil},
		{"fixed", "TEL 03-1234-5678 / 0466-12-3456", Counts{Phone: 2}, nil},
		{"mobile with katakana dash", "０９０ー１２３４ー５６７８", Counts{Phone: 1}, nil},
		{"international", "Tel: +81-90-1234-5678", Counts{Phone: 1}, nil},
		{"free dial", "0120-123-456", Counts{Phone: 1}, nil},
		{"undelimited phone needs a label", "シリアル 0312345678", Counts{}, nil},
		{"undelimited phone with label", "電話 0312345678", Counts{Phone: 1}, nil},
		{"phone wrong shape", "03-12-5678", Counts{}, nil},
		{"email", "連絡は yamada.taro+work@example.co.jp まで", Counts{Email: 1}, nil},
		{"not email", "a@b, x@localhost, @example.com", Counts{}, nil},
		{"postal with address", "〒150-0002 東京都渋谷区渋谷1-2-3", Counts{PostalAddress: 1}, nil},
		{"postal without address", "〒150-0002", Counts{}, nil},
		{"part number shaped like postal", "品番 150-0002 東京都", Counts{}, nil},
		{"bank account", "振込先：みずほ銀行 渋谷支店 普通 口座番号1234567 名義 ヤマダタロウ", Counts{BankAccount: 1}, nil},
		{"seven digits without bank words", "受付番号 1234567", Counts{}, nil},
		{"driver's licence", "運転免許証番号 301234567890", Counts{DriversLicence: 1}, nil},
		{"passport", "旅券番号 TK1234567", Counts{Passport: 1}, nil},
		{"passport shape alone", "コード TK1234567", Counts{}, Counts{Passport: 1}},
		{"code inside a word", "ID ABC123456789018X", Counts{}, nil},
		{"dates and amounts", "2026-10-16 に 1,234,567円 を 2026/10/16 12:30 支払", Counts{}, nil},
		{"long digit run", "12345678901234567890123456789", Counts{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := scanText(t, tc.text)
			if !equalCounts(r.Counts, tc.want) {
				t.Errorf("counts = %v, want %v", r.Counts, tc.want)
			}
			if tc.possible != nil && !equalCounts(r.Possible, tc.possible) {
				t.Errorf("possible = %v, want %v", r.Possible, tc.possible)
			}
		})
	}
}

func equalCounts(a, b Counts) bool {
	for k, v := range a {
		if v != 0 && b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if v != 0 && a[k] != v {
			return false
		}
	}
	return true
}

func TestSensitive(t *testing.T) {
	if r := scanText(t, "氏名 山田太郎 電話 090-1234-5678 病名：糖尿病、通院中"); !r.Sensitive {
		t.Error("health words beside a phone number: Sensitive = false, want true")
	}
	if r := scanText(t, "健康診断のお知らせ。全員受診してください。"); r.Sensitive {
		t.Error("health words without personal data: Sensitive = true, want false")
	}
}

func TestSamplesAreMasked(t *testing.T) {
	text := "個人番号 1234-5678-9018 カード 4111 1111 1111 1111 携帯 090-1234-5678 mail yamada@example.jp"
	r := scanText(t, text)
	want := map[Kind]string{MyNumber: "****-****-**18", CreditCard: "****-****-****-**11", Phone: "***-****-**78", Email: "y***@example.jp"}
	for k, w := range want {
		if r.Samples[k] != w {
			t.Errorf("sample %s = %q, want %q", k, r.Samples[k], w)
		}
	}
	for _, full := range []string{"123456789018", "4111111111111111", "09012345678", "yamada@"} {
		for _, s := range r.Samples {
			if strings.Contains(strings.ReplaceAll(s, "-", ""), full) {
				t.Errorf("sample %q holds the full value %s", s, full)
			}
		}
	}
}

func TestDistinct(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 30; i++ {
		b.WriteString("携帯 090-1234-0001\n携帯 090-1234-0002\n携帯 090-1234-0003\n")
	}
	r := scanText(t, b.String())
	if r.Counts[Phone] != 90 || r.Distinct[Phone] != 3 {
		t.Errorf("phones %d distinct %d, want 90 and 3", r.Counts[Phone], r.Distinct[Phone])
	}
	// Beyond the sketch's exact range the estimate stays close.
	b.Reset()
	for i := 0; i < 20000; i++ {
		b.WriteString("mail user")
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteString(itoa3(i/1000) + itoa3(i%1000))
		b.WriteString("@example.jp\n")
	}
	r = scanText(t, b.String())
	if d := r.Distinct[Email]; d < 18000 || d > 22000 {
		t.Errorf("distinct e-mails estimated %d, want about 20000", d)
	}
}

// TestChunkBoundaries: the same text written in pieces of any size, across
// the stream's chunk boundaries, finds the same values.
func TestChunkBoundaries(t *testing.T) {
	line := "氏名 山田太郎 個人番号：1234 5678 9018 カード 4111-1111-1111-1111 〒150-0002 東京都渋谷区 mail a.b@example.co.jp 携帯 090-1234-5678\n"
	filler := "本日の会議は予定どおり開催します。注文番号 202610160001 の件も確認済みです。\n"
	var b bytes.Buffer
	n := 0
	for b.Len() < 3*chunkSize {
		b.WriteString(line)
		n++
		for k := 0; k < n%5; k++ {
			b.WriteString(filler)
		}
	}
	text := b.Bytes()
	want := Counts{MyNumber: n, CreditCard: n, PostalAddress: n, Email: n, Phone: n}
	s := NewScanner()
	for _, piece := range []int{1, 7, 4093, 1 << 20} {
		st := s.NewStream()
		for i := 0; i < len(text); i += piece {
			st.Write(text[i:min(i+piece, len(text))])
		}
		r := st.Close()
		if !equalCounts(r.Counts, want) {
			t.Errorf("pieces of %d: %v, want %v", piece, r.Counts, want)
		}
		if r.Bytes != int64(len(text)) {
			t.Errorf("pieces of %d: bytes %d, want %d", piece, r.Bytes, len(text))
		}
	}
}

func TestFormFeedStartsNewTable(t *testing.T) {
	text := "氏名\t個人番号\n山田\t123456789018\n\f品名\t番号\nりんご\t202610160001\n"
	r := scanText(t, text)
	if r.Counts[MyNumber] != 1 || r.Possible[MyNumber] != 1 {
		t.Errorf("my number %d possible %d, want 1 and 1", r.Counts[MyNumber], r.Possible[MyNumber])
	}
}

// repeatReader yields a text n times without holding more than one copy.
type repeatReader struct {
	text []byte
	n    int
	off  int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	k := copy(p, r.text[r.off:])
	r.off += k
	if r.off == len(r.text) {
		r.off = 0
		r.n--
	}
	return k, nil
}

// TestBoundedMemory: scanning 64 MiB allocates about the stream's buffer,
// not memory in proportion to the text.
func TestBoundedMemory(t *testing.T) {
	line := []byte("氏名 山田太郎 個人番号：1234 5678 9018 携帯 090-1234-5678 mail a.b@example.co.jp 注文番号 202610160001 本日の会議は予定どおり開催します。\n")
	n := (64 << 20) / len(line)
	s := NewScanner()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r, err := s.Scan(&repeatReader{text: line, n: n})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if r.Counts[MyNumber] != n || r.Counts[Phone] != n || r.Counts[Email] != n {
		t.Fatalf("counts %v, want %d of each", r.Counts, n)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("allocated %d bytes for a 64 MiB text, want under 4 MiB", alloc)
	}
}
