package findings

import (
	"strings"

	"github.com/mamori-sec/mamori/internal/inventory"
)

func serviceChecks() []Check {
	return []Check{
		{
			ID:        "services.cloud_check_personal",
			Severity:  Medium,
			Subject:   KindService,
			SelfCheck: []int{23},
			Threats:   []int{2},
			Run:       runCloudCheckPersonal,
		},
		{
			ID:        "services.cloud_check_stale",
			Severity:  Low,
			Subject:   KindService,
			SelfCheck: []int{23},
			Run:       runCloudCheckStale,
		},
		{
			ID:        "services.country_unknown_personal",
			Severity:  Low,
			Subject:   KindService,
			Needs:     []string{"service.data_country"},
			SelfCheck: []int{23},
			Run:       runCountryUnknownPersonal,
		},
		{
			ID:        "services.data_abroad_personal",
			Severity:  Medium,
			Subject:   KindService,
			SelfCheck: []int{23},
			Run:       runDataAbroadPersonal,
		},
		{
			ID:        "services.mfa_none_personal",
			Severity:  High,
			Subject:   KindService,
			FiveRules: []int{3},
			SelfCheck: []int{3, 23},
			Run:       runMFANonePersonal,
		},
		{
			ID:        "services.mfa_not_enforced",
			Severity:  Medium,
			Subject:   KindService,
			FiveRules: []int{3},
			SelfCheck: []int{3},
			Threats:   []int{9},
			Run:       runMFANotEnforced,
		},
		{
			ID:        "services.no_admin",
			Severity:  Medium,
			Subject:   KindService,
			FiveRules: []int{4},
			SelfCheck: []int{23},
			Run:       runNoAdmin,
		},
		{
			ID:        "services.no_mfa_internet",
			Severity:  Medium,
			Subject:   KindService,
			FiveRules: []int{3},
			SelfCheck: []int{3, 23},
			Run:       runNoMFAInternet,
		},
		{
			ID:        "services.no_owner_department",
			Severity:  Low,
			Subject:   KindService,
			SelfCheck: []int{23},
			Run:       runNoOwnerDepartment,
		},
		{
			ID:        "services.too_many_admins",
			Severity:  Medium,
			Subject:   KindService,
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Threats:   []int{4},
			Run:       runTooManyAdmins,
		},
	}
}

func serviceFinding(s *Snapshot, si int) Finding {
	return Finding{Subject: Ref{KindService, s.Services[si].ID}}
}

// personalAssets is the evidence that a service holds personal data.
func personalAssets(s *Snapshot, si int) []Ref {
	var ev []Ref
	for _, ai := range s.ix.assetsByService.of(int32(si)) {
		if s.ix.asset[ai].personal {
			ev = append(ev, assetRef(s, ai))
		}
	}
	return ev
}

// mfaByIdP reports whether sign-in goes through single sign-on, where the
// identity provider's second factor applies.
func mfaByIdP(sv *inventory.Service) bool { return sv.SSO }

func runCloudCheckPersonal(s *Snapshot, emit func(Finding)) {
	for si := range s.Services {
		sv := &s.Services[si]
		if sv.Category == inventory.Cloud && s.ix.svcPersonal[si] && sv.CloudCheckDone == "" {
			f := serviceFinding(s, si)
			f.Evidence = personalAssets(s, si)
			emit(f)
		}
	}
}

func runCloudCheckStale(s *Snapshot, emit func(Finding)) {
	for si := range s.Services {
		sv := &s.Services[si]
		done := parseDay(sv.CloudCheckDone)
		if sv.Category != inventory.Cloud || done == noDay || s.today()-done <= 365 {
			continue
		}
		f := serviceFinding(s, si)
		f.Detail = Msg("detail.since_safety_check", int(s.today()-done), done)
		emit(f)
	}
}

func runCountryUnknownPersonal(s *Snapshot, emit func(Finding)) {
	for si := range s.Services {
		sv := &s.Services[si]
		if sv.Category == inventory.Cloud && s.ix.svcPersonal[si] && strings.TrimSpace(sv.DataCountry) == "" {
			f := serviceFinding(s, si)
			f.Evidence = personalAssets(s, si)
			emit(f)
		}
	}
}

func runDataAbroadPersonal(s *Snapshot, emit func(Finding)) {
	for si := range s.Services {
		c := strings.TrimSpace(s.Services[si].DataCountry)
		if !s.ix.svcPersonal[si] || c == "" || strings.EqualFold(c, "JP") {
			continue
		}
		f := serviceFinding(s, si)
		f.Evidence = personalAssets(s, si)
		f.Detail = Msg("detail.data_country", strings.ToUpper(c))
		emit(f)
	}
}

func runMFANonePersonal(s *Snapshot, emit func(Finding)) {
	for si := range s.Services {
		sv := &s.Services[si]
		if sv.MFA == inventory.MFANone && !mfaByIdP(sv) && s.ix.svcPersonal[si] {
			f := serviceFinding(s, si)
			f.Evidence = personalAssets(s, si)
			emit(f)
		}
	}
}

func runMFANotEnforced(s *Snapshot, emit func(Finding)) {
	for si := range s.Services {
		sv := &s.Services[si]
		if sv.MFA != inventory.MFAAvailable || mfaByIdP(sv) {
			continue
		}
		var ev []Ref
		for _, ai := range s.ix.accByService.of(int32(si)) {
			if s.ix.acc[ai].active && s.Accounts[ai].MFA == inventory.MFAOff && s.Accounts[ai].Kind != inventory.ServiceAcc {
				ev = append(ev, accountRef(s, ai))
			}
		}
		if len(ev) == 0 {
			continue
		}
		f := serviceFinding(s, si)
		f.Evidence = ev
		f.Detail = Msg("detail.accounts_without_mfa", len(ev))
		emit(f)
	}
}

func runNoAdmin(s *Snapshot, emit func(Finding)) {
	for si := range s.Services {
		if strings.TrimSpace(s.Services[si].Admins) != "" {
			continue
		}
		found := false
		for _, ai := range s.ix.accByService.of(int32(si)) {
			if a := &s.ix.acc[ai]; a.active && a.admin {
				found = true
				break
			}
		}
		if !found {
			emit(serviceFinding(s, si))
		}
	}
}

func runNoMFAInternet(s *Snapshot, emit func(Finding)) {
	for si := range s.Services {
		sv := &s.Services[si]
		// With personal data it is services.mfa_none_personal, graver.
		if sv.MFA == inventory.MFANone && sv.InternetFacing && !mfaByIdP(sv) && !s.ix.svcPersonal[si] {
			emit(serviceFinding(s, si))
		}
	}
}

func runNoOwnerDepartment(s *Snapshot, emit func(Finding)) {
	for si := range s.Services {
		if strings.TrimSpace(s.Services[si].OwnerDepartment) == "" {
			emit(serviceFinding(s, si))
		}
	}
}

func runTooManyAdmins(s *Snapshot, emit func(Finding)) {
	for si := range s.Services {
		var ev []Ref
		active := 0
		for _, ai := range s.ix.accByService.of(int32(si)) {
			a := &s.ix.acc[ai]
			if !a.active {
				continue
			}
			active++
			if a.admin {
				ev = append(ev, accountRef(s, ai))
			}
		}
		admins := len(ev)
		if admins <= 3 && (admins < 2 || admins*4 <= active) {
			continue
		}
		f := serviceFinding(s, si)
		f.Evidence = ev
		f.Detail = Msg("detail.admins_among_active", admins, active)
		emit(f)
	}
}
