package findings

// The cases of the policy check, in the checks' table (TestChecksTable).
func init() {
	cases["people.policy_not_acknowledged"] = []tc{
		{"published 30 days ago, not acknowledged", func(s *Snapshot) {
			s.PolicyWaiting = []PolicyWaiting{{PersonID: 3, Version: 2, Days: 30}}
		}, person_(3)},
		{"published 29 days ago, not acknowledged", func(s *Snapshot) {
			s.PolicyWaiting = []PolicyWaiting{{PersonID: 3, Version: 2, Days: 29}}
		}, quiet},
		{"a person not in the ledger", func(s *Snapshot) {
			s.PolicyWaiting = []PolicyWaiting{{PersonID: 99, Version: 2, Days: 40}}
		}, quiet},
		{"everyone acknowledged", nil, quiet},
	}
}
