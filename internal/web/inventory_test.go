package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
)

// create posts a new record's form and returns its id from the redirect.
func (c *client) create(slug string, form url.Values) int64 {
	c.w.t.Helper()
	r := c.post("/o/alpha/"+slug, form)
	prefix := "/o/alpha/" + slug + "/"
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, prefix) {
		c.w.t.Fatalf("create %s: got %d → %q, want 303 to the record\n%s", slug, r.status, r.location, r.body)
	}
	id, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(r.location, prefix), "?ok=saved"), 10, 64)
	if err != nil {
		c.w.t.Fatalf("create %s: redirect %q has no id", slug, r.location)
	}
	return id
}

// mustShow fetches a page and fails unless it is 200 and holds every want.
func (c *client) mustShow(path string, want ...string) string {
	c.w.t.Helper()
	r := c.get(path)
	if r.status != http.StatusOK {
		c.w.t.Fatalf("GET %s: got %d, want 200\n%s", path, r.status, r.body)
	}
	for _, s := range want {
		if !strings.Contains(r.body, s) {
			c.w.t.Errorf("GET %s: page lacks %q", path, s)
		}
	}
	return r.body
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// TestInventoryFormsCreateAndEdit creates and edits one record of each kind
// through the forms, the way a keeper would, and reads them back.
func TestInventoryFormsCreateAndEdit(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		c := w.client("ja")
		c.signIn(w.users[org.Keeper].Email)
		person := id(w.personA.ID)

		c.mustShow("/o/alpha/services/new", "よく使われるサービスから選ぶ", "freee会計", "この内容で作成")
		svc := c.create("services", url.Values{"name": {"kintone"}, "category": {"cloud"}, "mfa": {"available"}, "sso": {"1"},
			"internet_facing": {"1"}, "data_country": {"jp"}, "owner_department": {"営業部"}, "cloud_check_done": {"2026/4/1"}})
		c.mustShow("/o/alpha/services/"+id(svc), "kintone", "クラウド", "任意", "JP", "2026年4月1日", "営業部",
			"サイボウズの業務アプリ作成サービス", "アカウント 0 件", "/o/alpha/accounts?service_id="+id(svc), "サービスを登録")

		acct := c.create("accounts", url.Values{"service_id": {id(svc)}, "login_id": {"yamada@alpha.example"}, "person_id": {person},
			"kind": {"shared"}, "privilege": {"admin"}, "mfa": {"off"}, "status": {"active"}, "last_login": {"２０２６年４月１日"}})
		c.mustShow("/o/alpha/accounts/"+id(acct), "yamada@alpha.example", "共用", "管理者", "無効", "2026年4月1日",
			`href="/o/alpha/services/`+id(svc)+`">kintone</a>`, `href="/o/alpha/people/`+person+`">山田花子（総務部）</a>`)
		c.mustShow("/o/alpha/services/"+id(svc), "アカウント 1 件")

		dev := c.create("devices", url.Values{"name": {"営業ノートPC-07"}, "kind": {"pc"}, "person_id": {person}, "ownership": {"byod"},
			"network": {"home"}, "disk_encryption": {"no"}, "screen_lock": {"yes"}, "last_updated": {"令和8年4月1日"}})
		c.mustShow("/o/alpha/devices/"+id(dev), "営業ノートPC-07", "パソコン", "私物（BYOD）", "自宅", "2026年4月1日", "山田花子")

		asset := c.create("assets", url.Values{"name": {"顧客名簿"}, "business_area": {"営業"}, "personal_info": {"1"}, "confidentiality": {"3"},
			"integrity": {"2"}, "availability": {"2"}, "service_ids": {id(svc)}, "device_ids": {id(dev)}, "paper_locations": {"総務部キャビネットA\r\n\r\n金庫\r\n"}})
		c.mustShow("/o/alpha/assets/"+id(asset), "顧客名簿", "情報資産名称", "機密性", "3（高）", `class="badge level3"`,
			`href="/o/alpha/services/`+id(svc)+`">kintone</a>`, `href="/o/alpha/devices/`+id(dev)+`">営業ノートPC-07</a>`, "総務部キャビネットA\n金庫",
			"この情報資産を含む共有は登録されていません。", "情報資産の保存場所を変更")

		share := c.create("shares", url.Values{"service_id": {id(svc)}, "path": {"https://alpha.example/s/abc"}, "scope": {"anyone_link"},
			"permission": {"edit"}, "asset_id": {id(asset)}})
		c.mustShow("/o/alpha/shares/"+id(share), "https://alpha.example/s/abc", "リンクを知っている全員", "編集",
			`href="/o/alpha/assets/`+id(asset)+`">顧客名簿</a>`)
		c.mustShow("/o/alpha/assets/"+id(asset), `href="/o/alpha/shares/`+id(share)+`">https://alpha.example/s/abc（リンクを知っている全員）</a>`)

		// Edits: the form shows the record, the change lands in the history.
		c.mustShow("/o/alpha/accounts/"+id(acct)+"/edit", `value="yamada@alpha.example"`, `<option value="shared" selected>共用</option>`)
		r := c.post("/o/alpha/accounts/"+id(acct), url.Values{"service_id": {id(svc)}, "login_id": {"yamada@alpha.example"}, "person_id": {person},
			"kind": {"personal"}, "privilege": {"view"}, "mfa": {"on"}, "status": {"suspended"}})
		if r.status != http.StatusSeeOther || r.location != "/o/alpha/accounts/"+id(acct)+"?ok=saved" {
			t.Fatalf("edit account: got %d → %q\n%s", r.status, r.location, r.body)
		}
		page := c.mustShow(r.location, "保存しました。", "停止", "閲覧", "アカウントを変更", "権限", "<del>管理者</del>")
		if strings.Contains(page, "af.privilege") {
			t.Error("history shows the raw field key")
		}
		r = c.post("/o/alpha/assets/"+id(asset), url.Values{"name": {"顧客名簿"}, "confidentiality": {"2"}, "service_ids": {id(svc)}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("edit asset: got %d\n%s", r.status, r.body)
		}
		a, err := w.db.Tenant(w.orgA.ID).Asset(t.Context(), asset)
		if err != nil || a.PersonalInfo || a.Confidentiality != 2 || len(a.DeviceIDs) != 0 || len(a.PaperLocations) != 0 || len(a.ServiceIDs) != 1 {
			t.Fatalf("asset after edit: got %+v %v, want C=2, no personal data, one service and nothing else", a, err)
		}
		c.mustShow("/o/alpha/inventory", "/o/alpha/services", ">2<span", ">1<span", "どこに何があるか")
	})
}

// TestInventoryCatalogueStart: a service can start from the catalogue,
// without JavaScript, as a pre-filled form.
func TestInventoryCatalogueStart(t *testing.T) {
	w := newWorld(t, "sqlite")
	c := w.client("ja")
	c.signIn(w.users[org.Keeper].Email)
	c.mustShow("/o/alpha/services/new?from=microsoft_365", `name="name" type="text" value="Microsoft 365"`,
		`type="hidden" name="catalogue_key" value="microsoft_365"`, `value="JP"`, `<option value="microsoft_365" selected>`)
	id := c.create("services", url.Values{"name": {"Microsoft 365"}, "catalogue_key": {"microsoft_365"}, "category": {"cloud"}, "mfa": {"available"}, "data_country": {"JP"}})
	s, err := w.db.Tenant(w.orgA.ID).Service(t.Context(), id)
	if err != nil || s.CatalogueKey != "microsoft_365" || s.DataCountry != "JP" {
		t.Fatalf("got %+v %v, want the catalogue key and JP kept", s, err)
	}
	if r := c.get("/o/alpha/services/new?from=nope"); r.status != http.StatusOK || !strings.Contains(r.body, `name="name" type="text" value=""`) {
		t.Fatalf("unknown catalogue key: got %d, want a blank form", r.status)
	}
}

// TestInventoryValidationNamesTheField: a refused form comes back with the
// message and the field at fault marked, and nothing is recorded.
func TestInventoryValidationNamesTheField(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		c := w.client("ja")
		c.signIn(w.users[org.Keeper].Email)
		before := w.auditCount()
		tests := []struct {
			slug    string
			form    url.Values
			field   string
			message string
		}{
			{"assets", url.Values{"name": {"見積書"}, "confidentiality": {"4"}}, `<select id="f-confidentiality" name="confidentiality" aria-invalid="true"`, "1〜3 の数値で入力してください（入力値：4）"},
			{"assets", url.Values{"name": {"見積書"}, "people_concerned": {"たくさん"}}, `id="f-people_concerned" name="people_concerned" type="number" value="" min="0" inputmode="numeric" aria-invalid="true"`, "数値で入力してください（入力値：たくさん）。"},
			{"assets", url.Values{"name": {"見積書"}, "service_ids": {id(w.inv["service"][1])}}, "", "この組織に登録されているサービスを選んでください。"},
			{"accounts", url.Values{"login_id": {"x@alpha.example"}, "kind": {"personal"}, "privilege": {"edit"}, "mfa": {"on"}, "status": {"active"}}, `<select id="f-service_id" name="service_id" required aria-invalid="true"`, "この組織に登録されているサービスを選んでください。"},
			{"accounts", url.Values{"service_id": {id(w.inv["service"][0])}, "login_id": {"x@alpha.example"}, "person_id": {id(w.personB.ID)}, "kind": {"personal"}, "privilege": {"edit"}, "mfa": {"on"}, "status": {"active"}}, `<select id="f-person_id" name="person_id" aria-invalid="true"`, "この組織の従業員から選んでください。"},
			{"devices", url.Values{"name": {"PC"}, "kind": {"pc"}, "ownership": {"company"}, "network": {"internal"}, "last_updated": {"2026-02-30"}}, `id="f-last_updated" name="last_updated" type="date" value="2026-02-30" aria-invalid="true"`, "日付として読めません"},
			{"services", url.Values{"name": {" "}, "category": {"cloud"}, "mfa": {"none"}}, `id="f-name" name="name" type="text" value="" maxlength="200" required aria-invalid="true"`, "名称を入力してください。"},
			{"services", url.Values{"name": {"アルファストレージ"}, "category": {"cloud"}, "mfa": {"none"}}, `aria-invalid="true"`, "同じものがすでに登録されています"},
			{"shares", url.Values{"service_id": {id(w.inv["service"][0])}, "path": {"/x"}, "scope": {"anyone_link"}, "permission": {"view"}, "asset_id": {id(w.inv["asset"][1])}}, `<select id="f-asset_id" name="asset_id" aria-invalid="true"`, "この組織の情報資産から選んでください。"},
		}
		for _, tt := range tests {
			r := c.post("/o/alpha/"+tt.slug, tt.form)
			if r.status != http.StatusBadRequest {
				t.Errorf("%s %v: got %d, want 400", tt.slug, tt.form, r.status)
				continue
			}
			if !strings.Contains(r.body, tt.field) || !strings.Contains(r.body, tt.message) {
				t.Errorf("%s %v: want the field marked (%s) and %q\n%s", tt.slug, tt.form, tt.field, tt.message, r.body)
			}
			for _, leak := range []string{"極秘部", "秘密太郎"} {
				if strings.Contains(r.body, leak) {
					t.Errorf("%s: the refused form shows organisation B's %q", tt.slug, leak)
				}
			}
		}
		if w.auditCount() != before {
			t.Fatal("a refused form recorded a change")
		}
	})
}

// TestInventoryListSearchFilterSortPage drives the accounts list.
func TestInventoryListSearchFilterSortPage(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx, tn, sys := context.Background(), w.db.Tenant(w.orgA.ID), audit.Actor{Label: "test"}
		svc := w.inv["service"][0]
		other := inventory.Service{Name: "Slack", Category: inventory.Cloud, MFA: inventory.MFAAvailable}
		if err := tn.SaveService(ctx, sys, &other); err != nil {
			t.Fatal(err)
		}
		for i := range 55 {
			a := inventory.Account{ServiceID: svc, LoginID: fmt.Sprintf("staff%02d@alpha.example", i), Kind: inventory.Personal,
				Privilege: inventory.Edit, MFA: inventory.MFAOn, Status: inventory.Active}
			if i%10 == 0 {
				a.Kind, a.ServiceID = inventory.Shared, other.ID
			}
			if err := tn.SaveAccount(ctx, sys, &a); err != nil {
				t.Fatal(err)
			}
		}
		c := w.client("ja")
		c.signIn(w.users[org.Auditor].Email)
		page := c.mustShow("/o/alpha/accounts", "56 件", `href="?offset=50"`, "staff00@alpha.example", `data-label="ログイン ID"`, `<option value="`+id(other.ID)+`">Slack</option>`)
		if strings.Contains(page, "staff54@") || strings.Contains(page, "アカウントを追加") {
			t.Error("first page: want 50 rows and no add button for an auditor")
		}
		c.mustShow("/o/alpha/accounts?offset=50", "staff54@alpha.example", `href="?"`)
		shared := c.mustShow("/o/alpha/accounts?kind=shared", "6 件", "staff10@alpha.example", `<option value="shared" selected>共用</option>`)
		if strings.Contains(shared, "staff11@") {
			t.Error("kind=shared lists a personal account")
		}
		c.mustShow("/o/alpha/accounts?service_id="+id(other.ID)+"&kind=shared", "6 件")
		c.mustShow("/o/alpha/accounts?service_id="+id(other.ID)+"&kind=personal", "0 件", "該当するものはありません。")
		c.mustShow("/o/alpha/accounts?q=staff3", "10 件")
		c.mustShow("/o/alpha/accounts?nope=1&sort=nope", "56 件")
		c.mustShow("/o/alpha/accounts?service_id=abc&kind=root", "56 件")
		c.mustShow("/o/alpha/accounts?service_id="+id(w.inv["service"][1]), "56 件")
		desc := c.mustShow("/o/alpha/accounts?sort=-login_id", `aria-sort="descending"`, `href="?sort=login_id"`)
		if strings.Index(desc, "user@アルファ.example") > strings.Index(desc, "staff54@") || strings.Index(desc, "staff54@") > strings.Index(desc, "staff53@") {
			t.Error("sort=-login_id: want descending logins")
		}
		c.mustShow("/o/alpha/accounts?sort=login_id", `aria-sort="ascending"`, `href="?sort=-login_id"`)
		c.mustShow("/o/alpha/assets?personal_info=1", "1 件", "アルファの顧客名簿")
		c.mustShow("/o/alpha/assets?personal_info=0", "0 件")
		c.mustShow("/o/alpha/devices?kind=pc&ownership=company", "1 件", "アルファPC-01", "山田花子")
		c.mustShow("/o/alpha/shares?scope=anyone_link&service_id="+id(svc), "1 件", "/アルファ/顧客")
		c.mustShow("/o/alpha/services?mfa=available&sort=name", "2 件", "Slack")

		// htmx asks for the table alone.
		c.hdr.Set("HX-Request", "true")
		c.hdr.Set("HX-Target", "records")
		r := c.get("/o/alpha/accounts?q=staff05")
		if r.status != http.StatusOK || strings.Contains(r.body, "<html") || strings.Contains(r.body, `role="search"`) ||
			!strings.Contains(r.body, `id="records"`) || !strings.Contains(r.body, "staff05@") || !strings.Contains(r.header.Get("Vary"), "HX-Request") {
			t.Fatalf("htmx search: got %d, want the table fragment with the match\n%s", r.status, r.body)
		}
	})
}

// TestWhereIsWhat: the matrix marks each place that holds an asset.
func TestWhereIsWhat(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx, tn, sys := context.Background(), w.db.Tenant(w.orgA.ID), audit.Actor{Label: "test"}
		empty := inventory.Service{Name: "Zoom", Category: inventory.Cloud, MFA: inventory.MFAAvailable}
		quote := inventory.Asset{Name: "見積書", Confidentiality: 2}
		if err := tn.SaveService(ctx, sys, &empty); err != nil {
			t.Fatal(err)
		}
		if err := tn.SaveAsset(ctx, sys, &quote); err != nil {
			t.Fatal(err)
		}
		c := w.client("ja")
		c.signIn(w.users[org.Auditor].Email)
		page := c.mustShow("/o/alpha/inventory/where", "どこに何があるか", "情報資産 2 件", "アルファの顧客名簿", "重要度 3（高）", "個人情報",
			"見積書", "重要度 2（中）", "保存場所が登録されていません。", "保存場所が未登録の情報資産が 1 件あります。",
			// The storage holds the list through a share open to anyone with the
			// link: the place leads to that share and says so.
			`<a href="/o/alpha/shares/`+id(w.inv["share"][0])+`">サービス：アルファストレージ（「リンクを知っている全員」に共有されています）</a>`,
			`<a href="/o/alpha/devices/`+id(w.inv["device"][0])+`">機器：アルファPC-01</a>`, "<li>紙：アルファキャビネット</li>")
		for _, leak := range []string{"極秘部", "秘密太郎"} {
			if strings.Contains(page, leak) {
				t.Fatalf("where page shows organisation B's %q", leak)
			}
		}
		places := regexp.MustCompile(`<th scope="col" class="place (\w+)" title="[^"]*"><span class="name">(?:<a href="[^"]*">)?([^<]*)<`).FindAllStringSubmatch(page, -1)
		var cols []string
		for _, p := range places {
			cols = append(cols, p[1]+":"+p[2])
		}
		want := []string{"service:Zoom", "service:アルファストレージ", "device:アルファPC-01", "paper:アルファキャビネット"}
		if strings.Join(cols, ",") != strings.Join(want, ",") {
			t.Fatalf("got columns %v, want %v", cols, want)
		}
		marks := func(asset string) string {
			row := regexp.MustCompile(`(?s)<th scope="row" class="asset"><a href="[^"]*">` + asset + `</a>.*?</tr>`).FindString(page)
			var out []string
			for _, m := range regexp.MustCompile(`<td class="mark[^"]*">(.*?)</td>`).FindAllStringSubmatch(row, -1) {
				switch {
				case strings.Contains(m[1], "▲"):
					out = append(out, "▲")
				case strings.Contains(m[1], "●"):
					out = append(out, "●")
				default:
					out = append(out, "·")
				}
			}
			return strings.Join(out, "")
		}
		if got := marks("アルファの顧客名簿"); got != "·▲●●" {
			t.Errorf("customer list row: got %q, want ·▲●● (not in Zoom; in the storage, shared with anyone; the PC and the cabinet)", got)
		}
		if got := marks("見積書"); got != "····" {
			t.Errorf("quotation row: got %q, want no marks", got)
		}
		r := c.get("/o/alpha/inventory/where?q=" + url.QueryEscape("見積"))
		if !strings.Contains(r.body, "情報資産 1 件") || strings.Contains(r.body, "アルファの顧客名簿") {
			t.Error("search: want only the quotation")
		}
		c.hdr.Set("HX-Request", "true")
		c.hdr.Set("HX-Target", "where-matrix")
		if r := c.get("/o/alpha/inventory/where?q=" + url.QueryEscape("顧客")); strings.Contains(r.body, "<html") || !strings.Contains(r.body, `id="where-matrix"`) {
			t.Fatalf("htmx: want the matrix fragment\n%s", r.body)
		}
	})
}

// TestInventoryAuditorReadsKeeperEdits: the permission of each kind of page.
func TestInventoryAuditorReadsKeeperEdits(t *testing.T) {
	w := newWorld(t, "sqlite")
	auditor, keeper := w.client("en"), w.client("en")
	auditor.signIn(w.users[org.Auditor].Email)
	keeper.signIn(w.users[org.Keeper].Email)
	form := url.Values{"name": {"Dropbox"}, "category": {"cloud"}, "mfa": {"available"}}
	before := w.auditCount()
	for _, path := range []string{"/o/alpha/services/new", "/o/alpha/services/" + id(w.inv["service"][0]) + "/edit"} {
		if r := auditor.get(path); r.status != http.StatusForbidden {
			t.Errorf("auditor GET %s: got %d, want 403", path, r.status)
		}
	}
	// Nothing changes: the only entries added are the three refusals.
	if r := auditor.post("/o/alpha/services", form); r.status != http.StatusForbidden || w.auditCount() != before+3 || len(w.denials(w.orgA)) != 3 {
		t.Fatalf("auditor create: got %d, want 403 and only the refusals recorded", r.status)
	}
	auditor.mustShow("/o/alpha/services/"+id(w.inv["service"][0]), "Cloud", "Optional")
	if r := keeper.post("/o/alpha/services", form); r.status != http.StatusSeeOther {
		t.Fatalf("keeper create: got %d, want 303", r.status)
	}
	member := w.client("en")
	member.signIn(w.users[org.Member].Email)
	if r := member.get("/o/alpha/inventory/where"); r.status != http.StatusForbidden {
		t.Fatalf("member on the where page: got %d, want 403", r.status)
	}
}

// rawKey finds a catalogue key shown instead of its text, or a broken
// format.
var rawKey = regexp.MustCompile(`[>"](inv|af|action|target|inventory)\.[a-z_.0-9]+[<"]|%!`)

// TestInventoryPagesTranslated opens every inventory page in both
// languages: labels of every enumeration and field must come from the
// catalogues.
func TestInventoryPagesTranslated(t *testing.T) {
	w := newWorld(t, "sqlite")
	for _, lang := range []string{"ja", "en"} {
		c := w.client(lang)
		c.signIn(w.users[org.Owner].Email)
		paths := []string{"/o/alpha/inventory", "/o/alpha/inventory/where"}
		for _, kind := range []string{"service", "account", "device", "asset", "share"} {
			slug := "/o/alpha/" + kind + "s/"
			paths = append(paths, slug[:len(slug)-1], slug+"new", slug+id(w.inv[kind][0]), slug+id(w.inv[kind][0])+"/edit")
		}
		for _, p := range paths {
			body := c.mustShow(p)
			if m := rawKey.FindString(body); m != "" {
				t.Errorf("%s %s: shows %q", lang, p, m)
			}
			if regexp.MustCompile(`<script>|<style|style="`).MatchString(body) {
				t.Errorf("%s %s: inline script or style", lang, p)
			}
		}
	}
}

// TestInventoryHistoryReadsWell: every action, target and field the audit
// trail records for inventory records has words in both languages.
func TestInventoryHistoryReadsWell(t *testing.T) {
	w := newWorld(t, "sqlite")
	ctx, tn, sys := context.Background(), w.db.Tenant(w.orgA.ID), audit.Actor{Label: "test"}
	// One update of each kind, to record .update and asset.places too.
	s, _ := tn.Service(ctx, w.inv["service"][0])
	s.Notes = "更新"
	a, _ := tn.Account(ctx, w.inv["account"][0])
	a.Status = inventory.Suspended
	d, _ := tn.Device(ctx, w.inv["device"][0])
	d.Antivirus = inventory.Yes
	as, _ := tn.Asset(ctx, w.inv["asset"][0])
	as.Integrity, as.PaperLocations = 2, nil
	sh, _ := tn.Share(ctx, w.inv["share"][0])
	sh.LastReviewed = "2026-04-01"
	for _, err := range []error{tn.SaveService(ctx, sys, &s), tn.SaveAccount(ctx, sys, &a), tn.SaveDevice(ctx, sys, &d), tn.SaveAsset(ctx, sys, &as), tn.SaveShare(ctx, sys, &sh)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	cat, _ := i18n.Load()
	actions := map[string]bool{}
	for kind, ids := range w.inv {
		if kind == "routine" || kind == "occurrence" || kind == "evidence" || kind == "near_miss" || kind == "incident" {
			continue // not inventory: routines_test.go and incidents_test.go read their history
		}
		entries, err := tn.History(ctx, kind+":"+id(ids[0]))
		if err != nil {
			t.Fatal(err)
		}
		if !cat.Has("target." + kind) {
			t.Errorf("target.%s missing", kind)
		}
		for _, e := range entries {
			if strings.HasPrefix(e.Action, "finding.") {
				continue // the evaluation's own entries, checked in findings_test.go
			}
			if !strings.HasPrefix(e.Action, "checklist.") && !strings.HasPrefix(e.Action, "risk.") && !strings.HasPrefix(e.Action, "scan.") && !strings.HasPrefix(e.Action, "partner.") { // the evaluation's checklists and the harness's risk, scan and partner: labels checked, not counted
				actions[e.Action] = true
			}
			if !cat.Has("action." + e.Action) {
				t.Errorf("action.%s missing", e.Action)
			}
			var fields map[string]any
			if err := json.Unmarshal([]byte(e.After), &fields); err != nil {
				t.Fatal(err)
			}
			for f := range fields {
				if !cat.Has("af." + f) {
					t.Errorf("%s: af.%s missing", e.Action, f)
				}
			}
		}
	}
	if len(actions) != 11 {
		t.Fatalf("got actions %v, want create and update of five kinds and asset.places", actions)
	}
}
