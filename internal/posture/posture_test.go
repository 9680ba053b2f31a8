package posture_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/demo"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/posture"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// TestEvaluateDemoAndResolve evaluates the demo company, then suspends a
// departed person's accounts and expects that finding to resolve, naming
// the change that resolved it.
func TestEvaluateDemoAndResolve(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
			db := storetest.Open(t, engine, func() time.Time { return now })
			if _, err := demo.Seed(ctx, db, now); err != nil {
				t.Fatal(err)
			}
			o, err := db.OrgBySlug(ctx, demo.Slug)
			if err != nil {
				t.Fatal(err)
			}
			ten := db.Tenant(o.ID)
			res, err := posture.Evaluate(ctx, ten, audit.System, now)
			if err != nil {
				t.Fatal(err)
			}
			if res.Sync.Opened < 40 || res.Score.Value >= 60 || res.Score.Count(int(findings.Critical)) == 0 {
				t.Fatalf("got %+v score %d, want many findings, criticals and a low score on the demo", res.Sync, res.Score.Value)
			}
			// A low score that still moves: not pinned at 0.
			if !res.Score.Assessed || res.Score.Exact <= 0 || res.Score.Exact >= 100 || res.Score.AreasAssessed != 6 {
				t.Fatalf("got score %.2f over %d areas, want strictly between 0 and 100 over all six", res.Score.Exact, res.Score.AreasAssessed)
			}
			first := res.Score
			again, err := posture.Evaluate(ctx, ten, audit.System, now)
			if err != nil || again.Sync.Opened+again.Sync.Resolved != 0 {
				t.Fatalf("second evaluation: got %+v %v, want no transitions", again.Sync, err)
			}
			open, _, err := ten.Findings(ctx, store.FindingQuery{CheckID: "people.departed_active", Status: findings.Open})
			if err != nil || len(open) == 0 {
				t.Fatalf("got %d departed-with-active-account findings (%v), want some", len(open), err)
			}
			target := open[0]
			accs, _, err := ten.Accounts(ctx, store.ListQuery{Filters: map[string]string{"person_id": itoa(target.Subject.ID)}, Limit: 100})
			if err != nil || len(accs) == 0 {
				t.Fatalf("got %d accounts (%v)", len(accs), err)
			}
			for i := range accs {
				accs[i].Status = inventory.Suspended
				if err := ten.SaveAccount(ctx, audit.Actor{Label: "keeper"}, &accs[i]); err != nil {
					t.Fatal(err)
				}
			}
			last, _ := db.Version(ctx)
			res, err = posture.Evaluate(ctx, ten, audit.System, now)
			if err != nil || res.Sync.Resolved == 0 {
				t.Fatalf("after suspending: got %+v %v, want resolutions", res.Sync, err)
			}
			if !(res.Score.Exact > first.Exact) || res.Score.Shown() == first.Shown() {
				t.Fatalf("after suspending a leaver's accounts: score %s, before %s, want it higher", res.Score.Shown(), first.Shown())
			}
			f, err := ten.Finding(ctx, target.ID)
			if err != nil || f.Status != findings.Resolved || f.ResolvedBy == 0 || f.ResolvedBy > last {
				t.Fatalf("got %+v (%v), want resolved by a change up to entry %d", f, err, last)
			}
			rep, err := posture.BuildReport(ctx, ten, demo.Slug, "", translator(t, i18n.Japanese))
			if err != nil || len(rep.Findings) == 0 || rep.Score == nil || *rep.Score != res.Score.Value || rep.Confidence != 100 {
				t.Fatalf("report: got %d findings score %v (%v), want the evaluation's", len(rep.Findings), rep.Score, err)
			}
			hist, _ := ten.PostureHistory(ctx, "2026-01-01")
			if len(hist) != 1 || hist[0].Score != res.Score.Value || hist[0].Method != store.ScoreByArea || hist[0].Confidence != 100 {
				t.Fatalf("got history %+v, want today's score", hist)
			}
			if _, err := db.VerifyAudit(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestEvaluateEmptyAndPeopleOnly: a company with nothing in its inventory
// has no score (and no day of history), and one with only its staff does
// not pass with 100.
func TestEvaluateEmptyAndPeopleOnly(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
			db := storetest.Open(t, engine, func() time.Time { return now })
			id, err := db.CreateOrg(ctx, audit.System, org.Org{Slug: "empty", Name: "空の会社"}, 0)
			if err != nil {
				t.Fatal(err)
			}
			ten := db.Tenant(id)
			res, err := posture.Evaluate(ctx, ten, audit.System, now)
			if err != nil {
				t.Fatal(err)
			}
			if res.Score.Assessed || res.Score.Value == 100 {
				t.Fatalf("empty inventory: got %+v, want no score", res.Score)
			}
			if hist, _ := ten.PostureHistory(ctx, "2026-01-01"); len(hist) != 0 {
				t.Fatalf("empty inventory: got history %+v, want none", hist)
			}
			if rep, err := posture.BuildReport(ctx, ten, "empty", "", translator(t, i18n.Japanese)); err != nil || rep.Score != nil {
				t.Fatalf("empty inventory report: got score %v (%v), want null", rep.Score, err)
			}
			staff := []inventory.Person{
				{Name: "山田 花子", Email: "hanako@example.jp", EmploymentType: inventory.FullTime, JoinDate: "2020-04-01"},
				{Name: "鈴木 一郎", Email: "ichiro@example.jp", EmploymentType: inventory.FullTime, JoinDate: "2021-04-01"},
			}
			if err := ten.AddPeople(ctx, audit.System, staff); err != nil {
				t.Fatal(err)
			}
			res, err = posture.Evaluate(ctx, ten, audit.System, now)
			if err != nil {
				t.Fatal(err)
			}
			if res.Score.Assessed || res.Score.Value == 100 || res.Score.AreasAssessed != 1 || res.Score.Confidence != 10 {
				t.Fatalf("people only: got %s (assessed %v) over %d areas (confidence %d), want no score, one area, confidence 10",
					res.Score.Shown(), res.Score.Assessed, res.Score.AreasAssessed, res.Score.Confidence)
			}
		})
	}
}

// translator is the catalogue of language l as BuildReport takes it.
func translator(t *testing.T, l i18n.Locale) func(string, ...any) string {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return func(key string, args ...any) string { return cat.T(l, key, args...) }
}

// demoReport evaluates the demo company and reports its findings with tr.
func demoReport(t *testing.T, engine store.Engine, tr func(string, ...any) string) posture.Report {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	db := storetest.Open(t, engine, func() time.Time { return now })
	if _, err := demo.Seed(ctx, db, now); err != nil {
		t.Fatal(err)
	}
	o, err := db.OrgBySlug(ctx, demo.Slug)
	if err != nil {
		t.Fatal(err)
	}
	ten := db.Tenant(o.ID)
	if _, err := posture.Evaluate(ctx, ten, audit.System, now); err != nil {
		t.Fatal(err)
	}
	rep, err := posture.BuildReport(ctx, ten, demo.Slug, "", tr)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) < 40 {
		t.Fatalf("got %d findings, want the demo's", len(rep.Findings))
	}
	return rep
}

var idLike = regexp.MustCompile(`#\d|\b[a-z]+:\d+\b|^\d+$`)

// TestReportNamesRecords: the report the CLI and the API give names every
// record in words — an account by its login and service, a person by
// name — in the reader's language, never "account:12" or "#12".
func TestReportNamesRecords(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			for _, c := range []struct {
				l       i18n.Locale
				account *regexp.Regexp // login (service)
			}{
				{i18n.Japanese, regexp.MustCompile(`^\S+（.+）$`)},
				{i18n.English, regexp.MustCompile(`^\S+ \(.+\)$`)},
			} {
				rep := demoReport(t, engine, translator(t, c.l))
				accounts := 0
				for _, f := range rep.Findings {
					for _, r := range append([]posture.NamedRef{f.Subject}, f.Evidence...) {
						if r.Name == "" || idLike.MatchString(r.Name) || strings.Contains(r.Name, "kind.") {
							t.Errorf("%s: finding %d (%s) names %s %d as %q", c.l, f.ID, f.Check, r.Kind, r.ID, r.Name)
						}
						if r.Kind == findings.KindAccount {
							accounts++
							if !c.account.MatchString(r.Name) {
								t.Errorf("%s: account %d named %q, want login (service)", c.l, r.ID, r.Name)
							}
						}
					}
					if f.Title == "" || strings.HasPrefix(f.Title, "check.") || strings.HasPrefix(f.Detail, "detail.") {
						t.Errorf("%s: finding %d: title %q detail %q, want words", c.l, f.ID, f.Title, f.Detail)
					}
				}
				if !strings.Contains(fmt.Sprint(rep.Findings), "@sakura-seiki.example") {
					t.Errorf("%s: no account named by its address", c.l)
				}
				if accounts == 0 {
					t.Errorf("%s: no account named in the demo's findings", c.l)
				}
			}
		})
	}
}

// TestThirdLanguageNeedsNoSchemaChange: a language added to the catalogues
// (here a fake "fr", made in the test from the English messages) renders
// the stored findings — titles, details with their days and numbers, and
// the names of records — from what is stored today: a detail is a key and
// its arguments, not a column per language.
func TestThirdLanguageNeedsNoSchemaChange(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	fr := map[string]string{}
	for _, k := range cat.Keys(i18n.English) {
		fr[k] = "fr:" + cat.Raw(i18n.English, k)
	}
	fr["finding.day"] = "%[5]s/%[4]s/%[1]d" // the French order of a day
	tr := func(key string, args ...any) string {
		m, ok := fr[key]
		if !ok {
			return "missing:" + key
		}
		if len(args) == 0 {
			return m
		}
		return fmt.Sprintf(m, args...)
	}
	rep := demoReport(t, store.SQLite, tr)
	details := 0
	for _, f := range rep.Findings {
		if !strings.HasPrefix(f.Title, "fr:") {
			t.Errorf("finding %d: title %q, want the fr catalogue's", f.ID, f.Title)
		}
		if strings.Contains(f.Title+f.Detail+f.Subject.Name, "missing:") || strings.Contains(f.Detail, "%!") {
			t.Errorf("finding %d: %q / %q / %q", f.ID, f.Title, f.Detail, f.Subject.Name)
		}
		if f.Detail != "" {
			details++
			if !strings.HasPrefix(f.Detail, "fr:") {
				t.Errorf("finding %d: detail %q, want the fr catalogue's", f.ID, f.Detail)
			}
		}
		if f.Check == "people.departed_active" && !regexp.MustCompile(`left on \d\d/\d\d/\d{4}`).MatchString(f.Detail) {
			t.Errorf("finding %d: detail %q, want its day written the fr way", f.ID, f.Detail)
		}
	}
	if details == 0 {
		t.Error("no finding of the demo has a detail; the test proves nothing")
	}
}
