package routine

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"

	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/inventory"
)

func day(s string) calendar.Day {
	d, err := calendar.ParseISO(s)
	if err != nil {
		panic(err)
	}
	return d
}

func ids(items []Item) []string {
	var out []string
	for _, it := range items {
		id := it.Chore.ID
		if it.Service != "" {
			id += "@" + it.Service
		}
		out = append(out, id)
	}
	return out
}

func TestPlanFollowsTheInventory(t *testing.T) {
	gws := inventory.Service{ID: 1, Name: "Google Workspace", Category: inventory.Cloud}
	box := inventory.Service{ID: 2, Name: "Box", Category: inventory.Cloud}
	fileServer := inventory.Service{ID: 3, Name: "社内ファイルサーバー", Category: inventory.OnPrem}
	for _, c := range []struct {
		name string
		inv  Inventory
		want []string
	}{
		{"empty company: only the yearly chores every company has", Inventory{},
			[]string{"yearly.policy_review", "yearly.self_diagnosis", "yearly.incident_drill"}},
		{"people and one cloud service with accounts", Inventory{
			People:   []inventory.Person{{ID: 1, Name: "佐藤"}},
			Services: []inventory.Service{gws},
			Accounts: []inventory.Account{{ID: 1, ServiceID: 1, Status: inventory.Active, Privilege: inventory.Edit}},
		}, []string{"weekly.signin_review", "monthly.account_review@Google Workspace",
			"yearly.policy_review", "yearly.self_diagnosis", "yearly.training_refresh", "yearly.incident_drill", "yearly.supplier_review"}},
		{"a VPN appliance brings the firmware check, a NAS the backup and restore test", Inventory{
			Devices: []inventory.Device{{ID: 1, Kind: inventory.VPN}, {ID: 2, Kind: inventory.NAS}},
		}, []string{"weekly.pending_updates", "monthly.backup_check", "quarterly.restore_test", "quarterly.device_stocktake",
			"quarterly.network_firmware", "yearly.policy_review", "yearly.self_diagnosis", "yearly.incident_drill"}},
		{"a disposed VPN appliance brings nothing", Inventory{
			Devices: []inventory.Device{{ID: 1, Kind: inventory.VPN, DisposedOn: "2026-01-10"}},
		}, []string{"yearly.policy_review", "yearly.self_diagnosis", "yearly.incident_drill"}},
		{"a service holding personal data gets its own share review; an admin brings the privilege review", Inventory{
			Services: []inventory.Service{gws, box, fileServer},
			Accounts: []inventory.Account{{ID: 1, ServiceID: 2, Status: inventory.Active, Privilege: inventory.Admin},
				{ID: 2, ServiceID: 1, Status: inventory.Deleted}},
			Assets: []inventory.Asset{{ID: 1, Name: "顧客名簿", PersonalInfo: true, ServiceIDs: []int64{2, 3}}},
			Shares: []inventory.Share{{ID: 1, ServiceID: 1, Scope: inventory.AnyoneWithLink}},
		}, []string{"weekly.signin_review",
			"monthly.share_review@Box", "monthly.share_review@Google Workspace", "monthly.share_review@社内ファイルサーバー",
			"monthly.account_review@Box", "monthly.backup_check", "quarterly.restore_test", "quarterly.privilege_review",
			"yearly.policy_review", "yearly.self_diagnosis", "yearly.incident_drill", "yearly.supplier_review", "yearly.risk_analysis"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := ids(Plan(c.inv)); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %v,\nwant %v", got, c.want)
			}
		})
	}
}

func dates(ds []calendar.Day) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.String())
	}
	return out
}

func TestDueDaysAvoidDaysOff(t *testing.T) {
	for _, c := range []struct {
		name     string
		s        Schedule
		from, to string
		want     []string
	}{
		{"weekly on Monday; 成人の日 and a 振替休日 move to Tuesday", Schedule{Cadence: Weekly, Weekday: time.Monday},
			"2027-01-01", "2027-01-31", []string{"2027-01-04", "2027-01-12", "2027-01-18", "2027-01-25"}},
		{"weekly across Golden Week 2026", Schedule{Cadence: Weekly, Weekday: time.Monday},
			"2026-04-27", "2026-05-11", []string{"2026-04-27", "2026-05-07", "2026-05-11"}},
		{"monthly on the 25th; a weekend moves to Monday", Schedule{Cadence: Monthly, Day: 25},
			"2026-09-01", "2026-12-31", []string{"2026-09-25", "2026-10-26", "2026-11-25", "2026-12-25"}},
		{"quarterly from March", Schedule{Cadence: Quarterly, Day: 25, Month: time.March},
			"2026-01-01", "2026-12-31", []string{"2026-03-25", "2026-06-25", "2026-09-25", "2026-12-25"}},
		{"yearly on 3 May moves past Golden Week", Schedule{Cadence: Yearly, Day: 3, Month: time.May},
			"2026-01-01", "2027-12-31", []string{"2026-05-07", "2027-05-06"}},
		{"Silver Week 2026", Schedule{Cadence: Monthly, Day: 21},
			"2026-09-01", "2026-09-30", []string{"2026-09-24"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.s.Due(day(c.from), day(c.to))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(dates(got), c.want) {
				t.Errorf("got %v, want %v", dates(got), c.want)
			}
		})
	}
}

func TestDueOutsideTheHolidayTableFails(t *testing.T) {
	s := Schedule{Cadence: Monthly, Day: 10}
	if _, err := s.Due(day("2030-12-01"), day("2031-02-01")); err == nil {
		t.Fatal("got due days in 2031, which the holiday table does not cover; want an error")
	}
}

func TestScheduleValidation(t *testing.T) {
	for _, c := range []struct {
		s     Schedule
		field string
	}{
		{Schedule{Cadence: "daily"}, "cadence"},
		{Schedule{Cadence: Monthly, Day: 31}, "day"},
		{Schedule{Cadence: Monthly, Day: 0}, "day"},
		{Schedule{Cadence: Quarterly, Day: 1, Month: time.April}, "month"},
		{Schedule{Cadence: Yearly, Day: 1, Month: 13}, "month"},
		{Schedule{Cadence: Weekly, Weekday: 7}, "weekday"},
		{Schedule{Cadence: Yearly, Day: 28, Month: time.February}, ""},
	} {
		if f, _ := c.s.Validate(); f != c.field {
			t.Errorf("%+v: got field %q, want %q", c.s, f, c.field)
		}
	}
}

func TestNext(t *testing.T) {
	s := DefaultSchedule(mustChore(t, "yearly.policy_review"))
	got, err := s.Next(day("2026-12-06"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "2027-04-26"; got.String() != want { // 25 April 2027 is a Sunday
		t.Errorf("got %s, want %s", got, want)
	}
}

func mustChore(t *testing.T, id string) Chore {
	t.Helper()
	c, ok := ChoreByID(id)
	if !ok {
		t.Fatalf("no chore %s", id)
	}
	return c
}

// TestEveryChoreIsExplained: each chore has a title, a reason for a
// non-expert and its steps in both languages, and every default schedule
// is valid.
func TestEveryChoreIsExplained(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range Catalogue {
		if seen[c.ID] {
			t.Errorf("chore %s twice", c.ID)
		}
		seen[c.ID] = true
		if !strings.HasPrefix(c.ID, string(c.Cadence)+".") {
			t.Errorf("chore %s: id does not start with its cadence %s", c.ID, c.Cadence)
		}
		if f, k := DefaultSchedule(c).Validate(); f != "" && !c.OneOff { // a one-off's day is the keeper's
			t.Errorf("chore %s: default schedule invalid: %s", c.ID, k)
		}
		if len(c.Evidence) == 0 || c.Steps == 0 {
			t.Errorf("chore %s: no evidence or no steps", c.ID)
		}
		if c.PerService != (c.service != nil) {
			t.Errorf("chore %s: PerService without a service condition, or the other way round", c.ID)
		}
		for _, k := range append([]string{c.TitleKey(), c.WhyKey()}, c.StepKeys()...) {
			for _, l := range i18n.Locales {
				if cat.Raw(l, k) == "" {
					t.Errorf("chore %s: %s missing in %s", c.ID, k, l)
				}
			}
		}
	}
}
