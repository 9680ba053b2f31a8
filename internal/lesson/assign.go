package lesson

import (
	"slices"

	"github.com/mamori-sec/mamori/internal/calendar"
)

// Reason says why a lesson was assigned.
type Reason string

// The reasons, each with a catalogue label "lesson.reason.<reason>".
const (
	Joiner  Reason = "joiner"  // the basics set for someone new
	Event   Reason = "event"   // a near miss or incident in their department
	Refresh Reason = "refresh" // the yearly refresh of the basics
	Manual  Reason = "manual"  // assigned by the keeper
)

// How long people are given, and when the rules look again.
const (
	JoinerDays  = 14  // a new joiner has two weeks for the basics
	JoinerGrace = 30  // someone who joined up to 30 days ago still counts as new
	EventDays   = 14  // after a near miss, two weeks
	RefreshDays = 30  // the yearly refresh, a month
	ManualDays  = 14  // the keeper's default
	Year        = 365 // a basics lesson taken or assigned this long ago is due again
)

// Person is someone lessons can be assigned to.
type Person struct {
	ID         int64
	Department string
	Joined     calendar.Day // zero when unknown
	Left       calendar.Day // zero while employed
}

// Active reports whether p is still with the company on day.
func (p Person) Active(day calendar.Day) bool { return p.Left.IsZero() || p.Left > day }

// Assignment is a lesson asked of one person.
type Assignment struct {
	PersonID int64
	Lesson   string
	Reason   Reason
	Detail   string // the event category, for Event
	On       calendar.Day
	Due      calendar.Day
}

// Completion is a lesson a person finished (passed or not) on a day.
type Completion struct {
	PersonID int64
	Lesson   string
	On       calendar.Day
	Passed   bool
}

// Open reports whether an assignment still waits: no passed completion of
// its lesson on or after the day it was assigned.
func Open(a Assignment, done []Completion) bool {
	for _, c := range done {
		if c.PersonID == a.PersonID && c.Lesson == a.Lesson && c.Passed && c.On >= a.On {
			return false
		}
	}
	return true
}

// Basics lists the ids of the lessons in the basics set.
func Basics(lessons []Lesson) []string {
	var out []string
	for _, l := range lessons {
		if l.Basics {
			out = append(out, l.ID)
		}
	}
	return out
}

// Plan is the daily rule: who should get which lesson today. New joiners
// (joined within JoinerGrace days, on or before today) get every basics
// lesson they were not given since joining, due JoinerDays after joining
// (or today, whichever is later); everyone else active gets a basics
// lesson again when it was neither assigned nor passed in the last Year
// days. Plan returns only the new assignments; running it again the same
// day returns none.
func Plan(today calendar.Day, people []Person, lessons []Lesson, given []Assignment, done []Completion) []Assignment {
	basics := Basics(lessons)
	last := map[key]calendar.Day{} // latest assignment or passed completion
	for _, a := range given {
		k := key{a.PersonID, a.Lesson}
		last[k] = max(last[k], a.On)
	}
	for _, c := range done {
		if c.Passed {
			k := key{c.PersonID, c.Lesson}
			last[k] = max(last[k], c.On)
		}
	}
	var out []Assignment
	for _, p := range people {
		if !p.Active(today) || (!p.Joined.IsZero() && p.Joined > today) {
			continue
		}
		joiner := !p.Joined.IsZero() && p.Joined.AddDays(JoinerGrace) >= today
		for _, id := range basics {
			seen := last[key{p.ID, id}]
			switch {
			case joiner && (seen.IsZero() || seen < p.Joined):
				out = append(out, Assignment{PersonID: p.ID, Lesson: id, Reason: Joiner, On: today, Due: max(p.Joined.AddDays(JoinerDays), today)})
			case !joiner && (seen.IsZero() || seen.AddDays(Year) <= today):
				out = append(out, Assignment{PersonID: p.ID, Lesson: id, Reason: Refresh, On: today, Due: today.AddDays(RefreshDays)})
			}
		}
	}
	return out
}

type key struct {
	person int64
	lesson string
}

// ValidCategory reports whether category is one AssignForEvent accepts.
func ValidCategory(category string) bool { return slices.Contains(Categories, category) }

// ForEvent is the rule after a near miss or incident of category in
// department: every lesson answering that category goes to every active
// person of the department ("" for the whole company) who has not got it
// open already, due EventDays later.
func ForEvent(today calendar.Day, category, department string, people []Person, lessons []Lesson, given []Assignment, done []Completion) []Assignment {
	var out []Assignment
	for _, l := range lessons {
		if !l.Answers(category) {
			continue
		}
		for _, p := range people {
			if !p.Active(today) || (department != "" && p.Department != department) {
				continue
			}
			if hasOpen(p.ID, l.ID, given, done) {
				continue
			}
			out = append(out, Assignment{PersonID: p.ID, Lesson: l.ID, Reason: Event, Detail: category, On: today, Due: today.AddDays(EventDays)})
		}
	}
	return out
}

// ByHand is the keeper's assignment of lesson to people, skipping those
// who have it open already.
func ByHand(today, due calendar.Day, lessonID string, people []Person, given []Assignment, done []Completion) []Assignment {
	if due.IsZero() || due < today {
		due = today.AddDays(ManualDays)
	}
	var out []Assignment
	for _, p := range people {
		if !p.Active(today) || hasOpen(p.ID, lessonID, given, done) {
			continue
		}
		out = append(out, Assignment{PersonID: p.ID, Lesson: lessonID, Reason: Manual, On: today, Due: due})
	}
	return out
}

func hasOpen(person int64, lessonID string, given []Assignment, done []Completion) bool {
	for _, a := range given {
		if a.PersonID == person && a.Lesson == lessonID && Open(a, done) {
			return true
		}
	}
	return false
}

// Due is one lesson asked of a person, as their page lists it.
type Due struct {
	Lesson  string
	Titles  map[string]string // by locale
	Minutes int
	Reason  Reason
	On      calendar.Day // assigned
	Due     calendar.Day
	Overdue bool
}

// Title is the lesson's title in locale (Japanese when missing).
func (d Due) Title(locale string) string {
	if s := d.Titles[locale]; s != "" {
		return s
	}
	return d.Titles["ja"]
}

// Rate is a completion figure: how many of the assignments counted are
// done.
type Rate struct {
	Done, Assigned int
}

// Percent is the rate in whole percent; 0 of 0 counts as 0.
func (r Rate) Percent() int {
	if r.Assigned == 0 {
		return 0
	}
	return r.Done * 100 / r.Assigned
}

// Rates is completion per lesson, per department and overall.
type Rates struct {
	Overall      Rate
	ByLesson     map[string]Rate
	ByDepartment map[string]Rate
}

// CompletionRates counts each assignment as done when a passed completion of
// its lesson by its person followed it.
func CompletionRates(people []Person, given []Assignment, done []Completion) Rates {
	dept := map[int64]string{}
	for _, p := range people {
		dept[p.ID] = p.Department
	}
	r := Rates{ByLesson: map[string]Rate{}, ByDepartment: map[string]Rate{}}
	for _, a := range given {
		d, ok := dept[a.PersonID]
		if !ok {
			continue
		}
		finished := !Open(a, done)
		add := func(x Rate) Rate {
			x.Assigned++
			if finished {
				x.Done++
			}
			return x
		}
		r.Overall = add(r.Overall)
		r.ByLesson[a.Lesson] = add(r.ByLesson[a.Lesson])
		r.ByDepartment[d] = add(r.ByDepartment[d])
	}
	return r
}
