package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/org"
)

// placeholderPaths are the modules that are not built: no route, no link.
var placeholderPaths = []string{"/assessments"} // incidents are built (issue 12)

var hrefPattern = regexp.MustCompile(`href="([^"]*)"`)

// pageLinks lists the distinct site links of a page, without the static
// files, unescaped as a browser reads them.
func pageLinks(body string) []string {
	var out []string
	for _, m := range hrefPattern.FindAllStringSubmatch(body, -1) {
		l := html.UnescapeString(m[1])
		if i := strings.IndexByte(l, '#'); i >= 0 {
			l = l[:i]
		}
		if !strings.HasPrefix(l, "/") || strings.HasPrefix(l, "/static/") || slices.Contains(out, l) {
			continue
		}
		out = append(out, l)
	}
	return out
}

// TestPlaceholderModulesGone: the modules still to come answer 404 and no
// page of the navigation links to them, whatever the role.
func TestPlaceholderModulesGone(t *testing.T) {
	w := newWorld(t, "sqlite")
	for _, rt := range w.srv.Routes() {
		for _, p := range placeholderPaths {
			if strings.HasSuffix(rt.Pattern, p) {
				t.Errorf("route %q is in the table, want no route for a module not built", rt.Pattern)
			}
		}
	}
	for _, role := range org.Roles {
		c := w.client("ja")
		c.signIn(w.users[role].Email)
		for _, p := range placeholderPaths {
			if r := c.get("/o/" + w.orgA.Slug + p); r.status != http.StatusNotFound {
				t.Errorf("GET %s as %s: got %d, want 404", p, role, r.status)
			}
		}
		home := "/o/" + w.orgA.Slug + "/"
		dash := c.get(home)
		if !role.Can(org.ViewDashboard) {
			// Staff land on their own page.
			if dash.status != http.StatusSeeOther || dash.location != home+"me" {
				t.Fatalf("dashboard as %s: got %d → %q, want 303 to their page", role, dash.status, dash.location)
			}
			home += "me"
			dash = c.get(home)
		}
		if dash.status != http.StatusOK {
			t.Fatalf("dashboard as %s: got %d, want 200", role, dash.status)
		}
		// Every page the navigation offers this role, and the dashboard.
		pages := []string{home}
		for _, l := range pageLinks(dash.body) {
			if strings.HasPrefix(l, "/o/"+w.orgA.Slug+"/") {
				pages = append(pages, l)
			}
		}
		for _, p := range pages {
			r := c.get(p)
			for _, l := range pageLinks(r.body) {
				for _, gone := range placeholderPaths {
					if strings.HasSuffix(strings.SplitN(l, "?", 2)[0], gone) {
						t.Errorf("%s as %s links to %s, want no link to a module not built", p, role, l)
					}
				}
			}
		}
	}
}

// TestLinksFollowRole walks every link of the dashboard and of the findings
// page (top actions, this week's steps, what mamori does, the menu) as each
// role: none leads to a page that refuses the reader.
func TestLinksFollowRole(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		for _, role := range org.Roles {
			t.Run(string(role), func(t *testing.T) {
				c := w.client("ja")
				c.signIn(w.users[role].Email)
				pages := []string{"/o/" + w.orgA.Slug + "/"}
				if !role.Can(org.ViewDashboard) {
					pages = []string{"/o/" + w.orgA.Slug + "/me"} // staff land on their own page
				}
				if role.Can(org.ViewProgramme) {
					pages = append(pages, "/o/"+w.orgA.Slug+"/findings", "/o/"+w.orgA.Slug+"/inventory")
				}
				walked := 0
				for _, p := range pages {
					r := c.get(p)
					if r.status != http.StatusOK {
						t.Fatalf("GET %s as %s: got %d, want 200", p, role, r.status)
					}
					for _, l := range pageLinks(r.body) {
						walked++
						if got := c.get(l).status; got == http.StatusForbidden || got == http.StatusNotFound {
							t.Errorf("%s as %s links to %s: got %d, want a page the reader may open", p, role, l, got)
						}
					}
				}
				if walked < 3 {
					t.Fatalf("walked %d links as %s, want the page's links", walked, role)
				}
			})
		}
	})
}

// TestDatesFollowLanguage: a date on a page is written the reader's way —
// 2026年4月1日 in Japanese, 1 Apr 2026 in English — whether it is a moment
// (the audit trail, a finding) or a calendar day kept as text (a person's
// joining date), and never as 2026/04/01 or 2026-04-01.
func TestDatesFollowLanguage(t *testing.T) {
	w := newWorld(t, "sqlite")
	ctx, tn := context.Background(), w.db.Tenant(w.orgA.ID)
	p := w.personA
	p.JoinDate = "2024-04-01"
	if err := tn.UpdatePerson(ctx, audit.Actor{Label: "test"}, p); err != nil {
		t.Fatal(err)
	}
	now := w.clock.Now().In(calendar.Japan)
	today := map[string]string{
		"ja": fmt.Sprintf("%d年%d月%d日", now.Year(), now.Month(), now.Day()),
		"en": now.Format("2 Jan 2006"),
	}
	joined := map[string]string{"ja": "2024年4月1日", "en": "1 Apr 2024"}
	machine := regexp.MustCompile(`>\s*\d{4}[/-]\d{2}[/-]\d{2}`)
	for _, lang := range []string{"ja", "en"} {
		c := w.client(lang)
		c.signIn(w.users[org.Owner].Email)
		for _, page := range []struct{ path, want string }{
			{"/o/alpha/audit", today[lang]},
			{"/o/alpha/", today[lang]},
			{"/o/alpha/findings", today[lang]},
			{"/o/alpha/findings/" + id(w.inv["finding"][0]), today[lang]},
			{"/o/alpha/people/" + id(p.ID), joined[lang]},
			{"/o/alpha/people", joined[lang]},
		} {
			r := c.get(page.path)
			if r.status != http.StatusOK {
				t.Fatalf("GET %s in %s: got %d, want 200", page.path, lang, r.status)
			}
			if !strings.Contains(r.body, page.want) {
				t.Errorf("GET %s in %s: want the date written %q", page.path, lang, page.want)
			}
			if m := machine.FindString(r.body); m != "" {
				t.Errorf("GET %s in %s: got a date written %q, want the reader's way", page.path, lang, m)
			}
		}
	}
}
