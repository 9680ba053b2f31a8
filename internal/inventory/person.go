// Package inventory is the map of a company: the people, and (in later
// steps) their accounts, services, devices, information assets and shares.
package inventory

import (
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/problem"
)

// EmploymentType is how a person works for the company.
type EmploymentType string

// The employment types common in Japanese small companies.
const (
	Executive  EmploymentType = "executive"  // 役員
	FullTime   EmploymentType = "full_time"  // 正社員
	Contract   EmploymentType = "contract"   // 契約社員
	PartTime   EmploymentType = "part_time"  // パート・アルバイト
	Dispatched EmploymentType = "dispatched" // 派遣
	Contractor EmploymentType = "contractor" // 業務委託
	Counsel    EmploymentType = "counsel"    // 顧問
)

// EmploymentTypes lists them in display order.
var EmploymentTypes = []EmploymentType{Executive, FullTime, Contract, PartTime, Dispatched, Contractor, Counsel}

// Person is someone who works for the company, whether or not they sign in
// to mamori.
type Person struct {
	ID             int64
	OrgID          int64
	Name           string // 氏名 in kanji
	Kana           string // フリガナ
	Email          string
	Department     string
	EmploymentType EmploymentType
	JoinDate       string // YYYY-MM-DD, "" when unknown
	LeaveDate      string // YYYY-MM-DD, "" while employed
	ManagerEmail   string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Active reports whether the person is still with the company at now (on
// that day in Japan).
func (p Person) Active(now time.Time) bool {
	return p.LeaveDate == "" || p.LeaveDate > calendar.Of(now).String()
}

// LeavingSoonDays is how far ahead a leave date brings the "leaving soon"
// notice, so that the leaver work (hand-overs, accounts, devices) starts
// before the day rather than as a finding after it.
const LeavingSoonDays = 14

// LeavingIn returns the days from today (a YYYY-MM-DD day in Japan) to the
// person's leave date, and whether that is within LeavingSoonDays. On the
// leave date itself the person has left: the departed finding takes over
// and soon is false.
func (p Person) LeavingIn(today string) (days int, soon bool) {
	if p.LeaveDate == "" || p.LeaveDate <= today {
		return 0, false
	}
	from, err1 := time.Parse(time.DateOnly, today)
	to, err2 := time.Parse(time.DateOnly, p.LeaveDate)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	days = int(to.Sub(from).Hours() / 24)
	return days, days <= LeavingSoonDays
}

// LeavingWindow is the range of leave dates (after today, up to until)
// that are "leaving soon" on today.
func LeavingWindow(today string) (after, until string) {
	d, err := time.Parse(time.DateOnly, today)
	if err != nil {
		return today, today
	}
	return today, d.AddDate(0, 0, LeavingSoonDays).Format(time.DateOnly)
}

// Validate names the first field that is wrong.
func (p *Person) Validate() error {
	if err := People.Check(p); err != nil {
		return err
	}
	if p.JoinDate != "" && p.LeaveDate != "" && p.LeaveDate < p.JoinDate {
		return problem.Field("leave_date", "person.leave_before_join")
	}
	return nil
}
