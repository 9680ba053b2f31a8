package findings

// The risk register's checks (internal/risk): a risk above the company's
// acceptance line with no complete treatment, and a treatment past its due
// day. The register's rules decide which risks are above the line and
// untreated (posture passes them in Snapshot.Risks); these checks report
// them per information asset.

// RiskItem is one risk of the register as the checks read it.
type RiskItem struct {
	AssetID int64
	// Untreated is set for a risk above the acceptance line without a
	// treatment, a plan, an owner or a due day.
	Untreated bool
	// Due is the due day (YYYY-MM-DD) of a treatment not yet done, "" for
	// none.
	Due string
}

func riskChecks() []Check {
	return []Check{
		{
			ID:        "assets.risk_untreated",
			Severity:  Medium,
			Subject:   KindAsset,
			SelfCheck: []int{24, 25},
			Run:       runRiskUntreated,
		},
		{
			ID:        "assets.risk_treatment_overdue",
			Severity:  Medium,
			Subject:   KindAsset,
			SelfCheck: []int{24, 25},
			Run:       runRiskOverdue,
		},
	}
}

// riskAssets walks the risks whose asset is in the snapshot, in asset
// order, calling f with the asset's position and its risks.
func riskAssets(s *Snapshot, f func(ai int32, rs []RiskItem)) {
	by := map[int32][]RiskItem{}
	for _, r := range s.Risks {
		if ai := s.ix.assets.get(r.AssetID); ai >= 0 {
			by[ai] = append(by[ai], r)
		}
	}
	for ai := range s.Assets {
		if rs := by[int32(ai)]; len(rs) > 0 {
			f(int32(ai), rs)
		}
	}
}

func runRiskUntreated(s *Snapshot, emit func(Finding)) {
	riskAssets(s, func(ai int32, rs []RiskItem) {
		n := 0
		for _, r := range rs {
			if r.Untreated {
				n++
			}
		}
		if n > 0 {
			emit(Finding{Subject: Ref{KindAsset, s.Assets[ai].ID}, Detail: Msg("detail.risk_untreated", n)})
		}
	})
}

func runRiskOverdue(s *Snapshot, emit func(Finding)) {
	today := s.ix.today
	riskAssets(s, func(ai int32, rs []RiskItem) {
		n, oldest := 0, noDay
		for _, r := range rs {
			d := parseDay(r.Due)
			if d == noDay || d >= today {
				continue
			}
			n++
			if oldest == noDay || d < oldest {
				oldest = d
			}
		}
		if n > 0 {
			emit(Finding{Subject: Ref{KindAsset, s.Assets[ai].ID}, Detail: Msg("detail.risk_overdue", oldest, int(today-oldest), n)})
		}
	})
}
