package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/jobs"
	"github.com/mamori-sec/mamori/internal/jobs/jobstest"
	"github.com/mamori-sec/mamori/internal/nearmiss"
	"github.com/mamori-sec/mamori/internal/notify"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/partner"
	"github.com/mamori-sec/mamori/internal/posture"
	"github.com/mamori-sec/mamori/internal/risk"
	"github.com/mamori-sec/mamori/internal/seal"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
	"github.com/mamori-sec/mamori/internal/web"
)

const testPassword = "correct horse battery staple"

// fixtureHash is the argon2 hash of testPassword the fixtures' users get,
// computed once per test process instead of once per world: a real hash,
// checked by the real sign-in path, only not recomputed.
var fixtureHash = sync.OnceValues(func() (string, error) { return auth.HashPassword(testPassword) })

// world is a running server with two organisations and a user per role.
type world struct {
	t                *testing.T
	db               *store.DB
	srv              *web.Server
	ts               *httptest.Server
	box              *seal.Box
	clock            *testClock
	orgA             org.Org
	orgB             org.Org
	users            map[org.Role]auth.User // members of org A, by role
	userB            auth.User              // owner of org B
	personA, personB inventory.Person
	inv              map[string][2]int64 // one record of each inventory kind ("service"…): its id in A and in B
	invitations      [2]int64            // a pending invitation of A and of B
	jobs             [2]int64            // a queued job of A and of B
	sittings         [2]int64            // a self-diagnosis of A and of B
	queue            *jobs.Queue         // the queue the pages see (not working; startQueue works)
	seq              int
}

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// eachEngine runs fn on SQLite, and on PostgreSQL when configured.
func eachEngine(t *testing.T, fn func(t *testing.T, w *world)) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) { fn(t, newWorld(t, e)) })
	}
}

func newWorld(t *testing.T, engine store.Engine) *world { return newWorldWith(t, engine, nil) }

// newWorldWith is newWorld with the server's dependencies adjusted by opt
// (nil: as they are).
func newWorldWith(t *testing.T, engine store.Engine, opt func(*web.Deps)) *world {
	t.Helper()
	ctx := context.Background()
	clock := &testClock{t: time.Now().UTC()}
	db := jobstest.Open(t, engine, clock.Now)
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	box, err := seal.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	queue, err := jobs.Open(db, jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	deps := web.Deps{DB: db, Catalogue: cat, Box: box, Jobs: queue, Now: clock.Now, Version: "test",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if opt != nil {
		opt(&deps)
	}
	srv, err := web.NewServer(deps)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	w := &world{t: t, db: db, srv: srv, ts: ts, box: box, clock: clock, users: map[org.Role]auth.User{}, queue: queue}
	hash, err := fixtureHash()
	if err != nil {
		t.Fatal(err)
	}
	sys := audit.Actor{Label: "test"}
	mkOrg := func(slug, name string) org.Org {
		id, err := db.CreateOrg(ctx, sys, org.Org{Slug: slug, Name: name}, 0)
		if err != nil {
			t.Fatal(err)
		}
		o, _ := db.OrgBySlug(ctx, slug)
		o.ID = id
		return o
	}
	w.orgA, w.orgB = mkOrg("alpha", "アルファ株式会社"), mkOrg("bravo", "ブラボー合同会社")
	mkUser := func(email string, o org.Org, role org.Role) auth.User {
		id, err := db.CreateUser(ctx, sys, auth.User{Email: email, Name: email, PasswordHash: hash})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.AddMember(ctx, sys, o.ID, id, role); err != nil {
			t.Fatal(err)
		}
		u, _ := db.User(ctx, id)
		return u
	}
	for _, r := range org.Roles {
		w.users[r] = mkUser(string(r)+"@alpha.example", w.orgA, r)
	}
	w.userB = mkUser("owner@bravo.example", w.orgB, org.Owner)
	if err := db.Tenant(w.orgA.ID).AddPeople(ctx, sys, []inventory.Person{{Name: "山田花子", Kana: "ヤマダハナコ", EmploymentType: inventory.FullTime, Department: "総務部"}}); err != nil {
		t.Fatal(err)
	}
	if err := db.Tenant(w.orgB.ID).AddPeople(ctx, sys, []inventory.Person{{Name: "秘密太郎", Kana: "ヒミツタロウ", EmploymentType: inventory.FullTime, Department: "極秘部"}}); err != nil {
		t.Fatal(err)
	}
	pa, _, _ := db.Tenant(w.orgA.ID).People(ctx, store.PeopleQuery{})
	pb, _, _ := db.Tenant(w.orgB.ID).People(ctx, store.PeopleQuery{})
	w.personA, w.personB = pa[0], pb[0]
	for i, o := range []org.Org{w.orgA, w.orgB} {
		if err := queue.SendTest(ctx, sys, o.ID, 0, notify.Email); err != nil {
			t.Fatal(err)
		}
		vs, err := queue.OrgJobs(ctx, o.ID, 0)
		if err != nil || len(vs) == 0 {
			t.Fatalf("jobs of %s: %v %v", o.Slug, vs, err)
		}
		w.jobs[i] = vs[0].ID
	}
	w.inv = map[string][2]int64{}
	for i, o := range []struct {
		org    org.Org
		person int64
		tag    string // in every name, so a leak across organisations shows
	}{{w.orgA, w.personA.ID, "アルファ"}, {w.orgB, w.personB.ID, "極秘部"}} {
		w.addInventory(i, o.org, o.person, o.tag)
		w.addScan(i, o.org, o.tag)
	}
	return w
}

// addInventory gives organisation o one record of each inventory kind and
// remembers their ids at index i of w.inv.
func (w *world) addInventory(i int, o org.Org, person int64, tag string) {
	w.t.Helper()
	ctx, t, sys := context.Background(), w.db.Tenant(o.ID), audit.Actor{Label: "test"}
	svc := inventory.Service{Name: tag + "ストレージ", Category: inventory.Cloud, MFA: inventory.MFAAvailable, InternetFacing: true}
	dev := inventory.Device{Name: tag + "PC-01", Kind: inventory.PC, PersonID: person, Ownership: inventory.CompanyIssued, Network: inventory.Internal}
	check := func(err error) {
		if err != nil {
			w.t.Fatal(err)
		}
	}
	check(t.SaveService(ctx, sys, &svc))
	check(t.SaveDevice(ctx, sys, &dev))
	acct := inventory.Account{ServiceID: svc.ID, PersonID: person, LoginID: "user@" + tag + ".example", Kind: inventory.Personal,
		Privilege: inventory.Admin, MFA: inventory.MFAOff, Status: inventory.Active}
	check(t.SaveAccount(ctx, sys, &acct))
	asset := inventory.Asset{Name: tag + "の顧客名簿", PersonalInfo: true, Confidentiality: 3, ServiceIDs: []int64{svc.ID}, DeviceIDs: []int64{dev.ID}, PaperLocations: []string{tag + "キャビネット"}}
	check(t.SaveAsset(ctx, sys, &asset))
	share := inventory.Share{ServiceID: svc.ID, Path: "/" + tag + "/顧客", Scope: inventory.AnyoneWithLink, Permission: inventory.ShareView, AssetID: asset.ID}
	check(t.SaveShare(ctx, sys, &share))
	// The person joined today, so the evaluation gives them a joiner
	// checklist to walk.
	p, err := t.Person(ctx, person)
	check(err)
	p.JoinDate = calendar.Of(w.clock.Now()).String()
	check(t.UpdatePerson(ctx, sys, p))
	// A self-diagnosis, taken before the evaluation, so that the pages
	// have one to show and the check for an overdue one stays quiet.
	w.sittings[i] = w.addSitting(t)
	// Evaluate, so that every organisation has findings to walk.
	if _, err := posture.Evaluate(ctx, t, sys, w.clock.Now()); err != nil {
		w.t.Fatal(err)
	}
	lists, err := t.PersonChecklists(ctx, person)
	if err != nil || len(lists) == 0 || len(lists[0].Items) == 0 {
		w.t.Fatalf("got checklists %+v (%v), want the joiner's", lists, err)
	}
	found, _, err := t.Findings(ctx, store.FindingQuery{Limit: 1})
	if err != nil || len(found) == 0 {
		w.t.Fatalf("got %d findings (%v), want the test inventory to raise some", len(found), err)
	}
	invitation, err := t.Invite(ctx, sys, "invitee@"+o.Slug+".example", "招待者", "x", org.Member)
	check(err)
	w.invitations[i] = invitation
	// Routines, one waiting occurrence and one done with a file, so that
	// the routines' pages have records to walk.
	routine, waiting, evidence := w.addRoutines(t, tag)
	// A near miss, anonymous, and the public link, for the staff pages.
	_, receipt := nearmiss.NewReceipt()
	nearMiss, err := t.FileNearMiss(ctx, sys, nearmiss.Report{Category: nearmiss.MisSend, Happened: tag + "宛先を取り違えそうになった"}, 0, receipt, calendar.Of(w.clock.Now()))
	check(err)
	_, err = t.RotateNearMissLink(ctx, sys)
	check(err)
	rk, err := t.SaveRisk(ctx, sys, risk.Risk{AssetID: asset.ID, Threat: "share_leak", ThreatLevel: 1, Vulnerability: 1})
	check(err)
	// A lesson of the organisation's own, whose id (a number, as the walks
	// fill {id}: 9001 in A, 9002 in B, see idFor) no other organisation has.
	_, err = t.SaveLesson(ctx, sys, "", map[string]string{"ja": strings.Replace("---\nid: ID\ntitle: 自社の決まり\nminutes: 3\n---\n本文\n=== quiz\n? 問\n+ はい\n- いいえ\n> 解説\n? 問\n+ はい\n- いいえ\n> 解説\n? 問\n+ はい\n- いいえ\n> 解説\n", "ID", []string{"9001", "9002"}[i], 1)})
	check(err)
	incidentID := w.addIncident(t, tag, dev.ID)
	// A partner in the register, for the partners' pages.
	partnerID, err := t.AddPartner(ctx, sys, partner.Partner{Name: tag + "商事", Domains: []string{"partner-" + o.Slug + ".example"}, Entrusted: true})
	check(err)
	for kind, id := range map[string]int64{"partner": partnerID, "incident": incidentID, "risk": rk.ID, "service": svc.ID, "device": dev.ID, "account": acct.ID, "asset": asset.ID, "share": share.ID, "finding": found[0].ID,
		"routine": routine, "occurrence": waiting, "evidence": evidence, "near_miss": nearMiss, "checklist": lists[0].ID, "checklist_item": lists[0].Items[0].ID} {
		ids := w.inv[kind]
		ids[i] = id
		w.inv[kind] = ids
	}
}

// client is a browser stand-in: it keeps cookies itself (the session
// cookie is Secure, which net/http/cookiejar will not send over plain
// HTTP) and does not follow redirects, so tests see each 303.
type client struct {
	w       *world
	cookies map[string]string
	lang    string
	hdr     http.Header
}

func (w *world) client(lang string) *client {
	return &client{w: w, cookies: map[string]string{}, lang: lang, hdr: http.Header{}}
}

type response struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (c *client) do(method, path string, form url.Values) response {
	c.w.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.w.ts.URL+path, body)
	if err != nil {
		c.w.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
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
	for _, ck := range res.Cookies() {
		if ck.MaxAge < 0 {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	return response{status: res.StatusCode, body: string(b), location: res.Header.Get("Location"), header: res.Header}
}

func (c *client) get(path string) response { return c.do("GET", path, nil) }
func (c *client) post(path string, form url.Values) response {
	if form == nil {
		form = url.Values{}
	}
	return c.do("POST", path, form)
}

// signIn signs in with the test password (no second factor).
func (c *client) signIn(email string) {
	c.w.t.Helper()
	r := c.post("/signin", url.Values{"email": {email}, "password": {testPassword}})
	if r.status != http.StatusSeeOther {
		c.w.t.Fatalf("sign in %s: got %d, want 303\n%s", email, r.status, r.body)
	}
}

// enrolTOTP turns on a second factor for the signed-in user and returns the
// secret, the recovery codes and the time step that was used.
func (c *client) enrolTOTP() (secret string, codes []string) {
	c.w.t.Helper()
	if r := c.post("/account/totp/begin", nil); r.status != http.StatusSeeOther {
		c.w.t.Fatalf("begin: got %d, want 303", r.status)
	}
	page := c.get("/account/totp")
	m := regexp.MustCompile(`<code class="secret">([A-Z2-7 ]+)</code>`).FindStringSubmatch(page.body)
	if m == nil {
		c.w.t.Fatalf("no secret on the enrolment page:\n%s", page.body)
	}
	secret = strings.ReplaceAll(m[1], " ", "")
	code, _ := auth.TOTPCode(secret, c.w.clock.Now())
	r := c.post("/account/totp/confirm", url.Values{"code": {code}})
	if r.status != http.StatusOK {
		c.w.t.Fatalf("confirm: got %d, want 200\n%s", r.status, r.body)
	}
	for _, m := range regexp.MustCompile(`<li>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{2})</li>`).FindAllStringSubmatch(r.body, -1) {
		codes = append(codes, m[1])
	}
	if len(codes) != auth.RecoveryCodeCount {
		c.w.t.Fatalf("got %d recovery codes, want %d", len(codes), auth.RecoveryCodeCount)
	}
	return secret, codes
}

// auditCount is the length of the whole chain.
func (w *world) auditCount() int64 {
	n, err := w.db.VerifyAudit(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	return n
}
