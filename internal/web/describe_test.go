package web_test

import (
	"bytes"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/importer"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
)

// validRecord is one acceptable record of a kind, as a form posts it and
// as a row of mamori's file writes it (by column key, Japanese words).
type validRecord struct {
	form url.Values
	cell map[string]string
}

func validRecords(w *world) map[importer.Kind]validRecord {
	svc := id(w.inv["service"][0])
	return map[importer.Kind]validRecord{
		importer.People: {
			url.Values{"name": {"検証 花子"}, "email": {"kensho@alpha.example"}, "employment_type": {"full_time"}},
			map[string]string{"name": "検証 花子", "email": "kensho@alpha.example", "employment_type": "正社員"}},
		importer.Services: {
			url.Values{"name": {"検証サービス"}, "category": {"cloud"}, "mfa": {"none"}},
			map[string]string{"name": "検証サービス", "category": "クラウド", "mfa": "なし"}},
		importer.Accounts: {
			url.Values{"service_id": {svc}, "login_id": {"kensho@alpha.example"}, "kind": {"personal"}, "privilege": {"edit"}, "mfa": {"on"}, "status": {"active"}},
			map[string]string{"service": "アルファストレージ", "login_id": "kensho@alpha.example", "kind": "個人", "privilege": "編集", "mfa": "有効", "status": "有効"}},
		importer.Devices: {
			url.Values{"name": {"検証PC"}, "kind": {"pc"}, "ownership": {"company"}, "network": {"internal"}},
			map[string]string{"name": "検証PC", "kind": "パソコン", "ownership": "会社支給", "network": "社内LAN"}},
		importer.Assets: {
			url.Values{"name": {"検証台帳"}, "confidentiality": {"1"}, "integrity": {"1"}, "availability": {"1"}},
			map[string]string{"name": "検証台帳", "confidentiality": "1", "integrity": "1", "availability": "1"}},
		importer.Shares: {
			url.Values{"service_id": {svc}, "path": {"/検証"}, "scope": {"anyone_link"}, "permission": {"view"}},
			map[string]string{"service": "アルファストレージ", "path": "/検証", "scope": "リンクを知っている全員", "permission": "閲覧"}},
	}
}

// fileOf writes rows (cells by column key) as mamori's CSV of kind.
func fileOf(t *testing.T, kind importer.Kind, rows ...map[string]string) []byte {
	t.Helper()
	cols := importer.Columns(kind)
	var cells [][]string
	for _, r := range rows {
		row := make([]string, len(cols))
		for i, c := range cols {
			row[i] = r[c.Key]
		}
		cells = append(cells, row)
	}
	var b bytes.Buffer
	if err := importer.WriteCSV(&b, cols, cells, "ja", true); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// badCase is one refused value of one field.
type badCase struct {
	name   string
	field  string // the form field and the refusal's field
	column string // the file's column key, when not field
	value  string
	key    string // the inventory's refusal
	// fileLevel: a CSV holding the value is not text at all (a NUL byte,
	// bytes that are not UTF-8), so an import refuses the file as a whole
	// before any cell is read; the form and the store refuse the value.
	fileLevel bool
}

func badCases(kind importer.Kind) []badCase {
	desc, _ := inventory.KindOf(string(kind))
	key := desc.KeyField()
	enum := map[importer.Kind]badCase{
		importer.People:   {field: "employment_type", value: "bogus", key: "inventory.value_invalid"},
		importer.Services: {field: "category", value: "bogus", key: "inventory.value_invalid"},
		importer.Accounts: {field: "privilege", value: "bogus", key: "inventory.value_invalid"},
		importer.Devices:  {field: "kind", value: "bogus", key: "inventory.value_invalid"},
		importer.Assets:   {field: "confidentiality", value: "4", key: "inventory.cia_range"},
		importer.Shares:   {field: "scope", value: "bogus", key: "inventory.value_invalid"},
	}[kind]
	enum.name = "bad enumeration value"
	date := map[importer.Kind]string{importer.People: "join_date", importer.Services: "cloud_check_done", importer.Accounts: "created_on",
		importer.Devices: "last_updated", importer.Assets: "registered_on", importer.Shares: "expires_on"}[kind]
	text := key
	if kind == importer.People {
		text, _ = desc.Field("name") // the address is checked as an address
	}
	long := strings.Repeat("あ", text.Max+1)
	return []badCase{
		{name: "too long", field: text.Key, value: long, key: "inventory.too_long"},
		{name: "NUL", field: text.Key, value: "a\x00b", key: "inventory.text_control", fileLevel: true},
		{name: "control character", field: text.Key, value: "a\x1bb", key: "inventory.text_control"},
		{name: "line break in a one-line field", field: text.Key, value: "a\nb", key: "inventory.text_control"},
		{name: "invalid UTF-8", field: text.Key, value: "a\xffb", key: "inventory.text_encoding", fileLevel: true},
		enum,
		{name: "bad date", field: date, value: "2026-02-30", key: "inventory.date_invalid"},
	}
}

// TestEveryPathRefusesTheSame: for every kind, each bad value is refused by
// the web form, by an import through the web and by an import through the
// API, with the same refusal (the inventory's message key and field, and
// its message in the form and the API), and none of them changes anything.
func TestEveryPathRefusesTheSame(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	eachEngine(t, func(t *testing.T, w *world) {
		browser := w.client("ja")
		browser.signIn(w.users[org.Keeper].Email)
		script := w.apiClient(w.users[org.Keeper], "ja")
		valid := validRecords(w)
		for _, kind := range importer.Kinds {
			desc, _ := inventory.KindOf(string(kind))
			for _, bc := range badCases(kind) {
				t.Run(string(kind)+"/"+bc.name, func(t *testing.T) {
					before := w.auditCount()
					want := strings.SplitN(cat.Raw(i18n.Japanese, bc.key), "%", 2)[0]
					wantHTML := strings.ReplaceAll(template.HTMLEscapeString(want), "+", "&#43;") // as html/template writes it

					// The web form.
					form := url.Values{}
					for k, v := range valid[kind].form {
						form[k] = v
					}
					form.Set(bc.field, bc.value)
					r := browser.post("/o/alpha/"+string(kind), form)
					if r.status != http.StatusBadRequest || !strings.Contains(r.body, wantHTML) {
						t.Errorf("form: got %d, want 400 with %q\n%.3000s", r.status, want, r.body)
					}
					if !strings.Contains(r.body, `name="`+bc.field+`"`) || !fieldMarked(r.body, bc.field) {
						t.Errorf("form: field %s not marked", bc.field)
					}

					// The import, as a file a keeper uploads and as the API.
					column := bc.field
					if f, ok := desc.Field(bc.field); ok {
						column = f.Column()
					}
					row := map[string]string{}
					for k, v := range valid[kind].cell {
						row[k] = v
					}
					row[column] = bc.value
					if bc.key == "inventory.value_invalid" || bc.key == "inventory.cia_range" {
						row[column] = "でたらめ" // not a spelling of any value
						if bc.key == "inventory.cia_range" {
							row[column] = bc.value
						}
					}
					file := fileOf(t, kind, row)
					up := browser.upload("/o/alpha/import/preview", string(kind)+".csv", file, map[string]string{"kind": string(kind)})
					if up.status != http.StatusBadRequest {
						t.Errorf("web import: got %d, want 400\n%.2000s", up.status, up.body)
					}
					api := script.send("POST", "/api/v1/orgs/alpha/import?apply=1&kind="+string(kind), "text/csv", bytes.NewReader(file))
					var body struct {
						Error struct {
							Field  string `json:"field"`
							Reason *struct {
								Key, Field, Message string
							} `json:"reason"`
						} `json:"error"`
					}
					if bc.fileLevel {
						if api.status != http.StatusBadRequest || !strings.Contains(api.body, `"code":"invalid"`) {
							t.Errorf("API import: got %d %s, want the file refused", api.status, api.body)
						}
						if after := w.auditCount(); after != before {
							t.Errorf("audit entries: %d → %d, want no change on any path", before, after)
						}
						return
					}
					if api.status != http.StatusBadRequest || json.Unmarshal([]byte(api.body), &body) != nil || body.Error.Reason == nil {
						t.Fatalf("API import: got %d %s, want 400 with a reason", api.status, api.body)
					}
					if got := body.Error.Reason; got.Key != bc.key || got.Field != bc.field || !strings.Contains(got.Message, want) {
						t.Errorf("API import: refused with %s on %s (%q), want %s on %s like the form", got.Key, got.Field, got.Message, bc.key, bc.field)
					}
					if bc.key != "inventory.date_invalid" && bc.key != "inventory.value_invalid" && bc.key != "inventory.cia_range" && !strings.Contains(up.body, wantHTML) {
						t.Errorf("web import: the page lacks the form's words %q\n%.2000s", want, up.body)
					}
					if after := w.auditCount(); after != before {
						t.Errorf("audit entries: %d → %d, want no change on any path", before, after)
					}
				})
			}
			// A second record with the natural key of one already there:
			// the form refuses it; a file holding it twice is refused the
			// same way.
			t.Run(string(kind)+"/duplicate natural key", func(t *testing.T) {
				r := browser.post("/o/alpha/"+string(kind), valid[kind].form)
				if r.status != http.StatusSeeOther {
					t.Fatalf("first record: got %d\n%.2000s", r.status, r.body)
				}
				before := w.auditCount()
				want := strings.SplitN(cat.Raw(i18n.Japanese, "inventory.duplicate"), "%", 2)[0]
				key := desc.KeyField().Key
				r = browser.post("/o/alpha/"+string(kind), valid[kind].form)
				if r.status != http.StatusBadRequest || !strings.Contains(r.body, want) || !fieldMarked(r.body, key) {
					t.Errorf("form: got %d, want 400 with %q on %s\n%.3000s", r.status, want, key, r.body)
				}
				file := fileOf(t, kind, valid[kind].cell, valid[kind].cell)
				if up := browser.upload("/o/alpha/import/preview", string(kind)+".csv", file, map[string]string{"kind": string(kind)}); up.status != http.StatusBadRequest {
					t.Errorf("web import: got %d, want 400", up.status)
				}
				api := script.send("POST", "/api/v1/orgs/alpha/import?apply=1&kind="+string(kind), "text/csv", bytes.NewReader(file))
				if api.status != http.StatusBadRequest || !strings.Contains(api.body, `"key":"inventory.duplicate","field":"`+key+`"`) {
					t.Errorf("API import: got %d %s, want inventory.duplicate on %s", api.status, api.body, key)
				}
				if after := w.auditCount(); after != before {
					t.Errorf("audit entries: %d → %d, want no change", before, after)
				}
			})
		}
	})
}

// fieldMarked reports a form control named name marked invalid.
func fieldMarked(body, name string) bool {
	for _, part := range strings.Split(body, "<")[1:] {
		if strings.Contains(part, `name="`+name+`"`) && strings.Contains(part, `aria-invalid="true"`) {
			return true
		}
	}
	return false
}

// TestWebEditsRoundTrip: records of every kind created and then edited
// through the forms, with Japanese text, commas, quotes and the leading
// = + - @ of formulas, an asset with integrity and availability left
// unrated and names used in an asset's list cells holding commas, export
// as CSV (Japanese and English headers) and as Excel, and each export
// imports again with nothing added or changed and the records as they were.
func TestWebEditsRoundTrip(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		c := w.client("ja")
		c.signIn(w.users[org.Keeper].Email)
		edit := func(slug string, id int64, form url.Values) {
			t.Helper()
			if r := c.post("/o/alpha/"+slug+"/"+strconv.FormatInt(id, 10), form); r.status != http.StatusSeeOther {
				t.Fatalf("edit %s %d: got %d\n%.3000s", slug, id, r.status, r.body)
			}
		}
		if r := c.post("/o/alpha/people", url.Values{"name": {"=山田, \"太郎\""}, "kana": {"ヤマダ タロウ"}, "email": {"Yamada@Alpha.example"},
			"department": {"+営業, 第1課"}, "employment_type": {"full_time"}, "manager_email": {w.personA.Email}, "join_date": {"2020-04-01"}}); r.status != http.StatusSeeOther {
			t.Fatalf("person: got %d\n%.2000s", r.status, r.body)
		}
		people, _, err := w.db.Tenant(w.orgA.ID).People(t.Context(), store.PeopleQuery{Search: "yamada@alpha.example"})
		if err != nil || len(people) != 1 {
			t.Fatalf("got %v %v, want the new person", people, err)
		}
		person := people[0].ID
		edit("people", person, url.Values{"name": {"=山田, \"太郎\""}, "kana": {"ヤマダ タロウ"}, "email": {"yamada@alpha.example"},
			"department": {"-営業, \"第2課\""}, "employment_type": {"contract"}, "manager_email": {w.personA.Email}, "join_date": {"2020-04-01"}, "leave_date": {"2027-03-31"}})

		svc1 := c.create("services", url.Values{"name": {"=会計, \"給与\""}, "category": {"cloud"}, "mfa": {"available"}, "admins": {"山田、佐藤\n@管理"}, "notes": {"+1, \"メモ\""}})
		edit("services", svc1, url.Values{"name": {"=会計, \"給与\""}, "category": {"cloud"}, "mfa": {"enforced"}, "sso": {"1"}, "internet_facing": {"1"},
			"admins": {"山田、佐藤\n@管理"}, "data_country": {"jp"}, "cloud_check_done": {"2026-04-01"}, "notes": {"+1, \"メモ\""}})
		svc2 := c.create("services", url.Values{"name": {"+チャット；連絡"}, "category": {"onprem"}, "mfa": {"none"}})
		dev := c.create("devices", url.Values{"name": {"-PC, 営業\"1\""}, "kind": {"pc"}, "ownership": {"company"}, "network": {"internal"}, "person_id": {id(person)}})
		edit("devices", dev, url.Values{"name": {"-PC, 営業\"1\""}, "kind": {"pc"}, "ownership": {"byod"}, "network": {"home"}, "person_id": {id(person)},
			"disk_encryption": {"yes"}, "screen_lock": {"no"}, "os_version": {"@Windows 11, 24H2"}, "last_updated": {"2026-03-01"}})
		acct := c.create("accounts", url.Values{"service_id": {id(svc1)}, "login_id": {"@admin, \"x\""}, "kind": {"shared"}, "privilege": {"admin"}, "mfa": {"off"}, "status": {"active"}})
		edit("accounts", acct, url.Values{"service_id": {id(svc1)}, "login_id": {"@admin, \"x\""}, "person_id": {id(person)}, "kind": {"personal"},
			"privilege": {"view"}, "mfa": {"on"}, "status": {"suspended"}, "created_on": {"2025-01-01"}, "ends_on": {"2027-01-01"}})
		asset := c.create("assets", url.Values{"name": {"@台帳, 顧客"}, "confidentiality": {"3"}})
		edit("assets", asset, url.Values{"name": {"@台帳, 顧客"}, "business_area": {"=人事"}, "medium": {"紙, 電子"}, "confidentiality": {"3"},
			"integrity": {"0"}, "availability": {"0"}, "personal_info": {"1"}, "people_concerned": {"120"}, "retention_until": {"退職後7年"},
			"service_ids": {id(svc1), id(svc2)}, "device_ids": {id(dev)}, "paper_locations": {"書庫、2段目\n\"鍵付き\", 棚"}})
		share := c.create("shares", url.Values{"service_id": {id(svc2)}, "path": {"=/共有, \"x\""}, "scope": {"external_people"}, "permission": {"edit"}})
		edit("shares", share, url.Values{"service_id": {id(svc2)}, "path": {"=/共有, \"x\""}, "scope": {"external_people"}, "permission": {"view"},
			"owner": {"-山田, 太郎"}, "asset_id": {id(asset)}, "expires_on": {"2026-12-31"}})

		ten := w.db.Tenant(w.orgA.ID)
		before, err := ten.Inventory(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		a, err := ten.Asset(t.Context(), asset)
		if err != nil || len(a.PaperLocations) != 2 || len(a.ServiceIDs) != 2 || a.Integrity != 0 {
			t.Fatalf("got %+v %v, want the asset as edited", a, err)
		}
		script := w.apiClient(w.users[org.Keeper], "ja")
		for _, k := range importer.Kinds {
			for _, exp := range []struct{ format, lang string }{{"csv", "ja"}, {"csv", "en"}, {"xlsx", "ja"}} {
				file := c.get("/o/alpha/" + string(k) + "/export?format=" + exp.format + "&lang=" + exp.lang)
				if file.status != http.StatusOK {
					t.Fatalf("%s export: got %d", k, file.status)
				}
				r := c.upload("/o/alpha/import/preview", string(k)+"."+exp.format, []byte(file.body), map[string]string{"kind": string(k)})
				m := previewCounts.FindStringSubmatch(r.body)
				if r.status != http.StatusOK || m == nil {
					t.Fatalf("%s %s/%s re-import: got %d, want a preview\n%.3000s", k, exp.format, exp.lang, r.status, r.body)
				}
				if m[1] != "0" || m[2] != "0" || m[3] == "0" {
					t.Errorf("%s %s/%s re-import: %s, want nothing added or changed\n%.3000s", k, exp.format, exp.lang, m[0], r.body)
				}
				api := script.send("POST", "/api/v1/orgs/alpha/import?apply=1&kind="+string(k)+"&name=x."+exp.format, "application/octet-stream", strings.NewReader(file.body))
				if api.status != http.StatusOK || !strings.Contains(api.body, `"added":0,`) || !strings.Contains(api.body, `"changed":0,`) {
					t.Errorf("%s %s/%s API re-import: got %d %.600s, want nothing added or changed", k, exp.format, exp.lang, api.status, api.body)
				}
			}
		}
		after, err := ten.Inventory(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(before, after) {
			t.Errorf("records changed by re-importing their own export:\nbefore %+v\nafter  %+v", before, after)
		}
	})
}

// TestAPIFieldNamesFollowDescription: the API names each field of a record
// by its key in the kind's description, and a reference also by the name
// of its column in mamori's files (the name or address it is written as).
func TestAPIFieldNamesFollowDescription(t *testing.T) {
	w := newWorld(t, store.SQLite)
	script := w.apiClient(w.users[org.Keeper], "en")
	for _, k := range inventory.Kinds {
		r := script.get("/api/v1/orgs/alpha/" + k.Slug)
		var list struct {
			Items []map[string]any `json:"items"`
		}
		if r.status != http.StatusOK || json.Unmarshal([]byte(r.body), &list) != nil || len(list.Items) == 0 {
			t.Fatalf("%s: got %d %.300s, want records", k.Slug, r.status, r.body)
		}
		for _, f := range k.Fields {
			names := []string{f.Key}
			if f.Type == inventory.Reference || f.Type == inventory.RefList {
				names = append(names, f.Column())
			}
			for _, n := range names {
				if _, ok := list.Items[0][n]; !ok {
					t.Errorf("%s: the API has no %q (keys %v)", k.Slug, n, keys(list.Items[0]))
				}
			}
		}
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
