package findings

import (
	"github.com/mamori-sec/mamori/internal/inventory"
)

func accountChecks() []Check {
	return []Check{
		{
			ID:        "accounts.access_expired",
			Severity:  High,
			Subject:   KindAccount,
			FiveRules: []int{4},
			SelfCheck: []int{4, 22},
			Threats:   []int{2, 4},
			Run:       runAccessExpired,
		},
		{
			ID:        "accounts.admin_freemail",
			Severity:  High,
			Subject:   KindAccount,
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Threats:   []int{4, 9},
			Run:       runAdminFreemail,
		},
		{
			ID:        "accounts.admin_mfa_unknown",
			Severity:  Medium,
			Subject:   KindAccount,
			Needs:     []string{"account.mfa"},
			FiveRules: []int{3},
			SelfCheck: []int{3},
			Threats:   []int{1, 5},
			Run:       runAdminMFAUnknown,
		},
		{
			ID:        "accounts.admin_no_mfa",
			Severity:  Critical,
			Subject:   KindAccount,
			FiveRules: []int{3},
			SelfCheck: []int{3},
			Threats:   []int{1, 5},
			Run:       runAdminNoMFA,
		},
		{
			ID:        "accounts.dormant",
			Severity:  Medium,
			Subject:   KindAccount,
			Needs:     []string{"account.last_login"},
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Threats:   []int{4},
			Run:       runDormant,
		},
		{
			ID:        "accounts.duplicate",
			Severity:  Low,
			Subject:   KindAccount,
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Run:       runDuplicate,
		},
		{
			ID:        "accounts.freemail",
			Severity:  Medium,
			Subject:   KindAccount,
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Threats:   []int{4, 9},
			Run:       runFreemail,
		},
		{
			ID:        "accounts.guest_no_end",
			Severity:  Low,
			Subject:   KindAccount,
			FiveRules: []int{4},
			SelfCheck: []int{4, 22},
			Threats:   []int{2},
			Run:       runGuestNoEnd,
		},
		{
			ID:        "accounts.internet_no_mfa",
			Severity:  Medium,
			Subject:   KindAccount,
			FiveRules: []int{3},
			SelfCheck: []int{3},
			Threats:   []int{5, 9},
			Run:       runInternetNoMFA,
		},
		{
			ID:        "accounts.login_after_leave",
			Severity:  Critical,
			Subject:   KindAccount,
			Needs:     []string{"account.last_login"},
			FiveRules: []int{4},
			SelfCheck: []int{4, 19, 24},
			Threats:   []int{4},
			Run:       runLoginAfterLeave,
		},
		{
			ID:        "accounts.nonstaff_admin",
			Severity:  Medium,
			Subject:   KindAccount,
			FiveRules: []int{4},
			SelfCheck: []int{4, 22},
			Threats:   []int{2, 4},
			Run:       runNonstaffAdmin,
		},
		{
			ID:        "accounts.orphan",
			Severity:  Medium,
			Subject:   KindAccount,
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Threats:   []int{4},
			Run:       runOrphan,
		},
		{
			ID:        "accounts.outside_domain",
			Severity:  Low,
			Subject:   KindAccount,
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Run:       runOutsideDomain,
		},
		{
			ID:        "accounts.reused_before_join",
			Severity:  Low,
			Subject:   KindAccount,
			FiveRules: []int{3, 4},
			SelfCheck: []int{3, 4},
			Threats:   []int{4},
			Run:       runReusedBeforeJoin,
		},
		{
			ID:        "accounts.shared",
			Severity:  Medium,
			Subject:   KindAccount,
			FiveRules: []int{3},
			SelfCheck: []int{3, 4},
			Threats:   []int{4},
			Run:       runShared,
		},
		{
			ID:        "accounts.shared_admin",
			Severity:  High,
			Subject:   KindAccount,
			FiveRules: []int{3},
			SelfCheck: []int{3, 4},
			Threats:   []int{4},
			Run:       runSharedAdmin,
		},
	}
}

// mfaApplies says whether an account's second factor is the account's own
// business: programs cannot use one, and with single sign-on the identity
// provider asks for it.
func (s *Snapshot) mfaApplies(ai int) bool {
	a := &s.ix.acc[ai]
	if s.Accounts[ai].Kind == inventory.ServiceAcc {
		return false
	}
	return a.service < 0 || !s.Services[a.service].SSO
}

func accountFinding(s *Snapshot, ai int) Finding {
	return Finding{Subject: Ref{KindAccount, s.Accounts[ai].ID}}
}

// withPerson adds the account's person to the evidence.
func withPerson(s *Snapshot, ai int, f Finding) Finding {
	if p := s.ix.acc[ai].person; p >= 0 {
		f.Evidence = []Ref{personRef(s, p)}
	}
	return f
}

func runAccessExpired(s *Snapshot, emit func(Finding)) {
	x := &s.ix
	for ai := range x.acc {
		a := &x.acc[ai]
		if !a.active || a.ends == noDay || a.ends >= x.today {
			continue
		}
		f := withPerson(s, ai, accountFinding(s, ai))
		f.Detail = Msg("detail.access_expired", a.ends, int(x.today-a.ends))
		emit(f)
	}
}

func runAdminFreemail(s *Snapshot, emit func(Finding)) {
	for ai := range s.ix.acc {
		if a := &s.ix.acc[ai]; a.active && a.admin && a.domain == domainFree {
			emit(withPerson(s, ai, accountFinding(s, ai)))
		}
	}
}

func runAdminMFAUnknown(s *Snapshot, emit func(Finding)) {
	for ai := range s.ix.acc {
		a := &s.ix.acc[ai]
		if !a.active || !a.admin {
			continue
		}
		if m := s.Accounts[ai].MFA; m != inventory.MFAOn && m != inventory.MFAOff && s.mfaApplies(ai) {
			emit(withPerson(s, ai, accountFinding(s, ai)))
		}
	}
}

func runAdminNoMFA(s *Snapshot, emit func(Finding)) {
	for ai := range s.ix.acc {
		a := &s.ix.acc[ai]
		if a.active && a.admin && s.Accounts[ai].MFA == inventory.MFAOff && s.mfaApplies(ai) {
			emit(withPerson(s, ai, accountFinding(s, ai)))
		}
	}
}

func runDormant(s *Snapshot, emit func(Finding)) {
	x := &s.ix
	last := newSince("detail.since_sign_in", x.today)
	for ai := range x.acc {
		a := &x.acc[ai]
		if !a.active || a.lastLogin == noDay || x.today-a.lastLogin < 90 {
			continue
		}
		// Departed people's accounts are people.departed_active; programs
		// do not sign in like people.
		if s.personLeft(a.person) || s.Accounts[ai].Kind == inventory.ServiceAcc {
			continue
		}
		f := withPerson(s, ai, accountFinding(s, ai))
		f.Detail = last.get(a.lastLogin)
		emit(f)
	}
}

func runDuplicate(s *Snapshot, emit func(Finding)) {
	x := &s.ix
	for pi := range s.People {
		accs := x.accByPerson.of(int32(pi))
		for n, ai := range accs {
			if !x.personalUser(s, ai) {
				continue
			}
			// The first account of the person in the service is the one
			// kept; every later one is a duplicate of it.
			for _, bi := range accs[:n] {
				if x.personalUser(s, bi) && x.acc[bi].service == x.acc[ai].service {
					emit(Finding{
						Subject:  accountRef(s, ai),
						Evidence: []Ref{personRef(s, int32(pi)), accountRef(s, bi)},
					})
					break
				}
			}
		}
	}
}

// personalUser reports whether an account is an active, everyday personal
// account (an extra administrator account is a good practice, not a
// duplicate).
func (x *index) personalUser(s *Snapshot, ai int32) bool {
	a := &x.acc[ai]
	return a.active && !a.admin && a.service >= 0 && s.Accounts[ai].Kind == inventory.Personal
}

func runFreemail(s *Snapshot, emit func(Finding)) {
	for ai := range s.ix.acc {
		a := &s.ix.acc[ai]
		if a.active && !a.admin && a.domain == domainFree && ownAccount(s.Accounts[ai].Kind) {
			emit(withPerson(s, ai, accountFinding(s, ai)))
		}
	}
}

// ownAccount reports whether an account kind belongs to the company's own
// people rather than to outsiders or programs.
func ownAccount(k inventory.AccountKind) bool {
	return k != inventory.Guest && k != inventory.External && k != inventory.ServiceAcc
}

func runGuestNoEnd(s *Snapshot, emit func(Finding)) {
	for ai := range s.ix.acc {
		k := s.Accounts[ai].Kind
		if a := &s.ix.acc[ai]; a.active && (k == inventory.Guest || k == inventory.External) && s.Accounts[ai].EndsOn == "" {
			emit(accountFinding(s, ai))
		}
	}
}

func runInternetNoMFA(s *Snapshot, emit func(Finding)) {
	for ai := range s.ix.acc {
		a := &s.ix.acc[ai]
		if !a.active || a.admin || a.service < 0 || s.Accounts[ai].MFA != inventory.MFAOff || !s.mfaApplies(ai) {
			continue
		}
		// A service with no second factor at all is services.no_mfa_*:
		// the user cannot fix that.
		if sv := &s.Services[a.service]; sv.InternetFacing && sv.MFA != inventory.MFANone {
			emit(withPerson(s, ai, accountFinding(s, ai)))
		}
	}
}

func runLoginAfterLeave(s *Snapshot, emit func(Finding)) {
	x := &s.ix
	for ai := range x.acc {
		a := &x.acc[ai]
		if a.lastLogin == noDay || !s.personLeft(a.person) {
			continue
		}
		leave := x.person[a.person].leave
		if a.lastLogin <= leave {
			continue
		}
		f := withPerson(s, ai, accountFinding(s, ai))
		f.Detail = Msg("detail.login_after_leave", leave, a.lastLogin)
		emit(f)
	}
}

func runNonstaffAdmin(s *Snapshot, emit func(Finding)) {
	for ai := range s.ix.acc {
		a := &s.ix.acc[ai]
		if !a.active || !a.admin || a.person < 0 || s.personLeft(a.person) {
			continue
		}
		switch s.People[a.person].EmploymentType {
		case inventory.PartTime, inventory.Dispatched, inventory.Contractor:
			emit(withPerson(s, ai, accountFinding(s, ai)))
		}
	}
}

func runOrphan(s *Snapshot, emit func(Finding)) {
	for ai := range s.ix.acc {
		a := &s.ix.acc[ai]
		acc := &s.Accounts[ai]
		// Guests and outside parties belong to other companies:
		// accounts.guest_no_end and accounts.access_expired watch them.
		if !a.active || a.person >= 0 || acc.Kind == inventory.Guest || acc.Kind == inventory.External {
			continue
		}
		f := accountFinding(s, ai)
		if acc.PersonID != 0 {
			f.Detail = Msg("detail.orphan_person_missing", acc.PersonID)
		}
		emit(f)
	}
}

func runOutsideDomain(s *Snapshot, emit func(Finding)) {
	x := &s.ix
	if len(x.domains) == 0 {
		return // without the company's domain every address is "outside"
	}
	for ai := range x.acc {
		a := &x.acc[ai]
		if !a.active || a.domain != domainOther || a.person < 0 || s.Accounts[ai].Kind != inventory.Personal {
			continue
		}
		// Contractors and counsel work under their own firm's address.
		switch s.People[a.person].EmploymentType {
		case inventory.Contractor, inventory.Counsel:
			continue
		}
		emit(withPerson(s, ai, accountFinding(s, ai)))
	}
}

func runReusedBeforeJoin(s *Snapshot, emit func(Finding)) {
	x := &s.ix
	for ai := range x.acc {
		a := &x.acc[ai]
		if !a.active || a.person < 0 || a.created == noDay || s.Accounts[ai].Kind != inventory.Personal {
			continue
		}
		join := x.person[a.person].join
		if join == noDay || a.created >= join-30 || x.person[a.person].left {
			continue
		}
		f := withPerson(s, ai, accountFinding(s, ai))
		f.Detail = Msg("detail.created_before_join", a.created, join)
		emit(f)
	}
}

func runShared(s *Snapshot, emit func(Finding)) {
	for ai := range s.ix.acc {
		if a := &s.ix.acc[ai]; a.active && !a.admin && s.Accounts[ai].Kind == inventory.Shared {
			emit(withPerson(s, ai, accountFinding(s, ai)))
		}
	}
}

func runSharedAdmin(s *Snapshot, emit func(Finding)) {
	for ai := range s.ix.acc {
		if a := &s.ix.acc[ai]; a.active && a.admin && s.Accounts[ai].Kind == inventory.Shared {
			emit(withPerson(s, ai, accountFinding(s, ai)))
		}
	}
}
