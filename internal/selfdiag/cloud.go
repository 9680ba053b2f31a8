package selfdiag

import (
	"strconv"

	"github.com/mamori-sec/mamori/internal/problem"
)

// The cloud-service check is 15 points to confirm about one cloud service,
// in three groups (when choosing it, when running it, how it is secured),
// after IPA's クラウドサービス安全利用チェックシート; the words are
// mamori's own (selfdiag.cloud.<n>.title and .help). Each point is
// answered with a note; when every point is answered "checked" the check
// is complete on its date, which becomes the service's "cloud check done"
// date.

// CloudItems is the number of points in the cloud-service check.
const CloudItems = 15

// CloudGroup is a group of points.
type CloudGroup struct {
	N        int
	From, To int
}

// Key is the catalogue key of the group's name.
func (g CloudGroup) Key() string { return "selfdiag.cloud.group." + strconv.Itoa(g.N) }

// CloudGroups are the three groups: choosing (1–6), running (7–10),
// securing (11–15).
var CloudGroups = [3]CloudGroup{{1, 1, 6}, {2, 7, 10}, {3, 11, 15}}

// CloudItemKey is the catalogue key of point n's title ("title") or its
// explanation ("help").
func CloudItemKey(n int, what string) string {
	return "selfdiag.cloud." + strconv.Itoa(n) + "." + what
}

// CloudMark is the answer to one point.
type CloudMark string

// The marks.
const (
	CloudUnset   CloudMark = ""
	CloudChecked CloudMark = "checked" // confirmed, and it is acceptable
	CloudIssue   CloudMark = "issue"   // confirmed, and something is not acceptable: see the note
	CloudNA      CloudMark = "na"      // does not apply to this service
)

// CloudMarks lists the marks a person can choose.
var CloudMarks = []CloudMark{CloudChecked, CloudIssue, CloudNA}

// Valid reports a mark a person can choose.
func (m CloudMark) Valid() bool { return m == CloudChecked || m == CloudIssue || m == CloudNA }

// Key is the catalogue key of the mark's words.
func (m CloudMark) Key() string {
	if m == CloudUnset {
		return "selfdiag.cloud.mark.unset"
	}
	return "selfdiag.cloud.mark." + string(m)
}

// CloudAnswer is one point answered.
type CloudAnswer struct {
	Mark CloudMark
	Note string
}

// MaxNote is the longest note on one point.
const MaxNote = 2000

// CloudSheet is one check of one service.
type CloudSheet [CloudItems]CloudAnswer

// Complete reports whether every point is answered and none has an open
// issue: only then is the service's check done.
func (s CloudSheet) Complete() bool {
	for _, a := range s {
		if a.Mark != CloudChecked && a.Mark != CloudNA {
			return false
		}
	}
	return true
}

// Counts returns how many points are checked, have an issue, do not
// apply and are still open.
func (s CloudSheet) Counts() (checked, issue, na, open int) {
	for _, a := range s {
		switch a.Mark {
		case CloudChecked:
			checked++
		case CloudIssue:
			issue++
		case CloudNA:
			na++
		default:
			open++
		}
	}
	return
}

// Validate refuses a mark that does not exist or a note that is too long,
// naming the point.
func (s CloudSheet) Validate() error {
	for i, a := range s {
		if a.Mark != CloudUnset && !a.Mark.Valid() {
			return problem.Field("mark_"+strconv.Itoa(i+1), "selfdiag.cloud.mark_invalid", i+1)
		}
		if len([]rune(a.Note)) > MaxNote {
			return problem.Field("note_"+strconv.Itoa(i+1), "selfdiag.cloud.note_too_long", i+1, MaxNote)
		}
		// An issue needs a note saying what it is.
		if a.Mark == CloudIssue && a.Note == "" {
			return problem.Field("note_"+strconv.Itoa(i+1), "selfdiag.cloud.issue_needs_note", i+1)
		}
	}
	return nil
}
