package findings

import (
	"cmp"
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/synth"
)

var idPattern = regexp.MustCompile(`^[a-z]+\.[a-z0-9]+(_[a-z0-9]+)*$`)

func TestCheckIDs(t *testing.T) {
	checks := Checks()
	if len(checks) < 45 {
		t.Errorf("got %d checks, want at least 45", len(checks))
	}
	seen := map[string]bool{}
	for i, c := range checks {
		if !idPattern.MatchString(c.ID) {
			t.Errorf("%q: want lower-case words, a dot, then snake_case", c.ID)
		}
		if seen[c.ID] {
			t.Errorf("%s: duplicate ID", c.ID)
		}
		seen[c.ID] = true
		if i > 0 && checks[i-1].ID >= c.ID {
			t.Errorf("Checks not sorted: %s before %s", checks[i-1].ID, c.ID)
		}
		// The ID's first word names the file and the kind of record.
		prefix, _, _ := strings.Cut(c.ID, ".")
		want := map[string][]Kind{
			"people": {KindPerson}, "accounts": {KindAccount}, "services": {KindService},
			"devices": {KindDevice}, "network": {KindDevice}, "assets": {KindAsset}, "shares": {KindShare},
			"programme": {KindOrg},
		}[prefix]
		if !slices.Contains(want, c.Subject) {
			t.Errorf("%s: subject %q does not fit the prefix %q", c.ID, c.Subject, prefix)
		}
		if got, ok := Lookup(c.ID); !ok || got.ID != c.ID {
			t.Errorf("Lookup(%q) failed", c.ID)
		}
	}
	if _, ok := Lookup("no.such_check"); ok {
		t.Error("Lookup found a check that does not exist")
	}
}

// text is one message of the catalogues in both languages.
type text struct{ JA, EN string }

// testCatalogue is the catalogues the checks' words live in.
func testCatalogue(t *testing.T) *i18n.Catalogue {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func TestCheckTexts(t *testing.T) {
	cat := testCatalogue(t)
	for _, c := range Checks() {
		t.Run(c.ID, func(t *testing.T) {
			if c.Run == nil {
				t.Error("no Run")
			}
			if c.Severity < Low || c.Severity > Critical || c.Severity.String() == "unknown" || cat.Raw(i18n.Japanese, c.Severity.Key()) == "" {
				t.Errorf("severity %d out of range", c.Severity)
			}
			for name, key := range map[string]string{"title": c.TitleKey(), "explanation": c.ExplanationKey(), "remediation": c.RemediationKey()} {
				txt := text{JA: cat.Raw(i18n.Japanese, key), EN: cat.Raw(i18n.English, key)}
				if strings.TrimSpace(txt.JA) == "" || strings.TrimSpace(txt.EN) == "" {
					t.Errorf("%s: empty in one language: %q / %q", name, txt.JA, txt.EN)
					continue
				}
				if err := jaPunctuation(txt.JA); err != "" {
					t.Errorf("%s (ja): %s: %q", name, err, txt.JA)
				}
				if hasCJK(txt.EN) {
					t.Errorf("%s (en) contains Japanese: %q", name, txt.EN)
				}
				if !hasCJK(txt.JA) {
					t.Errorf("%s (ja) is not Japanese: %q", name, txt.JA)
				}
				if name == "title" {
					if strings.HasSuffix(txt.JA, "。") || strings.HasSuffix(txt.EN, ".") {
						t.Errorf("title ends with a full stop: %q / %q", txt.JA, txt.EN)
					}
					continue
				}
				if !strings.HasSuffix(txt.JA, "。") {
					t.Errorf("%s (ja) does not end with 。: %q", name, txt.JA)
				}
				if !strings.HasSuffix(txt.EN, ".") {
					t.Errorf("%s (en) does not end with a full stop: %q", name, txt.EN)
				}
				if !strings.Contains(txt.JA, "です。") && !strings.Contains(txt.JA, "ます。") && !strings.Contains(txt.JA, "ません。") {
					t.Errorf("%s (ja) is not in です・ます form: %q", name, txt.JA)
				}
			}
			// A check about the programme as a whole (the self-diagnosis
			// itself) is evidence for none of the lists.
			if len(c.FiveRules)+len(c.SelfCheck)+len(c.Threats) == 0 && c.Subject != KindOrg {
				t.Error("no mapping to 5か条, 自社診断 or 10大脅威")
			}
			inRange := func(what string, xs []int, hi int) {
				for i, x := range xs {
					if x < 1 || x > hi {
						t.Errorf("%s %d out of 1–%d", what, x, hi)
					}
					if i > 0 && xs[i-1] >= x {
						t.Errorf("%s %v not ascending and distinct", what, xs)
					}
				}
			}
			inRange("5か条 item", c.FiveRules, 5)
			inRange("自社診断 question", c.SelfCheck, 25)
			inRange("10大脅威 rank", c.Threats, 10)
			for _, n := range c.Needs {
				if !regexp.MustCompile(`^[a-z]+\.[a-z_]+$`).MatchString(n) {
					t.Errorf("need %q: want record.field", n)
				}
			}
		})
	}
}

// jaPunctuation reports ASCII punctuation used as Japanese punctuation: a
// comma anywhere, a full stop or parenthesis unless inside Latin text such
// as "gmail.com".
func jaPunctuation(s string) string {
	r := []rune(s)
	for i, c := range r {
		switch c {
		case ',', '(', ')', '!', '?', ';':
			return "ASCII " + string(c) + " (use the full-width form)"
		case '.', ':':
			latin := func(j int) bool {
				return j >= 0 && j < len(r) && r[j] < 0x80 && (unicode.IsLetter(r[j]) || unicode.IsDigit(r[j]))
			}
			if !latin(i-1) || !latin(i+1) {
				return "ASCII " + string(c) + " as punctuation (use 。 or ：)"
			}
		}
	}
	return ""
}

func hasCJK(s string) bool {
	for _, c := range s {
		if unicode.In(c, unicode.Han, unicode.Hiragana, unicode.Katakana) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff01 && c <= 0xff60) {
			return true
		}
	}
	return false
}

func TestSeverity(t *testing.T) {
	for s, want := range map[Severity]string{Critical: "critical", High: "high", Medium: "medium", Low: "low", 0: "unknown"} {
		if got := s.String(); got != want {
			t.Errorf("Severity(%d).String() = %q, want %q", int(s), got, want)
		}
	}
	if Critical != 4 || High != 3 || Medium != 2 || Low != 1 {
		t.Error("severity values changed; they are stored")
	}
}

func synthSmall() *Snapshot {
	return synthSnapshot(synth.Size{People: 300, Accounts: 1500, Devices: 600, Assets: 150, Shares: 20000}, today)
}

func TestEvaluateDeterministic(t *testing.T) {
	a := Evaluate(synthSmall())
	b := Evaluate(synthSmall())
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two evaluations of the same snapshot differ")
	}
	// Evaluating a prepared snapshot again gives the same answer too.
	s := synthSmall()
	Evaluate(s)
	if c := Evaluate(s); !reflect.DeepEqual(a, c) {
		t.Fatal("re-evaluating a snapshot changes the result")
	}

	fired := map[string]int{}
	for i, f := range a {
		fired[f.CheckID]++
		if i > 0 {
			p := a[i-1]
			if c := cmp.Or(cmp.Compare(p.CheckID, f.CheckID), cmp.Compare(p.Subject.ID, f.Subject.ID)); c >= 0 {
				t.Fatalf("findings %d and %d out of order: %s %v, %s %v", i-1, i, p.CheckID, p.Subject, f.CheckID, f.Subject)
			}
		}
		c, ok := Lookup(f.CheckID)
		if !ok || f.Subject.Kind != c.Subject {
			t.Fatalf("finding %d: check %q, subject %v", i, f.CheckID, f.Subject)
		}
	}
	// The synthetic company is badly run enough that most checks fire.
	if len(fired) < len(Checks())*2/3 {
		t.Errorf("only %d of %d checks fired on the synthetic company: %v", len(fired), len(Checks()), fired)
	}
}

// TestEvaluateOrderIndependent shuffles every slice of the snapshot: the
// findings must not change, apart from the order of their evidence.
func TestEvaluateOrderIndependent(t *testing.T) {
	want := normalise(Evaluate(synthSmall()))
	s := synthSmall()
	r := rand.New(rand.NewPCG(7, 7))
	shuffle := func(n int, swap func(i, j int)) { r.Shuffle(n, swap) }
	shuffle(len(s.People), func(i, j int) { s.People[i], s.People[j] = s.People[j], s.People[i] })
	shuffle(len(s.Services), func(i, j int) { s.Services[i], s.Services[j] = s.Services[j], s.Services[i] })
	shuffle(len(s.Accounts), func(i, j int) { s.Accounts[i], s.Accounts[j] = s.Accounts[j], s.Accounts[i] })
	shuffle(len(s.Devices), func(i, j int) { s.Devices[i], s.Devices[j] = s.Devices[j], s.Devices[i] })
	shuffle(len(s.Assets), func(i, j int) { s.Assets[i], s.Assets[j] = s.Assets[j], s.Assets[i] })
	shuffle(len(s.Shares), func(i, j int) { s.Shares[i], s.Shares[j] = s.Shares[j], s.Shares[i] })
	got := normalise(Evaluate(s))
	if len(got) != len(want) {
		t.Fatalf("got %d findings, want %d", len(got), len(want))
	}
	for i := range got {
		// accounts.duplicate keeps the first account it meets, which
		// depends on order by nature; compare what is order-free.
		if got[i].CheckID == "accounts.duplicate" {
			continue
		}
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("finding %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func normalise(fs []Finding) []Finding {
	for _, f := range fs {
		slices.SortFunc(f.Evidence, func(a, b Ref) int { return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID)) })
	}
	return fs
}

// TestImportanceOverride: personal information makes an asset 重要度 3
// whatever its C/I/A ratings (IPA guideline 3.1), and the checks on
// important data follow.
func TestImportanceOverride(t *testing.T) {
	level3, _ := Lookup("devices.level3_on_usb")
	for _, k := range []struct {
		name  string
		edit  func(a *inventory.Asset)
		share string // the share check that must fire when shared with a partner
	}{
		{"low ratings, no personal data", func(a *inventory.Asset) {}, ""},
		{"low ratings, personal data", func(a *inventory.Asset) { a.PersonalInfo = true }, "shares.external_important"},
		{"low ratings, sensitive data", func(a *inventory.Asset) { a.SensitiveInfo = true }, "shares.special_external"},
		{"confidentiality 3", func(a *inventory.Asset) { a.Confidentiality = 3 }, "shares.external_important"},
		{"data level 3", func(a *inventory.Asset) { a.DataLevel = 3 }, "shares.external_important"},
	} {
		t.Run(k.name, func(t *testing.T) {
			s := clean()
			a := asset(s, 301)
			a.Confidentiality, a.Integrity, a.Availability, a.DataLevel = 1, 1, 1, 1
			k.edit(a)
			if got, want := len(runOne(level3, s)) > 0, k.share != ""; got != want {
				t.Errorf("%s: fired %v, want %v", level3.ID, got, want)
			}
			for _, id := range []string{"shares.external_important", "shares.special_external"} {
				c, _ := Lookup(id)
				if got, want := len(runOne(c, s)) > 0, id == k.share; got != want {
					t.Errorf("%s: fired %v, want %v", id, got, want)
				}
			}
		})
	}
}

func TestParseDay(t *testing.T) {
	for _, k := range []struct {
		in   string
		want day
	}{
		{"1970-01-01", 719163},
		{"1970-01-02", 719164},
		{"2000-03-01", 719163 + 11017},
		{"2024-02-29", 719163 + 19782},
		{"2023-02-29", noDay},
		{"2025-13-01", noDay},
		{"2025-6-30", noDay},
		{"", noDay},
		{"退職後7年", noDay},
	} {
		if got := parseDay(k.in); got != k.want {
			t.Errorf("parseDay(%q) = %d, want %d", k.in, got, k.want)
		}
		if b, _ := k.want.MarshalJSON(); k.want != noDay && string(b) != `{"day":"`+k.in+`"}` {
			t.Errorf("day %d writes as %s, want %q", k.want, b, k.in)
		}
	}
	// Today is the calendar day in Japan: 23:30 UTC on 29 June is already
	// 30 June in Tokyo.
	if got, want := dayOf(time.Date(2025, 6, 29, 23, 30, 0, 0, time.UTC)), parseDay("2025-06-30"); got != want {
		t.Errorf("dayOf: got %d, want %d", got, want)
	}
	// A day in a detail is written each language's way.
	cat := testCatalogue(t)
	m := Msg("detail.retention_until", parseDay("2025-04-01"))
	for l, want := range map[i18n.Locale]string{i18n.Japanese: "保存期限2025年4月1日", i18n.English: "retention until 2025-04-01"} {
		if got := m.Render(func(k string, a ...any) string { return cat.T(l, k, a...) }); got != want {
			t.Errorf("%s detail: got %q, want %q", l, got, want)
		}
	}
}

func TestFreeMail(t *testing.T) {
	for d, want := range map[string]bool{
		"gmail.com": true, "yahoo.co.jp": true, "i.softbank.jp": true, "docomo.ne.jp": true,
		"mub.biglobe.ne.jp": true, "xa2.so-net.ne.jp": true,
		"example.co.jp": false, "ne.jp": false, "co.jp": false, "notgmail.com": false, "gmail.com.example": false, "": false,
	} {
		if got := isFreeMail(d); got != want {
			t.Errorf("isFreeMail(%q) = %v, want %v", d, got, want)
		}
	}
}

func TestCompanyDomainDerived(t *testing.T) {
	people := []inventory.Person{
		{Email: "a@gmail.com"}, {Email: "b@gmail.com"}, {Email: "c@gmail.com"},
		{Email: "d@Example.co.jp"}, {Email: "e@example.co.jp"}, {Email: "f@other.example"},
	}
	if got := companyDomains(nil, people); !reflect.DeepEqual(got, []string{"example.co.jp"}) {
		t.Errorf("got %v, want [example.co.jp] (free mail never counts)", got)
	}
	if got := companyDomains(nil, people[:3]); got != nil {
		t.Errorf("got %v, want none when everyone is on free mail", got)
	}
}

// TestEvaluateMatchesRun: Evaluate builds some findings in place rather
// than through Run; both ways must give the same findings.
func TestEvaluateMatchesRun(t *testing.T) {
	s := synthSmall()
	all := Evaluate(s)
	byCheck := map[string][]Finding{}
	for _, f := range all {
		byCheck[f.CheckID] = append(byCheck[f.CheckID], f)
	}
	for _, c := range Checks() {
		got := runOne(c, s)
		slices.SortStableFunc(got, func(a, b Finding) int { return cmp.Compare(a.Subject.ID, b.Subject.ID) })
		if len(got) == 0 && len(byCheck[c.ID]) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, byCheck[c.ID]) {
			t.Errorf("%s: Run gives %d findings, Evaluate %d, or they differ", c.ID, len(got), len(byCheck[c.ID]))
		}
	}
}
