package findings

import (
	"math"
	"sort"
	"strconv"
)

// Weight is what the first open finding of a check costs its area's score,
// by severity. Every further finding of the same check costs half as much:
// ten forgotten accounts are worse than one, and fixing any one of them
// still moves the score.
var Weight = map[Severity]int{Critical: 20, High: 10, Medium: 4, Low: 1}

// Area is a part of the inventory the score assesses on its own: the
// records of one kind, and the checks about them.
type Area string

// The areas, named as the catalogue keys score.area.* name them.
const (
	AreaAccounts Area = "accounts"
	AreaDevices  Area = "devices"
	AreaShares   Area = "shares"
	AreaServices Area = "services"
	AreaPeople   Area = "people"
	AreaAssets   Area = "assets"
)

// areaDef is one area: the kind of record it covers and its weight in the
// overall score (the weights add up to 100).
type areaDef struct {
	Area   Area
	Kind   Kind
	Weight int
}

// areas are in the order pages show them, the weightiest first.
var areas = []areaDef{
	{AreaAccounts, KindAccount, 30},
	{AreaDevices, KindDevice, 20},
	{AreaShares, KindShare, 20},
	{AreaServices, KindService, 15},
	{AreaPeople, KindPerson, 10},
	{AreaAssets, KindAsset, 5},
}

// AreaOf is the area the findings about a kind of record count in.
func AreaOf(k Kind) Area {
	for _, a := range areas {
		if a.Kind == k {
			return a.Area
		}
	}
	return ""
}

// AreaList is every area, in the order pages show them.
func AreaList() []Area {
	out := make([]Area, len(areas))
	for i, a := range areas {
		out[i] = a.Area
	}
	return out
}

// KindOf is the kind of record an area covers.
func KindOf(a Area) Kind {
	for _, x := range areas {
		if x.Area == a {
			return x.Kind
		}
	}
	return ""
}

// OpenCount is the number of open findings of one check, at the check's
// highest severity among them, and the kind of record they are about.
type OpenCount struct {
	CheckID  string
	Kind     Kind
	Severity Severity
	Open     int
}

// Records counts an organisation's inventory records by kind: an area
// without records has not been assessed.
type Records map[Kind]int

// Deduction is one line of the score's calculation: what one check's open
// findings cost their area, and how much the overall score would rise if
// they were all fixed.
type Deduction struct {
	CheckID  string
	Kind     Kind
	Severity Severity
	Open     int
	Points   float64 // taken from the area's deductions
	Gain     float64 // overall points won by fixing them all
}

// AreaScore is one area's part of the calculation.
type AreaScore struct {
	Area     Area
	Weight   int
	Records  int
	Assessed bool    // the area has records; otherwise it is "not assessed"
	Deducted float64 // the sum of its lines' points
	Result   float64 // 100 × 100 ÷ (100 + Deducted)
	Lines    []Deduction
}

// Score is the posture score with how it was computed. It is computed per
// area and averaged over the assessed areas only, by weight: an area with
// no data lowers Confidence, never passes.
type Score struct {
	// Assessed is false while the areas with data carry less than
	// MinConfidence of the weight: there is no score then.
	Assessed bool
	Exact    float64 // 0–100 over the assessed areas
	Value    int     // Exact rounded down, as history and the API keep it
	// AreasAssessed of len(Areas) areas had data; Confidence is the share
	// of the overall weight they carry, in percent.
	AreasAssessed int
	Confidence    int
	Areas         []AreaScore
	Deductions    []Deduction // every check with open findings, largest gain first
	Counts        map[Severity]int
}

// MinConfidence is the share of the areas' weight, in percent, that must
// have data before there is a score at all: a company that imported only
// its staff list (10) has no score, one with its accounts (30) has one.
const MinConfidence = 30

// checkPoints is what n open findings of one check of a severity cost:
// the weight for the first, half of it for each further one.
func checkPoints(sev Severity, n int) float64 {
	if n <= 0 {
		return 0
	}
	return float64(Weight[sev]) * float64(n+1) / 2
}

// areaResult bounds an area's deductions: it starts at 100, falls as they
// grow, and never reaches 0, so every fix still counts.
func areaResult(deducted float64) float64 {
	return 100 * 100 / (100 + deducted)
}

// ScoreOf computes the score from the open findings per check and the
// number of records of each kind.
func ScoreOf(open []OpenCount, records Records) Score {
	s := Score{Counts: map[Severity]int{}}
	idx := map[Kind]int{}
	for i, a := range areas {
		idx[a.Kind] = i
		s.Areas = append(s.Areas, AreaScore{Area: a.Area, Weight: a.Weight, Records: records[a.Kind], Assessed: records[a.Kind] > 0})
	}
	for _, c := range open {
		if c.Open <= 0 {
			continue
		}
		s.Counts[c.Severity] += c.Open
		i, ok := idx[c.Kind]
		if !ok {
			continue
		}
		a := &s.Areas[i]
		a.Assessed = true // a finding about a record proves the area has data
		d := Deduction{CheckID: c.CheckID, Kind: c.Kind, Severity: c.Severity, Open: c.Open, Points: checkPoints(c.Severity, c.Open)}
		a.Deducted += d.Points
		a.Lines = append(a.Lines, d)
	}
	var weight float64
	var sum float64
	for i := range s.Areas {
		a := &s.Areas[i]
		a.Result = areaResult(a.Deducted)
		if !a.Assessed {
			continue
		}
		s.AreasAssessed++
		weight += float64(a.Weight)
		sum += float64(a.Weight) * a.Result
	}
	s.Confidence = int(math.Round(weight)) // the weights add up to 100
	if s.Confidence < MinConfidence {
		return s
	}
	s.Assessed = true
	s.Exact = sum / weight
	s.Value = int(math.Floor(s.Exact))
	for i := range s.Areas {
		a := &s.Areas[i]
		for j := range a.Lines {
			l := &a.Lines[j]
			l.Gain = float64(a.Weight) / weight * (areaResult(a.Deducted-l.Points) - a.Result)
			s.Deductions = append(s.Deductions, *l)
		}
		sortDeductions(a.Lines)
	}
	sortDeductions(s.Deductions)
	return s
}

func sortDeductions(ds []Deduction) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.Gain != b.Gain {
			return a.Gain > b.Gain
		}
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		return a.CheckID < b.CheckID
	})
}

// Top returns the n most important things to do: the checks whose fixing
// raises the score the most.
func (s Score) Top(n int) []Deduction {
	return s.Deductions[:min(n, len(s.Deductions))]
}

// Count is the number of open findings of a severity (4 critical … 1 low).
func (s Score) Count(severity int) int { return s.Counts[Severity(severity)] }

// Shown is the score as pages print it, to a tenth, so that fixing one
// record of many still shows.
func (s Score) Shown() string { return oneDecimal(s.Exact) }

// Shown is the area's result as the calculation prints it.
func (a AreaScore) Shown() string { return oneDecimal(a.Result) }

// ShownDeducted is the area's deductions as the calculation prints them.
func (a AreaScore) ShownDeducted() string { return oneDecimal(a.Deducted) }

// ShownPoints is the line's points as the calculation prints them.
func (d Deduction) ShownPoints() string { return oneDecimal(d.Points) }

// ShownGain is what fixing the line's findings wins, as pages print it.
func (d Deduction) ShownGain() string { return oneDecimal(d.Gain) }

// oneDecimal rounds down, so that a score with open findings never shows
// as 100.
func oneDecimal(x float64) string {
	return strconv.FormatFloat(math.Floor(x*10)/10, 'f', 1, 64)
}
