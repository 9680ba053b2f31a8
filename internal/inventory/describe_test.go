package inventory

import (
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/problem"
)

// TestDescriptionsAreComplete: every label and every value's label is in
// the catalogues, every field the validation should see is bound to the
// record, and each kind has a natural key named by a text field.
func TestDescriptionsAreComplete(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Kinds {
		if len(k.NaturalKey()) == 0 || k.KeyField().Type != Text && k.KeyField().Type != Email {
			t.Errorf("%s: natural key %v named by %s, want a text field", k.Slug, k.NaturalKey(), k.KeyField().Key)
		}
		for _, f := range k.Fields {
			if !cat.Has(f.Label) {
				t.Errorf("%s.%s: label %q missing from a catalogue", k.Slug, f.Key, f.Label)
			}
			for _, v := range f.Values {
				if !cat.Has(v.Label) {
					t.Errorf("%s.%s: value label %q missing from a catalogue", k.Slug, f.Key, v.Label)
				}
			}
			if f.Required && !cat.Has(f.Missing) {
				t.Errorf("%s.%s: refusal %q missing from a catalogue", k.Slug, f.Key, f.Missing)
			}
			switch f.Type {
			case Text, LongText, Email, Date, Enum, TriState, Country, Retention:
				if f.str == nil {
					t.Errorf("%s.%s: not bound to the record, so never validated", k.Slug, f.Key)
				}
			case Int:
				if f.num == nil {
					t.Errorf("%s.%s: not bound to the record", k.Slug, f.Key)
				}
			}
		}
	}
}

// TestCheckRefuses: the one validation, without a database.
func TestCheckRefuses(t *testing.T) {
	valid := func() Service { return Service{Name: "会計", Category: Cloud, MFA: MFANone} }
	tests := []struct {
		name  string
		edit  func(*Service)
		field string
		key   string
	}{
		{"valid", func(*Service) {}, "", ""},
		{"900,000 characters", func(s *Service) { s.Name = strings.Repeat("長", 900_000) }, "name", "inventory.too_long"},
		{"201 characters", func(s *Service) { s.Name = strings.Repeat("a", MaxName+1) }, "name", "inventory.too_long"},
		{"200 characters", func(s *Service) { s.Name = strings.Repeat("a", MaxName) }, "", ""},
		{"invalid UTF-8", func(s *Service) { s.Name = "a\xff" }, "name", "inventory.text_encoding"},
		{"NUL", func(s *Service) { s.Name = "a\x00b" }, "name", "inventory.text_control"},
		{"escape", func(s *Service) { s.Name = "a\x1b[31m" }, "name", "inventory.text_control"},
		{"C1 control", func(s *Service) { s.Name = "a\u0085b" }, "name", "inventory.text_control"},
		{"line break in a name", func(s *Service) { s.Name = "a\nb" }, "name", "inventory.text_control"},
		{"line break in notes", func(s *Service) { s.Notes = "a\r\nb\tc" }, "", ""},
		{"NUL in notes", func(s *Service) { s.Notes = "a\x00" }, "notes", "inventory.text_control"},
		{"blank name", func(s *Service) { s.Name = "  " }, "name", "inventory.name_required"},
		{"bad enum", func(s *Service) { s.Category = "saas" }, "category", "inventory.value_invalid"},
		{"bad date", func(s *Service) { s.CloudCheckDone = "2026-02-30" }, "cloud_check_done", "inventory.date_invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := valid()
			tt.edit(&s)
			err := s.Validate()
			if tt.key == "" {
				if err != nil {
					t.Fatalf("got %v, want accepted", err)
				}
				return
			}
			e, ok := problem.As(err)
			if !ok || e.Key != tt.key || e.Field != tt.field {
				t.Fatalf("got %v, want %s on %s", err, tt.key, tt.field)
			}
		})
	}
	p := Person{Name: "山田", EmploymentType: FullTime, Email: "a@b"}
	if e, ok := problem.As(p.Validate()); !ok || e.Field != "email" || e.Key != "inventory.email_invalid" {
		t.Errorf("address without a dot in its domain: got %v, want inventory.email_invalid on email", p.Validate())
	}
	a := Asset{Name: "台帳", Confidentiality: 3}
	if err := a.Validate(); err != nil {
		t.Errorf("asset with integrity and availability not rated: got %v, want accepted", err)
	}
	sh := Share{ServiceID: 1, Path: "/x", Scope: AnyoneWithLink, Permission: ShareView}
	if e, ok := problem.As(Shares.Duplicate(&sh)); !ok || e.Field != "path" || e.Key != "inventory.duplicate" || e.Args[0] != "/x" {
		t.Errorf("duplicate share: got %v, want inventory.duplicate on path", Shares.Duplicate(&sh))
	}
}

// TestMerge: a file changes only the columns it carries, a blank
// enumeration without a blank value says nothing, and the natural key is
// left to the match.
func TestMerge(t *testing.T) {
	cur := Device{Name: "PC-01", Kind: PC, Ownership: CompanyIssued, Network: Internal, DiskEncryption: Yes, OSVersion: "Windows 10"}
	src := Device{Name: "pc-01", Kind: "", Ownership: BYOD, Network: "", DiskEncryption: Unknown, OSVersion: "Windows 11"}
	got := cur
	Devices.Merge(&got, &src, func(col string) bool { return col != "ownership" })
	want := Device{Name: "PC-01", Kind: PC, Ownership: CompanyIssued, Network: Internal, DiskEncryption: Unknown, OSVersion: "Windows 11"}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	s := Service{Name: "会計", Category: OnPrem, SSO: true}
	Services.Merge(&s, &Service{Name: "x", SSO: false, Notes: "n"}, func(string) bool { return true })
	if s.Name != "会計" || s.Category != OnPrem || s.SSO || s.Notes != "n" {
		t.Errorf("service: got %+v", s)
	}
}
