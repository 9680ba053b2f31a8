package findings

import (
	"testing"
)

// everything is an inventory with records in every area.
var everything = Records{KindAccount: 40, KindDevice: 20, KindShare: 30, KindService: 8, KindPerson: 25, KindAsset: 10}

// demoOpen is the open findings of the demo company at the time of
// writing: many of every area, eleven administrators without a second
// factor among them.
var demoOpen = []OpenCount{
	{"accounts.admin_no_mfa", KindAccount, Critical, 11}, {"accounts.login_after_leave", KindAccount, Critical, 3},
	{"accounts.access_expired", KindAccount, High, 3}, {"accounts.shared_admin", KindAccount, High, 3},
	{"accounts.internet_no_mfa", KindAccount, Medium, 27}, {"accounts.dormant", KindAccount, Medium, 8}, {"accounts.orphan", KindAccount, Medium, 8},
	{"accounts.guest_no_end", KindAccount, Low, 4},
	{"network.vpn_outdated", KindDevice, Critical, 3}, {"devices.pc_no_encryption", KindDevice, High, 4}, {"network.default_password", KindDevice, High, 3},
	{"devices.os_outdated", KindDevice, Medium, 3}, {"network.firmware_outdated", KindDevice, Medium, 4}, {"devices.encryption_unknown", KindDevice, Low, 4},
	{"shares.open_important", KindShare, Critical, 2}, {"shares.special_external", KindShare, Critical, 1}, {"shares.external_important", KindShare, High, 4},
	{"shares.external_edit", KindShare, Medium, 6}, {"shares.no_expiry", KindShare, Medium, 10},
	{"services.mfa_none_personal", KindService, High, 1}, {"services.mfa_not_enforced", KindService, Medium, 9}, {"services.too_many_admins", KindService, Medium, 4},
	{"people.departed_active", KindPerson, Critical, 2}, {"people.departed_devices", KindPerson, High, 1},
	{"assets.mynumber_on_pc", KindAsset, Medium, 1}, {"assets.no_retention", KindAsset, Low, 3},
}

// fixOne is open with one finding of check id fixed.
func fixOne(open []OpenCount, id string) []OpenCount {
	out := make([]OpenCount, 0, len(open))
	for _, c := range open {
		if c.CheckID == id {
			c.Open--
		}
		out = append(out, c)
	}
	return out
}

func TestScoreMovesWhenOneFindingOfEachAreaIsFixed(t *testing.T) {
	for _, a := range AreaList() {
		t.Run(string(a), func(t *testing.T) {
			fixed := false
			for _, c := range demoOpen {
				if AreaOf(c.Kind) != a {
					continue
				}
				fixed = true
				before, after := ScoreOf(demoOpen, everything), ScoreOf(fixOne(demoOpen, c.CheckID), everything)
				if !(after.Exact > before.Exact) {
					t.Errorf("fixing one of %d %s: got %.3f after, %.3f before, want a higher score", c.Open, c.CheckID, after.Exact, before.Exact)
				}
				// What pages show moves too: to a tenth, at least.
				if after.Shown() == before.Shown() && c.Open > 1 && c.Severity >= High {
					t.Errorf("fixing one of %d %s: shown score stays %s", c.Open, c.CheckID, after.Shown())
				}
			}
			if !fixed {
				t.Fatalf("no finding of area %s in the fixture", a)
			}
		})
	}
	// The one of eleven administrators without a second factor.
	before, after := ScoreOf(demoOpen, everything), ScoreOf(fixOne(demoOpen, "accounts.admin_no_mfa"), everything)
	if after.Shown() == before.Shown() {
		t.Errorf("fixing one of eleven administrators: shown score stays %s", after.Shown())
	}
}

func TestScoreOfDemoIsBetweenZeroAndHundred(t *testing.T) {
	s := ScoreOf(demoOpen, everything)
	if !s.Assessed || s.Exact <= 0 || s.Exact >= 100 || s.Value <= 0 || s.Value >= 100 {
		t.Fatalf("got %.2f (value %d, assessed %v), want strictly between 0 and 100", s.Exact, s.Value, s.Assessed)
	}
	if s.AreasAssessed != 6 || s.Confidence != 100 {
		t.Errorf("got %d areas assessed, confidence %d, want 6 and 100", s.AreasAssessed, s.Confidence)
	}
	for _, a := range s.Areas {
		if a.Result <= 0 || a.Result >= 100 {
			t.Errorf("area %s: got %.2f, want strictly between 0 and 100", a.Area, a.Result)
		}
	}
}

func TestScoreOfEmptyAreaIsNotAssessed(t *testing.T) {
	// Accounts and devices known, nothing about shares, services, people
	// or assets.
	open := []OpenCount{{"accounts.admin_no_mfa", KindAccount, Critical, 1}}
	s := ScoreOf(open, Records{KindAccount: 10, KindDevice: 5})
	if s.AreasAssessed != 2 || s.Confidence != 50 {
		t.Errorf("got %d areas assessed, confidence %d, want 2 and 50", s.AreasAssessed, s.Confidence)
	}
	for _, a := range s.Areas {
		want := a.Area == AreaAccounts || a.Area == AreaDevices
		if a.Assessed != want {
			t.Errorf("area %s: assessed %v, want %v", a.Area, a.Assessed, want)
		}
	}
	// The empty areas do not pass: the overall score is the assessed
	// areas' alone (accounts 83.3 at weight 30, devices 100 at 20).
	want := (30*areaResult(20) + 20*100) / 50
	if s.Exact != want {
		t.Errorf("got %.3f, want %.3f, the assessed areas' weighted average", s.Exact, want)
	}
	// Adding a clean area raises the confidence, not the score to 100.
	more := ScoreOf(open, Records{KindAccount: 10, KindDevice: 5, KindShare: 3})
	if more.Confidence != 70 || more.Exact >= 100 {
		t.Errorf("got confidence %d, score %.2f, want 70 and below 100", more.Confidence, more.Exact)
	}
}

func TestScoreOfNoDataHasNoScore(t *testing.T) {
	for _, records := range []Records{nil, {}} {
		s := ScoreOf(nil, records)
		if s.Assessed || s.AreasAssessed != 0 || s.Confidence != 0 || s.Value == 100 || len(s.Deductions) != 0 {
			t.Errorf("empty inventory: got %+v, want no score", s)
		}
	}
}

func TestScoreOfPeopleOnlyDoesNotPass(t *testing.T) {
	// A company that imported its staff and nothing else: five of the six
	// areas are not assessed, and what is left is too little to score.
	for _, open := range [][]OpenCount{nil, {{"people.no_accounts", KindPerson, Medium, 8}}} {
		s := ScoreOf(open, Records{KindPerson: 8})
		if s.Assessed || s.Value == 100 || s.Shown() == "100.0" {
			t.Errorf("people only, %d open: got %s (assessed %v), want no score", len(open), s.Shown(), s.Assessed)
		}
		if s.AreasAssessed != 1 || s.Confidence != 10 {
			t.Errorf("got %d areas, confidence %d, want 1 and 10", s.AreasAssessed, s.Confidence)
		}
	}
	// With the accounts too there is a score, over those two areas.
	s := ScoreOf(nil, Records{KindPerson: 8, KindAccount: 8})
	if !s.Assessed || s.Confidence != 40 {
		t.Errorf("people and accounts: got assessed %v, confidence %d, want a score at 40", s.Assessed, s.Confidence)
	}
}

func TestScoreOfDiminishesPerRecord(t *testing.T) {
	one := ScoreOf([]OpenCount{{"a", KindAccount, Critical, 1}}, Records{KindAccount: 20})
	two := ScoreOf([]OpenCount{{"a", KindAccount, Critical, 2}}, Records{KindAccount: 20})
	eleven := ScoreOf([]OpenCount{{"a", KindAccount, Critical, 11}}, Records{KindAccount: 20})
	if got := one.Areas[0].Deducted; got != 20 {
		t.Errorf("one critical: deducted %.1f, want 20", got)
	}
	if got := two.Areas[0].Deducted; got != 30 {
		t.Errorf("two criticals of one check: deducted %.1f, want 30 (the second half)", got)
	}
	if got := eleven.Areas[0].Deducted; got != 120 {
		t.Errorf("eleven criticals of one check: deducted %.1f, want 120", got)
	}
	if !(one.Exact > two.Exact && two.Exact > eleven.Exact && eleven.Exact > 0) {
		t.Errorf("got %.2f, %.2f, %.2f, want falling and above 0", one.Exact, two.Exact, eleven.Exact)
	}
	// A critical outweighs a low of the same count.
	low := ScoreOf([]OpenCount{{"a", KindAccount, Low, 1}}, Records{KindAccount: 20})
	if !(low.Exact > one.Exact) {
		t.Errorf("one low %.2f, one critical %.2f: want the low to cost less", low.Exact, one.Exact)
	}
}

func TestScoreTopIsByGain(t *testing.T) {
	s := ScoreOf([]OpenCount{
		{"assets.x", KindAsset, Critical, 1},     // weight 5
		{"accounts.y", KindAccount, Critical, 1}, // weight 30
		{"accounts.z", KindAccount, Low, 3},
	}, everything)
	top := s.Top(2)
	if len(top) != 2 || top[0].CheckID != "accounts.y" {
		t.Fatalf("got %+v, want accounts.y first: its area weighs the most", top)
	}
	if s.Count(int(Critical)) != 2 || s.Count(int(Low)) != 3 {
		t.Errorf("counts: got %v", s.Counts)
	}
	for _, d := range s.Deductions {
		if d.Gain <= 0 {
			t.Errorf("%s: gain %.3f, want above 0", d.CheckID, d.Gain)
		}
	}
}
