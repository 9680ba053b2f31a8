package findings

import "github.com/mamori-sec/mamori/internal/inventory"

func networkChecks() []Check {
	return []Check{
		{
			ID:        "network.byod_internal",
			Severity:  Medium,
			Subject:   KindDevice,
			SelfCheck: []int{9, 21},
			Threats:   []int{6},
			Run:       runBYODInternal,
		},
		{
			ID:        "network.default_password",
			Severity:  High,
			Subject:   KindDevice,
			FiveRules: []int{3},
			SelfCheck: []int{3},
			Threats:   []int{3},
			Run:       runDefaultPassword,
		},
		{
			ID:        "network.default_password_unknown",
			Severity:  Low,
			Subject:   KindDevice,
			Needs:     []string{"device.default_password_changed"},
			FiveRules: []int{3},
			SelfCheck: []int{3},
			Threats:   []int{3},
			Run:       runDefaultPasswordUnknown,
		},
		{
			ID:        "network.firmware_outdated",
			Severity:  Medium,
			Subject:   KindDevice,
			FiveRules: []int{1},
			SelfCheck: []int{1},
			Threats:   []int{3, 8},
			Run:       runFirmwareOutdated,
		},
		{
			ID:        "network.guest_wifi_not_separated",
			Severity:  High,
			Subject:   KindDevice,
			FiveRules: []int{4},
			SelfCheck: []int{9},
			Run:       runGuestWiFiNotSeparated,
		},
		{
			ID:        "network.vpn_default_password",
			Severity:  Critical,
			Subject:   KindDevice,
			FiveRules: []int{3},
			SelfCheck: []int{3},
			Threats:   []int{1, 3, 6},
			Run:       runVPNDefaultPassword,
		},
		{
			ID:        "network.vpn_outdated",
			Severity:  Critical,
			Subject:   KindDevice,
			FiveRules: []int{1},
			SelfCheck: []int{1},
			Threats:   []int{1, 3, 6},
			Run:       runVPNOutdated,
		},
		{
			ID:        "network.vpn_update_unknown",
			Severity:  Low,
			Subject:   KindDevice,
			Needs:     []string{"device.last_updated"},
			FiveRules: []int{1},
			SelfCheck: []int{1},
			Threats:   []int{3},
			Run:       runVPNUpdateUnknown,
		},
	}
}

// edge is equipment at the border with the internet.
func edge(k inventory.DeviceKind) bool {
	return k == inventory.VPN || k == inventory.UTM || k == inventory.Router
}

// officeEquipment is networked equipment inside the office that runs
// firmware of its own.
func officeEquipment(k inventory.DeviceKind) bool {
	switch k {
	case inventory.WiFiAP, inventory.NAS, inventory.MFP, inventory.Camera, inventory.IoT:
		return true
	}
	return false
}

func runBYODInternal(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		if d.Ownership == inventory.BYOD && d.Network == inventory.Internal {
			emit(deviceFinding(s, di))
		}
	})
}

func runDefaultPassword(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		// VPN appliances and UTMs are network.vpn_default_password.
		if (d.Kind == inventory.Router || officeEquipment(d.Kind)) && d.DefaultPasswordChanged == inventory.No {
			emit(deviceFinding(s, di))
		}
	})
}

func runDefaultPasswordUnknown(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		if (edge(d.Kind) || officeEquipment(d.Kind)) && d.DefaultPasswordChanged == inventory.Unknown {
			emit(deviceFinding(s, di))
		}
	})
}

func runFirmwareOutdated(s *Snapshot, emit func(Finding)) {
	outdated(s, emit, officeEquipment, 180)
}

func runGuestWiFiNotSeparated(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		if (d.Kind == inventory.Router || d.Kind == inventory.WiFiAP) && d.GuestSeparated == inventory.No {
			emit(deviceFinding(s, di))
		}
	})
}

func runVPNDefaultPassword(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		if (d.Kind == inventory.VPN || d.Kind == inventory.UTM) && d.DefaultPasswordChanged == inventory.No {
			emit(deviceFinding(s, di))
		}
	})
}

func runVPNOutdated(s *Snapshot, emit func(Finding)) {
	outdated(s, emit, edge, 30)
}

func runVPNUpdateUnknown(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		if edge(d.Kind) && parseDay(d.LastUpdated) == noDay {
			emit(deviceFinding(s, di))
		}
	})
}
