package findings

func init() {
	org := Ref{KindOrg, 7}
	cases["programme.selfdiag_overdue"] = []tc{
		{"never taken", func(s *Snapshot) { s.OrgID = 7 }, org},
		{"taken 400 days ago", func(s *Snapshot) { s.OrgID, s.LastSelfdiag = 7, ago(400) }, org},
		{"taken 300 days ago", func(s *Snapshot) { s.OrgID, s.LastSelfdiag = 7, ago(300) }, quiet},
		{"taken a year ago to the day", func(s *Snapshot) { s.OrgID, s.LastSelfdiag = 7, ago(365) }, quiet},
		{"no organisation named", func(s *Snapshot) { s.LastSelfdiag = ago(400) }, quiet},
		{"nothing in the inventory yet", func(s *Snapshot) {
			s.OrgID = 7
			s.People, s.Services, s.Devices, s.Accounts, s.Assets, s.Shares = nil, nil, nil, nil, nil, nil
		}, quiet},
	}
}
