package routine

import (
	"sort"
	"strings"

	"github.com/mamori-sec/mamori/internal/inventory"
)

// Inventory is what the plan reads of a company.
type Inventory struct {
	People   []inventory.Person
	Services []inventory.Service
	Accounts []inventory.Account
	Devices  []inventory.Device
	Assets   []inventory.Asset
	Shares   []inventory.Share
}

// Item is one routine a company should run: a chore, for one service when
// the chore is done per service.
type Item struct {
	Chore     Chore
	ServiceID int64  // 0 unless Chore.PerService
	Service   string // the service's name, for the title
	Schedule  Schedule
}

// facts are the counts the chores' conditions read.
type facts struct {
	people, devices, networkDevices, nas, assets                   int
	cloudServices, onPremServices, personalServices, shareServices int
	accountServices, adminAccounts, externalAccounts               int
	sharesOf, accountsOf                                           map[int64]int
	personal                                                       map[int64]bool
}

func factsOf(inv Inventory) facts {
	f := facts{sharesOf: map[int64]int{}, accountsOf: map[int64]int{}, personal: map[int64]bool{}}
	f.people = len(inv.People)
	for _, d := range inv.Devices {
		if d.DisposedOn != "" {
			continue
		}
		f.devices++
		switch d.Kind {
		case inventory.Router, inventory.UTM, inventory.VPN, inventory.WiFiAP:
			f.networkDevices++
		case inventory.NAS:
			f.nas++
		}
	}
	for _, s := range inv.Services {
		switch s.Category {
		case inventory.Cloud:
			f.cloudServices++
		case inventory.OnPrem:
			f.onPremServices++
		}
	}
	for _, a := range inv.Assets {
		f.assets++
		if a.PersonalInfo || a.SensitiveInfo || a.MyNumber {
			for _, id := range a.ServiceIDs {
				f.personal[id] = true
			}
		}
	}
	f.personalServices = len(f.personal)
	for _, s := range inv.Shares {
		f.sharesOf[s.ServiceID]++
	}
	f.shareServices = len(f.sharesOf)
	for _, a := range inv.Accounts {
		if a.Status == inventory.Deleted {
			continue
		}
		f.accountsOf[a.ServiceID]++
		if a.Privilege == inventory.Admin {
			f.adminAccounts++
		}
		if a.Kind == inventory.External || a.Kind == inventory.Guest {
			f.externalAccounts++
		}
	}
	f.accountServices = len(f.accountsOf)
	return f
}

// Plan lists the routines a company needs, from its own inventory, in
// catalogue order (per-service chores by service name): a company with no
// VPN, router or UTM gets no firmware check, and each service that holds
// personal data or has shares gets its own share review. Each item carries
// the chore's default schedule.
func Plan(inv Inventory) []Item {
	f := factsOf(inv)
	services := append([]inventory.Service(nil), inv.Services...)
	sort.SliceStable(services, func(i, j int) bool { return strings.ToLower(services[i].Name) < strings.ToLower(services[j].Name) })
	var out []Item
	for _, c := range Catalogue {
		if c.applies != nil && !c.applies(f) {
			continue
		}
		if !c.PerService {
			out = append(out, Item{Chore: c, Schedule: DefaultSchedule(c)})
			continue
		}
		for _, s := range services {
			if c.service(f, s) {
				out = append(out, Item{Chore: c, ServiceID: s.ID, Service: s.Name, Schedule: DefaultSchedule(c)})
			}
		}
	}
	return out
}
