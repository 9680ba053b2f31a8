package findings

import "sort"

// Weight is what one check with open findings costs the posture score, by
// severity. A check costs its weight once, plus one point per further
// finding, up to twice its weight: ten forgotten accounts are worse than
// one, but one critical problem still outweighs many small ones.
var Weight = map[Severity]int{Critical: 20, High: 10, Medium: 4, Low: 1}

// OpenCount is the number of open findings of one check, at the check's
// highest severity among them.
type OpenCount struct {
	CheckID  string
	Severity Severity
	Open     int
}

// Deduction is one line of the score's calculation.
type Deduction struct {
	CheckID  string
	Severity Severity
	Open     int
	Points   int
}

// Score is the posture score, 0–100, with how it was computed.
type Score struct {
	Value      int
	Deductions []Deduction // largest first
	Counts     map[Severity]int
}

// ScoreOf computes the score from the open findings per check.
func ScoreOf(open []OpenCount) Score {
	s := Score{Value: 100, Counts: map[Severity]int{}}
	for _, c := range open {
		w := Weight[c.Severity]
		pts := min(w+c.Open-1, 2*w)
		s.Deductions = append(s.Deductions, Deduction{CheckID: c.CheckID, Severity: c.Severity, Open: c.Open, Points: pts})
		s.Counts[c.Severity] += c.Open
		s.Value -= pts
	}
	s.Value = max(s.Value, 0)
	sort.SliceStable(s.Deductions, func(i, j int) bool {
		a, b := s.Deductions[i], s.Deductions[j]
		if a.Points != b.Points {
			return a.Points > b.Points
		}
		return a.CheckID < b.CheckID
	})
	return s
}

// Top returns the n most important things to do: the checks that cost the
// most points.
func (s Score) Top(n int) []Deduction {
	return s.Deductions[:min(n, len(s.Deductions))]
}

// Count is the number of open findings of a severity (4 critical … 1 low).
func (s Score) Count(severity int) int { return s.Counts[Severity(severity)] }
