package importer

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"

	"github.com/mamori-sec/mamori/internal/problem"
)

// readTestdata returns a committed test file.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// encodings re-encodes UTF-8 test data the ways Excel and the consoles
// save it.
func encodings(t testing.TB, utf8Data []byte) map[string][]byte {
	t.Helper()
	plain := bytes.TrimPrefix(utf8Data, []byte("\xEF\xBB\xBF"))
	sjis, err := japanese.ShiftJIS.NewEncoder().Bytes(plain)
	if err != nil {
		t.Fatalf("encode CP932: %v", err)
	}
	u16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(plain)
	if err != nil {
		t.Fatalf("encode UTF-16: %v", err)
	}
	return map[string][]byte{
		"utf-8":     plain,
		"utf-8-bom": append([]byte("\xEF\xBB\xBF"), plain...),
		"shift_jis": sjis,
		"utf-16le":  u16,
	}
}

func mustRead(t testing.TB, name string, data []byte) File {
	t.Helper()
	f, err := ReadTable(name, bytes.NewReader(data), 0)
	if err != nil {
		t.Fatalf("ReadTable(%s): %v", name, err)
	}
	return f
}

// wantProblem checks err is a *problem.Error with code Invalid and key.
func wantProblem(t *testing.T, err error, key string) {
	t.Helper()
	e, ok := problem.As(err)
	if !ok {
		t.Fatalf("got error %v (%T), want problem %s", err, err, key)
	}
	if e.Key != key || e.Code != problem.Invalid {
		t.Fatalf("got %s/%s, want invalid/%s", e.Code, e.Key, key)
	}
}

func TestReadTableEncodings(t *testing.T) {
	for _, name := range []string{"people_ja.csv", "gws_users.csv", "entra_mfa.csv", "sharepoint_sharing.csv", "assets_ipa.csv"} {
		want := mustRead(t, name, readTestdata(t, name))
		for enc, data := range encodings(t, readTestdata(t, name)) {
			t.Run(name+"/"+enc, func(t *testing.T) {
				got := mustRead(t, name, data)
				if got.Encoding != enc {
					t.Errorf("Encoding = %q, want %q", got.Encoding, enc)
				}
				if !slices.Equal(got.Header, want.Header) || got.HeaderRow != want.HeaderRow {
					t.Errorf("header = %q at %d, want %q at %d", got.Header, got.HeaderRow, want.Header, want.HeaderRow)
				}
				if len(got.Rows) != len(want.Rows) {
					t.Fatalf("got %d rows, want %d", len(got.Rows), len(want.Rows))
				}
				for i := range got.Rows {
					if !slices.Equal(got.Rows[i], want.Rows[i]) || got.Lines[i] != want.Lines[i] {
						t.Errorf("row %d = %q (line %d), want %q (line %d)", i, got.Rows[i], got.Lines[i], want.Rows[i], want.Lines[i])
					}
				}
			})
		}
	}
}

func TestReadTableDelimiters(t *testing.T) {
	rows := [][]string{{"氏名", "雇用形態", "入社日"}, {"山田 太郎", "正社員", "2020/4/1"}, {"佐藤, 花子; さん", "パート", ""}}
	for name, d := range map[string]rune{"comma.csv": ',', "semicolon.csv": ';', "tab.tsv": '\t', "tab.txt": '\t', "tab-as.csv": '\t'} {
		t.Run(name, func(t *testing.T) {
			var b strings.Builder
			for _, r := range rows {
				for i, c := range r {
					if i > 0 {
						b.WriteRune(d)
					}
					if strings.ContainsRune(c, d) || strings.ContainsAny(c, ",;") {
						c = `"` + c + `"`
					}
					b.WriteString(c)
				}
				b.WriteString("\r\n")
			}
			f := mustRead(t, name, []byte(b.String()))
			if f.Delimiter != d {
				t.Errorf("Delimiter = %q, want %q", f.Delimiter, d)
			}
			if got := f.Rows[1][0]; got != "佐藤, 花子; さん" {
				t.Errorf("quoted cell = %q", got)
			}
		})
	}
}

func TestReadTableSepHint(t *testing.T) {
	f := mustRead(t, "x.csv", []byte("sep=;\r\n氏名;雇用形態\r\n山田;正社員\r\n"))
	if f.Delimiter != ';' || f.HeaderRow != 2 || f.Lines[0] != 3 {
		t.Errorf("got delimiter %q, header row %d, first line %d; want ';', 2, 3", f.Delimiter, f.HeaderRow, f.Lines[0])
	}
}

// Lines are what Excel shows: blank lines count, and a quoted cell over
// several lines is still one row.
func TestReadTableLineNumbers(t *testing.T) {
	in := "従業員一覧（2026年4月）\r\n\r\n氏名,雇用形態,部署\r\n山田,正社員,\"営業部\r\n第一課\"\r\n\r\n# 以下パート\r\n佐藤,パート,総務部\r\n氏名,雇用形態,部署\r\n鈴木,役員,\r\n"
	f := mustRead(t, "x.csv", []byte(in))
	if f.HeaderRow != 3 {
		t.Errorf("HeaderRow = %d, want 3", f.HeaderRow)
	}
	if want := []int{4, 7, 9}; !slices.Equal(f.Lines, want) {
		t.Errorf("Lines = %v, want %v", f.Lines, want)
	}
	if got := f.Rows[0][2]; got != "営業部\n第一課" {
		t.Errorf("multi-line cell = %q", got)
	}
}

func TestReadTableTrimsAndUnescapes(t *testing.T) {
	f := mustRead(t, "x.csv", []byte("\uFEFF 氏名 ,　雇用形態　\r\n'=1+1,\t正社員 \r\n"))
	if !slices.Equal(f.Header, []string{"氏名", "雇用形態"}) {
		t.Errorf("header = %q", f.Header)
	}
	if !slices.Equal(f.Rows[0], []string{"=1+1", "正社員"}) {
		t.Errorf("row = %q", f.Rows[0])
	}
}

type endless struct{ n, max int64 }

func (e *endless) Read(p []byte) (int, error) {
	if e.n >= e.max {
		return 0, io.EOF
	}
	line := []byte("山田 太郎,正社員,2026/04/01\n")
	n := 0
	for n < len(p) && e.n < e.max {
		p[n] = line[e.n%int64(len(line))]
		n++
		e.n++
	}
	return n, nil
}

func TestReadTableRefuses(t *testing.T) {
	pdf := []byte("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	w, _ := zw.Create("readme.txt")
	w.Write([]byte("not a workbook"))
	zw.Close()
	tests := []struct {
		name string
		data []byte
		key  string
	}{
		{"pdf", pdf, "import.not_spreadsheet"},
		{"png", png, "import.not_spreadsheet"},
		{"jpeg", []byte("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00"), "import.not_spreadsheet"},
		{"zip", zipped.Bytes(), "import.not_spreadsheet"},
		{"broken xlsx", []byte("PK\x03\x04garbage that is not a zip"), "import.not_spreadsheet"},
		{"html", []byte("<!DOCTYPE html><html><table><tr><td>氏名</td></tr></table></html>"), "import.not_spreadsheet"},
		{"binary", bytes.Repeat([]byte{1, 2, 3, 0, 4}, 100), "import.not_spreadsheet"},
		{"legacy xls", append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 512)...), "import.legacy_xls"},
		{"empty", nil, "import.empty"},
		{"blank", []byte(" \r\n\r\n "), "import.empty"},
		{"bom only", []byte("\xEF\xBB\xBF"), "import.empty"},
		{"no header", []byte("a,b,c\n1,2,3\n"), "import.no_header"},
		{"header only", []byte("氏名,雇用形態\r\n"), "import.no_rows"},
		{"bad utf-8 and bad sjis", []byte("氏名,雇用形態\n\xFF\xFF\xFF,\x80\n"), "import.bad_encoding"},
		{"odd utf-16", []byte("\xFF\xFEa\x00b"), "import.bad_encoding"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadTable(tt.name, bytes.NewReader(tt.data), 0)
			wantProblem(t, err, tt.key)
		})
	}
	t.Run("51 MB", func(t *testing.T) {
		_, err := ReadTable("big.csv", &endless{max: 51 << 20}, 0)
		wantProblem(t, err, "import.too_large")
		if e, _ := problem.As(err); len(e.Args) != 1 || e.Args[0] != int64(50) {
			t.Errorf("args = %v, want [50]", e.Args)
		}
	})
	t.Run("limit", func(t *testing.T) {
		_, err := ReadTable("small.csv", &endless{max: 2 << 20}, 1<<20)
		wantProblem(t, err, "import.too_large")
	})
	t.Run("read error", func(t *testing.T) {
		_, err := ReadTable("x.csv", io.MultiReader(strings.NewReader("氏名"), errReader{}), 0)
		if err == nil || !errors.Is(err, errBroken) {
			t.Errorf("got %v, want the read error", err)
		}
	})
}

var errBroken = errors.New("connection reset")

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errBroken }

func TestNormHeader(t *testing.T) {
	tests := map[string]string{
		"Status [READ ONLY]":                           "status",
		"Recovery Phone [MUST BE IN THE E.164 FORMAT]": "recoveryphone",
		"Email Address [Required]":                     "emailaddress",
		"New Status [UPLOAD ONLY]":                     "newstatus",
		"ＥＭＡＩＬ＿ＡＤＤＲＥＳＳ":                                "emailaddress",
		"　氏名（必須）":                                      "氏名",
		"※氏名":                                          "氏名",
		"User E-mail":                                  "useremail",
		"Country/Region":                               "countryregion",
		"機密性\n(C)":                                     "機密性c",
		"保存場所（サービス）":                                   "保存場所サービス",
	}
	for in, want := range tests {
		if got := normHeader(in); got != want {
			t.Errorf("normHeader(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		file   string
		kind   Kind
		format Format
	}{
		{"gws_users.csv", Accounts, GWSUsers},
		{"m365_users.csv", Accounts, M365Users},
		{"m365_users_semicolon.csv", Accounts, M365Users},
		{"entra_mfa.csv", Accounts, EntraMFA},
		{"entra_mfa_graph.csv", Accounts, EntraMFA},
		{"sharepoint_sharing.csv", Shares, SharePointSharing},
		{"people_ja.csv", People, Mamori},
		{"people_en.csv", People, Mamori},
		{"accounts_ja.csv", Accounts, Mamori},
		{"devices_ja.csv", Devices, Mamori},
		{"services_ja.csv", Services, Mamori},
		{"shares_ja.csv", Shares, Mamori},
		{"assets_ipa.csv", Assets, Mamori},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f := mustRead(t, tt.file, readTestdata(t, tt.file))
			kind, format, err := Detect(f)
			if err != nil || kind != tt.kind || format != tt.format {
				t.Errorf("Detect = %s, %s, %v; want %s, %s", kind, format, err, tt.kind, tt.format)
			}
		})
	}
	_, _, err := Detect(File{Header: []string{"foo", "bar"}})
	wantProblem(t, err, "import.unknown_format")
}

// Every mamori column has a distinct name within its kind, and every
// header and alias reaches its own column.
func TestColumnNamesDistinct(t *testing.T) {
	for _, k := range Kinds {
		seen := map[string]string{}
		for _, c := range columnsOf[k] {
			for _, n := range append([]string{c.JA, c.EN}, c.aliases...) {
				key := normHeader(n)
				if other, dup := seen[key]; dup && other != c.Key {
					t.Errorf("%s: %q names both %s and %s", k, n, other, c.Key)
				}
				seen[key] = c.Key
			}
		}
	}
	for _, l := range consoleLayouts {
		seen := map[string]string{}
		for k, v := range l.index {
			seen[k] = v
		}
		if len(seen) == 0 {
			t.Errorf("%s: no columns", l.format)
		}
	}
}
