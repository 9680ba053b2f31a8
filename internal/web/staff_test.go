package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/jobs"
	"github.com/mamori-sec/mamori/internal/nearmiss"
	"github.com/mamori-sec/mamori/internal/notify"
	"github.com/mamori-sec/mamori/internal/notify/notifytest"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/posture"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
	"github.com/mamori-sec/mamori/internal/web"
)

// syncBuffer is a log sink the server's goroutines may write at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// worldWithLog is a world whose server logs everything, at debug level,
// into the returned buffer.
func worldWithLog(t *testing.T, engine store.Engine) (*world, *syncBuffer) {
	logs := &syncBuffer{}
	w := newWorldWith(t, engine, func(d *web.Deps) {
		d.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	return w, logs
}

var assigneeList = regexp.MustCompile(`(?s)<select id="assignee".*?</select>`)

var receiptPattern = regexp.MustCompile(`<code id="receipt-code">([0-9A-Z-]+)</code>`)

const script = `<script>alert("x")</script>`

func (w *world) publicLink(o org.Org) string {
	w.t.Helper()
	tok, err := w.db.Tenant(o.ID).NearMissLink(context.Background())
	if err != nil || tok == "" {
		w.t.Fatalf("public link of %s: %q %v", o.Slug, tok, err)
	}
	return "/h/" + tok
}

// fileAnonymously files a near miss through the public link and returns
// the receipt code shown.
func fileAnonymously(t *testing.T, c *client, link string, form url.Values) string {
	t.Helper()
	r := c.post(link, form)
	m := receiptPattern.FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil {
		t.Fatalf("anonymous report: got %d, want 200 with a receipt code\n%s", r.status, r.body)
	}
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("receipt page Cache-Control: got %q, want no-store", cc)
	}
	return m[1]
}

// rows reads every row of table as text, column by column.
func (w *world) rows(t *testing.T, table string) []map[string]string {
	t.Helper()
	pool, err := w.db.QueuePool()
	if err != nil {
		t.Fatal(err)
	}
	rs, err := pool.QueryContext(context.Background(), "SELECT * FROM "+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	cols, _ := rs.Columns()
	var out []map[string]string
	for rs.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := map[string]string{}
		for i, c := range cols {
			row[c] = vals[i].String
		}
		out = append(out, row)
	}
	return out
}

var (
	dayOnly     = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	identifying = regexp.MustCompile(`(^|_)(ip|addr|address|agent|ua|user_id|email)($|_)|_at$|time`)
)

// TestAnonymousNearMissEndToEnd files a near miss through the public link
// — from a browser that is also signed in, with a telling user agent —
// has the keeper answer it, reads the answer with the receipt code and
// adds information; then reads every row, audit entry and log line the
// path produced: none holds the account, the address, the browser or a
// time finer than the day.
func TestAnonymousNearMissEndToEnd(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			w, logs := worldWithLog(t, engine)
			ctx := context.Background()
			link := w.publicLink(w.orgA)
			const ua = "StaffBrowser/9.9 (marker-ua-5150)"
			member := w.users[org.Member]
			c := w.client("ja")
			c.signIn(member.Email)
			c.hdr.Set("User-Agent", ua)
			logs.mu.Lock()
			logs.b.Reset()
			logs.mu.Unlock()

			if r := c.get(link); r.status != http.StatusOK || !strings.Contains(r.body, "責められることはありません") {
				t.Fatalf("public form: got %d, want 200 with the blame-free statement", r.status)
			}
			code := fileAnonymously(t, c, link, url.Values{"category": {"mis_send"}, "happened": {"宛先の候補から別の取引先を選びそうになった" + script},
				"almost": {"見積書が他社に届くところだった" + script}, "suggestion": {"送信前に宛先を声に出して確認する" + script}})

			keeper := w.client("ja")
			keeper.signIn(w.users[org.Keeper].Email)
			list, err := w.db.Tenant(w.orgA.ID).NearMisses(ctx, 10)
			if err != nil {
				t.Fatal(err)
			}
			var id int64
			for _, n := range list {
				if strings.HasPrefix(n.Happened, "宛先の候補") {
					id = n.ID
				}
			}
			if id == 0 {
				t.Fatal("the report is not in the keeper's list")
			}
			show := keeper.get(fmt.Sprintf("/o/%s/near-misses/%d", w.orgA.Slug, id))
			// The task's assignee list names every member alike; outside
			// it, the page must not name the reporter.
			outside := assigneeList.ReplaceAllString(show.body, "")
			if show.status != http.StatusOK || outside == show.body || strings.Contains(outside, member.Email) || strings.Contains(show.body, script) {
				t.Fatalf("keeper's view: got %d; want 200, no reporter, scripts escaped\n%s", show.status, show.body)
			}
			if r := keeper.post(fmt.Sprintf("/o/%s/near-misses/%d/triage", w.orgA.Slug, id), url.Values{"triage": {"lesson"},
				"reply": {"ご報告ありがとうございます。宛先の確認手順を追加しました。" + script}, "lesson": {"送信前に宛先を確認しましょう" + script}}); r.status != http.StatusSeeOther {
				t.Fatalf("triage: got %d, want 303\n%s", r.status, r.body)
			}

			// The reporter reads the reply with the code, typed carelessly.
			typed := strings.ToLower(strings.ReplaceAll(code, "-", " "))
			r := c.post(link+"/receipt", url.Values{"code": {typed}})
			if r.status != http.StatusOK || !strings.Contains(r.body, "宛先の確認手順を追加しました") || strings.Contains(r.body, script) {
				t.Fatalf("receipt look-up: got %d; want 200 with the reply, escaped\n%s", r.status, r.body)
			}
			r = c.post(link+"/receipt", url.Values{"code": {code}, "add": {"1"}, "note": {"翌日にも同じ画面で迷いました" + script}})
			if r.status != http.StatusOK || !strings.Contains(r.body, "翌日にも同じ画面で迷いました") || strings.Contains(r.body, script) {
				t.Fatalf("adding information: got %d; want 200 with the note, escaped\n%s", r.status, r.body)
			}
			// Everyone sees the lesson on their page, escaped, without the report.
			me := c.get("/o/" + w.orgA.Slug + "/me")
			if !strings.Contains(me.body, "送信前に宛先を確認しましょう") || strings.Contains(me.body, script) || strings.Contains(me.body, "見積書が他社に") {
				t.Errorf("member's page: want the lesson escaped and not the report\n%s", me.body)
			}

			// Nothing identifying in the rows.
			forbidden := []string{"127.0.0.1", "::1", ua, "marker-ua", member.Email, fmt.Sprint(member.ID) + "@"}
			for _, table := range []string{"near_misses", "near_miss_notes"} {
				for _, row := range w.rows(t, table) {
					if table == "near_misses" && row["reporter_id"] != "0" {
						t.Errorf("near_misses row %s: reporter_id %q, want 0", row["id"], row["reporter_id"])
					}
					if !dayOnly.MatchString(row["day"]) {
						t.Errorf("%s row %s: day %q, want a date only", table, row["id"], row["day"])
					}
					for col, v := range row {
						for _, f := range forbidden {
							if strings.Contains(v, f) {
								t.Errorf("%s.%s holds %q", table, col, f)
							}
						}
					}
					for col := range row {
						if identifying.MatchString(col) {
							t.Errorf("%s has column %s", table, col)
						}
					}
				}
			}
			// The audit trail has no entry of the anonymous report or note
			// until the day ends; then one for the day, by the anonymous
			// actor only (see TestAnonymousNearMissLeavesNoTime).
			for _, action := range []string{"near_miss.file", "near_miss.note"} {
				if es, err := w.db.Tenant(w.orgA.ID).Audit(ctx, store.AuditFilter{Action: action}); err != nil || len(es) != 0 {
					t.Errorf("%s entries: got %d (%v), want none", action, len(es), err)
				}
			}
			if _, err := w.db.AuditAnonymousNearMisses(ctx, calendar.Of(w.clock.Now()).AddDays(1)); err != nil {
				t.Fatal(err)
			}
			es, err := w.db.Tenant(w.orgA.ID).Audit(ctx, store.AuditFilter{Action: "near_miss.anonymous_day"})
			if err != nil || len(es) == 0 {
				t.Fatalf("near_miss.anonymous_day entries: %v %v", es, err)
			}
			for _, e := range es {
				if e.Actor != "anonymous" || e.IP != "" || e.ActorID != 0 {
					t.Errorf("day entry: actor %q ip %q id %d, want anonymous with nothing else", e.Actor, e.IP, e.ActorID)
				}
			}
			// And the log has no line of the public route.
			got := logs.String()
			for _, f := range []string{link, "/h/", ua, "marker-ua"} {
				if strings.Contains(got, f) {
					t.Errorf("log holds %q:\n%s", f, got)
				}
			}
		})
	}
}

// TestReceiptGuessing: a wrong code, a code of the wrong shape and an
// empty one get the same answer; after ten misses from one client even
// the right code is not checked until the window ends; another client is
// not held back, and the hash kept is not the code.
func TestReceiptGuessing(t *testing.T) {
	w := newWorld(t, "sqlite")
	link := w.publicLink(w.orgA)
	c := w.client("ja")
	code := fileAnonymously(t, c, link, url.Values{"category": {"lost_item"}, "happened": {"電車に書類を置き忘れそうになった"}})
	wrong, _ := nearmiss.NewReceipt()
	var first string
	for i, try := range []string{wrong, "not-a-code", "", strings.Repeat("Z", 20)} {
		r := c.post(link+"/receipt", url.Values{"code": {try}})
		msg := regexp.MustCompile(`<p class="error"[^>]*>([^<]*)</p>`).FindStringSubmatch(r.body)
		if r.status != http.StatusBadRequest || msg == nil {
			t.Fatalf("code %q: got %d, want 400 with a message\n%s", try, r.status, r.body)
		}
		if i == 0 {
			first = msg[1]
		} else if msg[1] != first {
			t.Errorf("code %q: message %q, want the same as for a wrong code, %q", try, msg[1], first)
		}
	}
	for range 6 {
		c.post(link+"/receipt", url.Values{"code": {wrong}})
	}
	if r := c.post(link+"/receipt", url.Values{"code": {code}}); r.status != http.StatusTooManyRequests || strings.Contains(r.body, "書類を置き忘れ") {
		t.Fatalf("right code after ten misses: got %d, want 429 without the report", r.status)
	}
	other := w.client("ja")
	other.hdr.Set("X-Forwarded-For", "203.0.113.9") // not trusted: the same client to the server
	if r := other.post(link+"/receipt", url.Values{"code": {code}}); r.status != http.StatusTooManyRequests {
		t.Fatalf("untrusted X-Forwarded-For: got %d, want still held back", r.status)
	}
	for _, row := range w.rows(t, "near_misses") {
		if strings.Contains(row["receipt_hash"], nearmiss.NormaliseReceipt(code)) || strings.Contains(row["receipt_hash"], code) {
			t.Fatal("the receipt code is stored as it is")
		}
	}
	// A rotated link answers no more.
	keeper := w.client("ja")
	keeper.signIn(w.users[org.Keeper].Email)
	if r := keeper.post("/o/"+w.orgA.Slug+"/near-misses/link", nil); r.status != http.StatusSeeOther {
		t.Fatalf("rotate: got %d", r.status)
	}
	if r := c.get(link); r.status != http.StatusNotFound {
		t.Fatalf("old link after rotation: got %d, want 404", r.status)
	}
}

// TestPublicFloodAndSize: the sixth report within the hour from one client
// is refused with a clear message, an empty report is refused naming the
// field, and an oversized one is refused.
func TestPublicFloodAndSize(t *testing.T) {
	w := newWorld(t, "sqlite")
	link := w.publicLink(w.orgA)
	c := w.client("en")
	if r := c.post(link, url.Values{"category": {"other"}, "happened": {"   "}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "Please write a few words here.") {
		t.Fatalf("empty report: got %d, want 400 with the field's message\n%s", r.status, r.body)
	}
	if r := c.post(link, url.Values{"category": {"other"}, "happened": {strings.Repeat("あ", nearmiss.MaxText+1)}}); r.status != http.StatusBadRequest {
		t.Fatalf("oversized report: got %d, want 400", r.status)
	}
	if r := c.post(link, url.Values{"category": {"other"}, "happened": {strings.Repeat("a", 200_000)}}); r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("huge body: got %d, want 413", r.status)
	}
	for i := range 5 {
		fileAnonymously(t, c, link, url.Values{"category": {"other"}, "happened": {fmt.Sprintf("report %d", i)}})
	}
	r := c.post(link, url.Values{"category": {"other"}, "happened": {"one more"}})
	if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "Please try again in") || r.header.Get("Retry-After") == "" {
		t.Fatalf("sixth report: got %d, want 429 with when to come back\n%s", r.status, r.body)
	}
}

// TestMemberSeesOnlyOwnPages: a member opening the organisation lands on
// their page, which shows their own devices and accounts and none of the
// organisation's other records; they can say a device is not theirs, and
// the keeper sees it in the list and in the device's history; every keeper
// page refuses them without data.
func TestMemberSeesOnlyOwnPages(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx, sys := context.Background(), audit.Actor{Label: "test"}
		tn := w.db.Tenant(w.orgA.ID)
		member := w.users[org.Member]
		p := w.personA
		p.Email = member.Email
		if err := tn.UpdatePerson(ctx, sys, p); err != nil {
			t.Fatal(err)
		}
		other := inventory.Device{Name: "社長のiPad", Kind: inventory.Tablet, Ownership: inventory.CompanyIssued, Network: inventory.Internal}
		if err := tn.SaveDevice(ctx, sys, &other); err != nil {
			t.Fatal(err)
		}
		c := w.client("ja")
		c.signIn(member.Email)
		if r := c.get("/o/" + w.orgA.Slug + "/"); r.status != http.StatusSeeOther || r.location != "/o/"+w.orgA.Slug+"/me" {
			t.Fatalf("member opening the organisation: got %d → %q, want their page", r.status, r.location)
		}
		me := c.get("/o/" + w.orgA.Slug + "/me")
		if me.status != http.StatusOK || !strings.Contains(me.body, "アルファPC-01") || strings.Contains(me.body, "社長のiPad") {
			t.Fatalf("member's page: got %d; want their PC and not others' devices\n%s", me.status, me.body)
		}
		for _, l := range pageLinks(me.body) {
			for _, keeperPath := range []string{"/inventory", "/findings", "/people", "/near-misses?", "/routines", "/audit"} {
				if strings.Contains(l, keeperPath) {
					t.Errorf("member's page links to %s", l)
				}
			}
		}
		dev := w.inv["device"][0]
		if r := c.post("/o/"+w.orgA.Slug+"/me/notes", url.Values{"kind": {"device"}, "id": {fmt.Sprint(other.ID)}, "note": {"not_mine"}}); r.status != http.StatusBadRequest {
			t.Fatalf("note on someone else's device: got %d, want 400", r.status)
		}
		if r := c.post("/o/"+w.orgA.Slug+"/me/notes", url.Values{"kind": {"device"}, "id": {fmt.Sprint(dev)}, "note": {"not_used"}}); r.status != http.StatusSeeOther {
			t.Fatalf("note on own device: got %d, want 303", r.status)
		}
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		if r := keeper.get("/o/" + w.orgA.Slug + "/staff-notes"); !strings.Contains(r.body, "アルファPC-01") || !strings.Contains(r.body, "もう使っていません") {
			t.Fatalf("keeper's list of staff notes: want the device and the note\n%s", r.body)
		}
		hist, err := tn.History(ctx, fmt.Sprintf("device:%d", dev))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range hist {
			found = found || e.Action == "staff.note"
		}
		if !found {
			t.Error("the device's history does not show the staff note")
		}
		for _, rt := range w.srv.Routes() {
			if !rt.OrgScoped || org.Member.Can(rt.Perm) {
				continue
			}
			method, path := fill(rt.Pattern, w.orgA.Slug, w.idFor(rt.Pattern, true))
			r := c.do(method, path, url.Values{})
			if r.status != http.StatusForbidden && r.status != http.StatusNotFound {
				t.Errorf("%s %s as member: got %d, want 403 or 404", method, path, r.status)
			}
			for _, secret := range []string{"社長のiPad", "アルファストレージ", "宛先を取り違え", "山田花子"} {
				if strings.Contains(r.body, secret) {
					t.Errorf("%s %s as member shows %q", method, path, secret)
				}
			}
		}
		// The portfolio shows the company, not its figures.
		if r := c.get("/portfolio"); !strings.Contains(r.body, `/o/`+w.orgA.Slug+`/me"`) {
			t.Errorf("member's portfolio: want a link to their page\n%s", r.body)
		}
	})
}

// TestSignedInNearMissHidesReporter: a signed-in report shows on the
// reporter's page with the reply, and nowhere on the keeper's pages is the
// reporter named.
func TestSignedInNearMissHidesReporter(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		member := w.users[org.Member]
		c := w.client("en")
		c.signIn(member.Email)
		if r := c.post("/o/"+w.orgA.Slug+"/near-misses", url.Values{"category": {"share_setting"}, "happened": {"A folder was shared with anyone holding the link"}}); r.status != http.StatusSeeOther {
			t.Fatalf("signed-in report: got %d, want 303\n%s", r.status, r.body)
		}
		keeper := w.client("en")
		keeper.signIn(w.users[org.Owner].Email)
		list := keeper.get("/o/" + w.orgA.Slug + "/near-misses")
		m := regexp.MustCompile(`/near-misses/(\d+)">A folder was shared`).FindStringSubmatch(list.body)
		if m == nil {
			t.Fatalf("keeper's list: the report is missing\n%s", list.body)
		}
		show := keeper.get("/o/" + w.orgA.Slug + "/near-misses/" + m[1])
		for _, page := range []response{list, show} {
			// The task's assignee list names every member alike.
			if body := assigneeList.ReplaceAllString(page.body, ""); strings.Contains(body, member.Email) || strings.Contains(body, member.Name) {
				t.Fatal("the keeper's pages name the reporter")
			}
		}
		keeper.post("/o/"+w.orgA.Slug+"/near-misses/"+m[1]+"/triage", url.Values{"triage": {"thanks"}, "reply": {"Thank you, the folder is now private."}})
		if me := c.get("/o/" + w.orgA.Slug + "/me"); !strings.Contains(me.body, "the folder is now private") {
			t.Fatalf("reporter's page: want the reply\n%s", me.body)
		}
		// The dashboard's count for this month follows.
		if d := keeper.get("/o/" + w.orgA.Slug + "/"); !regexp.MustCompile(`Sharing setting \(a link open to anyone\) <span class="count">1</span>`).MatchString(d.body) {
			t.Fatalf("dashboard: want this month's count of sharing near misses at 1\n%s", d.body)
		}
		c.post("/o/"+w.orgA.Slug+"/near-misses", url.Values{"category": {"share_setting"}, "happened": {"Another link"}})
		if d := keeper.get("/o/" + w.orgA.Slug + "/"); !regexp.MustCompile(`Sharing setting \(a link open to anyone\) <span class="count">2</span>`).MatchString(d.body) {
			t.Fatalf("dashboard after another report: want the count at 2\n%s", d.body)
		}
	})
}

// TestTeleworkSelfCheck: the answers become the member's home router and
// personal PC in the inventory, and the inventory's own check finds the
// router's default password.
func TestTeleworkSelfCheck(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx, sys := context.Background(), audit.Actor{Label: "test"}
		tn := w.db.Tenant(w.orgA.ID)
		member := w.users[org.Member]
		p := w.personA
		p.Email = member.Email
		if err := tn.UpdatePerson(ctx, sys, p); err != nil {
			t.Fatal(err)
		}
		c := w.client("ja")
		c.signIn(member.Email)
		if r := c.post("/o/"+w.orgA.Slug+"/me/telework", url.Values{"router_password": {"maybe"}, "where": {"company_cloud"}}); r.status != http.StatusBadRequest {
			t.Fatalf("bad answer: got %d, want 400", r.status)
		}
		form := url.Values{"router_password": {"no"}, "router_firmware": {""}, "wifi_encrypted": {"yes"}, "os_updates": {"yes"}, "screen_lock": {"no"},
			"own_user": {"yes"}, "personal_pc": {"yes"}, "where": {"personal_pc"}}
		for range 2 { // answering again updates the same devices
			if r := c.post("/o/"+w.orgA.Slug+"/me/telework", form); r.status != http.StatusSeeOther {
				t.Fatalf("self-check: got %d, want 303\n%s", r.status, r.body)
			}
		}
		devs, _, err := tn.Devices(ctx, store.ListQuery{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var router, pc *inventory.Device
		for i, d := range devs {
			switch d.Name {
			case "自宅ルーター（山田花子）":
				router = &devs[i]
			case "私物PC（山田花子）":
				pc = &devs[i]
			}
		}
		if router == nil || pc == nil {
			t.Fatalf("devices: %+v, want the home router and the personal PC once each", devs)
		}
		if router.PersonID != p.ID || router.Ownership != inventory.BYOD || router.Network != inventory.Home || router.DefaultPasswordChanged != inventory.No {
			t.Errorf("router: %+v", *router)
		}
		if pc.ScreenLock != inventory.No || pc.LastUpdated == "" {
			t.Errorf("personal PC: %+v", *pc)
		}
		if _, err := posture.Evaluate(ctx, tn, sys, w.clock.Now()); err != nil {
			t.Fatal(err)
		}
		if got := w.findingStatus(t, "network.default_password", fmt.Sprintf("device:%d", router.ID)); got == "" {
			t.Error("no default-password finding on the home router")
		}
		if me := c.get("/o/" + w.orgA.Slug + "/me"); !strings.Contains(me.body, "テレワークのセルフチェックに回答いただきました") {
			t.Error("member's page does not say the self-check was answered")
		}
	})
}

// TestSignInLinkRequest: the answer is the same for a member's address
// and an unknown one; only the member's gets a link queued, through their
// organisation's mail; past the limit nothing more is queued. A link
// followed by a person with a second factor asks for it.
func TestSignInLinkRequest(t *testing.T) {
	w := newWorld(t, "sqlite")
	ctx := context.Background()
	ch := notify.Channel{Kind: notify.Email, Enabled: true, Host: "smtp.alpha.example", Port: 587, StartTLS: true, Sender: "mamori@alpha.example"}
	if err := w.db.Tenant(w.orgA.ID).SaveChannel(ctx, audit.Actor{Label: "test"}, ch, false); err != nil {
		t.Fatal(err)
	}
	links := func() int {
		vs, err := w.queue.OrgJobs(ctx, w.orgA.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, v := range vs {
			if v.Kind == "signin_link" {
				n++
			}
		}
		return n
	}
	c := w.client("ja")
	known := c.post("/signin/link", url.Values{"email": {w.users[org.Member].Email}})
	unknown := c.post("/signin/link", url.Values{"email": {"nobody@alpha.example"}})
	if known.status != http.StatusSeeOther || known.status != unknown.status || known.location != unknown.location {
		t.Fatalf("known %d %q, unknown %d %q: want the same answer", known.status, known.location, unknown.status, unknown.location)
	}
	if n := links(); n != 1 {
		t.Fatalf("got %d sign-in links queued, want 1", n)
	}
	for range 5 {
		c.post("/signin/link", url.Values{"email": {w.users[org.Keeper].Email}})
	}
	if n := links(); n != 2 {
		t.Fatalf("got %d sign-in links waiting, want 2 (one waiting link a person)", n)
	}
	sent, err := w.db.Tenant(w.orgA.ID).Audit(ctx, store.AuditFilter{Action: "signin.link_sent"})
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != 1+3 {
		t.Fatalf("got %d links asked for, want 4: the member's and three of the keeper's five (the limit)", len(sent))
	}
	// A second factor follows the link.
	owner := w.client("ja")
	owner.signIn(w.users[org.Owner].Email)
	owner.enrolTOTP()
	token, hash := auth.NewToken()
	if err := w.db.CreateOneTimeToken(ctx, audit.Actor{Label: "test"}, store.TokenSignIn, hash, w.users[org.Owner].ID, 0x7fffffff); err != nil {
		t.Fatal(err)
	}
	b := w.client("ja")
	if r := b.post("/signin/link/"+token, nil); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/signin/otp") {
		t.Fatalf("link of a person with a second factor: got %d → %q, want the code asked", r.status, r.location)
	}
	if r := b.get("/o/" + w.orgA.Slug + "/"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/signin") {
		t.Fatalf("before the code: got %d → %q, want sign-in", r.status, r.location)
	}
}

// TestSignInByMailedLink is the staff sign-in end to end: the member asks
// for a link on the sign-in page, the queue mails it through the
// organisation's smarthost in the member's language, and following it
// (a button, not the GET) signs them in to their own page; the link
// works once.
func TestSignInByMailedLink(t *testing.T) {
	w := newWorld(t, "sqlite")
	ctx := context.Background()
	sink := notifytest.Start(t)
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	ch := notify.Channel{Kind: notify.Email, Enabled: true, Host: sink.Host, Port: sink.Port, StartTLS: true, Username: notifytest.User, Sender: "mamori <mamori@example.jp>"}
	ch.Secret = w.box.Seal([]byte(notifytest.Password), notify.SealContext(w.orgA.ID, ch.Kind))
	if err := w.db.Tenant(w.orgA.ID).SaveChannel(ctx, audit.Actor{Label: "test"}, ch, false); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.Open(w.db, jobs.Config{Work: true, Delay: -1, PollInterval: 20 * time.Millisecond,
		Notify: jobs.Notify{Box: w.box, Catalogue: cat, BaseURL: w.ts.URL, TLS: sink.TLS()}})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		q.Stop(sctx)
	})
	// A member whose name holds markup and who reads English.
	hash, _ := fixtureHash()
	id, err := w.db.CreateUser(ctx, audit.Actor{Label: "test"}, auth.User{Email: "staff-x@alpha.example", Name: `<img src=x onerror=alert(1)>高橋`, PasswordHash: hash})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.db.AddMember(ctx, audit.Actor{Label: "test"}, w.orgA.ID, id, org.Member); err != nil {
		t.Fatal(err)
	}
	if err := w.db.SetLocale(ctx, audit.Actor{Label: "test"}, id, "en"); err != nil {
		t.Fatal(err)
	}
	member, _ := w.db.User(ctx, id)
	c := w.client("ja")
	if r := c.post("/signin/link", url.Values{"email": {member.Email}}); r.status != http.StatusSeeOther {
		t.Fatalf("asking for a link: got %d", r.status)
	}
	deadline := time.Now().Add(60 * time.Second)
	for len(sink.Messages()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no mail reached the smarthost")
		}
		time.Sleep(20 * time.Millisecond)
	}
	msg := sink.Messages()[0]
	if len(msg.To) != 1 || msg.To[0] != member.Email {
		t.Fatalf("mail to %v, want %s", msg.To, member.Email)
	}
	mr, err := mail.CreateReader(bytes.NewReader(msg.Data))
	if err != nil {
		t.Fatal(err)
	}
	if subj, _ := mr.Header.Subject(); subj != "Your mamori sign-in link" {
		t.Errorf("subject %q, want the member's language (English)", subj)
	}
	var body []byte
	for {
		part, err := mr.NextPart()
		if err != nil {
			break
		}
		b, _ := io.ReadAll(part.Body)
		if ct, _, _ := part.Header.(*mail.InlineHeader).ContentType(); ct == "text/html" {
			if bytes.Contains(b, []byte("<img")) || !bytes.Contains(b, []byte("&lt;img")) {
				t.Errorf("HTML part: want the name escaped\n%s", b)
			}
		}
		body = append(body, b...)
	}
	m := regexp.MustCompile(regexp.QuoteMeta(w.ts.URL) + `(/signin/link/[A-Za-z0-9_-]+)`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("no link in the mail:\n%s", msg.Data)
	}
	link := string(m[1])
	if r := c.get(link); r.status != http.StatusOK {
		t.Fatalf("GET link: got %d, want the page with the button", r.status)
	}
	if r := c.post(link, nil); r.status != http.StatusSeeOther {
		t.Fatalf("following the link: got %d", r.status)
	}
	if r := c.get("/o/" + w.orgA.Slug + "/"); r.status != http.StatusSeeOther || !strings.HasSuffix(r.location, "/me") {
		t.Fatalf("signed in by link, opening the organisation: got %d → %q, want the member's page", r.status, r.location)
	}
	if r := w.client("ja").post(link, nil); r.status != http.StatusNotFound {
		t.Fatalf("the link a second time: got %d, want 404", r.status)
	}
}
