package web_test

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/seal"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
	"github.com/mamori-sec/mamori/internal/web"
)

func TestSecurityHeadersOnEveryKindOfPage(t *testing.T) {
	w := newWorld(t, "sqlite")
	c := w.client("en")
	c.signIn(w.users[org.Owner].Email)
	for _, path := range []string{"/signin", "/o/alpha/", "/o/alpha/people", "/no/such/page", "/o/bravo/"} {
		r := c.get(path)
		csp := r.header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP allows unsafe code: %q", path, csp)
		}
		for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"} {
			if got := r.header.Get(h); got != want {
				t.Errorf("%s: %s got %q, want %q", path, h, got, want)
			}
		}
		// No inline script or style: the CSP would block them anyway.
		if regexp.MustCompile(`<script>|<script [^>]*>[^<]|<style|style="`).MatchString(r.body) {
			t.Errorf("%s: page has inline script or style", path)
		}
	}
}

func TestSessionCookieFlags(t *testing.T) {
	w := newWorld(t, "sqlite")
	req, _ := http.NewRequest("POST", w.ts.URL+"/signin", strings.NewReader(url.Values{"email": {w.users[org.Owner].Email}, "password": {testPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var found bool
	for _, ck := range res.Cookies() {
		if ck.Name == "mamori_session" {
			found = true
			if !ck.HttpOnly || !ck.Secure || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" {
				t.Fatalf("got cookie %+v, want HttpOnly, Secure, SameSite=Lax, Path=/", ck)
			}
		}
	}
	if !found {
		t.Fatal("got no session cookie")
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	w := newWorld(t, "sqlite")
	c := w.client("ja")
	c.signIn(w.users[org.Owner].Email)
	before := w.auditCount()
	c.hdr.Set("Sec-Fetch-Site", "cross-site")
	r := c.post("/o/alpha/settings", url.Values{"name": {"乗っ取られ株式会社"}})
	if r.status != http.StatusForbidden || !strings.Contains(r.body, "別のサイトから送信") {
		t.Fatalf("cross-site post: got %d, want 403 with the Japanese explanation", r.status)
	}
	c.hdr.Del("Sec-Fetch-Site")
	c.hdr.Set("Origin", "https://evil.example")
	if r := c.post("/o/alpha/settings", url.Values{"name": {"乗っ取られ株式会社"}}); r.status != http.StatusForbidden {
		t.Fatalf("post with a foreign Origin: got %d, want 403", r.status)
	}
	if w.auditCount() != before {
		t.Fatal("got a change recorded by a refused cross-origin post")
	}
}

func TestOversizedAndMalformedPosts(t *testing.T) {
	w := newWorld(t, "sqlite")
	c := w.client("en")
	c.signIn(w.users[org.Keeper].Email)
	before := w.auditCount()
	big := url.Values{"name": {strings.Repeat("あ", 1<<20)}, "employment_type": {"full_time"}}
	if r := c.post("/o/alpha/people", big); r.status != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, "too large") {
		t.Fatalf("2 MB post: got %d, want 413 with a message", r.status)
	}
	r := c.do("POST", "/o/alpha/people", url.Values{"name": {"%zz"}})
	if r.status != http.StatusBadRequest {
		t.Fatalf("post without an employment type: got %d, want 400", r.status)
	}
	bad := c.post("/o/alpha/people", url.Values{"name": {"逆転"}, "employment_type": {"full_time"}, "join_date": {"2026-04-01"}, "leave_date": {"2025-04-01"}})
	if bad.status != http.StatusBadRequest || !strings.Contains(bad.body, "The leaving date is before the joining date.") || !strings.Contains(bad.body, `id="leave_date" name="leave_date" type="date" value="2025-04-01" aria-invalid="true"`) {
		t.Fatalf("leave before join: got %d, want 400 naming the field", bad.status)
	}
	if w.auditCount() != before {
		t.Fatal("got a change recorded by refused posts")
	}
}

func TestLocaleNegotiation(t *testing.T) {
	w := newWorld(t, "sqlite")
	tests := []struct {
		accept, cookie, want string
	}{
		{"ja-JP,ja;q=0.9", "", "サインイン"},
		{"en-US", "", "Sign in"},
		{"fr-FR", "", "Sign in"},
		{"en-US", "ja", "サインイン"},
	}
	for _, tt := range tests {
		c := w.client(tt.accept)
		if tt.cookie != "" {
			c.cookies["mamori_lang"] = tt.cookie
		}
		r := c.get("/signin")
		if !strings.Contains(r.body, "<h1>"+tt.want+"</h1>") {
			t.Errorf("Accept-Language %q cookie %q: want heading %q", tt.accept, tt.cookie, tt.want)
		}
	}
	// The switch sets the cookie and returns to the page; no JavaScript needed.
	c := w.client("en")
	r := c.post("/locale", url.Values{"locale": {"ja"}, "back": {"/signin"}})
	if r.status != http.StatusSeeOther || r.location != "/signin" || c.cookies["mamori_lang"] != "ja" {
		t.Fatalf("switch: got %d → %q cookie %q", r.status, r.location, c.cookies["mamori_lang"])
	}
	// A user's own setting wins over the browser.
	u := w.client("ja")
	u.signIn(w.users[org.Owner].Email)
	u.post("/account/locale", url.Values{"locale": {"en"}})
	if r := u.get("/o/alpha/"); !strings.Contains(r.body, "<h1>Dashboard</h1>") {
		t.Fatal("user setting en with a Japanese browser: want the English dashboard")
	}
}

func TestHTMXGetsFragment(t *testing.T) {
	w := newWorld(t, "sqlite")
	c := w.client("ja")
	c.signIn(w.users[org.Keeper].Email)
	c.hdr.Set("HX-Request", "true")
	c.hdr.Set("HX-Target", "people-table")
	r := c.get("/o/alpha/people?q=" + url.QueryEscape("ヤマダ"))
	if r.status != http.StatusOK || strings.Contains(r.body, "<html") || !strings.Contains(r.body, `id="people-table"`) || !strings.Contains(r.body, "山田花子") {
		t.Fatalf("htmx search: got %d, want the table fragment with the match\n%s", r.status, r.body)
	}
	if !strings.Contains(r.header.Get("Vary"), "HX-Request") {
		t.Fatalf("got Vary %q, want HX-Request in it", r.header.Get("Vary"))
	}
	c.hdr = http.Header{}
	if r := c.get("/o/alpha/people"); !strings.Contains(r.body, "<html") {
		t.Fatal("plain request: want the whole page")
	}
}

func TestAuditPageAndExport(t *testing.T) {
	w := newWorld(t, "sqlite")
	c := w.client("ja")
	c.signIn(w.users[org.Owner].Email)
	c.post("/o/alpha/settings", url.Values{"name": {"アルファ精工株式会社"}})
	r := c.get("/o/alpha/audit?action=org.")
	if r.status != http.StatusOK || !strings.Contains(r.body, "org.settings") || !strings.Contains(r.body, "アルファ精工株式会社") {
		t.Fatalf("audit page: got %d, want the settings change listed", r.status)
	}
	if strings.Contains(r.body, "ブラボー") {
		t.Fatal("audit page shows organisation B's entries")
	}
	r = c.get("/o/alpha/audit/export")
	if r.status != http.StatusOK || !strings.HasPrefix(r.body, "\uFEFF日時,操作した人,操作,対象,変更内容,通番") || !strings.Contains(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: got %d %q, want CSV with BOM and header", r.status, r.body[:min(40, len(r.body))])
	}
	if r := c.get("/o/alpha/audit?from=2026-13-01"); r.status != http.StatusBadRequest || !strings.Contains(r.body, "2026-04-01 の形式") {
		t.Fatalf("bad date filter: got %d, want 400 naming the format", r.status)
	}
}

func TestPersonEditLeavesHistory(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		c := w.client("ja")
		c.signIn(w.users[org.Keeper].Email)
		path := "/o/alpha/people/" + itoa(w.personA.ID)
		r := c.post(path, url.Values{"name": {"山田花子"}, "kana": {"ヤマダハナコ"}, "employment_type": {"full_time"}, "department": {"経理部"}, "join_date": {"2020-04-01"}, "leave_date": {"2026-10-31"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("edit: got %d, want 303\n%s", r.status, r.body)
		}
		page := c.get(path)
		if !strings.Contains(page.body, "経理部") || !strings.Contains(page.body, "person.update") || !strings.Contains(page.body, "総務部") {
			t.Fatal("person page: want the new department and the change history with the old one")
		}
	})
}

// TestFirstRunSetup runs the setup form on an empty install with the token
// serve would print.
func TestFirstRunSetup(t *testing.T) {
	db := storetest.Open(t, store.SQLite, nil)
	cat, _ := i18n.Load()
	box, _ := seal.New(make([]byte, 32))
	srv, err := web.NewServer(web.Deps{DB: db, Catalogue: cat, Box: box, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	w := &world{t: t, db: db, srv: srv, ts: ts}
	c := w.client("ja")
	if r := c.get("/signin"); !strings.Contains(r.body, "初期設定") {
		t.Fatal("sign-in before setup: want the setup notice")
	}
	tok, hash := auth.NewToken()
	if err := db.CreateOneTimeToken(context.Background(), audit.System, store.TokenSetup, hash, 0, 0); err != nil {
		t.Fatal(err)
	}
	if r := c.get("/setup?token=" + tok); r.status != http.StatusNotFound {
		t.Fatalf("expired token: got %d, want 404", r.status)
	}
	tok, hash = auth.NewToken()
	db.CreateOneTimeToken(context.Background(), audit.System, store.TokenSetup, hash, 0, 3600e9)
	if r := c.get("/setup?token=" + tok); r.status != http.StatusOK {
		t.Fatalf("setup form: got %d, want 200", r.status)
	}
	form := url.Values{"token": {tok}, "org_name": {"株式会社テスト"}, "org_slug": {"Bad Slug"}, "name": {"佐藤"}, "email": {"sato@test.example"}, "password": {testPassword}, "password_confirm": {testPassword}}
	if r := c.post("/setup", form); r.status != http.StatusBadRequest || !strings.Contains(r.body, "組織 ID は半角英小文字") {
		t.Fatalf("bad slug: got %d, want 400 naming the organisation ID", r.status)
	}
	if n, _ := db.CountUsers(context.Background()); n != 0 {
		t.Fatalf("got %d users after a refused setup, want 0", n)
	}
	form.Set("org_slug", "test-co")
	r := c.post("/setup", form)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/o/test-co/") {
		t.Fatalf("setup: got %d → %q, want 303 to the dashboard", r.status, r.location)
	}
	if r := c.get("/o/test-co/"); r.status != http.StatusOK || !strings.Contains(r.body, "株式会社テスト") {
		t.Fatalf("dashboard after setup: got %d", r.status)
	}
	if r := c.post("/setup", form); r.status != http.StatusNotFound {
		t.Fatalf("second setup: got %d, want 404", r.status)
	}
}

// TestTemplateKeysExist fails on a T "key" in a template that neither
// catalogue has: a typo would otherwise show the raw key on screen.
func TestTemplateKeysExist(t *testing.T) {
	cat, _ := i18n.Load()
	re := regexp.MustCompile(`\.T "([a-z_.0-9]+)"`)
	n := 0
	err := filepath.WalkDir("templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			n++
			if !cat.Has(m[1]) {
				t.Errorf("%s: key %q is not in both catalogues", path, m[1])
			}
		}
		return nil
	})
	if err != nil || n < 100 {
		t.Fatalf("checked %d keys (%v), want every template", n, err)
	}
	// Keys built at run time from enumerations.
	var dynamic []string
	for _, r := range org.Roles {
		dynamic = append(dynamic, "role."+string(r), "role."+string(r)+".desc")
	}
	dynamic = append(dynamic, web.DashboardModuleKeys()...)
	for _, k := range dynamic {
		if !cat.Has(k) {
			t.Errorf("dynamic key %q missing", k)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
