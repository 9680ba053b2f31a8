// Package findings is mamori's alarm: checks, written as Go code, that read
// a snapshot of one company's inventory (people, accounts, services,
// devices, information assets and shares) and report what should be fixed.
//
// Each check explains itself to someone who is not a security expert — what
// is wrong, what can happen because of it, and how to fix it step by step in
// the admin consoles the company already has — in the catalogues
// (internal/i18n/catalogue/*/checks.json: check.<id>.title, .explanation,
// .remediation, and the detail messages of its findings), and
// says which item of IPA's 情報セキュリティ5か条, which question of the
// 5分でできる自社診断 and which of the 情報セキュリティ10大脅威 2025 (組織)
// it belongs to, so that a finding doubles as evidence for those lists.
//
// Checks never pass on data they do not have: an unknown value either
// fires a separate "unknown" check or is left alone, and a check that
// depends on optional data names it in Needs.
package findings

import (
	"cmp"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
)

// Severity orders findings by how urgently they should be fixed.
type Severity int

// The severities, from the least to the most urgent.
const (
	Low Severity = iota + 1
	Medium
	High
	Critical
)

// String returns the stable lower-case name used in storage and URLs.
func (s Severity) String() string {
	switch s {
	case Critical:
		return "critical"
	case High:
		return "high"
	case Medium:
		return "medium"
	case Low:
		return "low"
	}
	return "unknown"
}

// Key is the catalogue key of the word shown to people (severity.1 … 4).
func (s Severity) Key() string {
	if s < Low || s > Critical {
		return "severity.unknown"
	}
	return "severity." + strconv.Itoa(int(s))
}

// Kind names the kind of record a finding is about.
type Kind string

// The kinds of record, named as the store and the web layer name them.
const (
	KindPerson  Kind = "person"
	KindAccount Kind = "account"
	KindDevice  Kind = "device"
	KindAsset   Kind = "asset"
	KindShare   Kind = "share"
	KindService Kind = "service"
)

// Ref points at one inventory record; its JSON form is the stored
// evidence's and the API's.
type Ref struct {
	Kind Kind  `json:"kind"`
	ID   int64 `json:"id"`
}

// Finding is one thing to fix: one check that fired for one record.
type Finding struct {
	CheckID string
	// Subject is the record the fix applies to; a check emits at most one
	// finding per subject.
	Subject Ref
	// Evidence lists the other records that prove the finding, for example
	// the active accounts of a person who has left. The subject itself is
	// always part of the proof and is not repeated here.
	Evidence []Ref
	// Detail is an optional line of specifics, e.g. how many days since
	// the last update: a catalogue key (detail.*) and its arguments.
	Detail Message
}

// Check is one rule over the inventory.
type Check struct {
	// ID is stable: stored findings, accepted risks and links refer to it,
	// so it is never renamed once released.
	ID       string
	Severity Severity
	// What is wrong, why it matters in the real world and how to fix it
	// step by step, all for a non-expert, are in the catalogues under
	// TitleKey, ExplanationKey and RemediationKey, in every language.
	FiveRules []int // 情報セキュリティ5か条 items 1–5
	SelfCheck []int // 5分でできる自社診断 questions 1–25
	Threats   []int // 情報セキュリティ10大脅威 2025 (組織) ranks 1–10
	// Subject is the kind of record every finding of this check is about.
	Subject Kind
	// Needs names the data the check cannot assess without (e.g.
	// "account.mfa"), so that missing data shows as "cannot assess" rather
	// than as a pass.
	Needs []string
	// Run reports the findings of the check on a prepared snapshot (see
	// Snapshot.Prepare). It leaves Finding.CheckID empty.
	Run func(s *Snapshot, emit func(Finding))

	rows *rowCheck // set for the checks over share rows, which Evaluate counts first
}

// TitleKey is the catalogue key of what the check finds wrong.
func (c Check) TitleKey() string { return "check." + c.ID + ".title" }

// ExplanationKey is the catalogue key of why it matters.
func (c Check) ExplanationKey() string { return "check." + c.ID + ".explanation" }

// RemediationKey is the catalogue key of how to fix it, step by step.
func (c Check) RemediationKey() string { return "check." + c.ID + ".remediation" }

// Checks returns every check, sorted by ID.
func Checks() []Check {
	var all []Check
	for _, group := range [][]Check{peopleChecks(), accountChecks(), serviceChecks(), deviceChecks(), networkChecks(), assetChecks(), shareChecks(), riskChecks(), policyChecks(), selfdiagChecks()} {
		all = append(all, group...)
	}
	slices.SortFunc(all, func(a, b Check) int { return cmp.Compare(a.ID, b.ID) })
	return all
}

// Lookup returns the check with the given ID.
func Lookup(id string) (Check, bool) {
	for _, c := range Checks() {
		if c.ID == id {
			return c, true
		}
	}
	return Check{}, false
}

// Evaluate prepares s and runs every check on it. The result is sorted by
// check ID, then by subject ID, so the same snapshot always gives the same
// list. Independent checks run on up to two goroutines.
//
// The checks over shares produce most findings of a large tenant, so
// Evaluate counts their matches first, allocates the result once, and has
// them write each finding straight into its place.
func Evaluate(s *Snapshot) []Finding {
	s.Prepare()
	checks := Checks()
	parts := make([]part, len(checks))
	counts := make([]int, len(checks))
	// Phase 1: run the ordinary checks, count the row checks.
	parallel(len(checks), func(i int) {
		if rc := checks[i].rows; rc != nil {
			counts[i] = rc.count(s)
		} else {
			parts[i] = runCheck(checks[i], s)
			counts[i] = parts[i].n
		}
	})
	offsets := make([]int, len(checks)+1)
	for i, n := range counts {
		offsets[i+1] = offsets[i] + n
	}
	out := make([]Finding, offsets[len(checks)])
	// Phase 2: put every finding in its place.
	parallel(len(checks), func(i int) {
		seg := out[offsets[i]:offsets[i+1]]
		if rc := checks[i].rows; rc != nil {
			rc.fill(s, checks[i].ID, seg)
		} else {
			n := 0
			for _, b := range parts[i].blocks {
				n += copy(seg[n:], b)
			}
			parts[i] = part{}
		}
		// Checks walk records in slice order, which is ID order when the
		// snapshot comes from the store; sort only when it was not.
		bySubject := func(a, b Finding) int { return cmp.Compare(a.Subject.ID, b.Subject.ID) }
		if !slices.IsSortedFunc(seg, bySubject) {
			slices.SortStableFunc(seg, bySubject)
		}
	})
	return out
}

// parallel calls f(0) … f(n-1) on up to two goroutines and waits for
// them. The largest jobs come last in check order (shares.*), so it hands
// out jobs from the end, keeping both goroutines busy until the finish.
func parallel(n int, f func(i int)) {
	var next atomic.Int64
	work := func() {
		for {
			i := n - 1 - int(next.Add(1)-1)
			if i < 0 {
				return
			}
			f(i)
		}
	}
	var wg sync.WaitGroup
	for range min(2, runtime.GOMAXPROCS(0)) - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
}

// part is the output of one check, kept in blocks so that a check
// reporting many findings never copies them to grow a slice; Evaluate
// copies each finding once, into the result.
type part struct {
	blocks [][]Finding
	n      int
}

func runCheck(c Check, s *Snapshot) part {
	var p part
	var cur []Finding
	c.Run(s, func(f Finding) {
		f.CheckID = c.ID
		if len(cur) == cap(cur) {
			if cur != nil {
				p.blocks = append(p.blocks, cur)
			}
			cur = make([]Finding, 0, min(8192, max(64, 2*cap(cur))))
		}
		cur = append(cur, f)
		p.n++
	})
	if len(cur) > 0 {
		p.blocks = append(p.blocks, cur)
	}
	return p
}
