// Package selfdiag is the self-diagnosis a small company answers to see
// where it stands: 25 questions in three parts (basic measures, measures
// as employees, measures as an organisation), answered done / partly /
// not done / don't know, scored 4 / 2 / 0 / −1, the total put in a band
// with the next step for it. The topics follow IPA's 5分でできる！情報
// セキュリティ自社診断; every question and explanation is mamori's own
// wording, in the catalogues (selfdiag.q.<n>.title, .risk, .practice).
//
// Everything here is a pure function: scoring, banding, comparing two
// sittings, merging department sittings, reading an answer file and
// proposing answers from the live inventory and findings (prefill.go).
package selfdiag

import (
	"slices"
	"strconv"
)

// Questions is the number of questions in a sitting.
const Questions = 25

// Answer is one answer to one question.
type Answer int8

// The answers; Unanswered is the zero value.
const (
	Unanswered Answer = iota
	Done
	Partly
	NotDone
	DontKnow
)

// AllAnswers lists the answers a person can give, in display order.
var AllAnswers = []Answer{Done, Partly, NotDone, DontKnow}

// Points is what the answer adds to the total: 4, 2, 0 or −1.
func (a Answer) Points() int {
	switch a {
	case Done:
		return 4
	case Partly:
		return 2
	case DontKnow:
		return -1
	}
	return 0
}

// Code is the stable name kept in storage, forms and the JSON API.
func (a Answer) Code() string {
	switch a {
	case Done:
		return "done"
	case Partly:
		return "partly"
	case NotDone:
		return "not_done"
	case DontKnow:
		return "dont_know"
	}
	return ""
}

// Key is the catalogue key of the answer's words.
func (a Answer) Key() string {
	if a == Unanswered {
		return "selfdiag.answer.none"
	}
	return "selfdiag.answer." + a.Code()
}

// AnswerOf returns the answer stored under code.
func AnswerOf(code string) (Answer, bool) {
	for _, a := range AllAnswers {
		if a.Code() == code {
			return a, true
		}
	}
	return Unanswered, false
}

// Part is one of the three parts of the questionnaire.
type Part struct {
	N        int // 1–3
	From, To int // first and last question
}

// Key is the catalogue key of the part's name.
func (p Part) Key() string { return "selfdiag.part." + strconv.Itoa(p.N) }

// Max is the most the part can score.
func (p Part) Max() int { return 4 * (p.To - p.From + 1) }

// Parts are the three parts: basic measures (1–5), measures as employees
// (6–18) and measures as an organisation (19–25).
var Parts = [3]Part{{1, 1, 5}, {2, 6, 18}, {3, 19, 25}}

// PartOf returns the part question q belongs to.
func PartOf(q int) Part {
	for _, p := range Parts {
		if q >= p.From && q <= p.To {
			return p
		}
	}
	return Part{}
}

// ValidQuestion reports whether q numbers a question.
func ValidQuestion(q int) bool { return q >= 1 && q <= Questions }

// QuestionKey is the catalogue key of question q's title ("title"), of
// what can go wrong when it is not done ("risk") or of what doing it
// looks like ("practice").
func QuestionKey(q int, what string) string {
	return "selfdiag.q." + strconv.Itoa(q) + "." + what
}

// Answers holds one sitting's answers, question q at index q-1.
type Answers [Questions]Answer

// Get returns the answer to question q.
func (a *Answers) Get(q int) Answer { return a[q-1] }

// Set sets the answer to question q.
func (a *Answers) Set(q int, v Answer) { a[q-1] = v }

// Complete reports whether every question is answered.
func (a Answers) Complete() bool { return !slices.Contains(a[:], Unanswered) }

// Band is where a total puts the company, with the next step for it.
type Band int

// The bands, from the best.
const (
	BandFull    Band = iota + 1 // 100
	BandMostly                  // 70–99
	BandPartial                 // 50–69
	BandUrgent                  // 49 or less
)

// BandOf returns the band of total.
func BandOf(total int) Band {
	switch {
	case total >= 100:
		return BandFull
	case total >= 70:
		return BandMostly
	case total >= 50:
		return BandPartial
	}
	return BandUrgent
}

// Code is the stable name of the band, for the JSON API and CLI.
func (b Band) Code() string {
	switch b {
	case BandFull:
		return "full"
	case BandMostly:
		return "mostly"
	case BandPartial:
		return "partial"
	case BandUrgent:
		return "urgent"
	}
	return ""
}

// Key is the catalogue key of the band's name.
func (b Band) Key() string { return "selfdiag.band." + b.Code() }

// NextKey is the catalogue key of the next step for the band.
func (b Band) NextKey() string { return "selfdiag.next." + b.Code() }

// Result is a scored sitting.
type Result struct {
	Total int
	Parts [3]int // the part totals, in Parts order
	Band  Band
	// DontKnow lists the questions answered "don't know": find out before
	// the next sitting.
	DontKnow []int
	// Unanswered lists the questions left blank; they score nothing.
	Unanswered []int
}

// Score totals a sitting.
func Score(a Answers) Result {
	var r Result
	for i, v := range a {
		q := i + 1
		pts := v.Points()
		r.Total += pts
		r.Parts[PartOf(q).N-1] += pts
		switch v {
		case DontKnow:
			r.DontKnow = append(r.DontKnow, q)
		case Unanswered:
			r.Unanswered = append(r.Unanswered, q)
		}
	}
	r.Band = BandOf(r.Total)
	return r
}

// Change is one question whose answer differs between two sittings.
type Change struct {
	Q             int
	Before, After Answer
}

// Better reports whether the answer improved.
func (c Change) Better() bool { return c.After.Points() > c.Before.Points() }

// Compare lists, question by question, what changed from prev to cur.
func Compare(prev, cur Answers) []Change {
	var out []Change
	for i := range prev {
		if prev[i] != cur[i] {
			out = append(out, Change{Q: i + 1, Before: prev[i], After: cur[i]})
		}
	}
	return out
}

// Said is what one department answered to one question.
type Said struct {
	Department string
	Answer     Answer
}

// Merge combines the sittings of several departments into the company's
// answers. The rule: a question is only as good as its weakest department
// — the answer with the fewest points wins, so one department that does
// not know makes the company not know, and one that has not done it makes
// the company not done. A department that left a question blank is not
// counted for it. said keeps, per question, who said what, so that the
// merged sitting shows where the weak answer came from.
func Merge(deps []Department) (merged Answers, said [Questions][]Said) {
	for _, d := range deps {
		for i, v := range d.Answers {
			if v == Unanswered {
				continue
			}
			said[i] = append(said[i], Said{Department: d.Name, Answer: v})
			if merged[i] == Unanswered || v.Points() < merged[i].Points() {
				merged[i] = v
			}
		}
	}
	return merged, said
}

// Department is one department's sitting, as Merge reads it.
type Department struct {
	Name    string
	Answers Answers
}
