package findings

// The checks on shares run over every share of the company, a million for
// a large tenant, so they walk the compact rows Prepare keeps for shares
// that reach outside the company, test the cheapest condition first, and
// allocate only for what they report.
//
// The first five checks grade one question — who can open what — and fire
// at most once per share, for the gravest case: sensitive data outside
// (special_external), important data open to anyone (open_important), any
// data open to anyone (anyone_link, public), important data with named
// outsiders (external_important).

func shareChecks() []Check {
	checks := []Check{
		{
			ID:        "shares.anyone_link",
			Severity:  High,
			Subject:   KindShare,
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Threats:   []int{10},
			rows:      anyoneLink(),
		},
		{
			ID:        "shares.departed_owner",
			Severity:  Medium,
			Subject:   KindShare,
			FiveRules: []int{4},
			SelfCheck: []int{4, 19},
			Threats:   []int{4, 10},
			rows:      departedOwner(),
		},
		{
			ID:        "shares.external_edit",
			Severity:  Medium,
			Subject:   KindShare,
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Threats:   []int{2, 10},
			rows:      externalEdit(),
		},
		{
			ID:        "shares.external_important",
			Severity:  High,
			Subject:   KindShare,
			FiveRules: []int{4},
			SelfCheck: []int{4, 22},
			Threats:   []int{2, 10},
			rows:      externalImportant(),
		},
		{
			ID:        "shares.mynumber_org_wide",
			Severity:  Medium,
			Subject:   KindShare,
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Threats:   []int{4},
			Run:       runMyNumberOrgWide,
		},
		{
			ID:        "shares.no_expiry",
			Severity:  Medium,
			Subject:   KindShare,
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Threats:   []int{10},
			rows:      noExpiry(),
		},
		{
			ID:        "shares.not_reviewed",
			Severity:  Low,
			Subject:   KindShare,
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Threats:   []int{10},
			rows:      notReviewed(),
		},
		{
			ID:        "shares.open_important",
			Severity:  Critical,
			Subject:   KindShare,
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Threats:   []int{10},
			rows:      openImportant(),
		},
		{
			ID:        "shares.owner_unknown",
			Severity:  Low,
			Subject:   KindShare,
			FiveRules: []int{4},
			SelfCheck: []int{4},
			rows:      ownerUnknown(),
		},
		{
			ID:        "shares.public",
			Severity:  High,
			Subject:   KindShare,
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Threats:   []int{10},
			rows:      public(),
		},
		{
			ID:        "shares.special_external",
			Severity:  Critical,
			Subject:   KindShare,
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Threats:   []int{4, 10},
			rows:      specialExternal(),
		},
	}
	for i := range checks {
		if rc := checks[i].rows; rc != nil {
			checks[i].Run = rc.run
		}
	}
	return checks
}

// rowCheck is the shape of the checks over the rows of shares that reach
// outside the company: a cheap test, and the finding for a row that passes
// it. Run walks the rows once; Evaluate, which needs these checks' findings
// most, counts the matches first and then builds each finding straight
// into its place in the result, so that the largest outputs are neither
// grown nor copied.
type rowCheck struct {
	match func(s *Snapshot, r *shareRow) bool
	// builder starts one pass: the function it returns makes the finding
	// for a matching row, keeping what the pass shares (evidence blocks,
	// detail texts).
	builder func(s *Snapshot) func(r *shareRow) Finding
}

func (rc *rowCheck) run(s *Snapshot, emit func(Finding)) {
	build := rc.builder(s)
	for i := range s.ix.ext {
		if r := &s.ix.ext[i]; rc.match(s, r) {
			emit(build(r))
		}
	}
}

func (rc *rowCheck) count(s *Snapshot) int {
	n := 0
	for i := range s.ix.ext {
		if rc.match(s, &s.ix.ext[i]) {
			n++
		}
	}
	return n
}

// fill writes the findings of check id into out, which has exactly the
// room count found.
func (rc *rowCheck) fill(s *Snapshot, id string, out []Finding) {
	build := rc.builder(s)
	n := 0
	for i := range s.ix.ext {
		if r := &s.ix.ext[i]; rc.match(s, r) {
			f := build(r)
			f.CheckID = id
			out[n] = f
			n++
		}
	}
	if n != len(out) {
		panic("findings: " + id + " matched a different number of shares on the second pass")
	}
}

// refArena hands out short evidence lists carved from larger blocks, so
// that a check reporting a hundred thousand shares makes a few dozen
// allocations instead of a hundred thousand.
type refArena struct{ buf []Ref }

func (a *refArena) list(refs ...Ref) []Ref {
	if len(refs) == 0 {
		return nil
	}
	if cap(a.buf)-len(a.buf) < len(refs) {
		a.buf = make([]Ref, 0, 4096)
	}
	n := len(a.buf)
	a.buf = append(a.buf, refs...)
	return a.buf[n:len(a.buf):len(a.buf)]
}

// withAsset is the builder of most share checks: the share, with the
// information asset it holds as evidence when known.
func withAsset(s *Snapshot) func(r *shareRow) Finding {
	var arena refArena
	return func(r *shareRow) Finding {
		f := Finding{Subject: Ref{KindShare, r.id}}
		if r.asset >= 0 {
			f.Evidence = arena.list(assetRef(s, r.asset))
		}
		return f
	}
}

// withHoldings is withAsset for the checks that grade a share by its
// asset, saying what the share holds when the ledger knows how many people
// the asset concerns — as a scan applied to the map records it ("a share
// holding files with the My Numbers of about 120 people"). The asset itself
// is the finding's evidence, named by its name.
func withHoldings(s *Snapshot) func(r *shareRow) Finding {
	base := withAsset(s)
	return func(r *shareRow) Finding {
		f := base(r)
		if r.asset < 0 {
			return f
		}
		a := &s.Assets[r.asset]
		if a.PeopleConcerned <= 0 {
			return f
		}
		switch {
		case a.MyNumber:
			f.Detail = Msg("detail.share_holds_my_number", a.PeopleConcerned)
		case a.SensitiveInfo:
			f.Detail = Msg("detail.share_holds_sensitive", a.PeopleConcerned)
		case a.PersonalInfo:
			f.Detail = Msg("detail.share_holds_personal", a.PeopleConcerned)
		}
		return f
	}
}

// grade is the class of a share's asset: 0 unknown or ordinary, 1
// important, 2 special (My Number or 要配慮).
func (s *Snapshot) grade(r *shareRow) int {
	if r.asset < 0 {
		return 0
	}
	switch a := &s.ix.asset[r.asset]; {
	case a.special:
		return 2
	case a.important:
		return 1
	}
	return 0
}

func openScope(sc scope) bool { return sc == scopeAnyone || sc == scopePublic }

func specialExternal() *rowCheck {
	return &rowCheck{
		match:   func(s *Snapshot, r *shareRow) bool { return r.asset >= 0 && s.grade(r) == 2 },
		builder: withHoldings,
	}
}

func openImportant() *rowCheck {
	return &rowCheck{
		match:   func(s *Snapshot, r *shareRow) bool { return openScope(r.scope) && r.asset >= 0 && s.grade(r) == 1 },
		builder: withHoldings,
	}
}

func anyoneLink() *rowCheck {
	return &rowCheck{
		match:   func(s *Snapshot, r *shareRow) bool { return r.scope == scopeAnyone && s.grade(r) == 0 },
		builder: withAsset,
	}
}

func public() *rowCheck {
	return &rowCheck{
		match:   func(s *Snapshot, r *shareRow) bool { return r.scope == scopePublic && s.grade(r) == 0 },
		builder: withAsset,
	}
}

func externalImportant() *rowCheck {
	return &rowCheck{
		match:   func(s *Snapshot, r *shareRow) bool { return !openScope(r.scope) && r.asset >= 0 && s.grade(r) == 1 },
		builder: withHoldings,
	}
}

func noExpiry() *rowCheck {
	return &rowCheck{
		match: func(s *Snapshot, r *shareRow) bool {
			return !r.hasExpiry && r.created != noDay && s.ix.today-r.created > 90
		},
		builder: func(s *Snapshot) func(r *shareRow) Finding {
			base := withAsset(s)
			created := newSince("detail.since_created", s.ix.today)
			return func(r *shareRow) Finding {
				f := base(r)
				f.Detail = created.get(r.created)
				return f
			}
		},
	}
}

func externalEdit() *rowCheck {
	return &rowCheck{
		match:   func(s *Snapshot, r *shareRow) bool { return r.edit },
		builder: withAsset,
	}
}

func departedOwner() *rowCheck {
	return &rowCheck{
		match: func(s *Snapshot, r *shareRow) bool { return s.personLeft(r.owner) },
		builder: func(s *Snapshot) func(r *shareRow) Finding {
			var arena refArena
			return func(r *shareRow) Finding {
				f := Finding{Subject: Ref{KindShare, r.id}}
				if r.asset >= 0 {
					f.Evidence = arena.list(personRef(s, r.owner), assetRef(s, r.asset))
				} else {
					f.Evidence = arena.list(personRef(s, r.owner))
				}
				return f
			}
		},
	}
}

// notReviewed covers shares with an expiry: shares.no_expiry reports the
// others, and its fix is the same review.
func notReviewed() *rowCheck {
	return &rowCheck{
		match: func(s *Snapshot, r *shareRow) bool {
			switch {
			case !r.hasExpiry:
				return false
			case r.reviewed != noDay:
				return s.ix.today-r.reviewed > 180
			case r.created != noDay:
				return s.ix.today-r.created > 180
			}
			return false // neither date known: nothing to measure
		},
		builder: func(s *Snapshot) func(r *shareRow) Finding {
			base := withAsset(s)
			reviewed := newSince("detail.since_review", s.ix.today)
			never := newSince("detail.since_created_never_reviewed", s.ix.today)
			return func(r *shareRow) Finding {
				f := base(r)
				if r.reviewed != noDay {
					f.Detail = reviewed.get(r.reviewed)
				} else {
					f.Detail = never.get(r.created)
				}
				return f
			}
		},
	}
}

func ownerUnknown() *rowCheck {
	return &rowCheck{
		match:   func(s *Snapshot, r *shareRow) bool { return r.owner < 0 },
		builder: withAsset,
	}
}

func runMyNumberOrgWide(s *Snapshot, emit func(Finding)) {
	for _, i := range s.ix.orgMyNumber {
		sh := &s.Shares[i]
		emit(Finding{
			Subject:  Ref{KindShare, sh.ID},
			Evidence: []Ref{{KindAsset, sh.AssetID}},
		})
	}
}
