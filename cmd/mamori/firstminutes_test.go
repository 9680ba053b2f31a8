package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every command, and the help command itself, prints its options for
// --help and -h and exits 0, in both languages.
func TestEveryCommandHelp(t *testing.T) {
	dir := t.TempDir()
	for _, lang := range []string{"C", "ja_JP.UTF-8"} {
		env := envOf("LANG", lang, "MAMORI_DATA", filepath.Join(dir, "never-created"))
		for _, c := range commands() {
			for _, flag := range []string{"--help", "-h"} {
				args := append(strings.Fields(c.name), flag)
				out, line, code := runCmd(t, env, args...)
				if code != 0 || line != "" {
					t.Errorf("%s %v: got exit %d %q, want 0", lang, args, code, line)
					continue
				}
				if c.run == nil {
					if !strings.Contains(out, "import") {
						t.Errorf("%v: got %q, want the command list", args, out)
					}
					continue
				}
				want := []string{"Usage: mamori " + c.name, "Options:"}
				if lang != "C" {
					want = []string{"使い方：mamori " + c.name, "オプション："}
				}
				for _, w := range want {
					if !strings.Contains(out, w) {
						t.Errorf("%s %v: output lacks %q:\n%s", lang, args, w, out)
					}
				}
				// version, scan and appi decide use no data directory.
				if c.name != "version" && c.name != "scan" && c.name != "appi decide" && !strings.Contains(out, "--data") {
					t.Errorf("%s %v: output lacks the --data option:\n%s", lang, args, out)
				}
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "never-created")); !os.IsNotExist(err) {
		t.Errorf("--help created the data directory (%v)", err)
	}
	out, _, _ := runCmd(t, envOf("LANG", "C"), "demo", "--help")
	for _, w := range []string{"--addr", "--large", "default: mamori-demo"} {
		if !strings.Contains(out, w) {
			t.Errorf("demo --help lacks %q", w)
		}
	}
}

// Commands that need a database set up a fresh data directory themselves,
// without `mamori migrate` first.
func TestFreshDataDirectory(t *testing.T) {
	for _, first := range [][]string{
		{"org", "add", "--slug", "kaisha", "--name", "株式会社かいしゃ"},
		{"user", "add", "--email", "owner@kaisha.example", "--name", "オーナー"},
		{"org", "list"},
		{"import", "--org", "kaisha", "people.csv"},
	} {
		t.Run(first[0]+" "+first[1], func(t *testing.T) {
			dir := t.TempDir()
			data := filepath.Join(dir, "data")
			env := envOf("LANG", "C", "MAMORI_DATA", data, "MAMORI_PASSWORD", "correct-horse-battery-staple")
			args := first
			if first[0] == "import" {
				people := filepath.Join(dir, "people.csv")
				os.WriteFile(people, []byte("氏名,雇用形態\r\n山田 太郎,正社員\r\n"), 0o600)
				args = []string{"import", "--org", "kaisha", people}
			}
			out, line, code := runCmd(t, env, args...)
			switch {
			case first[0] == "import":
				// The organisation does not exist yet; the database does.
				if code != 1 || !strings.Contains(line, "Organisation kaisha not found") {
					t.Fatalf("got exit %d %q, want the organisation not found", code, line)
				}
			case code != 0:
				t.Fatalf("got exit %d %q %q, want 0", code, out, line)
			}
			if strings.Contains(out+line, "migrate") {
				t.Errorf("asked to migrate: %q %q", out, line)
			}
			if out, line, code := runCmd(t, env, "org", "add", "--slug", "kaisha2", "--name", "二社目"); code != 0 {
				t.Fatalf("second command: got exit %d %q %q", code, out, line)
			}
		})
	}
}

// A file with three bad rows: the CLI names all three, and nothing is
// imported.
func TestImportCommandListsEveryError(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "people.csv")
	os.WriteFile(bad, []byte("氏名,メールアドレス,雇用形態,入社日\r\n"+
		"山田 太郎,yamada@kaisha.example,正社員,2020/04/01\r\n"+
		"佐藤 花子,sato@kaisha.example,正社員,2026/13/45\r\n"+
		"鈴木 一郎,suzuki@kaisha.example,社長見習い,2021/04/01\r\n"+
		",tanaka@kaisha.example,契約社員,2022/04/01\r\n"), 0o600)
	en := envOf("LANG", "C", "MAMORI_DATA", dir)
	ja := envOf("LANG", "ja_JP.UTF-8", "MAMORI_DATA", dir)
	if _, line, code := runCmd(t, en, "org", "add", "--slug", "kaisha", "--name", "株式会社かいしゃ"); code != 0 {
		t.Fatal(line)
	}
	for env, want := range map[*func(string) string][]string{
		&en: {"The file has 3 errors", "Row 3, “入社日” (2026/13/45): Write the date as YYYY-MM-DD", "Row 4, “雇用形態” (社長見習い): Write one of: Executive", "Row 5, “氏名” (blank): Fill it in."},
		&ja: {"誤りが 3 件あります", "3 行目「入社日」（2026/13/45）：YYYY/MM/DD の形式", "4 行目「雇用形態」（社長見習い）：次のどれかを入力してください", "5 行目「氏名」（空欄）：値を入力してください。"},
	} {
		_, line, code := runCmd(t, *env, "import", "--org", "kaisha", "--apply", bad)
		for _, w := range want {
			if code != 1 || !strings.Contains(line, w) {
				t.Errorf("got exit %d %q, want 1 and %q", code, line, w)
			}
		}
	}
	if out, _, _ := runCmd(t, en, "org", "list"); !strings.Contains(out, "0 staff") {
		t.Errorf("a refused import changed something: %q", out)
	}
}

// The demo prints how to sign in as one labelled block on stdout — the
// address, each password, whether a second factor is needed and the
// one-time link with how long it lasts — and its logs go to stderr.
func TestDemoSignInBlock(t *testing.T) {
	dir := t.TempDir()
	_, out, stop := startServer(t, envOf("LANG", "C", "MAMORI_DATA", dir), "demo", "--addr", "127.0.0.1:0")
	stop()
	text := out.String()
	block := regexp.MustCompile(`(?s)\n=+\n(.*?)\n=+\n`).FindStringSubmatch(text)
	if block == nil {
		t.Fatalf("no sign-in block in\n%s", text)
	}
	for _, re := range []string{
		`Address: http://127\.0\.0\.1:\d+/signin`,
		`Owner: k\.sato@sakura-seiki\.example  password: \S+`,
		`Keeper: \S+@sakura-seiki\.example  password: \S+`,
		`Multi-factor authentication \(MFA\): not needed`,
		`One-time link .*valid 30 minutes`,
		`\n  http://127\.0\.0\.1:\d+/signin/link/\S+`,
	} {
		if !regexp.MustCompile(re).MatchString(block[1]) {
			t.Errorf("block lacks %s:\n%s", re, block[1])
		}
	}
	if strings.Contains(text, "level=") {
		t.Errorf("log lines on stdout:\n%s", text)
	}
}
