package findings

// KindOrg is a finding about the organisation as a whole (its programme),
// not one of its records: named by the organisation's name.
const KindOrg Kind = "org"

// SelfdiagValidDays is how long a self-diagnosis stays current: a year.
const SelfdiagValidDays = 365

func selfdiagChecks() []Check {
	return []Check{
		{
			ID:       "programme.selfdiag_overdue",
			Severity: Low,
			Subject:  KindOrg,
			Run:      runSelfdiagOverdue,
		},
	}
}

// runSelfdiagOverdue fires when the company's last self-diagnosis is more
// than a year old, or when there has never been one — once the company
// has an inventory (an empty organisation has nothing to assess yet). The
// snapshot must name the organisation (OrgID), as the evaluation does.
func runSelfdiagOverdue(s *Snapshot, emit func(Finding)) {
	if s.OrgID == 0 || len(s.People)+len(s.Services)+len(s.Devices)+len(s.Accounts) == 0 {
		return
	}
	f := Finding{Subject: Ref{KindOrg, s.OrgID}}
	last := parseDay(s.LastSelfdiag)
	switch {
	case last == noDay:
		f.Detail = Msg("detail.selfdiag_never")
	case s.today()-last > SelfdiagValidDays:
		f.Detail = Msg("detail.selfdiag_since", int(s.today()-last), last)
	default:
		return
	}
	emit(f)
}
