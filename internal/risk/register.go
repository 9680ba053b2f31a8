package risk

import (
	"cmp"
	"slices"

	"github.com/mamori-sec/mamori/internal/calendar"
)

// Entry is a risk with what the register shows beside it, computed from
// its asset's 重要度 and the acceptance line.
type Entry struct {
	Risk
	Importance int // 重要度 of the asset (inventory.Asset.Importance)
	Likelihood int // 被害発生可能性
	Value      int // リスク値
	Above      bool
	Untreated  bool
	Overdue    bool
}

// Assess computes an entry as of today.
func Assess(r Risk, importance, line int, today calendar.Day) Entry {
	return Entry{Risk: r, Importance: importance, Likelihood: r.Likelihood(), Value: r.ValueFor(importance),
		Above: r.Above(importance, line), Untreated: r.Untreated(importance, line), Overdue: r.Overdue(today)}
}

// Sort orders a register as it is read: the highest risk value first,
// then the overdue, then by asset and id.
func Sort(es []Entry) {
	slices.SortStableFunc(es, func(a, b Entry) int {
		return cmp.Or(cmp.Compare(b.Value, a.Value), boolOrder(a.Overdue, b.Overdue), cmp.Compare(a.AssetID, b.AssetID), cmp.Compare(a.ID, b.ID))
	})
}

func boolOrder(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}

// Heat is the guideline's 3×3 matrix of 重要度 against 被害発生可能性 with
// the number of risks in each cell: Count[importance][likelihood].
type Heat struct {
	Count [4][4]int
}

// HeatOf counts the entries into the matrix.
func HeatOf(es []Entry) Heat {
	var h Heat
	for _, e := range es {
		if ValidLevel(e.Importance) && ValidLevel(e.Likelihood) {
			h.Count[e.Importance][e.Likelihood]++
		}
	}
	return h
}
