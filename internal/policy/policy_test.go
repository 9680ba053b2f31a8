package policy_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/policy"
	"github.com/mamori-sec/mamori/internal/problem"
)

func TestGenerateFillsFacts(t *testing.T) {
	f := policy.Facts{Company: "さくら工務店", Date: "2026年12月6日", Services: []string{"Microsoft 365", "freee"}, Cloud: []string{"freee", "Box"},
		Chat: []string{"Microsoft 365", "Slack"}, PCs: 7, Phones: 3, Roles: map[policy.Role]string{policy.SecurityLead: "佐藤一郎", policy.TrainingLead: "鈴木花子"},
		Contacts: policy.WithDefaults([]policy.Contact{{Kind: policy.ITVendor, Name: "青葉システム", Phone: "03-1234-5678"}})}
	for _, l := range []string{"ja", "en"} {
		t.Run(l, func(t *testing.T) {
			basic, rules, err := policy.Generate(l, f)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(basic, "さくら工務店") || !strings.Contains(basic, "2026年12月6日") {
				t.Errorf("basic policy lacks the company or the date:\n%s", basic)
			}
			for _, want := range []string{"佐藤一郎", "鈴木花子", "Box", "Slack", "7", "青葉システム", "03-1234-5678", "#9110", "https://www.ppc.go.jp/"} {
				if !strings.Contains(rules, want) {
					t.Errorf("rules lack %q", want)
				}
			}
			// The basic policy is published: nothing of the inventory in it.
			for _, secret := range []string{"佐藤一郎", "Slack", "青葉システム", "freee"} {
				if strings.Contains(basic, secret) {
					t.Errorf("basic policy shows %q", secret)
				}
			}
			if n := len(policy.Chapters(rules)); n != 11 {
				t.Errorf("got %d chapters, want 11", n)
			}
			for _, a := range policy.Audiences {
				s, err := policy.Sheet(l, a, f)
				if err != nil || !strings.Contains(s, "さくら工務店") {
					t.Errorf("sheet %s: %v\n%s", a, err, s)
				}
				items := 0
				for _, b := range policy.Blocks(s) {
					if b.Kind == "ol" {
						items++
					}
				}
				if items != 3 {
					t.Errorf("sheet %s: got %d rules, want 3", a, items)
				}
			}
		})
	}
	// Unassigned roles say so rather than leaving a hole.
	_, rules, _ := policy.Generate("ja", policy.Facts{Company: "x"})
	if !strings.Contains(rules, "情報セキュリティ責任者：未定。") || !strings.Contains(rules, "（まだ登録されていません）") {
		t.Errorf("got rules without the unassigned words:\n%s", rules)
	}
}

func TestDiff(t *testing.T) {
	a := "# 方針\n一\n二\n三\n四\n五\n六\n七\n八\n"
	b := "# 方針\n一\n二\n三\n四\n五\n六\n七（改）\n八\n九\n"
	d := policy.Diff(a, b, 1)
	var got []string
	for _, l := range d {
		switch l.Op {
		case policy.Skipped:
			got = append(got, "…"+string(rune('0'+l.Skip)))
		default:
			got = append(got, string(l.Op[0])+l.Text)
		}
	}
	want := []string{"…6", "s六", "r七", "a七（改）", "s八", "a九"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %v, want %v", got, want)
	}
	if !policy.Changed(d) {
		t.Error("got unchanged, want changed")
	}
	if policy.Changed(policy.Diff(a, strings.ReplaceAll(a, "\n", "\r\n"), 2)) {
		t.Error("line ends alone count as a change")
	}
	// A text longer than the table bound is shown whole, not dropped.
	long := strings.Repeat("x\n", 5000)
	if d := policy.Diff(long, long+"y\n", 0); !policy.Changed(d) {
		t.Error("a long text's change is lost")
	}
}

func TestContactValidation(t *testing.T) {
	cases := []struct {
		c     policy.Contact
		field string
	}{
		{policy.Contact{Kind: policy.Police, Phone: "#9110"}, ""},
		{policy.Contact{Kind: policy.ITVendor, Phone: "03-1234-5678", Email: "help@vendor.example", URL: "https://vendor.example/support"}, ""},
		{policy.Contact{Kind: policy.Insurer, Phone: "０３−１２３４−５６７８"}, ""},
		{policy.Contact{Kind: policy.Insurer, Phone: "０３-１２３４-５６７８"}, ""},
		{policy.Contact{Kind: policy.Inside, Phone: "call me"}, "contact_inside_phone"},
		{policy.Contact{Kind: policy.Inside, Email: "not an address"}, "contact_inside_email"},
		{policy.Contact{Kind: policy.Inside, Email: "A <a@b.example>"}, "contact_inside_email"},
		{policy.Contact{Kind: policy.IPA, URL: "javascript:alert(1)"}, "contact_ipa_url"},
		{policy.Contact{Kind: policy.IPA, URL: "//evil.example"}, "contact_ipa_url"},
		{policy.Contact{Kind: policy.Inside, Name: "a\x00b"}, "contact_inside_name"},
		{policy.Contact{Kind: policy.Inside, Name: strings.Repeat("長", 201)}, "contact_inside_name"},
		{policy.Contact{Kind: "fax"}, "kind"},
	}
	for _, c := range cases {
		err := c.c.Validate()
		e, _ := problem.As(err)
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%+v: got %v, want accepted", c.c, err)
		case c.field != "" && (e == nil || e.Field != c.field):
			t.Errorf("%+v: got %v, want refused on %s", c.c, err, c.field)
		}
	}
	m := policy.Mark{Item: "action_8"}
	if err := m.Validate(); err == nil {
		t.Error("an item off the checklist accepted")
	}
	m = policy.Mark{Item: "action_7", Link: "file:///etc/passwd"}
	if err := m.Validate(); err == nil {
		t.Error("a file: link accepted as evidence")
	}
	if !policy.Role("inspection_lead").Valid() || policy.Role("ceo").Valid() {
		t.Error("role validity wrong")
	}
}

func TestWithDefaults(t *testing.T) {
	got := policy.WithDefaults([]policy.Contact{{Kind: policy.Police, Phone: "03-3581-4321"}})
	if len(got) != len(policy.ContactKinds) {
		t.Fatalf("got %d contacts, want %d", len(got), len(policy.ContactKinds))
	}
	for _, c := range got {
		switch c.Kind {
		case policy.Police:
			if c.Phone != "03-3581-4321" || c.Default {
				t.Errorf("got %+v, want the company's own police contact", c)
			}
		case policy.Regulator:
			if !c.Default || c.URL == "" {
				t.Errorf("got %+v, want the public default", c)
			}
		case policy.Inside:
			if c.Set() {
				t.Errorf("got %+v, want no default for the company's own desk", c)
			}
		}
	}
}

func TestStateOf(t *testing.T) {
	pub := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	for _, c := range []struct {
		now   time.Duration
		acked bool
		want  policy.AckState
	}{{0, false, policy.ToAck}, {7*day - time.Second, false, policy.ToAck}, {7 * day, false, policy.ReminderDue},
		{30*day - time.Second, false, policy.ReminderDue}, {30 * day, false, policy.Overdue}, {40 * day, true, policy.Acknowledged}} {
		var acked time.Time
		if c.acked {
			acked = pub.Add(day)
		}
		if got := policy.StateOf(pub, acked, pub.Add(c.now)); got != c.want {
			t.Errorf("after %v acked=%v: got %s, want %s", c.now, c.acked, got, c.want)
		}
	}
	if policy.Rate(2, 3) != 66 || policy.Rate(0, 0) != -1 || policy.Rate(3, 3) != 100 {
		t.Error("rate wrong")
	}
}

func TestBlocks(t *testing.T) {
	got := policy.Blocks("# 題\n\n本文の\n続き\n- 項目\n1. 一つ目\n## 節\n")
	want := []policy.Block{{"h1", "題"}, {"p", "本文の 続き"}, {"li", "項目"}, {"ol", "1. 一つ目"}, {"h2", "節"}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("block %d: got %v, want %v", i, got[i], want[i])
		}
	}
}

// TestRulesCoverConfidentiality: the generated rules in both languages
// hold the staff's duty of confidentiality, which the self-diagnosis
// (question 19) looks for; rules without such a heading do not count, and
// a mention in passing is not a section.
func TestRulesCoverConfidentiality(t *testing.T) {
	for _, l := range []string{"ja", "en"} {
		_, rules, err := policy.Generate(l, policy.Facts{})
		if err != nil {
			t.Fatal(err)
		}
		if !policy.CoversConfidentiality(rules) {
			t.Errorf("%s: generated rules have no confidentiality section", l)
		}
		if policy.CoversConfidentiality(strings.ReplaceAll(strings.ReplaceAll(rules, "## 秘密保持", "## 情報の扱い"), "## Confidentiality", "## Handling")) {
			t.Errorf("%s: rules without the heading still count as covering confidentiality", l)
		}
	}
	if policy.CoversConfidentiality("# 第2章\n- お客さまの秘密保持に配慮します。\n") {
		t.Error("a bullet mentioning 秘密保持 counts as a section, want only headings")
	}
	if !policy.CoversConfidentiality("", "# Rules\n\n## Staff confidentiality duty\n- …\n") {
		t.Error("an English heading in the second text is not found")
	}
}
