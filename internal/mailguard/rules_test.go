package mailguard

import (
	"slices"
	"strings"
	"testing"
)

func codes(d Decision) []string {
	var out []string
	for _, r := range d.Reasons {
		out = append(out, r.Code)
	}
	return out
}

func TestDecide(t *testing.T) {
	p := DefaultPolicy
	p.InternalDomains = []string{"example.co.jp"}
	p.HoldMode = HoldRisky
	p.Partners = []Partner{{Name: "山田商事", Domains: []string{"yamada-shoji.co.jp"}}, {Name: "Acme", Domains: []string{"acme.com"}}, {Name: "つばさ給与", Entrusted: true}}
	knownAll := func(string) bool { return true }
	knownNone := func(string) bool { return false }
	many := []string{"a@cust.jp", "b@cust.jp", "c@cust.jp", "d@cust.jp", "e@cust.jp"}
	cases := []struct {
		name    string
		s       Summary
		known   func(string) bool
		want    []string
		hold    bool
		confirm bool
		refuse  bool
	}{
		{"internal passes", Summary{Rcpts: []string{"x@example.co.jp", "y@sales.example.co.jp"}}, knownNone, nil, false, false, false},
		{"known external, risky mode, passes", Summary{Rcpts: []string{"x@acme.com"}, To: []string{"x@acme.com"}}, knownAll, nil, false, false, false},
		{"first-time domain", Summary{Rcpts: []string{"x@new.jp"}}, knownNone, []string{"first_domain"}, true, true, false},
		{"look-alike", Summary{Rcpts: []string{"x@yamada-shojl.co.jp"}}, knownAll, []string{"look_alike"}, true, true, false},
		{"look-alike by swap", Summary{Rcpts: []string{"x@amce.com"}}, knownAll, []string{"look_alike"}, true, true, false},
		{"look-alike rn for m", Summary{Rcpts: []string{"x@yarnada-shoji.co.jp"}}, knownAll, []string{"look_alike"}, true, true, false},
		{"many in To become Bcc", Summary{Rcpts: many, To: many}, knownAll, []string{"bulk_bcc"}, true, false, false},
		{"several orgs", Summary{Rcpts: []string{"x@acme.com", "y@cust.jp"}}, knownAll, []string{"several_orgs"}, true, true, false},
		{"partner name elsewhere", Summary{Rcpts: []string{"x@cust.jp"}, Text: "山田商事 様\nお世話になっております。"}, knownAll, []string{"partner_name"}, true, true, false},
		// A contractor in the partners register without domains says
		// nothing about which recipients are right.
		{"partner without domains named", Summary{Rcpts: []string{"x@acme.com"}, Text: "つばさ給与 様"}, knownAll, nil, false, false, false},
		{"partner name to partner", Summary{Rcpts: []string{"x@yamada-shoji.co.jp"}, Text: "山田商事 様"}, knownAll, nil, false, false, false},
		{"more than 1,000 people", Summary{Rcpts: []string{"x@acme.com"}, People: 1001}, knownAll, []string{"many_people"}, true, true, false},
		{"attachment linked", Summary{Rcpts: []string{"x@acme.com"}, Attachments: []Attachment{{Name: "見積書.pdf"}}}, knownAll, []string{"attachments_linked"}, true, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := Decide(p, c.s, c.known)
			got := codes(d)
			if len(got) != len(c.want) {
				t.Fatalf("reasons = %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("reasons = %v, want %v", got, c.want)
				}
			}
			if d.Hold != c.hold || d.Confirm != c.confirm || d.Refuse != c.refuse {
				t.Errorf("hold, confirm, refuse = %v %v %v, want %v %v %v", d.Hold, d.Confirm, d.Refuse, c.hold, c.confirm, c.refuse)
			}
		})
	}
	t.Run("refuse policy", func(t *testing.T) {
		q := p
		q.BulkAction = BulkRefuse
		if d := Decide(q, Summary{Rcpts: many, Cc: many}, knownAll); !d.Refuse {
			t.Errorf("refuse = false, want true")
		}
	})
	t.Run("personal data refused, but never more than 1,000 people", func(t *testing.T) {
		q := p
		q.PersonalAction = PersonalRefuse
		if d := Decide(q, Summary{Rcpts: []string{"x@acme.com"}, People: 3}, knownAll); !d.Refuse || codes(d)[0] != "personal_refused" {
			t.Errorf("3 people: got %+v, want refused", d)
		}
		if d := Decide(q, Summary{Rcpts: []string{"x@example.co.jp"}, People: 3}, knownAll); d.Refuse || d.Hold {
			t.Errorf("3 people to a colleague: got %+v, want passed", d)
		}
		if d := Decide(q, Summary{Rcpts: []string{"x@acme.com"}, People: 1001}, knownAll); d.Refuse || !d.Confirm || codes(d)[0] != "many_people" {
			t.Errorf("1,001 people: got %+v, want held for confirmation", d)
		}
	})
	t.Run("zip domains", func(t *testing.T) {
		q := p
		q.ZipDomains = []string{"acme.com"}
		att := []Attachment{{Name: "給与.xlsx"}}
		if d := Decide(q, Summary{Rcpts: []string{"x@acme.com"}, Attachments: att}, knownAll); !d.Links || strings.Join(codes(d), " ") != "attachments_zipped" || d.Reasons[0].Args[1] != "acme.com" {
			t.Errorf("to a zip domain only: got %+v, want only attachments_zipped naming acme.com", d)
		}
		if d := Decide(q, Summary{Rcpts: []string{"y@sub.acme.com"}, Attachments: att}, knownAll); strings.Join(codes(d), " ") != "attachments_zipped" {
			t.Errorf("to a subdomain of a zip domain: got %v, want only attachments_zipped", codes(d))
		}
		if d := Decide(q, Summary{Rcpts: []string{"x@acme.com", "y@cust.jp"}, Attachments: att}, knownAll); !slices.Contains(codes(d), "attachments_linked") || !slices.Contains(codes(d), "attachments_zipped") {
			t.Errorf("to a zip domain and another: got %v, want both linked and zipped", codes(d))
		}
	})
	t.Run("hold all", func(t *testing.T) {
		q := p
		q.HoldMode = HoldAll
		d := Decide(q, Summary{Rcpts: []string{"x@acme.com"}}, knownAll)
		if !d.Hold || d.Confirm || len(d.Reasons) != 1 || d.Reasons[0].Code != "external" {
			t.Errorf("got %+v, want a plain hold", d)
		}
	})
}
