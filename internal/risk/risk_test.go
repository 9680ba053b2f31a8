package risk

import (
	"errors"
	"testing"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
)

// TestLikelihoodTable checks every cell against the guideline's table as
// the facts file prints it (rows: threat 3, 2, 1; columns: vulnerability
// 3, 2, 1).
func TestLikelihoodTable(t *testing.T) {
	table := map[int]map[int]int{
		3: {3: 3, 2: 2, 1: 1},
		2: {3: 2, 2: 1, 1: 1},
		1: {3: 1, 2: 1, 1: 1},
	}
	for threat, row := range table {
		for vuln, want := range row {
			if got := Likelihood(threat, vuln); got != want {
				t.Errorf("Likelihood(%d, %d) = %d, want %d", threat, vuln, got, want)
			}
		}
	}
	for _, c := range [][2]int{{0, 1}, {1, 0}, {4, 3}, {3, 4}, {-1, 2}} {
		if got := Likelihood(c[0], c[1]); got != 0 {
			t.Errorf("Likelihood(%d, %d) = %d, want 0 (out of range)", c[0], c[1], got)
		}
	}
}

func TestValue(t *testing.T) {
	for imp := 1; imp <= 3; imp++ {
		for l := 1; l <= 3; l++ {
			if got := Value(imp, l); got != imp*l {
				t.Errorf("Value(%d, %d) = %d, want %d", imp, l, got, imp*l)
			}
		}
	}
	if got := Value(0, 3); got != 0 {
		t.Errorf("Value(0, 3) = %d, want 0", got)
	}
}

// TestPersonalInformationOverride: the register takes 重要度 from the
// inventory, where personal information raises it to 3 whatever C/I/A say.
func TestPersonalInformationOverride(t *testing.T) {
	low := inventory.Asset{Confidentiality: 1, Integrity: 1, Availability: 1}
	r := Risk{AssetID: 1, Threat: "mail_misdirect", ThreatLevel: 3, Vulnerability: 2} // likelihood 2
	if got := r.ValueFor(low.Importance()); got != 2 {
		t.Errorf("value without personal information = %d, want 2", got)
	}
	for _, flag := range []func(*inventory.Asset){
		func(a *inventory.Asset) { a.PersonalInfo = true },
		func(a *inventory.Asset) { a.SensitiveInfo = true },
		func(a *inventory.Asset) { a.MyNumber = true },
	} {
		a := low
		flag(&a)
		if got := a.Importance(); got != 3 {
			t.Fatalf("重要度 with personal information = %d, want 3", got)
		}
		if got := r.ValueFor(a.Importance()); got != 6 {
			t.Errorf("value with personal information = %d, want 6", got)
		}
		if !r.Above(a.Importance(), DefaultLine) {
			t.Errorf("risk of value 6 is not above the default line %d", DefaultLine)
		}
	}
}

func TestValidate(t *testing.T) {
	due := calendar.Date(2026, 12, 31)
	ok := Risk{AssetID: 1, Threat: "ransomware", ThreatLevel: 3, Vulnerability: 3, Treatment: Reduce, Plan: "バックアップを別の場所に", OwnerID: 4, Due: due, Status: Open}
	cases := []struct {
		name  string
		edit  func(*Risk)
		imp   int
		field string
	}{
		{"complete", func(*Risk) {}, 3, ""},
		{"threat level 0", func(r *Risk) { r.ThreatLevel = 0 }, 3, "threat_level"},
		{"threat level 4", func(r *Risk) { r.ThreatLevel = 4 }, 3, "threat_level"},
		{"vulnerability 4", func(r *Risk) { r.Vulnerability = 4 }, 3, "vulnerability"},
		{"no threat", func(r *Risk) { r.Threat = "" }, 3, "threat"},
		{"unknown treatment", func(r *Risk) { r.Treatment = "ignore" }, 3, "treatment"},
		{"above, no treatment", func(r *Risk) { r.Treatment = None }, 3, "treatment"},
		{"above, no plan", func(r *Risk) { r.Plan = "" }, 3, "plan"},
		{"above, no owner", func(r *Risk) { r.OwnerID = 0 }, 3, "owner"},
		{"above, no due", func(r *Risk) { r.Due = 0 }, 3, "due"},
		{"below the line needs nothing", func(r *Risk) { *r = Risk{AssetID: 1, Threat: "ddos", ThreatLevel: 1, Vulnerability: 3, Status: Open} }, 3, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ok
			c.edit(&r)
			err := Validate(r, c.imp, DefaultLine)
			var p *problem.Error
			switch {
			case c.field == "" && err != nil:
				t.Fatalf("got %v, want no error", err)
			case c.field != "" && (!errors.As(err, &p) || p.Field != c.field):
				t.Fatalf("got %v, want an error on %s", err, c.field)
			}
		})
	}
}

func TestOverdueAndUntreated(t *testing.T) {
	today := calendar.Date(2026, 6, 1)
	r := Risk{AssetID: 1, Threat: "ransomware", ThreatLevel: 3, Vulnerability: 3, Treatment: Reduce, Plan: "p", OwnerID: 1, Due: today.AddDays(-1), Status: Open}
	if !r.Overdue(today) {
		t.Error("a treatment due yesterday is not overdue")
	}
	r.Due = today
	if r.Overdue(today) {
		t.Error("a treatment due today is overdue")
	}
	r.Due, r.Status = today.AddDays(-1), Done
	if r.Overdue(today) {
		t.Error("a done treatment is overdue")
	}
	u := Risk{AssetID: 1, Threat: "ransomware", ThreatLevel: 3, Vulnerability: 3, Status: Open}
	if !u.Untreated(3, DefaultLine) {
		t.Error("a risk of value 9 without a treatment is not untreated")
	}
	if u.Untreated(1, 3) {
		t.Error("a risk of value 3 at line 3 counts as untreated")
	}
}

func TestHeatAndSort(t *testing.T) {
	today := calendar.Date(2026, 6, 1)
	es := []Entry{
		Assess(Risk{ID: 1, AssetID: 1, ThreatLevel: 1, Vulnerability: 1}, 1, 3, today),
		Assess(Risk{ID: 2, AssetID: 1, ThreatLevel: 3, Vulnerability: 3}, 3, 3, today),
		Assess(Risk{ID: 3, AssetID: 2, ThreatLevel: 3, Vulnerability: 2}, 3, 3, today),
	}
	Sort(es)
	if es[0].ID != 2 || es[1].ID != 3 || es[2].ID != 1 {
		t.Fatalf("order = %d %d %d, want 2 3 1", es[0].ID, es[1].ID, es[2].ID)
	}
	h := HeatOf(es)
	if h.Count[3][3] != 1 || h.Count[3][2] != 1 || h.Count[1][1] != 1 {
		t.Errorf("heat = %v, want one in [3][3], [3][2] and [1][1]", h.Count)
	}
}

func TestPropose(t *testing.T) {
	a := inventory.Asset{ID: 7, Name: "顧客名簿", DeviceIDs: []int64{3}, ServiceIDs: []int64{5}}
	shareAsset := map[int64]int64{10: 7, 11: 8}
	open := []findings.Finding{
		{CheckID: "shares.anyone_link", Subject: findings.Ref{Kind: findings.KindShare, ID: 10}},
		{CheckID: "shares.external_edit", Subject: findings.Ref{Kind: findings.KindShare, ID: 10}},
		{CheckID: "shares.anyone_link", Subject: findings.Ref{Kind: findings.KindShare, ID: 11}}, // another asset's share
		{CheckID: "devices.pc_no_encryption", Subject: findings.Ref{Kind: findings.KindDevice, ID: 3}},
		{CheckID: "devices.pc_no_encryption", Subject: findings.Ref{Kind: findings.KindDevice, ID: 4}}, // not the asset's
		{CheckID: "services.no_admin", Subject: findings.Ref{Kind: findings.KindService, ID: 5}},       // suggests nothing
	}
	got := Propose(a, open, shareAsset)
	if len(got) != 2 {
		t.Fatalf("got %d proposals (%+v), want 2", len(got), got)
	}
	if got[0].Threat != "device_loss" || got[0].Vulnerability != 3 || len(got[0].Evidence) != 1 || got[0].Evidence[0].Subject.ID != 3 {
		t.Errorf("first = %+v, want device_loss 3 from device 3", got[0])
	}
	if got[1].Threat != "share_leak" || got[1].Vulnerability != 3 || len(got[1].Evidence) != 2 {
		t.Errorf("second = %+v, want share_leak 3 from two findings on share 10", got[1])
	}
	if p := Propose(inventory.Asset{ID: 9}, open, shareAsset); len(p) != 0 {
		t.Errorf("unrelated asset got %+v, want none", p)
	}
}

// TestThreatCatalogue: every suggested threat is in the catalogue, and
// every threat's default level is valid.
func TestThreatCatalogue(t *testing.T) {
	for check, s := range suggests {
		if _, ok := LookupThreat(s.threat); !ok {
			t.Errorf("%s suggests %q, not in the catalogue", check, s.threat)
		}
		if _, ok := findings.Lookup(check); !ok {
			t.Errorf("%s is not a check", check)
		}
	}
	for _, th := range Threats {
		if !ValidLevel(th.Level) {
			t.Errorf("%s: level %d", th.ID, th.Level)
		}
	}
}
