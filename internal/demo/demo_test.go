package demo

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

var (
	today      = time.Date(2026, 11, 20, 9, 0, 0, 0, calendar.Japan)
	kanaOnly   = regexp.MustCompile(`^[\x{30A1}-\x{30FA}ー]+( [\x{30A1}-\x{30FA}ー]+)*$`)
	passwordRe = regexp.MustCompile(`^[a-z0-9]{4}(-[a-z0-9]{4}){3}$`)
	depts      = map[string]bool{"経営": true, "総務部": true, "経理部": true, "営業部": true, "製造部": true, "品質管理部": true, "開発部": true}
)

func TestSeed(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			db := storetest.Open(t, e, nil)
			res, err := Seed(ctx, db, today)
			if err != nil {
				t.Fatalf("seed: %v", err)
			}
			if res.OrgSlug != "sakura-seiki" {
				t.Errorf("org slug %q", res.OrgSlug)
			}
			main := checkOrg(t, db, res.OrgSlug, "株式会社さくら精機", 30, false)
			checkPeople(t, db, main)
			checkOrg(t, db, "midori-kaikei", "有限会社みどり会計事務所", 8, false)
			aoba := checkOrg(t, db, "aoba-koumuten", "株式会社あおば工務店", 12, true)
			checkInventory(t, db, main, counts{services: 10, accounts: 40, devices: 15, assets: 8, shares: 10})
			checkInventory(t, db, aoba, counts{services: 1, accounts: 5, devices: 3, assets: 2, shares: 2})

			roles := map[org.Role]int64{}
			for _, c := range []Credential{res.Owner, res.Keeper, res.Advisor} {
				roles[signIn(t, db, main, c)]++
			}
			if roles[org.Owner] != 1 || roles[org.Keeper] != 1 || roles[org.Advisor] != 1 {
				t.Errorf("roles of the returned credentials: %v", roles)
			}
			checkMembers(t, db, main)

			adv, _ := db.UserByEmail(ctx, res.Advisor.Email)
			orgs, err := db.UserOrgs(ctx, adv.ID)
			if err != nil || len(orgs) != 3 {
				t.Fatalf("advisor orgs: %v, %v", orgs, err)
			}
			for _, o := range orgs {
				if o.Role != org.Advisor {
					t.Errorf("advisor is %s in %s", o.Role, o.Slug)
				}
			}

			users, _ := db.CountUsers(ctx)
			if _, err := Seed(ctx, db, today); err == nil {
				t.Error("second seed succeeded")
			}
			if n, _ := db.CountUsers(ctx); n != users {
				t.Errorf("second seed changed the users: %d, then %d", users, n)
			}

			if n, err := db.VerifyAudit(ctx); err != nil || n == 0 {
				t.Errorf("verify audit: %d entries, %v", n, err)
			}
			trail, err := db.Tenant(main.ID).Audit(ctx, store.AuditFilter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range trail {
				// Anonymous near misses are anonymous in the trail, demo or not.
				if ev.Actor != "demo" && (ev.Actor != "anonymous" || !strings.HasPrefix(ev.Action, "near_miss.")) {
					t.Errorf("audit entry %d by %q", ev.Seq, ev.Actor)
				}
			}
		})
	}
}

// checkOrg checks an organisation's name, second-factor rule and head count.
func checkOrg(t *testing.T, db *store.DB, slug, name string, people int, totp bool) org.Org {
	t.Helper()
	o, err := db.OrgBySlug(context.Background(), slug)
	if err != nil {
		t.Fatalf("org %s: %v", slug, err)
	}
	if o.Name != name || o.RequireTOTP != totp {
		t.Errorf("org %s: %+v", slug, o)
	}
	if _, n, err := db.Tenant(o.ID).People(context.Background(), store.PeopleQuery{Limit: 100}); err != nil || n != people {
		t.Errorf("org %s: %d people, %v; want %d", slug, n, err, people)
	}
	return o
}

// checkPeople checks the main company's staff list looks like real data.
func checkPeople(t *testing.T, db *store.DB, o org.Org) {
	t.Helper()
	people, _, err := db.Tenant(o.ID).People(context.Background(), store.PeopleQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	left, leaving, emails, kinds := 0, 0, map[string]bool{}, map[inventory.EmploymentType]int{}
	for _, p := range people {
		if strings.TrimSpace(p.Name) == "" || !kanaOnly.MatchString(p.Kana) {
			t.Errorf("name %q, kana %q", p.Name, p.Kana)
		}
		if !strings.HasSuffix(p.Email, "@sakura-seiki.example") || emails[p.Email] {
			t.Errorf("e-mail %q", p.Email)
		}
		emails[p.Email] = true
		if !depts[p.Department] {
			t.Errorf("%s: department %q", p.Name, p.Department)
		}
		kinds[p.EmploymentType]++
		if p.JoinDate < "1998-01-01" || p.JoinDate > "2026-12-31" {
			t.Errorf("%s: joined %q", p.Name, p.JoinDate)
		}
		if p.LeaveDate != "" && p.Active(today) {
			// One leaves next week, with a leaver checklist under way.
			if _, soon := p.LeavingIn(calendar.Of(today).String()); !soon {
				t.Errorf("%s: leaves %s, want within two weeks", p.Name, p.LeaveDate)
			}
			leaving++
			continue
		}
		if p.LeaveDate != "" {
			left++
			if !strings.HasPrefix(p.LeaveDate, "2026-") || p.LeaveDate < p.JoinDate || p.Active(today) {
				t.Errorf("%s: joined %s, left %s", p.Name, p.JoinDate, p.LeaveDate)
			}
		}
	}
	if left != 2 || leaving != 1 {
		t.Errorf("%d people left and %d leaving, want 2 and 1", left, leaving)
	}
	for _, k := range inventory.EmploymentTypes {
		if kinds[k] == 0 {
			t.Errorf("nobody is %s", k)
		}
	}
	if kinds[inventory.FullTime] < 15 || kinds[inventory.Contractor] != 1 || kinds[inventory.Counsel] != 1 {
		t.Errorf("employment types: %v", kinds)
	}
}

// counts are the least numbers of records of each kind.
type counts struct{ services, accounts, devices, assets, shares int }

// checkInventory checks that an organisation's inventory has at least want
// records of each kind, that the people who left still have active
// accounts in two services or more (the demo's headline finding), and that
// every reference points at a record of the same organisation.
func checkInventory(t *testing.T, db *store.DB, o org.Org, want counts) {
	t.Helper()
	d, err := db.Tenant(o.ID).Inventory(context.Background())
	if err != nil {
		t.Fatalf("%s inventory: %v", o.Slug, err)
	}
	got := counts{len(d.Services), len(d.Accounts), len(d.Devices), len(d.Assets), len(d.Shares)}
	if got.services < want.services || got.accounts < want.accounts || got.devices < want.devices || got.assets < want.assets || got.shares < want.shares {
		t.Errorf("%s inventory: got %+v, want at least %+v", o.Slug, got, want)
	}
	ids := func(n int, id func(int) int64) map[int64]bool {
		m := map[int64]bool{}
		for i := range n {
			m[id(i)] = true
		}
		return m
	}
	people := ids(len(d.People), func(i int) int64 { return d.People[i].ID })
	services := ids(len(d.Services), func(i int) int64 { return d.Services[i].ID })
	devices := ids(len(d.Devices), func(i int) int64 { return d.Devices[i].ID })
	assets := ids(len(d.Assets), func(i int) int64 { return d.Assets[i].ID })
	active := map[int64]map[int64]bool{} // person → services with an active account
	for _, a := range d.Accounts {
		if !services[a.ServiceID] || (a.PersonID != 0 && !people[a.PersonID]) {
			t.Errorf("%s account %s: service %d, person %d", o.Slug, a.LoginID, a.ServiceID, a.PersonID)
		}
		if a.Status == inventory.Active {
			if active[a.PersonID] == nil {
				active[a.PersonID] = map[int64]bool{}
			}
			active[a.PersonID][a.ServiceID] = true
		}
	}
	left := 0
	for _, p := range d.People {
		if !p.Active(today) {
			left++
			if len(active[p.ID]) < 2 {
				t.Errorf("%s: %s left and has active accounts in %d services, want 2 or more", o.Slug, p.Name, len(active[p.ID]))
			}
		}
	}
	if left == 0 {
		t.Errorf("%s: nobody left", o.Slug)
	}
	for _, dv := range d.Devices {
		if dv.PersonID != 0 && !people[dv.PersonID] {
			t.Errorf("%s device %s: person %d", o.Slug, dv.Name, dv.PersonID)
		}
	}
	places := 0
	for _, a := range d.Assets {
		for _, id := range a.ServiceIDs {
			places++
			if !services[id] {
				t.Errorf("%s asset %s: service %d", o.Slug, a.Name, id)
			}
		}
		for _, id := range a.DeviceIDs {
			places++
			if !devices[id] {
				t.Errorf("%s asset %s: device %d", o.Slug, a.Name, id)
			}
		}
	}
	if places < len(d.Assets) {
		t.Errorf("%s: %d places for %d assets", o.Slug, places, len(d.Assets))
	}
	for _, sh := range d.Shares {
		if !services[sh.ServiceID] || (sh.AssetID != 0 && !assets[sh.AssetID]) {
			t.Errorf("%s share %s: service %d, asset %d", o.Slug, sh.Path, sh.ServiceID, sh.AssetID)
		}
	}
}

// signIn checks a credential against the stored hash and returns the user's
// role in o.
func signIn(t *testing.T, db *store.DB, o org.Org, c Credential) org.Role {
	t.Helper()
	ctx := context.Background()
	if !passwordRe.MatchString(c.Password) || auth.CheckPasswordPolicy(c.Password) != nil {
		t.Errorf("%s: password %q", c.Email, c.Password)
	}
	u, err := db.UserByEmail(ctx, c.Email)
	if err != nil {
		t.Fatalf("%s: %v", c.Email, err)
	}
	if u.Name != c.Name || !auth.CheckPassword(u.PasswordHash, c.Password) || auth.CheckPassword(u.PasswordHash, c.Password+"x") {
		t.Errorf("%s cannot sign in as %q", c.Email, c.Name)
	}
	r, err := db.Membership(ctx, o.ID, u.ID)
	if err != nil {
		t.Fatalf("%s in %s: %v", c.Email, o.Slug, err)
	}
	return r
}

// checkMembers checks who can sign in to the main company.
func checkMembers(t *testing.T, db *store.DB, o org.Org) {
	t.Helper()
	members, err := db.Tenant(o.ID).Members(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	roles := map[org.Role]int{}
	for _, m := range members {
		roles[m.Role]++
	}
	want := map[org.Role]int{org.Owner: 1, org.Keeper: 1, org.Auditor: 1, org.Member: 2, org.Advisor: 1}
	for r, n := range want {
		if roles[r] != n {
			t.Errorf("%d %s, want %d (%v)", roles[r], r, n, roles)
		}
	}
}

func TestMonthEnd(t *testing.T) {
	for _, c := range []struct {
		now    string
		months int
		want   string
	}{
		{"2026-11-20", 1, "2026-10-31"},
		{"2026-11-20", 2, "2026-09-30"},
		{"2026-03-01", 1, "2026-02-28"},
		{"2026-01-31", 1, "2025-12-31"},
	} {
		now, _ := time.Parse(time.DateOnly, c.now)
		if got := monthEnd(now, c.months); got != c.want {
			t.Errorf("monthEnd(%s, %d) = %s, want %s", c.now, c.months, got, c.want)
		}
	}
}

func TestData(t *testing.T) {
	for _, c := range []company{sakura, midori, aoba} {
		emails := map[string]bool{}
		for _, p := range c.people {
			if !kanaOnly.MatchString(p.kana) || emails[p.local] || !strings.Contains(p.local, ".") {
				t.Errorf("%s: %s %s %s", c.slug, p.name, p.kana, p.local)
			}
			emails[p.local] = true
		}
	}
}
