package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/importer"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
)

// send makes a request with a body of its own, as a browser or a script
// uploading a file does.
func (c *client) send(method, path, contentType string, body io.Reader) response {
	c.w.t.Helper()
	req, err := http.NewRequest(method, c.w.ts.URL+path, body)
	if err != nil {
		c.w.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	for k, v := range c.hdr {
		req.Header[k] = v
	}
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Do(req)
	if err != nil {
		c.w.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, body: string(b), location: res.Header.Get("Location"), header: res.Header}
}

// upload posts a file with the import form's fields.
func (c *client) upload(path, name string, data []byte, fields map[string]string) response {
	c.w.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		c.w.t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return c.send("POST", path, mw.FormDataContentType(), &b)
}

var applyID = regexp.MustCompile(`name="id" value="([0-9a-f]{32})"`)

func accountsCSV(rows ...string) []byte {
	return []byte("\uFEFFサービス,ログインID,本人メールアドレス,種別,権限,多要素認証,状態\r\n" + strings.Join(rows, "\r\n") + "\r\n")
}

// TestImportPreviewThenApply: the keeper uploads a file, sees what it
// would do (nothing written yet), applies it, and lands on the list with
// the findings already evaluated.
func TestImportPreviewThenApply(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		c := w.client("ja")
		c.signIn(w.users[org.Keeper].Email)
		if r := c.get("/o/alpha/import"); r.status != http.StatusOK || !strings.Contains(r.body, "ファイルから取り込む") || !strings.Contains(r.body, `enctype="multipart/form-data"`) {
			t.Fatalf("form: got %d, want the upload form", r.status)
		}
		before := w.auditCount()
		data := accountsCSV(
			"アルファストレージ,user@アルファ.example,,個人,閲覧,無効,有効",
			"Slack,hanako@alpha.example,,個人,編集,有効,有効",
		)
		r := c.upload("/o/alpha/import/preview", "アカウント.csv", data, map[string]string{"kind": "accounts"})
		m := applyID.FindStringSubmatch(r.body)
		if r.status != http.StatusOK || m == nil || !strings.Contains(r.body, "追加 1 件・変更 1 件・変更なし 0 件") || !strings.Contains(r.body, "管理者") {
			t.Fatalf("preview: got %d, want counts, the privilege change and an apply form\n%s", r.status, r.body)
		}
		if !strings.Contains(r.body, "Slack") || !strings.Contains(r.body, "hanako@alpha.example") {
			t.Fatal("preview lacks the new service or the unmatched address")
		}
		if w.auditCount() != before {
			t.Fatal("the preview wrote to the audit trail")
		}
		r = c.post("/o/alpha/import/apply", url.Values{"id": {m[1]}})
		if r.status != http.StatusSeeOther || r.location != "/o/alpha/accounts?ok=imported" {
			t.Fatalf("apply: got %d → %q, want 303 to the accounts list", r.status, r.location)
		}
		if list := c.get(r.location); !strings.Contains(list.body, "取り込みました") {
			t.Fatal("no confirmation on the list")
		}
		ctx, ten := context.Background(), w.db.Tenant(w.orgA.ID)
		acc, err := ten.Account(ctx, w.inv["account"][0])
		if err != nil || acc.Privilege != inventory.View || acc.MFA != inventory.MFAOff {
			t.Fatalf("got %+v %v, want the account changed to view", acc, err)
		}
		if hist, _ := ten.PostureHistory(ctx, "2000-01-01"); len(hist) == 0 {
			t.Fatal("got no posture evaluation after the import")
		}
		entries, _ := ten.Audit(ctx, store.AuditFilter{Action: "import.apply"})
		if len(entries) != 1 || !strings.Contains(entries[0].After, `"file":"アカウント.csv"`) || entries[0].Actor != w.users[org.Keeper].Email {
			t.Fatalf("got %+v, want one import entry by the keeper naming the file", entries)
		}
		if r := c.post("/o/alpha/import/apply", url.Values{"id": {m[1]}}); r.status != http.StatusNotFound || !strings.Contains(r.body, "もう一度ファイルを選んで") {
			t.Fatalf("second apply: got %d, want 404 asking to upload again", r.status)
		}
	})
}

func TestImportRefusals(t *testing.T) {
	w := newWorld(t, "sqlite")
	ctx := context.Background()
	owner := w.users[org.Owner]
	if err := w.db.AddMember(ctx, audit.Actor{Label: "test"}, w.orgB.ID, owner.ID, org.Owner); err != nil {
		t.Fatal(err)
	}
	data := accountsCSV("Slack,hanako@alpha.example,,個人,編集,有効,有効")

	auditor := w.client("en")
	auditor.signIn(w.users[org.Auditor].Email)
	if r := auditor.get("/o/alpha/import"); r.status != http.StatusForbidden {
		t.Fatalf("auditor form: got %d, want 403", r.status)
	}
	if r := auditor.upload("/o/alpha/import/preview", "a.csv", data, nil); r.status != http.StatusForbidden {
		t.Fatalf("auditor preview: got %d, want 403", r.status)
	}
	if r := auditor.get("/o/alpha/accounts/export?format=csv"); r.status != http.StatusOK || !strings.Contains(r.body, "Login ID") {
		t.Fatalf("auditor export: got %d, want the CSV", r.status)
	}

	c := w.client("en")
	c.signIn(owner.Email)
	m := applyID.FindStringSubmatch(c.upload("/o/alpha/import/preview", "a.csv", data, nil).body)
	if m == nil {
		t.Fatal("no apply id")
	}
	keeper := w.client("en")
	keeper.signIn(w.users[org.Keeper].Email)
	ja := w.client("ja")
	ja.signIn(owner.Email)
	before := w.auditCount()
	if r := c.post("/o/bravo/import/apply", url.Values{"id": {m[1]}}); r.status != http.StatusNotFound {
		t.Fatalf("organisation A's upload applied in B: got %d, want 404", r.status)
	}
	if r := keeper.post("/o/alpha/import/apply", url.Values{"id": {m[1]}}); r.status != http.StatusNotFound {
		t.Fatalf("another user's upload: got %d, want 404", r.status)
	}
	if w.auditCount() != before {
		t.Fatal("a refused apply changed something")
	}
	w.clock.Add(61 * time.Minute)
	if r := c.post("/o/alpha/import/apply", url.Values{"id": {m[1]}}); r.status != http.StatusNotFound || !strings.Contains(r.body, "an hour") {
		t.Fatalf("expired upload: got %d, want 404 asking to upload again", r.status)
	}

	// A bad cell: the form again, naming the row and the column.
	bad := []byte("情報資産名称,機密性,完全性,可用性\r\n顧客名簿,3,3,3\r\n見積書,高,2,2\r\n")
	r := ja.upload("/o/alpha/import/preview", "台帳.csv", bad, nil)
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "3 行目") || !strings.Contains(r.body, "機密性") || !strings.Contains(r.body, `enctype="multipart/form-data"`) {
		t.Fatalf("bad file: got %d, want 400 naming row 3 and 機密性 above the form\n%s", r.status, r.body)
	}
	if r := ja.upload("/o/alpha/import/preview", "empty.csv", nil, nil); r.status != http.StatusBadRequest {
		t.Fatalf("empty file: got %d, want 400", r.status)
	}
	if r := ja.post("/o/alpha/import/preview", url.Values{"kind": {"accounts"}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "ファイルを選んで") {
		t.Fatalf("no file: got %d, want 400 asking for a file", r.status)
	}
	// Too large: refused from the declared length, before reading it.
	big := bytes.Repeat([]byte("a"), importer.DefaultMaxBytes+2<<20)
	if r := ja.upload("/o/alpha/import/preview", "big.csv", big, nil); r.status != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, "50 MB") {
		t.Fatalf("oversized: got %d, want 413 naming the limit", r.status)
	}
	// Other posts keep the small limit.
	if r := ja.post("/o/alpha/settings", url.Values{"name": {strings.Repeat("x", 2<<20)}}); r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("large form elsewhere: got %d, want 413", r.status)
	}
	if w.auditCount() != before {
		t.Fatal("a refused file changed something")
	}
}

// TestImportShiftJIS: a CSV saved by Japanese Excel (CP932) reads as well
// as UTF-8.
func TestImportShiftJIS(t *testing.T) {
	w := newWorld(t, "sqlite")
	c := w.client("ja")
	c.signIn(w.users[org.Keeper].Email)
	text := "氏名,フリガナ,メールアドレス,部署,雇用形態\r\n髙橋 次郎,ﾀｶﾊｼ ｼﾞﾛｳ,takahashi@alpha.example,営業部,正社員\r\n"
	sjis, err := japanese.ShiftJIS.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	r := c.upload("/o/alpha/import/preview", "社員.csv", []byte(sjis), nil)
	m := applyID.FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil || !strings.Contains(r.body, "shift_jis") || !strings.Contains(r.body, "髙橋 次郎") {
		t.Fatalf("got %d, want the Shift_JIS file read\n%s", r.status, r.body)
	}
	if r := c.post("/o/alpha/import/apply", url.Values{"id": {m[1]}}); r.status != http.StatusSeeOther || r.location != "/o/alpha/people?ok=imported" {
		t.Fatalf("apply: got %d %q", r.status, r.location)
	}
	people, _, _ := w.db.Tenant(w.orgA.ID).People(context.Background(), store.PeopleQuery{Search: "takahashi"})
	if len(people) != 1 || people[0].Name != "髙橋 次郎" || people[0].Kana != "タカハシ ジロウ" {
		t.Fatalf("got %+v, want 髙橋 次郎 with full-width kana", people)
	}
}

func TestTemplatesAndExports(t *testing.T) {
	w := newWorld(t, "sqlite")
	c := w.client("ja")
	c.signIn(w.users[org.Keeper].Email)
	hub := c.get("/o/alpha/inventory")
	if !strings.Contains(hub.body, "/o/alpha/accounts/export?format=xlsx") || !strings.Contains(hub.body, `href="/o/alpha/import"`) {
		t.Fatal("the inventory page lacks the export and import links")
	}
	r := c.get("/o/alpha/import/template/assets?lang=ja")
	if r.status != http.StatusOK || !strings.HasPrefix(r.body, "PK") || !strings.Contains(r.header.Get("Content-Disposition"), "filename*=UTF-8''") {
		t.Fatalf("template: got %d %q, want an xlsx download", r.status, r.header.Get("Content-Disposition"))
	}
	if r := c.get("/o/alpha/import/template/nothing"); r.status != http.StatusNotFound {
		t.Fatalf("unknown template: got %d, want 404", r.status)
	}
	r = c.get("/o/alpha/shares/export?format=csv&lang=ja")
	if r.status != http.StatusOK || !strings.HasPrefix(r.body, "\uFEFFサービス,パス・URL") || !strings.Contains(r.body, "アルファの顧客名簿") || strings.Contains(r.body, "極秘部") {
		t.Fatalf("export: got %d %q, want organisation A's shares with the asset's name", r.status, r.body)
	}
	if r := c.get("/o/alpha/people/export?format=xlsx"); r.status != http.StatusOK || !strings.HasPrefix(r.body, "PK") {
		t.Fatalf("xlsx export: got %d", r.status)
	}
	if r := c.get("/o/alpha/people/export?format=pdf"); r.status != http.StatusBadRequest {
		t.Fatalf("unknown format: got %d, want 400", r.status)
	}
}

// apiClient is a script with a personal API token of user.
func (w *world) apiClient(user auth.User, lang string) *client {
	w.t.Helper()
	w.seq++
	token := fmt.Sprintf("mamori_test_%d_%d", user.ID, w.seq)
	if _, err := w.db.CreateAPIToken(context.Background(), audit.Actor{Label: "test"}, user.ID, "script", auth.HashToken(token), 0); err != nil {
		w.t.Fatal(err)
	}
	c := w.client(lang)
	c.hdr.Set("Authorization", "Bearer "+token)
	return c
}

type apiErr struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Row     int    `json:"row"`
		Column  string `json:"column"`
	} `json:"error"`
}

func TestAPI(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		script := w.apiClient(w.users[org.Keeper], "en")
		r := script.get("/api/v1/orgs/alpha/findings")
		var rep struct {
			Org   string `json:"org"`
			Score int    `json:"score"`
		}
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") || json.Unmarshal([]byte(r.body), &rep) != nil || rep.Org != "alpha" {
			t.Fatalf("findings: got %d %s", r.status, r.body)
		}
		r = script.get("/api/v1/orgs/alpha/accounts")
		var list struct {
			Count int              `json:"count"`
			Items []map[string]any `json:"items"`
		}
		if r.status != http.StatusOK || json.Unmarshal([]byte(r.body), &list) != nil || list.Count != 1 || list.Items[0]["login_id"] != "user@アルファ.example" || list.Items[0]["service"] != "アルファストレージ" {
			t.Fatalf("accounts: got %d %s", r.status, r.body)
		}
		if r := script.get("/api/v1/orgs/alpha/nothing"); r.status != http.StatusNotFound || !strings.Contains(r.body, `"code":"not_found"`) {
			t.Fatalf("unknown kind: got %d %s", r.status, r.body)
		}
		before := w.auditCount()
		data := accountsCSV("Slack,hanako@alpha.example,,個人,編集,有効,有効")
		r = script.send("POST", "/api/v1/orgs/alpha/import?kind=accounts&name=accounts.csv", "text/csv", bytes.NewReader(data))
		var pv struct {
			Added     int  `json:"added"`
			Applied   bool `json:"applied"`
			Unmatched []struct {
				Email string `json:"email"`
			} `json:"unmatched"`
			Warnings []struct {
				Message string `json:"message"`
			} `json:"warnings"`
		}
		if r.status != http.StatusOK || json.Unmarshal([]byte(r.body), &pv) != nil || pv.Added != 1 || pv.Applied || len(pv.Unmatched) != 1 {
			t.Fatalf("preview: got %d %s", r.status, r.body)
		}
		if w.auditCount() != before {
			t.Fatal("an API preview wrote to the audit trail")
		}
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		fw, _ := mw.CreateFormFile("file", "accounts.csv")
		fw.Write(data)
		mw.Close()
		r = script.send("POST", "/api/v1/orgs/alpha/import?apply=1", mw.FormDataContentType(), &b)
		if r.status != http.StatusOK || json.Unmarshal([]byte(r.body), &pv) != nil || !pv.Applied {
			t.Fatalf("apply: got %d %s", r.status, r.body)
		}
		if w.auditCount() == before {
			t.Fatal("the API apply wrote nothing")
		}
		// Errors: JSON, translated by Accept-Language, with row and column.
		bad := []byte("情報資産名称,機密性,完全性,可用性\r\n顧客名簿,3,3,3\r\n見積書,高,2,2\r\n")
		for lang, want := range map[string]string{"ja": "3 行目", "en": "Row 3"} {
			script.lang = lang
			r = script.send("POST", "/api/v1/orgs/alpha/import", "text/csv", bytes.NewReader(bad))
			var e apiErr
			if r.status != http.StatusBadRequest || json.Unmarshal([]byte(r.body), &e) != nil || e.Error.Code != "invalid" || e.Error.Row != 3 || e.Error.Column != "機密性" || !strings.Contains(e.Error.Message, want) {
				t.Fatalf("bad file (%s): got %d %s, want 400 invalid row 3 column 機密性", lang, r.status, r.body)
			}
		}
		if r := script.send("POST", "/api/v1/orgs/alpha/import?kind=nothing", "text/csv", bytes.NewReader(data)); r.status != http.StatusBadRequest || !strings.Contains(r.body, `"code":"invalid"`) {
			t.Fatalf("bad kind: got %d %s", r.status, r.body)
		}
		if r := script.get("/api/v1/orgs/bravo/findings"); r.status != http.StatusNotFound || !strings.Contains(r.body, `"code":"not_found"`) {
			t.Fatalf("another organisation: got %d %s", r.status, r.body)
		}
		auditor := w.apiClient(w.users[org.Auditor], "en")
		if r := auditor.send("POST", "/api/v1/orgs/alpha/import?apply=1", "text/csv", bytes.NewReader(data)); r.status != http.StatusForbidden || !strings.Contains(r.body, `"code":"forbidden"`) {
			t.Fatalf("auditor import: got %d %s, want 403 JSON", r.status, r.body)
		}
		// An organisation that requires a second factor refuses a token of
		// a user without one with 403, not a redirect.
		if err := w.db.Tenant(w.orgA.ID).UpdateOrg(context.Background(), audit.Actor{Label: "test"}, w.orgA.Name, true); err != nil {
			t.Fatal(err)
		}
		if r := script.get("/api/v1/orgs/alpha/findings"); r.status != http.StatusForbidden || r.location != "" || !strings.Contains(r.body, `"code":"forbidden"`) {
			t.Fatalf("second factor required: got %d → %q %s, want 403 JSON", r.status, r.location, r.body)
		}
	})
}
