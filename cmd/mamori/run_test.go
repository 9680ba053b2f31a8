package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/store"
)

// syncBuffer is a bytes.Buffer safe for a server goroutine and a test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func envOf(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

// runCmd runs one command to completion and returns its output, the line
// main would print, and the exit code main would use.
func runCmd(t *testing.T, getenv func(string) string, args ...string) (stdout, line string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, getenv, &out, &errb)
	var msg bytes.Buffer
	code = exitCode(err, getenv, &msg)
	return out.String(), strings.TrimSpace(msg.String()), code
}

// startServer runs a command that serves (serve or demo) in the background
// and returns its base URL once /healthz answers, and a stop function.
func startServer(t *testing.T, getenv func(string) string, args ...string) (base string, out *syncBuffer, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out = &syncBuffer{}
	errc := make(chan error, 1)
	go func() { errc <- run(ctx, args, getenv, out, &syncBuffer{}) }()
	re := regexp.MustCompile(`http://127\.0\.0\.1:\d+`)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-errc:
			cancel()
			t.Fatalf("server ended early: %v\n%s", err, out.String())
		default:
		}
		for _, l := range strings.Split(out.String(), "\n") {
			if strings.Contains(l, "running") || strings.Contains(l, "起動しました") {
				base = re.FindString(l)
			}
		}
		if base != "" {
			if res, err := http.Get(base + "/healthz"); err == nil {
				res.Body.Close()
				if res.StatusCode == 200 {
					var once sync.Once
					var stopErr error
					stop = func() error {
						once.Do(func() { cancel(); stopErr = <-errc })
						return stopErr
					}
					t.Cleanup(func() { stop() })
					return base, out, stop
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	t.Fatalf("server did not answer /healthz within 20 s\n%s", out.String())
	return
}

func TestServeOnFreePortPrintsSetupLink(t *testing.T) {
	dir := t.TempDir()
	base, out, stop := startServer(t, envOf("LANG", "C"), "serve", "--data", dir, "--addr", "127.0.0.1:0")
	if !strings.Contains(out.String(), base+"/setup?token=") {
		t.Fatalf("got output %q, want the setup link", out.String())
	}
	res, err := http.Get(base + "/signin")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("sign-in page: %v %v", res, err)
	}
	res.Body.Close()
	if err := stop(); err != nil {
		t.Fatalf("got %v from a clean shutdown, want nil", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "secret.key")); err != nil {
		t.Fatalf("got %v, want a secret key created in the data directory", err)
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt")
	os.MkdirAll(corrupt, 0o700)
	os.WriteFile(filepath.Join(corrupt, "mamori.db"), bytes.Repeat([]byte("not a database "), 400), 0o600)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	ja, en := envOf("LANG", "ja_JP.UTF-8"), envOf("LANG", "C")
	tests := []struct {
		name     string
		env      func(string) string
		args     []string
		wantCode int
		want     string
	}{
		{"unknown flag ja", ja, []string{"serve", "--prot", "80"}, 2, "不明なオプションです：--prot"},
		{"unknown flag en", en, []string{"serve", "--prot", "80"}, 2, "Unknown option: --prot"},
		{"unknown command", ja, []string{"serv"}, 2, "「serv」というコマンドはありません"},
		{"group without subcommand", en, []string{"user"}, 2, `"user" needs a subcommand`},
		{"extra argument", en, []string{"version", "now"}, 2, "Unexpected arguments: now"},
		{"unreachable postgres", en, []string{"migrate", "--db", "postgres://u:secretpw@127.0.0.1:1/x?connect_timeout=2"}, 1, "Cannot connect to the database (postgres://u:xxxxx@127.0.0.1:1/x"},
		{"unknown url scheme", ja, []string{"migrate", "--db", "mysql://x"}, 1, "データベースの URL「mysql://x」を解釈できません"},
		{"corrupt sqlite", ja, []string{"audit", "verify", "--data", corrupt}, 1, "壊れているか、SQLite のファイルではありません"},
		{"port in use", en, []string{"serve", "--data", filepath.Join(dir, "p"), "--addr", busy.Addr().String()}, 1, busy.Addr().String() + " is already in use"},
		{"restore without file", en, []string{"restore", "--data", dir}, 2, "Name one backup file"},
		{"restore missing file", ja, []string{"restore", "--data", filepath.Join(dir, "r"), filepath.Join(dir, "nope.db")}, 1, "が見つかりません"},
		{"backup of postgres", en, []string{"restore", "--db", "postgres://x@127.0.0.1/x", "f.db"}, 1, "pg_dump"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, line, code := runCmd(t, tt.env, tt.args...)
			if code != tt.wantCode || !strings.Contains(line, tt.want) {
				t.Fatalf("got exit %d %q, want exit %d containing %q", code, line, tt.wantCode, tt.want)
			}
			if strings.Count(line, "\n") > 0 || strings.Contains(line, "goroutine") || strings.Contains(line, "secretpw") {
				t.Fatalf("got %q, want one line without internals or secrets", line)
			}
		})
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	dir := t.TempDir()
	env := envOf("LANG", "C")
	if _, line, code := runCmd(t, env, "migrate", "--data", dir); code != 0 {
		t.Fatalf("migrate: %s", line)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "mamori.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO schema_version (version) VALUES (999)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, args := range [][]string{{"serve", "--data", dir, "--addr", "127.0.0.1:0"}, {"audit", "verify", "--data", dir}, {"migrate", "--data", dir}} {
		_, line, code := runCmd(t, env, args...)
		if code != 1 || !strings.Contains(line, "schema (version 999) is newer") {
			t.Fatalf("%v: got exit %d %q, want refusal of the newer schema", args, code, line)
		}
	}
}

func TestUserAndOrgCommands(t *testing.T) {
	dir := t.TempDir()
	env := envOf("LANG", "C", "MAMORI_DATA", dir)
	steps := []struct {
		args []string
		env  func(string) string
		code int
		want string
	}{
		{[]string{"migrate"}, env, 0, fmt.Sprintf("(schema version %d)", store.LatestSchema(store.SQLite))},
		{[]string{"org", "add", "--slug", "kaisha", "--name", "株式会社かいしゃ"}, env, 0, "Created organisation kaisha"},
		{[]string{"org", "add", "--slug", "kaisha", "--name", "重複"}, env, 1, "already in use"},
		{[]string{"user", "add", "--email", "Ken@Kaisha.example", "--name", "健", "--org", "kaisha", "--role", "owner"}, env, 0, "Generated password"},
		{[]string{"user", "add", "--email", "x@kaisha.example", "--name", "x", "--org", "nowhere"}, env, 1, "Organisation nowhere not found"},
		{[]string{"user", "add", "--email", "y@kaisha.example", "--name", "y"}, envOf("LANG", "C", "MAMORI_DATA", dir, "MAMORI_PASSWORD", "password123"), 1, "most common"},
		{[]string{"user", "passwd", "--email", "ken@kaisha.example"}, envOf("LANG", "C", "MAMORI_DATA", dir, "MAMORI_PASSWORD", "a fine long passphrase"), 0, "Changed the password of ken@kaisha.example"},
		{[]string{"user", "disable", "--email", "ken@kaisha.example"}, env, 0, "Disabled user"},
		{[]string{"user", "disable", "--email", "ken@kaisha.example", "--enable"}, env, 0, "Re-enabled"},
		{[]string{"user", "disable", "--email", "nobody@kaisha.example"}, env, 1, "User nobody@kaisha.example not found"},
		{[]string{"org", "list"}, env, 0, "株式会社かいしゃ"},
		{[]string{"audit", "verify"}, env, 0, "intact"},
		{[]string{"version"}, env, 0, "mamori "},
	}
	for _, s := range steps {
		out, line, code := runCmd(t, s.env, s.args...)
		if code != s.code || !strings.Contains(out+line, s.want) {
			t.Fatalf("%v: got exit %d %q %q, want exit %d containing %q", s.args, code, out, line, s.code, s.want)
		}
	}
}

func TestAuditVerifyNamesTamperedEntry(t *testing.T) {
	dir := t.TempDir()
	env := envOf("LANG", "ja_JP.UTF-8", "MAMORI_DATA", dir)
	runCmd(t, env, "migrate")
	runCmd(t, env, "org", "add", "--slug", "kaisha", "--name", "株式会社かいしゃ")
	runCmd(t, env, "org", "add", "--slug", "other", "--name", "別会社")
	runCmd(t, env, "user", "add", "--email", "a@kaisha.example", "--name", "A", "--org", "kaisha")
	db, err := sql.Open("sqlite", filepath.Join(dir, "mamori.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2"); err == nil {
		t.Fatal("got an UPDATE of the audit trail accepted, want the trigger to refuse")
	}
	for _, q := range []string{"DROP TRIGGER audit_log_no_update", "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	_, line, code := runCmd(t, env, "audit", "verify")
	if code != 1 || !strings.Contains(line, "記録 2 で壊れています") || !strings.Contains(line, "書き換えられています") {
		t.Fatalf("got exit %d %q, want the broken entry 2 named", code, line)
	}
}

func TestBackupWhileServingAndRestore(t *testing.T) {
	dir := t.TempDir()
	env := envOf("LANG", "C", "MAMORI_DATA", dir)
	base, out, stop := startServer(t, env, "demo", "--addr", "127.0.0.1:0")
	if !strings.Contains(out.String(), "/signin/link/") || !strings.Contains(out.String(), "k.sato@sakura-seiki.example") {
		t.Fatalf("demo output lacks the sign-in link or credentials:\n%s", out.String())
	}
	// Changes keep coming while the backup runs.
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ctx.Err() == nil; i++ {
			http.Get(base + "/healthz")
			runCmd(t, env, "org", "add", "--slug", "busy-"+strings.Repeat("x", 1+i%5)+string(rune('a'+i%26)), "--name", "並行")
		}
	}()
	backupFile := filepath.Join(t.TempDir(), "b.db")
	_, line, code := runCmd(t, env, "backup", "--out", backupFile)
	cancel()
	wg.Wait()
	if code != 0 {
		t.Fatalf("backup while serving: %s", line)
	}
	_, line, code = runCmd(t, env, "restore", backupFile)
	if code != 1 || !strings.Contains(line, "in use by another mamori") {
		t.Fatalf("restore while serving: got %d %q, want refusal", code, line)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	runCmd(t, env, "org", "add", "--slug", "after-backup", "--name", "バックアップ後")
	// A damaged backup is refused and the database is left as it is.
	bad := filepath.Join(t.TempDir(), "bad.db")
	b, _ := os.ReadFile(backupFile)
	copy(b[len(b)/2:], bytes.Repeat([]byte{0xff}, 4096))
	os.WriteFile(bad, b, 0o600)
	if _, line, code := runCmd(t, env, "restore", bad); code != 1 {
		t.Fatalf("damaged backup: got %d %q, want refusal", code, line)
	}
	if out, _, _ := runCmd(t, env, "org", "list"); !strings.Contains(out, "after-backup") {
		t.Fatal("a refused restore changed the database")
	}
	out2, line, code := runCmd(t, env, "restore", backupFile)
	if code != 0 || !strings.Contains(out2, "Verified and restored") || !strings.Contains(out2, "before-restore") {
		t.Fatalf("restore: got %d %q %q", code, out2, line)
	}
	if out, _, _ := runCmd(t, env, "org", "list"); strings.Contains(out, "after-backup") || !strings.Contains(out, "sakura-seiki") {
		t.Fatalf("after restore got orgs %q, want the backup's", out)
	}
	if _, line, code := runCmd(t, env, "audit", "verify"); code != 0 {
		t.Fatalf("audit after restore: %s", line)
	}
	// The demo can start again on the restored data and reuses it.
	_, out3, _ := startServer(t, env, "demo", "--addr", "127.0.0.1:0")
	if !strings.Contains(out3.String(), "existing demo data") {
		t.Fatalf("second demo run: %s", out3.String())
	}
}

func TestHelpInBothLanguages(t *testing.T) {
	cat, _ := i18n.Load()
	for _, l := range []string{"ja_JP.UTF-8", "C"} {
		out, _, code := runCmd(t, envOf("LANG", l), "help")
		if code != 0 {
			t.Fatalf("help exit %d", code)
		}
		for _, c := range commands() {
			if !strings.Contains(out, c.name) {
				t.Errorf("%s help lacks %q", l, c.name)
			}
			for _, loc := range i18n.Locales {
				if cat.Raw(loc, c.usage) == "" {
					t.Errorf("usage %q missing in %s", c.usage, loc)
				}
			}
		}
	}
	if err := run(context.Background(), []string{"nope"}, envOf(), &bytes.Buffer{}, &bytes.Buffer{}); !errors.As(err, new(usageError)) {
		t.Fatalf("got %v, want a usage error", err)
	}
}
