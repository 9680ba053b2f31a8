package findings

import "github.com/mamori-sec/mamori/internal/inventory"

func deviceChecks() []Check {
	return []Check{
		{
			ID:        "devices.byod_no_screen_lock",
			Severity:  High,
			Subject:   KindDevice,
			SelfCheck: []int{14, 21},
			Threats:   []int{6, 10},
			Run:       runBYODNoScreenLock,
		},
		{
			ID:        "devices.disposed_no_erasure",
			Severity:  High,
			Subject:   KindDevice,
			SelfCheck: []int{18},
			Threats:   []int{10},
			Run:       runDisposedNoErasure,
		},
		{
			ID:        "devices.encryption_unknown",
			Severity:  Low,
			Subject:   KindDevice,
			Needs:     []string{"device.disk_encryption"},
			SelfCheck: []int{13},
			Threats:   []int{10},
			Run:       runEncryptionUnknown,
		},
		{
			ID:        "devices.level3_on_byod",
			Severity:  High,
			Subject:   KindDevice,
			SelfCheck: []int{4, 21},
			Threats:   []int{4, 6},
			Run:       runLevel3OnBYOD,
		},
		{
			ID:        "devices.level3_on_usb",
			Severity:  High,
			Subject:   KindDevice,
			SelfCheck: []int{4, 12, 13},
			Threats:   []int{4, 10},
			Run:       runLevel3OnUSB,
		},
		{
			ID:        "devices.mobile_no_remote_wipe",
			Severity:  Medium,
			Subject:   KindDevice,
			SelfCheck: []int{13},
			Threats:   []int{10},
			Run:       runMobileNoRemoteWipe,
		},
		{
			ID:        "devices.mobile_no_screen_lock",
			Severity:  High,
			Subject:   KindDevice,
			SelfCheck: []int{13, 14},
			Threats:   []int{10},
			Run:       runMobileNoScreenLock,
		},
		{
			ID:        "devices.os_outdated",
			Severity:  Medium,
			Subject:   KindDevice,
			FiveRules: []int{1},
			SelfCheck: []int{1},
			Threats:   []int{1, 3},
			Run:       runOSOutdated,
		},
		{
			ID:        "devices.pc_no_antivirus",
			Severity:  High,
			Subject:   KindDevice,
			FiveRules: []int{2},
			SelfCheck: []int{2},
			Threats:   []int{1},
			Run:       runPCNoAntivirus,
		},
		{
			ID:        "devices.pc_no_encryption",
			Severity:  High,
			Subject:   KindDevice,
			SelfCheck: []int{13, 16},
			Threats:   []int{10},
			Run:       runPCNoEncryption,
		},
		{
			ID:        "devices.pc_no_screen_lock",
			Severity:  Medium,
			Subject:   KindDevice,
			SelfCheck: []int{14},
			Run:       runPCNoScreenLock,
		},
		{
			ID:        "devices.usb_no_encryption",
			Severity:  Medium,
			Subject:   KindDevice,
			SelfCheck: []int{12, 13},
			Threats:   []int{10},
			Run:       runUSBNoEncryption,
		},
	}
}

func deviceFinding(s *Snapshot, di int) Finding {
	return Finding{Subject: Ref{KindDevice, s.Devices[di].ID}}
}

func portable(k inventory.DeviceKind) bool {
	return k == inventory.PC || k == inventory.Smartphone || k == inventory.Tablet
}

func mobile(k inventory.DeviceKind) bool {
	return k == inventory.Smartphone || k == inventory.Tablet
}

// inUse walks the devices that have not been disposed of.
func inUse(s *Snapshot, f func(di int, d *inventory.Device)) {
	for di := range s.Devices {
		if d := &s.Devices[di]; !s.disposed(d) {
			f(di, d)
		}
	}
}

func runBYODNoScreenLock(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		if d.Ownership == inventory.BYOD && portable(d.Kind) && d.ScreenLock == inventory.No {
			emit(deviceFinding(s, di))
		}
	})
}

func runDisposedNoErasure(s *Snapshot, emit func(Finding)) {
	for di := range s.Devices {
		d := &s.Devices[di]
		if s.disposed(d) && d.ErasureDone != inventory.Yes && d.ErasureCertificate == "" {
			f := deviceFinding(s, di)
			dd := parseDay(d.DisposedOn)
			f.Detail = Msg("detail.disposed_on", dd)
			emit(f)
		}
	}
}

func runEncryptionUnknown(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		if (portable(d.Kind) || d.Kind == inventory.USBMedia) && d.DiskEncryption == inventory.Unknown {
			emit(deviceFinding(s, di))
		}
	})
}

// importantAssets lists the assets of importance 3 or data level 3 kept on
// a device.
func importantAssets(s *Snapshot, di int) []Ref {
	var ev []Ref
	for _, ai := range s.ix.assetsByDevice.of(int32(di)) {
		if s.ix.asset[ai].important {
			ev = append(ev, assetRef(s, ai))
		}
	}
	return ev
}

func runLevel3OnBYOD(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		if d.Ownership != inventory.BYOD {
			return
		}
		if ev := importantAssets(s, di); len(ev) > 0 {
			f := deviceFinding(s, di)
			f.Evidence = ev
			emit(f)
		}
	})
}

func runLevel3OnUSB(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		if d.Kind != inventory.USBMedia {
			return
		}
		if ev := importantAssets(s, di); len(ev) > 0 {
			f := deviceFinding(s, di)
			f.Evidence = ev
			emit(f)
		}
	})
}

func runMobileNoRemoteWipe(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		if mobile(d.Kind) && d.RemoteWipe == inventory.No {
			emit(deviceFinding(s, di))
		}
	})
}

func runMobileNoScreenLock(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		// Personal devices are devices.byod_no_screen_lock.
		if mobile(d.Kind) && d.Ownership != inventory.BYOD && d.ScreenLock == inventory.No {
			emit(deviceFinding(s, di))
		}
	})
}

func runOSOutdated(s *Snapshot, emit func(Finding)) {
	outdated(s, emit, portable, 90)
}

// outdated reports devices of the given kinds whose last update is more
// than limit days old; an unknown date is left to the *_unknown checks.
func outdated(s *Snapshot, emit func(Finding), kinds func(inventory.DeviceKind) bool, limit day) {
	today := s.today()
	updated := newSince("detail.since_update", today)
	inUse(s, func(di int, d *inventory.Device) {
		if !kinds(d.Kind) {
			return
		}
		last := parseDay(d.LastUpdated)
		if last == noDay || today-last <= limit {
			return
		}
		f := deviceFinding(s, di)
		f.Detail = updated.get(last)
		if d.OSVersion != "" {
			f.Detail = Msg("detail.since_update_version", int(today-last), last, d.OSVersion)
		}
		emit(f)
	})
}

func runPCNoAntivirus(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		if d.Kind == inventory.PC && d.Antivirus == inventory.No {
			emit(deviceFinding(s, di))
		}
	})
}

func runPCNoEncryption(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		if d.Kind == inventory.PC && d.DiskEncryption == inventory.No {
			emit(deviceFinding(s, di))
		}
	})
}

func runPCNoScreenLock(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		// Personal PCs are devices.byod_no_screen_lock.
		if d.Kind == inventory.PC && d.Ownership != inventory.BYOD && d.ScreenLock == inventory.No {
			emit(deviceFinding(s, di))
		}
	})
}

func runUSBNoEncryption(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		if d.Kind == inventory.USBMedia && d.DiskEncryption == inventory.No {
			emit(deviceFinding(s, di))
		}
	})
}
