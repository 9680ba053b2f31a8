package findings

import (
	"strings"

	"github.com/mamori-sec/mamori/internal/inventory"
)

func assetChecks() []Check {
	return []Check{
		{
			ID:        "assets.cia_unrated",
			Severity:  Low,
			Subject:   KindAsset,
			SelfCheck: []int{4},
			Run:       runCIAUnrated,
		},
		{
			ID:        "assets.mynumber_on_pc",
			Severity:  Medium,
			Subject:   KindAsset,
			SelfCheck: []int{4, 12},
			Threats:   []int{4, 10},
			Run:       runMyNumberOnPC,
		},
		{
			ID:        "assets.no_location",
			Severity:  Low,
			Subject:   KindAsset,
			SelfCheck: []int{4, 12},
			Run:       runNoLocation,
		},
		{
			ID:        "assets.no_owner",
			Severity:  Medium,
			Subject:   KindAsset,
			SelfCheck: []int{4},
			Run:       runAssetNoOwner,
		},
		{
			ID:        "assets.no_retention",
			Severity:  Low,
			Subject:   KindAsset,
			SelfCheck: []int{4, 18},
			Run:       runNoRetention,
		},
		{
			ID:        "assets.personal_no_count",
			Severity:  Low,
			Subject:   KindAsset,
			SelfCheck: []int{24},
			Run:       runPersonalNoCount,
		},
		{
			ID:        "assets.retention_passed",
			Severity:  Low,
			Subject:   KindAsset,
			SelfCheck: []int{18},
			Run:       runRetentionPassed,
		},
	}
}

func assetFinding(s *Snapshot, ai int) Finding {
	return Finding{Subject: Ref{KindAsset, s.Assets[ai].ID}}
}

func runCIAUnrated(s *Snapshot, emit func(Finding)) {
	for ai := range s.Assets {
		if a := &s.Assets[ai]; a.Confidentiality <= 0 || a.Integrity <= 0 || a.Availability <= 0 {
			emit(assetFinding(s, ai))
		}
	}
}

func runMyNumberOnPC(s *Snapshot, emit func(Finding)) {
	for ai := range s.Assets {
		a := &s.Assets[ai]
		if !a.MyNumber {
			continue
		}
		var ev []Ref
		for _, id := range a.DeviceIDs {
			di := s.ix.devices.get(id)
			if di < 0 {
				continue
			}
			// Personal devices are devices.level3_on_byod.
			if d := &s.Devices[di]; d.Kind == inventory.PC && d.Ownership != inventory.BYOD && !s.disposed(d) {
				ev = append(ev, deviceRef(s, di))
			}
		}
		if len(ev) > 0 {
			f := assetFinding(s, ai)
			f.Evidence = ev
			emit(f)
		}
	}
}

func runNoLocation(s *Snapshot, emit func(Finding)) {
	for ai := range s.Assets {
		a := &s.Assets[ai]
		if strings.TrimSpace(a.Medium) == "" && len(a.ServiceIDs) == 0 && len(a.DeviceIDs) == 0 && len(a.PaperLocations) == 0 {
			emit(assetFinding(s, ai))
		}
	}
}

func runAssetNoOwner(s *Snapshot, emit func(Finding)) {
	for ai := range s.Assets {
		if strings.TrimSpace(s.Assets[ai].OwnerDepartment) == "" {
			emit(assetFinding(s, ai))
		}
	}
}

func runNoRetention(s *Snapshot, emit func(Finding)) {
	for ai := range s.Assets {
		if strings.TrimSpace(s.Assets[ai].RetentionUntil) == "" {
			emit(assetFinding(s, ai))
		}
	}
}

func runPersonalNoCount(s *Snapshot, emit func(Finding)) {
	for ai := range s.Assets {
		if s.ix.asset[ai].personal && s.Assets[ai].PeopleConcerned <= 0 {
			emit(assetFinding(s, ai))
		}
	}
}

func runRetentionPassed(s *Snapshot, emit func(Finding)) {
	for ai := range s.Assets {
		// A rule such as 「退職後7年」 is not a date; only dates can pass.
		until := parseDay(strings.TrimSpace(s.Assets[ai].RetentionUntil))
		if until == noDay || until >= s.today() {
			continue
		}
		f := assetFinding(s, ai)
		f.Detail = Msg("detail.retention_until", until)
		emit(f)
	}
}
