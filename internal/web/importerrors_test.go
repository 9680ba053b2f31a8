package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
)

// threeBadPeople has a bad date (row 3), a bad employment type (row 4)
// and a missing name (row 5).
var threeBadPeople = []byte("氏名,メールアドレス,雇用形態,入社日\r\n" +
	"山田 太郎,yamada@alpha.example,正社員,2020/04/01\r\n" +
	"佐藤 花子,sato@alpha.example,正社員,2026/13/45\r\n" +
	"鈴木 一郎,suzuki@alpha.example,社長見習い,2021/04/01\r\n" +
	",tanaka@alpha.example,契約社員,2022/04/01\r\n")

func peopleCount(t *testing.T, w *world) int {
	t.Helper()
	_, n, err := w.db.Tenant(w.orgA.ID).People(context.Background(), store.PeopleQuery{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestImportListsEveryError: a file with three bad rows comes back with
// all three in a table — row, column, value and how to fix each — in
// Japanese and in English, with the form still set to what was chosen
// and nothing changed.
func TestImportListsEveryError(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		clients := map[string]*client{}
		for _, lang := range []string{"ja", "en"} {
			clients[lang] = w.client(lang)
			clients[lang].signIn(w.users[org.Keeper].Email)
		}
		before, people := w.auditCount(), peopleCount(t, w)
		for lang, want := range map[string][]string{
			"ja": {"誤りが 3 件あります", "「名簿.csv」の直す箇所", "修正したファイルを選び直す", "前回選んだファイル：名簿.csv",
				`data-label="行">3</td><td data-label="列">入社日</td><td data-label="入力されていた値">2026/13/45</td><td data-label="直し方">YYYY/MM/DD の形式`,
				`>4</td><td data-label="列">雇用形態</td><td data-label="入力されていた値">社長見習い</td><td data-label="直し方">次のどれかを入力してください：役員、正社員`,
				`>5</td><td data-label="列">氏名</td><td data-label="入力されていた値"><span class="hint">空欄</span></td><td data-label="直し方">値を入力してください。`},
			"en": {"The file has 3 errors", "What to correct in “名簿.csv”", "Choose the corrected file",
				`>3</td><td data-label="Column">入社日</td><td data-label="Value in the file">2026/13/45</td><td data-label="How to fix it">Write the date as YYYY-MM-DD`,
				`>4</td><td data-label="Column">雇用形態</td><td data-label="Value in the file">社長見習い</td><td data-label="How to fix it">Write one of: Executive, Full-time`,
				`>5</td><td data-label="Column">氏名</td>`},
		} {
			r := clients[lang].upload("/o/alpha/import/preview", "名簿.csv", threeBadPeople, map[string]string{"kind": "people", "format": "mamori", "service": "人事システム"})
			if r.status != http.StatusBadRequest {
				t.Fatalf("%s: got %d, want 400", lang, r.status)
			}
			for _, s := range append(want, `<option value="people" selected>`, `<option value="mamori" selected>`, `value="人事システム"`, `class="stack"`) {
				if !strings.Contains(r.body, s) {
					t.Errorf("%s: page lacks %q", lang, s)
				}
			}
		}
		if w.auditCount() != before || peopleCount(t, w) != people {
			t.Fatal("a refused file changed something")
		}
	})
}

// TestImportErrorLimit: 150 bad rows list the first 100 and count 50 more.
func TestImportErrorLimit(t *testing.T) {
	w := newWorld(t, "sqlite")
	var b bytes.Buffer
	b.WriteString("氏名,雇用形態,入社日\r\n")
	for i := range 150 {
		fmt.Fprintf(&b, "社員%d,正社員,2026/02/%d\r\n", i, 30+i)
	}
	c := w.client("en")
	c.signIn(w.users[org.Keeper].Email)
	r := c.upload("/o/alpha/import/preview", "many.csv", b.Bytes(), nil)
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "The file has 150 errors") || !strings.Contains(r.body, "…and 50 more (the first 100 are listed).") {
		t.Fatalf("got %d, want 150 errors with 50 more", r.status)
	}
	if n := strings.Count(r.body, `<td data-label="Column">入社日</td>`); n != 100 {
		t.Errorf("listed %d errors, want 100", n)
	}
	script := w.apiClient(w.users[org.Keeper], "en")
	r = script.send("POST", "/api/v1/orgs/alpha/import?kind=people", "text/csv", bytes.NewReader(b.Bytes()))
	var e apiRowErrs
	if r.status != http.StatusBadRequest || json.Unmarshal([]byte(r.body), &e) != nil || len(e.Error.Errors) != 100 || e.Error.More != 50 {
		t.Fatalf("API: got %d, %d errors and %d more; want 100 and 50", r.status, len(e.Error.Errors), e.Error.More)
	}
}

type apiRowErrs struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Errors  []struct {
			Row     int    `json:"row"`
			Column  string `json:"column"`
			Value   string `json:"value"`
			Message string `json:"message"`
			Fix     string `json:"fix"`
		} `json:"errors"`
		More int `json:"more"`
	} `json:"error"`
}

// TestAPIImportListsEveryError: the API returns every bad cell as a JSON
// array, in the language asked for, and changes nothing.
func TestAPIImportListsEveryError(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		scripts := map[string]*client{"ja": w.apiClient(w.users[org.Keeper], "ja"), "en": w.apiClient(w.users[org.Keeper], "en")}
		before, people := w.auditCount(), peopleCount(t, w)
		for lang, want := range map[string][3]string{
			"ja": {"3 行目", "YYYY/MM/DD の形式", "値を入力してください。"},
			"en": {"Row 3", "Write the date as YYYY-MM-DD", "Fill it in."},
		} {
			r := scripts[lang].send("POST", "/api/v1/orgs/alpha/import?kind=people&name=people.csv", "text/csv", bytes.NewReader(threeBadPeople))
			var e apiRowErrs
			if r.status != http.StatusBadRequest || json.Unmarshal([]byte(r.body), &e) != nil || e.Error.Code != "invalid" || len(e.Error.Errors) != 3 || e.Error.More != 0 {
				t.Fatalf("%s: got %d %s, want 400 with three errors", lang, r.status, r.body)
			}
			got := e.Error.Errors
			if got[0].Row != 3 || got[0].Column != "入社日" || got[0].Value != "2026/13/45" || !strings.Contains(got[0].Message, want[0]) || !strings.HasPrefix(got[0].Fix, want[1]) {
				t.Errorf("%s: first = %+v", lang, got[0])
			}
			if got[1].Row != 4 || got[1].Column != "雇用形態" || got[1].Value != "社長見習い" {
				t.Errorf("%s: second = %+v", lang, got[1])
			}
			if got[2].Row != 5 || got[2].Column != "氏名" || got[2].Value != "" || got[2].Fix != want[2] {
				t.Errorf("%s: third = %+v", lang, got[2])
			}
		}
		if w.auditCount() != before || peopleCount(t, w) != people {
			t.Fatal("a refused file changed something")
		}
	})
}

// TestImportPreviewSharedAndSplitNames: the preview says a role's address
// is read as a shared account, and a roster with 氏/名 and セイ/メイ is
// imported with the names joined.
func TestImportPreviewSharedAndSplitNames(t *testing.T) {
	w := newWorld(t, "sqlite")
	c := w.client("ja")
	c.signIn(w.users[org.Keeper].Email)
	r := c.upload("/o/alpha/import/preview", "accounts.csv", []byte("サービス,ログインID\r\nSlack,soumu@alpha.example\r\n"), nil)
	if r.status != http.StatusOK || !strings.Contains(r.body, "soumu@alpha.example）は部署や役割の名前のため、共用アカウントとして読み込みます") {
		t.Fatalf("got %d, want the preview to say soumu@ is read as shared\n%s", r.status, r.body)
	}
	roster := []byte("社員番号,氏,名,セイ,メイ,メールアドレス,雇用区分\r\n101,高橋,次郎,ﾀｶﾊｼ,ｼﾞﾛｳ,takahashi@alpha.example,正社員\r\n")
	r = c.upload("/o/alpha/import/preview", "roster.csv", roster, map[string]string{"kind": "people"})
	m := applyID.FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil || !strings.Contains(r.body, "高橋 次郎") {
		t.Fatalf("roster preview: got %d\n%s", r.status, r.body)
	}
	if r := c.post("/o/alpha/import/apply", map[string][]string{"id": {m[1]}}); r.status != http.StatusSeeOther {
		t.Fatalf("apply: got %d", r.status)
	}
	people, _, err := w.db.Tenant(w.orgA.ID).People(context.Background(), store.PeopleQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range people {
		found = found || (p.Name == "高橋 次郎" && p.Kana == "タカハシ ジロウ" && p.Email == "takahashi@alpha.example")
	}
	if !found {
		t.Errorf("got %+v, want 高橋 次郎 (タカハシ ジロウ) imported", people)
	}
}
