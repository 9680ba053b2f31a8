package importer

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/problem"
)

// threeBadRows is a people list with a bad date, a bad employment type
// and a missing name, on rows 3, 4 and 5.
const threeBadRows = "氏名,メールアドレス,雇用形態,入社日\r\n" +
	"山田 太郎,yamada@example.co.jp,正社員,2020/04/01\r\n" +
	"佐藤 花子,sato@example.co.jp,正社員,2026/13/45\r\n" +
	"鈴木 一郎,suzuki@example.co.jp,社長見習い,2021/04/01\r\n" +
	",tanaka@example.co.jp,契約社員,2022/04/01\r\n"

func parseErrors(t *testing.T, csv string) *RowErrors {
	t.Helper()
	_, err := Parse(mustRead(t, "x.csv", []byte(csv)), "", "", Options{})
	all, ok := AllRowErrors(err)
	if !ok {
		t.Fatalf("got %v, want row errors", err)
	}
	return all
}

// Every bad cell of a file is reported at once, not only the first.
func TestParseReportsEveryError(t *testing.T) {
	all := parseErrors(t, threeBadRows)
	if all.Total != 3 || len(all.Errors) != 3 || all.More() != 0 {
		t.Fatalf("got %d errors (%d listed), want 3", all.Total, len(all.Errors))
	}
	want := []struct {
		line       int
		column     string
		key, value string
	}{
		{3, "入社日", "import.row_invalid_date", "2026/13/45"},
		{4, "雇用形態", "import.row_invalid_choice", "社長見習い"},
		{5, "氏名", "import.row_required", ""},
	}
	for i, w := range want {
		e := all.Errors[i]
		if e.Line != w.line || e.Column != w.column || e.Key != w.key || e.CellValue() != w.value {
			t.Errorf("error %d: got row %d %q %s %q, want row %d %q %s %q", i, e.Line, e.Column, e.Key, e.CellValue(), w.line, w.column, w.key, w.value)
		}
	}
	if p, ok := problem.As(error(all)); !ok || p.Key != "import.row_errors" || p.Args[0] != 3 {
		t.Errorf("problem = %+v, want import.row_errors with 3", p)
	}
	cat := catalogue(t)
	tr := func(lang string) func(string, ...any) string {
		return func(k string, a ...any) string {
			if len(a) == 0 {
				return cat[k][lang]
			}
			return fmt.Sprintf(cat[k][lang], a...)
		}
	}
	for lang, wants := range map[string][]string{
		"ja": {"3 行目「入社日」（2026/13/45）：YYYY/MM/DD の形式", "4 行目「雇用形態」（社長見習い）：次のどれかを入力してください：役員、正社員", "5 行目「氏名」（空欄）：値を入力してください。"},
		"en": {"Row 3, “入社日” (2026/13/45): Write the date as YYYY-MM-DD", "Row 4, “雇用形態” (社長見習い): Write one of: Executive, Full-time", "Row 5, “氏名” (blank): Fill it in."},
	} {
		d := all.Describe(tr(lang))
		for i, w := range wants {
			if got := d[i].Text(tr(lang)); !strings.HasPrefix(got, w) || strings.Contains(got, "%!") {
				t.Errorf("%s error %d: got %q, want it to start %q", lang, i, got, w)
			}
		}
	}
}

// A cell too long is reported once, not also as blank.
func TestParseOneErrorPerCell(t *testing.T) {
	all := parseErrors(t, "氏名,雇用形態\r\n"+strings.Repeat("長", maxCellRunes+1)+",正社員\r\n")
	if all.Total != 1 || all.Errors[0].Key != "import.row_too_long" {
		t.Fatalf("got %v, want one too-long error", all)
	}
	if v := all.Errors[0].CellValue(); len([]rune(v)) != maxValueRunes {
		t.Errorf("value kept %d characters, want %d", len([]rune(v)), maxValueRunes)
	}
}

// A file with 150 bad rows lists the first 100 and counts the rest.
func TestParseErrorLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("氏名,雇用形態,入社日\r\n")
	for i := range 150 {
		fmt.Fprintf(&b, "社員%d,正社員,2026/02/%d\r\n", i, 30+i)
	}
	all := parseErrors(t, b.String())
	if all.Total != 150 || len(all.Errors) != MaxRowErrors || all.More() != 50 {
		t.Fatalf("got total %d, listed %d, more %d; want 150, 100, 50", all.Total, len(all.Errors), all.More())
	}
	if last := all.Errors[99]; last.Line != 101 {
		t.Errorf("100th error on row %d, want 101", last.Line)
	}
	cat := catalogue(t)
	if got := all.MoreText(func(k string, a ...any) string { return fmt.Sprintf(cat[k]["en"], a...) }); !strings.Contains(got, "and 50 more") {
		t.Errorf("got %q, want “and 50 more”", got)
	}
	var first *RowError
	if !errors.As(error(all), &first) || first.Line != 2 {
		t.Errorf("errors.As first = %+v, want row 2", first)
	}
}
