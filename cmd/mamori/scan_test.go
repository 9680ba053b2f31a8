package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScanCommand: `mamori scan` names the files holding personal data,
// reports archive members under the archive's path and counted into it,
// prints the JSON shape, never a full value, and exits with the
// documented codes.
func TestScanCommand(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	list := "氏名,個人番号,携帯,備考\n山田太郎,123456789018,090-1234-5678,\n佐藤花子,202610160001,080-2345-6789,旧番号 111111111118\n"
	must(os.WriteFile(filepath.Join(dir, "customers.csv"), []byte(list), 0o644))
	must(os.WriteFile(filepath.Join(dir, "memo.txt"), []byte("会議は水曜日です。注文番号 202610160001"), 0o644))
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	f, _ := zw.Create("inner/cards.txt")
	f.Write([]byte("カード番号 4111-1111-1111-1111\n"))
	must(zw.Close())
	must(os.WriteFile(filepath.Join(dir, "archive.zip"), zb.Bytes(), 0o644))

	out, line, code := runCmd(t, envOf("LANG", "C"), "scan", "--json", dir)
	if code != scanFound {
		t.Fatalf("exit %d (%s), want %d", code, line, scanFound)
	}
	var rep struct {
		Files []struct {
			Path      string         `json:"path"`
			Counts    map[string]int `json:"counts"`
			Sensitive bool           `json:"sensitive"`
			Members   []struct {
				Path   string         `json:"path"`
				Counts map[string]int `json:"counts"`
			} `json:"members"`
		} `json:"files"`
		Totals  map[string]int `json:"totals"`
		Bytes   int64          `json:"bytes"`
		Seconds *float64       `json:"seconds"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	byPath := map[string]map[string]int{}
	for _, f := range rep.Files {
		byPath[filepath.Base(f.Path)] = f.Counts
		for _, m := range f.Members {
			byPath[strings.TrimPrefix(m.Path, dir+"/")] = m.Counts
		}
	}
	if c := byPath["customers.csv"]; c["my_number"] != 2 || c["phone"] != 2 {
		t.Errorf("customers.csv: %v, want 2 My Numbers and 2 phones", c)
	}
	if c := byPath["memo.txt"]; len(c) != 0 {
		t.Errorf("memo.txt: %v, want nothing (an order number)", c)
	}
	if c := byPath["archive.zip"]; c["credit_card"] != 1 {
		t.Errorf("archive.zip: %v, want its member's card counted into it", c)
	}
	if c := byPath["archive.zip!inner/cards.txt"]; c["credit_card"] != 1 {
		t.Errorf("member: %v (paths %v)", c, byPath)
	}
	if rep.Totals["my_number"] != 2 || rep.Totals["credit_card"] != 1 || rep.Bytes == 0 || rep.Seconds == nil {
		t.Errorf("totals %v bytes %d seconds %v", rep.Totals, rep.Bytes, rep.Seconds)
	}
	for _, full := range []string{"123456789018", "4111-1111-1111-1111", "4111111111111111", "090-1234-5678"} {
		if strings.Contains(out, full) {
			t.Errorf("the JSON holds the full value %s", full)
		}
	}

	// The table, in Japanese.
	out, _, code = runCmd(t, envOf("LANG", "ja_JP.UTF-8"), "scan", dir)
	if code != scanFound {
		t.Fatalf("exit %d, want %d", code, scanFound)
	}
	for _, want := range []string{"customers.csv", "マイナンバー 2 件", "参考：ラベルがなく確定できない値", "archive.zip!inner/cards.txt", "クレジットカード番号 1 件", "個人情報を含むファイルは 2 件"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "memo.txt") {
		t.Errorf("table lists a file without personal data:\n%s", out)
	}

	// Nothing found, then an unreadable file as well.
	clean := t.TempDir()
	must(os.WriteFile(filepath.Join(clean, "a.txt"), []byte("本日は晴天なり。"), 0o644))
	if _, line, code := runCmd(t, envOf("LANG", "C"), "scan", clean); code != scanNothing {
		t.Errorf("clean folder: exit %d (%s), want %d", code, line, scanNothing)
	}
	must(os.WriteFile(filepath.Join(clean, "old.xls"), []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), 0o644))
	if out, _, code := runCmd(t, envOf("LANG", "C"), "scan", clean); code != scanUnread || !strings.Contains(out, "could not read: old Office format") {
		t.Errorf("unreadable file: exit %d, want %d\n%s", code, scanUnread, out)
	}
	if _, _, code := runCmd(t, envOf("LANG", "C"), "scan", clean, dir); code != scanFoundAndUnread {
		t.Errorf("found and unreadable: exit %d, want %d", code, scanFoundAndUnread)
	}
	if _, line, code := runCmd(t, envOf("LANG", "C"), "scan"); code != 2 || !strings.Contains(line, "name the files") {
		t.Errorf("no path: exit %d %q, want 2", code, line)
	}
}
