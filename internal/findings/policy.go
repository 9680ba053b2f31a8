package findings

// PolicyWaiting is a person of the ledger who, as a member of mamori, has
// the published policy set to acknowledge: which version, and for how
// many whole days since it was published.
type PolicyWaiting struct {
	PersonID int64
	Version  int
	Days     int
}

// policyOverdueDays is how long a person may leave the current policy
// unacknowledged before it is a finding (policy.OverdueDays).
const policyOverdueDays = 30

func policyChecks() []Check {
	return []Check{
		{
			ID:        "people.policy_not_acknowledged",
			Severity:  Low,
			Subject:   KindPerson,
			SelfCheck: []int{19, 25},
			Threats:   []int{7},
			Run:       runPolicyNotAcknowledged,
		},
	}
}

func runPolicyNotAcknowledged(s *Snapshot, emit func(Finding)) {
	x := &s.ix
	for _, w := range s.PolicyWaiting {
		if w.Days < policyOverdueDays || x.people.get(w.PersonID) < 0 {
			continue
		}
		emit(Finding{Subject: Ref{KindPerson, w.PersonID}, Detail: Msg("detail.policy_not_acknowledged", w.Version, w.Days)})
	}
}
