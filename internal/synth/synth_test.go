package synth

import (
	"reflect"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
)

var today = time.Date(2025, 6, 30, 9, 0, 0, 0, calendar.Japan)

func TestGenerateDeterministic(t *testing.T) {
	a := Generate(1, Small, today)
	b := Generate(1, Small, today)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs with seed 1 differ")
	}
	c := Generate(2, Small, today)
	if reflect.DeepEqual(a.People, c.People) {
		t.Error("seeds 1 and 2 made the same people")
	}
}

func TestGenerateValid(t *testing.T) {
	d := Generate(1, Small, today)
	sz := Small
	for name, got := range map[string][2]int{
		"people":   {len(d.People), sz.People},
		"accounts": {len(d.Accounts), sz.Accounts},
		"devices":  {len(d.Devices), sz.Devices},
		"assets":   {len(d.Assets), sz.Assets},
		"shares":   {len(d.Shares), sz.Shares},
	} {
		if got[0] != got[1] {
			t.Errorf("%s: got %d, want %d", name, got[0], got[1])
		}
	}
	if len(d.Services) == 0 {
		t.Fatal("no services")
	}

	ids := func(kind string, n int, id func(int) int64) {
		for i := range n {
			if got := id(i); got != int64(i+1) {
				t.Fatalf("%s %d: ID %d, want %d", kind, i, got, i+1)
			}
		}
	}
	ids("person", len(d.People), func(i int) int64 { return d.People[i].ID })
	ids("service", len(d.Services), func(i int) int64 { return d.Services[i].ID })
	ids("account", len(d.Accounts), func(i int) int64 { return d.Accounts[i].ID })
	ids("device", len(d.Devices), func(i int) int64 { return d.Devices[i].ID })
	ids("asset", len(d.Assets), func(i int) int64 { return d.Assets[i].ID })
	ids("share", len(d.Shares), func(i int) int64 { return d.Shares[i].ID })

	in := func(id int64, n int) bool { return id >= 1 && id <= int64(n) }
	left := 0
	for _, p := range d.People {
		if err := p.Validate(); err != nil {
			t.Errorf("person %d: %v", p.ID, err)
		}
		if p.LeaveDate != "" && p.LeaveDate < p.JoinDate {
			t.Errorf("person %d: leaves %s before joining %s", p.ID, p.LeaveDate, p.JoinDate)
		}
		if !p.Active(today) {
			left++
		}
	}
	if left == 0 {
		t.Error("nobody has left: the departure checks would have nothing to find")
	}
	for _, s := range d.Services {
		if err := s.Validate(); err != nil {
			t.Errorf("service %d: %v", s.ID, err)
		}
	}
	kinds := map[inventory.AccountKind]int{}
	for _, a := range d.Accounts {
		if err := a.Validate(); err != nil {
			t.Errorf("account %d: %v", a.ID, err)
		}
		if a.PersonID != 0 && !in(a.PersonID, len(d.People)) {
			t.Errorf("account %d: person %d does not exist", a.ID, a.PersonID)
		}
		if !in(a.ServiceID, len(d.Services)) {
			t.Errorf("account %d: service %d does not exist", a.ID, a.ServiceID)
		}
		kinds[a.Kind]++
	}
	if kinds[inventory.Personal] == 0 || kinds[inventory.Guest]+kinds[inventory.External]+kinds[inventory.Shared] == 0 {
		t.Errorf("account kinds not mixed: %v", kinds)
	}
	for _, dv := range d.Devices {
		if err := dv.Validate(); err != nil {
			t.Errorf("device %d: %v", dv.ID, err)
		}
		if dv.PersonID != 0 && !in(dv.PersonID, len(d.People)) {
			t.Errorf("device %d: person %d does not exist", dv.ID, dv.PersonID)
		}
	}
	for _, a := range d.Assets {
		if err := a.Validate(); err != nil {
			t.Errorf("asset %d: %v", a.ID, err)
		}
		for _, id := range a.ServiceIDs {
			if !in(id, len(d.Services)) {
				t.Errorf("asset %d: service %d does not exist", a.ID, id)
			}
		}
		for _, id := range a.DeviceIDs {
			if !in(id, len(d.Devices)) {
				t.Errorf("asset %d: device %d does not exist", a.ID, id)
			}
		}
	}
	scopes := map[inventory.ShareScope]int{}
	for _, s := range d.Shares {
		if err := s.Validate(); err != nil {
			t.Errorf("share %d: %v", s.ID, err)
		}
		if s.AssetID != 0 && !in(s.AssetID, len(d.Assets)) {
			t.Errorf("share %d: asset %d does not exist", s.ID, s.AssetID)
		}
		if !in(s.ServiceID, len(d.Services)) {
			t.Errorf("share %d: service %d does not exist", s.ID, s.ServiceID)
		}
		scopes[s.Scope]++
	}
	if len(scopes) != 5 {
		t.Errorf("share scopes: got %v, want all five", scopes)
	}
}
