// Package telework is the telework self-check: a short declaration by a
// person who works from home or on their own devices, and the rule that
// turns its answers into that person's devices in the inventory, so the
// inventory's findings (default passwords, screen locks, updates) apply to
// them like to any other device.
package telework

import (
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
)

// Where is where a person keeps work files.
type Where string

// The places, in the form's order.
const (
	CompanyCloud Where = "company_cloud" // the company's cloud storage
	CompanyPC    Where = "company_pc"    // on the company's PC only
	PersonalPC   Where = "personal_pc"   // on a personal PC
	USB          Where = "usb"           // on USB media
	Paper        Where = "paper"         // printed at home
)

// Places lists every answer in display order.
var Places = []Where{CompanyCloud, CompanyPC, PersonalPC, USB, Paper}

// Label is the catalogue key of the place's name.
func (w Where) Label() string { return "telework.where." + string(w) }

// Questions are the yes/no questions, each a field of Answers, in the
// form's order; their labels are "telework.q.<name>".
var Questions = []string{"router_password", "router_firmware", "wifi_encrypted", "os_updates", "screen_lock", "own_user", "personal_pc"}

// Answers is one declaration. A question left unanswered is Unknown.
type Answers struct {
	RouterPassword inventory.Tri `json:"router_password"` // home router's password changed from the default
	RouterFirmware inventory.Tri `json:"router_firmware"` // its firmware updated
	WiFiEncrypted  inventory.Tri `json:"wifi_encrypted"`  // Wi-Fi with WPA2/WPA3
	OSUpdates      inventory.Tri `json:"os_updates"`      // automatic OS updates on
	ScreenLock     inventory.Tri `json:"screen_lock"`
	OwnUser        inventory.Tri `json:"own_user"`    // a user account separate from the family's
	PersonalPC     inventory.Tri `json:"personal_pc"` // works on a personal PC
	Where          Where         `json:"where"`
}

// Get returns the answer to question q.
func (a *Answers) Get(q string) *inventory.Tri {
	switch q {
	case "router_password":
		return &a.RouterPassword
	case "router_firmware":
		return &a.RouterFirmware
	case "wifi_encrypted":
		return &a.WiFiEncrypted
	case "os_updates":
		return &a.OSUpdates
	case "screen_lock":
		return &a.ScreenLock
	case "own_user":
		return &a.OwnUser
	case "personal_pc":
		return &a.PersonalPC
	}
	return nil
}

// Check refuses answers that are not yes, no or unknown, and a place not
// listed.
func (a Answers) Check() error {
	for _, q := range Questions {
		switch *a.Get(q) {
		case inventory.Yes, inventory.No, inventory.Unknown:
		default:
			return problem.Field(q, "telework.answer_invalid")
		}
	}
	for _, w := range Places {
		if a.Where == w {
			return nil
		}
	}
	return problem.Field("where", "telework.where_required")
}

// Names are the inventory names of a person's home devices, in the
// person's language (the web layer words them).
type Names struct {
	Router string
	PC     string
}

// Devices are the person's devices the answers describe, merged into cur
// (their existing devices of those names, zero when new): a home router
// always, and a personal PC when they say they work on one. A firmware
// or OS kept up to date is dated today, so the inventory's update checks
// see it.
func Devices(a Answers, personID int64, n Names, today calendar.Day, curRouter, curPC inventory.Device) []inventory.Device {
	router := curRouter
	router.Name, router.Kind, router.PersonID, router.Ownership, router.Network = n.Router, inventory.Router, personID, inventory.BYOD, inventory.Home
	router.DefaultPasswordChanged = a.RouterPassword
	if a.RouterFirmware == inventory.Yes {
		router.LastUpdated = today.String()
	}
	out := []inventory.Device{router}
	if a.PersonalPC == inventory.Yes {
		pc := curPC
		pc.Name, pc.Kind, pc.PersonID, pc.Ownership, pc.Network = n.PC, inventory.PC, personID, inventory.BYOD, inventory.Home
		pc.ScreenLock = a.ScreenLock
		if a.OSUpdates == inventory.Yes {
			pc.LastUpdated = today.String()
		}
		out = append(out, pc)
	}
	return out
}
