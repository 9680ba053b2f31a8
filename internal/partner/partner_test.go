package partner

import (
	"slices"
	"testing"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/problem"
)

func TestSplitDomains(t *testing.T) {
	got := SplitDomains(" Yamada-Shoji.example, b.example\u3001c.example\uff0cd.example  e.example ")
	want := []string{"yamada-shoji.example", "b.example", "c.example", "d.example", "e.example"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestValidate(t *testing.T) {
	day := calendar.Date(2026, 4, 1)
	tests := []struct {
		name  string
		p     Partner
		field string // "" when valid
	}{
		{"name only", Partner{Name: "山田商事"}, ""},
		{"everything", Partner{Name: "山田商事", Domains: []string{"Yamada-Shoji.co.jp."}, Entrusted: true, Terms: TermsYes, AgreedOn: day, EndsOn: day.AddDays(365), Note: "NDA"}, ""},
		{"blank name", Partner{Name: " \t"}, "name"},
		{"one label", Partner{Name: "x", Domains: []string{"localhost"}}, "domains"},
		{"an address", Partner{Name: "x", Domains: []string{"a@b.example"}}, "domains"},
		{"empty label", Partner{Name: "x", Domains: []string{"a..example"}}, "domains"},
		{"hyphen at the edge", Partner{Name: "x", Domains: []string{"-a.example"}}, "domains"},
		{"unknown terms", Partner{Name: "x", Terms: "perhaps"}, "terms"},
		{"agreed without terms", Partner{Name: "x", Terms: TermsUnchecked, AgreedOn: day}, "agreed_on"},
		{"ends before agreed", Partner{Name: "x", Terms: TermsYes, AgreedOn: day, EndsOn: day - 1}, "ends_on"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			e, _ := problem.As(err)
			switch {
			case tt.field == "" && err != nil:
				t.Errorf("got %v, want valid", err)
			case tt.field != "" && (e == nil || e.Field != tt.field):
				t.Errorf("got %v, want refused naming %s", err, tt.field)
			}
		})
	}
	p := Partner{Name: " 山田商事 ", Domains: []string{"A.example.", "a.example"}}
	if err := p.Validate(); err != nil || p.Name != "山田商事" || !slices.Equal(p.Domains, []string{"a.example"}) {
		t.Errorf("normalized to %+v (%v), want trimmed name and one lower-case domain", p, err)
	}
}
