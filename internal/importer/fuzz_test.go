package importer

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/problem"
)

// checkErr fails unless err is one of the importer's own errors.
func checkErr(t *testing.T, err error) {
	t.Helper()
	var re *RowError
	if errors.As(err, &re) {
		if re.Line < 1 || re.Key == "" {
			t.Fatalf("row error without line or key: %+v", re)
		}
		return
	}
	e, ok := problem.As(err)
	if !ok || e.Code != problem.Invalid || e.Key == "" {
		t.Fatalf("error %v (%T) is not an Invalid problem", err, err)
	}
}

// FuzzReadTable: any bytes either read as a table or fail with a problem,
// and a table either parses completely or fails with a row or file error.
func FuzzReadTable(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.csv"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, kind := range []Kind{People, Assets} {
		b, err := Template(kind, "ja")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("%PDF-1.4"))
	f.Add([]byte("\xFF\xFE氏\x00"))
	f.Add([]byte("sep=;\n氏名;雇用形態\n\"a;b\";正社員\n"))
	f.Add([]byte("氏名,雇用形態\n\"unterminated,正社員\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := ReadTable("fuzz.csv", bytes.NewReader(data), 1<<20)
		if err != nil {
			checkErr(t, err)
			return
		}
		if len(file.Header) == 0 || len(file.Rows) == 0 || len(file.Rows) != len(file.Lines) {
			t.Fatalf("table without header or rows: %+v", file)
		}
		for i, l := range file.Lines {
			if l <= file.HeaderRow || (i > 0 && l <= file.Lines[i-1]) {
				t.Fatalf("lines out of order: header %d, lines %v", file.HeaderRow, file.Lines)
			}
		}
		p, err := Parse(file, "", "", Options{})
		if err != nil {
			checkErr(t, err)
			return
		}
		if p.Len() == 0 && p.Skipped == 0 && p.Format != SharePointSharing {
			t.Fatalf("no records and no error from %d rows", len(file.Rows))
		}
	})
}

// FuzzParseDate: no panics; a date returned is a real YYYY-MM-DD that
// reads back as itself.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026/4/1", "令和8年4月1日", "R1.5.1", "H31.4.30", "46113", "60", "2022-03-18T19:49:35Z",
		"2016/04/04 00:24:13", "Never logged in", "２０２６年４月１日", "20260401", "2026年4月1日(水) 9:00 PM", "S64.1.7", "0001-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if e, ok := problem.As(err); !ok || e.Key != "import.invalid_date" {
				t.Fatalf("ParseDate(%q) error %v", s, err)
			}
			return
		}
		if d == "" {
			return
		}
		if _, err := time.Parse(time.DateOnly, d); err != nil || len(d) != 10 {
			t.Fatalf("ParseDate(%q) = %q, not a date", s, d)
		}
		if again, err := ParseDate(d); err != nil || again != d {
			t.Fatalf("ParseDate(%q) = %q, which reads back as %q, %v", s, d, again, err)
		}
		if _, _, err := parseConsoleDate(s); err != nil {
			t.Fatalf("parseConsoleDate(%q) refuses what ParseDate accepts", s)
		}
	})
}

// FuzzParsePeople: whatever the rows hold, a person list either comes back
// whole with every person valid by inventory's own rules, or not at all.
func FuzzParsePeople(f *testing.F) {
	f.Add("山田 太郎,yamada@example.co.jp,正社員,2020/4/1,\n佐藤,,パート,R2.4.1,令和8年3月31日\n")
	f.Add("山田,,役員,2026/2/30,\n")
	f.Add(",,,,\n\"a\nb\",x@y.z,派遣,46113,46000\n")
	f.Add("山田,YAMADA@EXAMPLE.CO.JP,顧問,,\n山田,yamada@example.co.jp,顧問,,\n")
	f.Fuzz(func(t *testing.T, body string) {
		data := "氏名,メールアドレス,雇用形態,入社日,退職日,上長メールアドレス,フリガナ\n" + body
		file, err := ReadTable("people.csv", strings.NewReader(data), 1<<20)
		if err != nil {
			checkErr(t, err)
			return
		}
		p, err := Parse(file, People, Mamori, Options{})
		if err != nil {
			checkErr(t, err)
			return
		}
		if len(p.People)+p.Skipped != len(file.Rows) {
			t.Fatalf("%d people and %d skipped from %d rows", len(p.People), p.Skipped, len(file.Rows))
		}
		for _, r := range p.People {
			if err := r.Record.Validate(); err != nil {
				t.Fatalf("line %d: %+v is not a valid person: %v", r.Line, r.Record, err)
			}
		}
	})
}
