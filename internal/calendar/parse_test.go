package calendar

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		// Western.
		{"2026-04-01", "2026-04-01"},
		{"2026/4/1", "2026-04-01"},
		{"2026.4.1", "2026-04-01"},
		{"2026年4月1日", "2026-04-01"},
		{"2026年4月1", "2026-04-01"},
		{" 2026 年 4 月 1 日 ", "2026-04-01"},
		{"２０２６／０４／０１", "2026-04-01"},
		{"２０２６年４月１日", "2026-04-01"},
		{"二〇二六年四月一日", "2026-04-01"},
		{"2024/2/29", "2024-02-29"},
		// Eras, with names, letters and signs.
		{"令和8年4月1日", "2026-04-01"},
		{"令和８年４月１日", "2026-04-01"},
		{"令和八年四月一日", "2026-04-01"},
		{"令和8年12月31日", "2026-12-31"},
		{"令和十年十二月三十一日", "2028-12-31"},
		{"令和二十年二月二十日", "2038-02-20"},
		{"R8.4.1", "2026-04-01"},
		{"r8/4/1", "2026-04-01"},
		{"R08-04-01", "2026-04-01"},
		{"Ｒ８．４．１", "2026-04-01"},
		{"R 8.4.1", "2026-04-01"},
		{"㋿8年4月1日", "2026-04-01"},
		{"令和 8 年 4 月 1 日", "2026-04-01"},
		// Both sides of each change of era.
		{"令和元年5月1日", "2019-05-01"},
		{"令和1年5月1日", "2019-05-01"},
		{"R1.5.1", "2019-05-01"},
		{"平成31年4月30日", "2019-04-30"},
		{"H31.4.30", "2019-04-30"},
		{"平成元年1月8日", "1989-01-08"},
		{"H1.1.8", "1989-01-08"},
		{"昭和64年1月7日", "1989-01-07"},
		{"S64.1.7", "1989-01-07"},
		{"昭和64年1月1日", "1989-01-01"},
		{"昭和元年12月25日", "1926-12-25"},
		{"大正15年12月24日", "1926-12-24"},
		{"大正元年7月30日", "1912-07-30"},
		{"T1.7.30", "1912-07-30"},
		{"明治45年7月29日", "1912-07-29"},
		{"明治6年1月1日", "1873-01-01"},
		{"M6.1.1", "1873-01-01"},
		{"㍻元年1月8日", "1989-01-08"},
		{"平成3年2月29日", ""}, // 1991 was not a leap year
		{"平成4年2月29日", "1992-02-29"},
	} {
		t.Run(tt.in, func(t *testing.T) {
			d, err := Parse(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("Parse(%q) = %s, want an error", tt.in, d)
				}
				return
			}
			if err != nil || d.String() != tt.want {
				t.Fatalf("Parse(%q) = %s, %v, want %s", tt.in, d, err, tt.want)
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	for _, in := range []string{
		"", " ", "2026", "2026/4", "2026/2/30", "2026/13/1", "2026/0/1", "2026/4/0", "26/4/1", "20260/4/1",
		"2026-04-01x", "2026/4/1 9:00", "0000-01-01", "10000-01-01", "2026//4/1", "2026/4/1/",
		// Outside their eras.
		"令和元年4月30日", "R1.4.30", "平成31年5月1日", "H31.5.1", "平成32年1月1日",
		"昭和64年1月8日", "S64.1.8", "平成元年1月7日", "H1.1.7",
		"昭和元年12月24日", "大正15年12月25日", "大正元年7月29日", "明治45年7月30日",
		"明治5年12月2日", "明治元年1月1日", "M5.1.1",
		"令和0年5月1日", "R0.5.1", "令和100年1月1日", "令和〇年5月1日", "令和十十年1月1日", "令和〇十年1月1日",
		"令和", "令和元年", "令和元年5月", "X8.4.1", "rr8.4.1", "元年5月1日", "平成-1年1月1日",
		"二〇二六年四月一日日", "令和8年4月三十二日",
	} {
		t.Run(in, func(t *testing.T) {
			if d, err := Parse(in); !errors.Is(err, ErrInvalid) {
				t.Fatalf("Parse(%q) = %s, %v, want ErrInvalid", in, d, err)
			}
		})
	}
}

func TestParsePrefix(t *testing.T) {
	d, rest, err := ParsePrefix("2022-03-18T19:49:35Z")
	if err != nil || d != Date(2022, 3, 18) || rest != "t19:49:35z" {
		t.Errorf("ParsePrefix = %s, %q, %v", d, rest, err)
	}
	d, rest, err = ParsePrefix("令和8年4月1日（水） 9:00")
	if err != nil || d != Date(2026, 4, 1) || rest != "(水) 9:00" {
		t.Errorf("ParsePrefix = %s, %q, %v", d, rest, err)
	}
}

func TestWareki(t *testing.T) {
	for _, tt := range []struct {
		d    Day
		want string
	}{
		{Date(2026, 4, 1), "令和8年4月1日"},
		{Date(2019, 5, 1), "令和元年5月1日"},
		{Date(2019, 4, 30), "平成31年4月30日"},
		{Date(1989, 1, 8), "平成元年1月8日"},
		{Date(1989, 1, 7), "昭和64年1月7日"},
		{Date(1926, 12, 25), "昭和元年12月25日"},
		{Date(1926, 12, 24), "大正15年12月24日"},
		{Date(1912, 7, 30), "大正元年7月30日"},
		{Date(1912, 7, 29), "明治45年7月29日"},
		{Date(1873, 1, 1), "明治6年1月1日"},
		{Date(1872, 12, 31), "1872年12月31日"},
		{0, ""},
	} {
		if got := tt.d.Wareki(); got != tt.want {
			t.Errorf("%s.Wareki() = %q, want %q", tt.d, got, tt.want)
		}
	}
}

// TestWarekiRoundTrip writes every day from 1989 to 2030 in its era, in
// words and by letter, and reads it back.
func TestWarekiRoundTrip(t *testing.T) {
	for d := Date(1989, 1, 1); d <= Date(2030, 12, 31); d++ {
		w := d.Wareki()
		if got, err := Parse(w); err != nil || got != d {
			t.Fatalf("Parse(%q) = %s, %v, want %s", w, got, err, d)
		}
		e, n, _ := EraOf(d)
		_, m, dd := d.Date()
		short := string(e.Letter) + itoa(n) + "." + itoa(int(m)) + "." + itoa(dd)
		if got, err := Parse(short); err != nil || got != d {
			t.Fatalf("Parse(%q) = %s, %v, want %s", short, got, err, d)
		}
	}
}

// FuzzParse: Parse never panics; a day it accepts is a real day whose
// YYYY-MM-DD and era forms read back as the same day.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"2026-04-01", "2026/4/1", "令和8年4月1日", "R8.4.1", "H31.4.30", "S64.1.7", "令和元年5月1日",
		"令和八年四月一日", "二〇二六年四月一日", "令和三十一年", "２０２６／４／１", "㋿8年4月1日", "M6.1.1", "2026年4月1日 9:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			if d != 0 {
				t.Fatalf("Parse(%q) = %s with error %v", s, d, err)
			}
			return
		}
		iso := d.String()
		if _, perr := time.Parse(time.DateOnly, iso); perr != nil || d == 0 {
			t.Fatalf("Parse(%q) = %q, not a day", s, iso)
		}
		forms := []string{iso, d.Slashed()}
		if y, _, _ := d.Date(); y >= 1000 {
			forms = append(forms, d.Wareki(), d.Japanese()) // 年月日 writes the year without leading zeros
		}
		for _, again := range forms {
			if got, err := Parse(again); err != nil || got != d {
				t.Fatalf("Parse(%q) = %s, %v, want %s (from %q)", again, got, err, d, s)
			}
		}
		if _, rest, err := ParsePrefix(s); err != nil || strings.TrimSpace(rest) != "" {
			t.Fatalf("ParsePrefix(%q) disagrees with Parse: rest %q, %v", s, rest, err)
		}
	})
}
