package importer

import (
	"testing"

	"github.com/mamori-sec/mamori/internal/problem"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"  ", ""},
		{"2026/4/1", "2026-04-01"},
		{"2026/04/01", "2026-04-01"},
		{"2026-04-01", "2026-04-01"},
		{"2026-4-1", "2026-04-01"},
		{"2026.4.1", "2026-04-01"},
		{"2026年4月1日", "2026-04-01"},
		{"2026年 4月 1日", "2026-04-01"},
		{"2026年4月1日（水）", "2026-04-01"},
		{"2026/4/1(水)", "2026-04-01"},
		{"２０２６／４／１", "2026-04-01"},
		{"２０２６年４月１日", "2026-04-01"},
		{"20260401", "2026-04-01"},
		{"令和8年4月1日", "2026-04-01"},
		{"令和８年４月１日", "2026-04-01"},
		{"R8.4.1", "2026-04-01"},
		{"r8/4/1", "2026-04-01"},
		{"Ｒ８．４．１", "2026-04-01"},
		{"令和元年5月1日", "2019-05-01"},
		{"R1.5.1", "2019-05-01"},
		{"平成31年4月30日", "2019-04-30"},
		{"H31.4.30", "2019-04-30"},
		{"平成元年1月8日", "1989-01-08"},
		{"昭和64年1月7日", "1989-01-07"},
		{"昭和元年12月25日", "1926-12-25"},
		{"S60.3.31", "1985-03-31"},
		{"46113", "2026-04-01"},
		{"46113.75", "2026-04-01"},
		{"45292", "2024-01-01"},
		{"59", "1900-02-28"},
		{"61", "1900-03-01"},
		{"1", "1900-01-01"},
		{"2958465", "9999-12-31"},
		{"2016/04/04 00:24:13", "2016-04-04"},
		{"2026/4/1 9:05", "2026-04-01"},
		{"2022-03-18T19:49:35Z", "2022-03-19"}, // 04:49 in Japan
		{"2022-03-18 19:49:35Z", "2022-03-19"},
		{"2022-03-18T10:49:35Z", "2022-03-18"},
		{"2022-03-18T19:49:35.123+09:00", "2022-03-18"},
		{"2022-03-18T23:30:00-05:00", "2022-03-19"},
		{"2022-03-18 19:49:35", "2022-03-18"},
		{"2021/04/01 9:00:00 PM", "2021-04-01"},
		{"Never logged in", ""},
		{"never logged in", ""},
		{"なし", ""},
		{"-", ""},
		{"ー", ""},
		{"－", ""},
		{"0001-01-01T00:00:00Z", ""},
		{"1601-01-01", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if err != nil {
				t.Fatalf("ParseDate(%q) error %v, want %q", tt.in, err, tt.want)
			}
			if got != tt.want {
				t.Errorf("ParseDate(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseDateRefuses(t *testing.T) {
	for _, in := range []string{
		"2026/2/30", "2025/2/29", "2026/13/1", "2026/0/10", "2026/4/31", "2026-04-01x",
		"令和0年4月1日", "R0.4.1", "令和1年4月30日", // before 令和 began
		"平成31年5月1日", "平成32年1月1日", "昭和64年1月8日", "平成元年1月7日", "令和8年2月30日",
		"60",   // 29 February 1900, which never was
		"0",    // day zero
		"2026", // a year, not a day in 1905
		"2958466", "123456789",
		"4/1/2026", "1/4/26", "2026/4", "April 1, 2026", "昨日", "2026/4/1 25:00", "2026/4/1 13:00 PM",
		"1899/12/31", "2026/4/1 10:00 +15:00",
	} {
		t.Run(in, func(t *testing.T) {
			got, err := ParseDate(in)
			if err == nil {
				t.Fatalf("ParseDate(%q) = %q, want an error", in, got)
			}
			if e, ok := problem.As(err); !ok || e.Key != "import.invalid_date" || e.Code != problem.Invalid {
				t.Errorf("ParseDate(%q) error = %v, want import.invalid_date", in, err)
			}
		})
	}
}

func TestParseConsoleDate(t *testing.T) {
	tests := []struct {
		in, want  string
		ambiguous bool
	}{
		{"4/1/2021 9:00:00 AM", "2021-04-01", true},
		{"13/4/2022 14:05:00", "2022-04-13", false},
		{"12/25/2022 11:59:59 PM", "2022-12-25", false},
		{"01.04.2021 09:00:00", "2021-04-01", false},
		{"2021-04-01 09:00:00", "2021-04-01", false},
		{"1/1/0001 12:00:00 AM", "", false},
		{"5/5/2021", "2021-05-05", false},
	}
	for _, tt := range tests {
		got, amb, err := parseConsoleDate(tt.in)
		if err != nil || got != tt.want || amb != tt.ambiguous {
			t.Errorf("parseConsoleDate(%q) = %q, %v, %v; want %q, %v", tt.in, got, amb, err, tt.want, tt.ambiguous)
		}
	}
	for _, in := range []string{"31/31/2021", "2/30/2021", "1/2/21"} {
		if got, _, err := parseConsoleDate(in); err == nil {
			t.Errorf("parseConsoleDate(%q) = %q, want an error", in, got)
		}
	}
}
