package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
)

var (
	modulesNav = regexp.MustCompile(`(?s)<nav class="modules[^"]*"[^>]*>(.*?)</nav>`)
	currentNav = regexp.MustCompile(`<a href="([^"]*)" aria-current="page">`)
)

// navOf is the top navigation of a page: its links, and the one it
// highlights.
func navOf(t *testing.T, body string) (links []string, current string) {
	t.Helper()
	m := modulesNav.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("page without the top navigation:\n%s", body)
	}
	if c := currentNav.FindStringSubmatch(m[1]); c != nil {
		current = c[1]
	}
	return pageLinks(m[1]), current
}

// TestNavHubsKeepEveryPage: the top navigation is grouped into hubs, and
// no page is lost: every page the flat menu offered a role (and the pages
// the hubs add) is one click from the menu or from a hub it links to, and
// each of those links opens. Staff keep their own short menu.
func TestNavHubsKeepEveryPage(t *testing.T) {
	w := newWorld(t, "sqlite")
	o := "/o/" + w.orgA.Slug
	// The pages of the flat menu before the hubs, by the permission that
	// showed them; the hubs add the self-diagnosis's neighbours.
	wantBy := map[org.Permission][]string{
		org.ViewProgramme: {"/inventory", "/findings", "/routines", "/risks", "/people", "/incidents", "/near-misses",
			"/lessons", "/policy", "/mailguard", "/selfdiag", "/security-action", "/signoff", "/staff-notes", "/policy/acknowledgements"},
		org.ViewAudit:      {"/audit"},
		org.ManageMembers:  {"/members"},
		org.ManageSettings: {"/settings", "/settings/notify"},
		org.ViewJobs:       {"/jobs"},
	}
	for _, role := range org.Roles {
		t.Run(string(role), func(t *testing.T) {
			c := w.client("ja")
			c.signIn(w.users[role].Email)
			home := o + "/"
			if !role.Can(org.ViewDashboard) {
				home = o + "/me"
			}
			r := c.get(home)
			if r.status != http.StatusOK {
				t.Fatalf("GET %s as %s: got %d, want 200", home, role, r.status)
			}
			nav, _ := navOf(t, r.body)
			reach := slices.Clone(nav)
			for _, l := range nav {
				r := c.get(l)
				if r.status != http.StatusOK {
					t.Errorf("menu link %s as %s: got %d, want 200", l, role, r.status)
					continue
				}
				for _, x := range pageLinks(r.body) {
					reach = append(reach, strings.SplitN(x, "?", 2)[0])
				}
			}
			for perm, pages := range wantBy {
				if !role.Can(perm) {
					continue
				}
				for _, p := range pages {
					if !slices.Contains(reach, o+p) {
						t.Errorf("%s as %s: not one click from the menu or a hub, want every page kept", p, role)
					}
				}
			}
			switch {
			case role.Can(org.ViewProgramme):
				for _, hub := range []string{"/posture", "/staff"} {
					if !slices.Contains(nav, o+hub) {
						t.Errorf("menu as %s lacks the hub %s", role, hub)
					}
				}
				// A hub instead of each page: about ten entries, not twenty.
				if len(nav) > 11 {
					t.Errorf("menu as %s: got %d entries %v, want at most 11", role, len(nav), nav)
				}
				for _, gone := range []string{"/risks", "/people", "/lessons", "/near-misses", "/policy", "/selfdiag", "/members", "/jobs", "/settings"} {
					if slices.Contains(nav, o+gone) {
						t.Errorf("menu as %s still lists %s, want it inside its hub", role, gone)
					}
				}
			default:
				// Staff: their own pages, no hub.
				// (My outgoing mail shows only where the mail guard is on:
				// TestMailNavOnlyWhenOn.)
				for _, p := range []string{"/me", "/learn", "/rules", "/incidents/report"} {
					if !slices.Contains(nav, o+p) {
						t.Errorf("staff menu lacks %s: %v", p, nav)
					}
				}
				for _, hub := range []string{"/posture", "/staff", "/admin"} {
					if slices.Contains(nav, o+hub) {
						t.Errorf("staff menu links the hub %s, want their own menu only", hub)
					}
					if got := c.get(o + hub).status; got != http.StatusForbidden {
						t.Errorf("GET %s as %s: got %d, want 403", hub, role, got)
					}
				}
			}
			if role.Can(org.ManageMembers) != slices.Contains(nav, o+"/admin") {
				t.Errorf("menu as %s: settings hub shown %v, want it exactly for those who manage members", role, !role.Can(org.ManageMembers))
			}
		})
	}
}

// TestNavHubHighlight: a page inside a hub highlights its hub in the menu,
// and a page that is its own entry highlights itself.
func TestNavHubHighlight(t *testing.T) {
	w := newWorld(t, "sqlite")
	o := "/o/" + w.orgA.Slug
	c := w.client("ja")
	c.signIn(w.users[org.Owner].Email)
	for page, hub := range map[string]string{
		"/risks":                   "/posture",
		"/selfdiag":                "/posture",
		"/security-action":         "/posture",
		"/signoff":                 "/posture",
		"/policy":                  "/posture",
		"/posture":                 "/posture",
		"/people":                  "/inventory",
		"/inventory/where":         "/inventory",
		"/lessons":                 "/staff",
		"/near-misses":             "/staff",
		"/staff-notes":             "/staff",
		"/members":                 "/admin",
		"/settings":                "/admin",
		"/settings/notify":         "/admin",
		"/jobs":                    "/admin",
		"/findings":                "/findings",
		"/routines":                "/routines",
		"/incidents":               "/incidents",
		"/audit":                   "/audit",
		"/policy/acknowledgements": "/posture",
	} {
		r := c.get(o + page)
		if r.status != http.StatusOK {
			t.Errorf("GET %s: got %d, want 200", page, r.status)
			continue
		}
		if _, cur := navOf(t, r.body); cur != o+hub {
			t.Errorf("menu on %s highlights %q, want %q", page, cur, o+hub)
		}
	}
}

// TestHubStatusFollowsData: each hub line says where things stand, from
// the data: a risk added shows in 現状把握, a member's second factor in 設定,
// and the settings hub shows an advisor only the pages their role opens.
func TestHubStatusFollowsData(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		o := "/o/" + w.orgA.Slug
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		riskLine := regexp.MustCompile(`登録(\d+)件、うち対策の期日を過ぎたもの(\d+)件`)
		page := keeper.mustShow(o+"/posture", `id="hub-risks"`, `id="hub-selfdiag"`, `id="hub-sa"`,
			`id="hub-policy"`, `id="hub-signoff"`, `id="hub-cloud"`, "ポリシーはまだ公開していません。")
		before := riskLine.FindStringSubmatch(page)
		if before == nil {
			t.Fatalf("現状把握 lacks the risks' status:\n%s", page)
		}
		form := url.Values{"asset": {strconv.FormatInt(w.inv["asset"][0], 10)}, "threat": {"ransomware"}, "threat_level": {"3"},
			"vulnerability": {"3"}, "treatment": {"reduce"}, "plan": {"バックアップを社外にも保管する"},
			"owner": {strconv.FormatInt(w.personA.ID, 10)}, "due": {calendar.Of(w.clock.Now()).AddDays(-1).String()}, "status": {"open"}}
		if r := keeper.post(o+"/risks", form); r.status != http.StatusSeeOther {
			t.Fatalf("add a risk: got %d, want 303\n%s", r.status, r.body)
		}
		after := riskLine.FindStringSubmatch(keeper.mustShow(o + "/posture"))
		if after == nil || mustAtoi(t, after[1]) != mustAtoi(t, before[1])+1 || mustAtoi(t, after[2]) != mustAtoi(t, before[2])+1 {
			t.Errorf("risks' status after adding an overdue risk: got %v, want one more risk and one more overdue than %v", after, before)
		}
		keeper.mustShow(o+"/staff", `id="hub-lessons"`, `id="hub-nearmiss"`, `id="hub-staffnotes"`, `id="hub-acks"`)
		// A lesson assigned to one person: 0% of 1, written as a rate.
		if err := w.db.Tenant(w.orgA.ID).AddPeople(context.Background(), audit.Actor{Label: "test"}, []inventory.Person{{Name: "受講 花子",
			Email: "hanako@alpha.example", Department: "ハブ確認部", EmploymentType: inventory.FullTime, JoinDate: "2018-04-01"}}); err != nil {
			t.Fatal(err)
		}
		if r := keeper.post(o+"/lessons/mis-send/assign", url.Values{"department": {"ハブ確認部"}, "due": {calendar.Of(w.clock.Now()).AddDays(7).String()}}); r.status != http.StatusSeeOther {
			t.Fatalf("assign a lesson: got %d", r.status)
		}
		staff := keeper.mustShow(o + "/staff")
		if m := regexp.MustCompile(`受講率 (\d+)%（(\d+)件中(\d+)件）`).FindStringSubmatch(staff); m == nil || mustAtoi(t, m[1]) > 100 || mustAtoi(t, m[2]) < 1 {
			t.Errorf("staff hub's lesson line: got %v, want a rate of 0–100%% over the assignments", m)
		}

		owner := w.client("ja")
		owner.signIn(w.users[org.Owner].Email)
		admin := owner.mustShow(o+"/admin", `id="hub-members"`, `id="hub-settings"`, `id="hub-notify"`, `id="hub-jobs"`)
		n := regexp.MustCompile(`多要素認証が未設定：(\d+)人`).FindStringSubmatch(admin)
		if n == nil {
			t.Fatalf("settings hub lacks the members' status:\n%s", admin)
		}
		owner.enrolTOTP()
		m := regexp.MustCompile(`多要素認証が未設定：(\d+)人`).FindStringSubmatch(owner.mustShow(o + "/admin"))
		if b := mustAtoi(t, n[1]); m == nil || mustAtoi(t, m[1]) != b-1 {
			t.Errorf("members without a second factor after the owner enrolled: got %v, want %d", m, b-1)
		}

		advisor := w.client("ja")
		advisor.signIn(w.users[org.Advisor].Email)
		page = advisor.mustShow(o+"/admin", `id="hub-members"`, `id="hub-jobs"`)
		for _, no := range []string{`id="hub-settings"`, `id="hub-notify"`} {
			if strings.Contains(page, no) {
				t.Errorf("settings hub as advisor shows %s, a page the role may not open", no)
			}
		}
	})
}
