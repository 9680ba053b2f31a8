package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/demo"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/posture"
	"github.com/mamori-sec/mamori/internal/seal"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
	"github.com/mamori-sec/mamori/internal/web"
)

// demoWorld is a server over the demo company, evaluated, with one person
// edited (employment type and leave date) so that the trail holds an
// update, and its owner's credentials.
func demoWorld(t *testing.T, engine store.Engine) (*world, demo.Result, *i18n.Catalogue) {
	t.Helper()
	ctx := context.Background()
	clock := &testClock{t: time.Now().UTC()}
	db := storetest.Open(t, engine, clock.Now)
	res, err := demo.Seed(ctx, db, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	o, err := db.OrgBySlug(ctx, res.OrgSlug)
	if err != nil {
		t.Fatal(err)
	}
	ten := db.Tenant(o.ID)
	people, _, err := ten.People(ctx, store.PeopleQuery{Current: true, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(people, func(p inventory.Person) bool { return p.EmploymentType == inventory.FullTime })
	if i < 0 {
		t.Fatal("no full-time employee in the demo")
	}
	p := people[i]
	p.EmploymentType = inventory.PartTime
	p.LeaveDate = clock.Now().AddDate(0, 0, -3).Format(time.DateOnly)
	if err := ten.UpdatePerson(ctx, audit.Actor{Label: "keeper"}, p); err != nil {
		t.Fatal(err)
	}
	if _, err := posture.Evaluate(ctx, ten, audit.System, clock.Now()); err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	box, err := seal.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.NewServer(web.Deps{DB: db, Catalogue: cat, Box: box, Now: clock.Now, Version: "test",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &world{t: t, db: db, srv: srv, ts: ts, box: box, clock: clock}, res, cat
}

func (c *client) signInAs(cred demo.Credential) {
	c.w.t.Helper()
	if r := c.post("/signin", url.Values{"email": {cred.Email}, "password": {cred.Password}}); r.status != http.StatusSeeOther {
		c.w.t.Fatalf("sign in %s: got %d, want 303", cred.Email, r.status)
	}
}

// idShaped is a record shown by its id: 「アカウント #1」, "share:13".
var idShaped = regexp.MustCompile(`#\d|\b(person|account|device|share|asset|service|finding|user|org):\d`)

var (
	tags    = regexp.MustCompile(`(?s)<[^>]*>`)
	findRef = regexp.MustCompile(`/findings/(\d+)"`)
)

// visible is the text of a page as a reader sees it.
func visible(page string) string { return html.UnescapeString(tags.ReplaceAllString(page, " ")) }

// TestDemoPagesNameRecords walks the demo company's dashboard, findings
// list (every page), the page of one finding of each check, the audit page
// and the human columns of its CSV, in Japanese and English, and finds no
// record shown by its id.
func TestDemoPagesNameRecords(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			w, res, _ := demoWorld(t, engine)
			base := "/o/" + res.OrgSlug
			for _, lang := range []string{"ja", "en"} {
				c := w.client(lang)
				c.signInAs(res.Owner)
				check := func(path, text string) {
					t.Helper()
					if m := idShaped.FindAllString(text, 5); m != nil {
						i := strings.Index(text, m[0])
						t.Errorf("%s %s shows a record by its id: %q in …%s…", lang, path, m, text[max(0, i-80):min(len(text), i+80)])
					}
				}
				pages := []string{base + "/", base + "/audit", base + "/findings?status=resolved"}
				list := c.get(base + "/findings")
				if list.status != http.StatusOK {
					t.Fatalf("findings: got %d", list.status)
				}
				check(base+"/findings", visible(list.body))
				for offset := 100; strings.Contains(list.body, "offset="); offset += 100 {
					p := base + "/findings?offset=" + itoa(int64(offset))
					if list = c.get(p); list.status != http.StatusOK || !strings.Contains(list.body, "/findings/") {
						break
					}
					check(p, visible(list.body))
				}
				// One finding of each check.
				seen := map[string]bool{}
				for _, ch := range findings.Checks() {
					r := c.get(base + "/findings?check=" + ch.ID)
					if m := findRef.FindStringSubmatch(r.body); m != nil && !seen[m[1]] {
						seen[m[1]] = true
						pages = append(pages, base+"/findings/"+m[1])
					}
				}
				if len(seen) < 20 {
					t.Fatalf("%s: found %d checks with findings, want the demo's many", lang, len(seen))
				}
				for _, p := range pages {
					r := c.get(p)
					if r.status != http.StatusOK {
						t.Fatalf("%s: got %d", p, r.status)
					}
					check(p, visible(r.body))
				}
				// The audit CSV: the columns people read come first.
				r := c.get(base + "/audit/export")
				rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\uFEFF"))).ReadAll()
				if err != nil || len(rows) < 50 {
					t.Fatalf("audit CSV: %d rows, %v", len(rows), err)
				}
				for _, row := range rows[1:] {
					check("/audit/export", strings.Join(row[:5], " | "))
				}
			}
		})
	}
}

// TestAuditShowsWords: the audit page and its CSV give an update of a
// person as words — the action, the person by name, the field and both
// values by their labels — and a finding's transition with its check's
// title and the record by name, in the reader's language.
func TestAuditShowsWords(t *testing.T) {
	w, res, cat := demoWorld(t, store.SQLite)
	base := "/o/" + res.OrgSlug
	for _, l := range []i18n.Locale{i18n.Japanese, i18n.English} {
		c := w.client(string(l))
		c.signInAs(res.Owner)
		T := func(k string) string { return cat.T(l, k) }
		page := visible(c.get(base + "/audit?action=person.update").body)
		for _, want := range []string{T("action.person.update"), T("af.employment_type"), T("employment.full_time"), T("employment.part_time"), T("af.leave_date")} {
			if !strings.Contains(page, want) {
				t.Errorf("%s audit page: want %q", l, want)
			}
		}
		for _, code := range []string{"full_time", "part_time", "employment_type", "person.update"} {
			if strings.Contains(page, code) {
				t.Errorf("%s audit page shows the code %q", l, code)
			}
		}
		page = visible(c.get(base + "/audit?action=finding.open").body)
		for _, want := range []string{T("action.finding.open"), T("check.people.departed_active.title"), T("findings.status.open"), T("af.subject")} {
			if !strings.Contains(page, want) {
				t.Errorf("%s audit page (findings): want %q", l, want)
			}
		}
		for _, code := range []string{"people.departed_active", "shares.special_external", ">open<"} {
			if strings.Contains(page, code) {
				t.Errorf("%s audit page (findings) shows the code %q", l, code)
			}
		}
		// The filter offers the actions in words.
		if full := c.get(base + "/audit").body; !strings.Contains(full, `<option value="person.update">`+T("action.person.update")+`</option>`) {
			t.Errorf("%s audit filter: want the action person.update offered as %q", l, T("action.person.update"))
		}
		r := c.get(base + "/audit/export?action=person.update")
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\uFEFF"))).ReadAll()
		if err != nil || len(rows) != 2 {
			t.Fatalf("%s CSV: got %d rows (%v), want the header and the update", l, len(rows), err)
		}
		if rows[0][0] != T("audit.col.at") || rows[0][2] != T("audit.col.action") {
			t.Errorf("%s CSV header %q, want readable columns first", l, rows[0])
		}
		human := strings.Join(rows[1][:5], " | ")
		for _, want := range []string{T("action.person.update"), T("employment.part_time"), T("af.employment_type")} {
			if !strings.Contains(human, want) {
				t.Errorf("%s CSV row %q: want %q", l, human, want)
			}
		}
		if !strings.Contains(strings.Join(rows[1], ","), "person.update") {
			t.Errorf("%s CSV row: want the action code kept in a machine column", l)
		}
	}
}

// TestAPIFindingsNameRecords: the JSON API names each record and speaks
// the language asked for.
func TestAPIFindingsNameRecords(t *testing.T) {
	w, res, cat := demoWorld(t, store.SQLite)
	owner, err := w.db.UserByEmail(context.Background(), res.Owner.Email)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []i18n.Locale{i18n.Japanese, i18n.English} {
		api := w.apiClient(owner, string(l))
		r := api.get("/api/v1/orgs/" + res.OrgSlug + "/findings")
		if r.status != http.StatusOK {
			t.Fatalf("api: got %d %s", r.status, r.body)
		}
		var got posture.Report
		if err := json.Unmarshal([]byte(r.body), &got); err != nil {
			t.Fatal(err)
		}
		accounts := 0
		for _, f := range got.Findings {
			if f.Title != cat.T(l, "check."+f.Check+".title") {
				t.Errorf("%s: finding %d title %q, want the catalogue's", l, f.ID, f.Title)
			}
			if f.Subject.Name == "" || idShaped.MatchString(f.Subject.Name) {
				t.Errorf("%s: finding %d subject named %q", l, f.ID, f.Subject.Name)
			}
			if f.Subject.Kind == findings.KindAccount && strings.Contains(f.Subject.Name, "@") {
				accounts++
			}
		}
		if accounts == 0 {
			t.Errorf("%s: no finding names an account by its address", l)
		}
	}
}
