package routine

import (
	"bytes"
	"net/http"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/mamori-sec/mamori/internal/calendar"
)

// Origin says where a company's routine came from: the plan drawn from
// its inventory, or the keeper, who may add any chore of the catalogue.
type Origin string

// The origins of a routine.
const (
	FromPlan   Origin = "plan"
	FromKeeper Origin = "keeper"
)

// Status is where an occurrence stands on a given day.
type Status string

// The statuses of an occurrence.
const (
	Upcoming Status = "upcoming" // due later than a week from today
	DueSoon  Status = "due"      // due today or within the coming week
	Overdue  Status = "overdue"  // past its due day, not done
	Done     Status = "done"
)

// Statuses lists every status in display order.
var Statuses = []Status{Overdue, DueSoon, Upcoming, Done}

// Label is the status's catalogue key.
func (s Status) Label() string { return "routines.status." + string(s) }

// StatusOf is the status of an occurrence due on on, done or not, seen on
// today.
func StatusOf(on calendar.Day, done bool, today calendar.Day) Status {
	switch {
	case done:
		return Done
	case today > on:
		return Overdue
	case on <= today.AddDays(7):
		return DueSoon
	}
	return Upcoming
}

// DefaultEscalateAfter is how many days an occurrence may be overdue
// before it is put before the owner, unless the keeper sets otherwise.
const DefaultEscalateAfter = 7

// MaxEscalateAfter bounds the days a keeper may set (a quarter).
const MaxEscalateAfter = 90

// Escalates reports whether an occurrence due on on, not done and not yet
// escalated, is to be escalated to the owner on today: it has been overdue
// for afterDays days or more. afterDays 0 never escalates.
func Escalates(on, today calendar.Day, afterDays int, done, escalated bool) bool {
	return !done && !escalated && afterDays > 0 && int(today-on) >= afterDays
}

// ValidEscalateAfter reports whether a keeper's number of days is
// acceptable: 0 (never) to MaxEscalateAfter.
func ValidEscalateAfter(days int) bool { return days >= 0 && days <= MaxEscalateAfter }

// ToMaterialise lists the due days of a routine that are to exist as
// occurrences on today: every due day since the routine started (or since
// the last occurrence already made, whichever is later) up to today — the
// past ones are overdue — and the next one after today. A paused routine
// has none.
func ToMaterialise(s Schedule, starts, last, today calendar.Day, paused bool) ([]calendar.Day, error) {
	if paused {
		return nil, nil
	}
	if s.Cadence == Once {
		if last.IsZero() && !s.On.IsZero() {
			return []calendar.Day{s.On}, nil
		}
		return nil, nil // made already
	}
	from := starts
	if last >= from {
		from = last.AddDays(1)
	}
	var out []calendar.Day
	if from <= today {
		past, err := s.Due(from, today)
		if err != nil {
			return nil, err
		}
		for _, d := range past {
			if d > last {
				out = append(out, d)
			}
		}
	}
	if last > today {
		return out, nil // the next one exists already
	}
	next, err := s.Next(today.AddDays(1))
	if err != nil {
		return nil, err
	}
	// A nominal day before today moved past it is already in out.
	if len(out) == 0 || out[len(out)-1] != next {
		out = append(out, next)
	}
	return out, nil
}

// Evidence files: what may be uploaded to prove a chore was done. Files
// are checked by their name and by their content, so a program renamed to
// .pdf is refused.
const MaxEvidenceBytes = 10 << 20

// evidenceTypes maps an allowed file extension to the type it is served as.
var evidenceTypes = map[string]string{
	".pdf":  "application/pdf",
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".csv":  "text/csv; charset=utf-8",
	".txt":  "text/plain; charset=utf-8",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// AllowedEvidence is the list of extensions shown to people.
const AllowedEvidence = "PDF, PNG, JPEG, CSV, XLSX, TXT"

// CheckFile says whether a file may be kept as evidence, and the type it
// is stored and served as; a refusal is a catalogue key.
func CheckFile(name string, data []byte) (mime, key string) {
	if len(data) > MaxEvidenceBytes {
		return "", "routines.evidence_too_large"
	}
	if len(data) == 0 {
		return "", "routines.evidence_empty"
	}
	ext := strings.ToLower(filepath.Ext(name))
	mime, ok := evidenceTypes[ext]
	if !ok {
		return "", "routines.evidence_type"
	}
	sniffed := http.DetectContentType(data)
	var fits bool
	switch ext {
	case ".pdf":
		fits = sniffed == "application/pdf"
	case ".png":
		fits = sniffed == "image/png"
	case ".jpg", ".jpeg":
		fits = sniffed == "image/jpeg"
	case ".xlsx":
		fits = bytes.HasPrefix(data, []byte("PK\x03\x04"))
	case ".csv", ".txt":
		fits = utf8.Valid(data) && !bytes.ContainsRune(data, 0)
	}
	if !fits {
		return "", "routines.evidence_type"
	}
	return mime, ""
}

// ShareMark is the verdict on one open share in a share review.
type ShareMark string

// The verdicts of a share review.
const (
	Kept   ShareMark = "kept"
	Closed ShareMark = "closed"
)

// Valid reports whether m is a known verdict.
func (m ShareMark) Valid() bool { return m == Kept || m == Closed }

// Completion is what a person hands in when completing an occurrence.
type Completion struct {
	Note     string
	File     bool                // a file accompanies it (checked with CheckFile)
	ImportID int64               // the audit entry of an import that proves it, 0 none
	Shares   map[int64]ShareMark // share id → verdict, for a share review
}

// MaxNote bounds a completion note.
const MaxNote = 4000

// Check says what is wrong with a completion of chore c, as a field and a
// catalogue key: it needs some evidence, and only the kinds of evidence
// the chore takes (a linked import for a review fed by imports, share
// marks for a share review).
func (c Chore) Check(comp Completion) (field, key string) {
	switch {
	case utf8.RuneCountInString(comp.Note) > MaxNote:
		return "note", "routines.note_too_long"
	case comp.ImportID != 0 && !c.Takes(EvidenceImport):
		return "import", "routines.evidence_not_taken"
	case len(comp.Shares) > 0 && !c.Takes(EvidenceShares):
		return "shares", "routines.evidence_not_taken"
	case comp.File && !c.Takes(EvidenceFile) && !c.Takes(EvidenceImport):
		return "file", "routines.evidence_not_taken"
	}
	for _, m := range comp.Shares {
		if !m.Valid() {
			return "shares", "routines.share_mark_invalid"
		}
	}
	if strings.TrimSpace(comp.Note) == "" && !comp.File && comp.ImportID == 0 && len(comp.Shares) == 0 {
		return "note", "routines.evidence_required"
	}
	return "", ""
}

// Takes reports whether the chore accepts evidence of kind e.
func (c Chore) Takes(e Evidence) bool {
	for _, x := range c.Evidence {
		if x == e {
			return true
		}
	}
	return false
}

// Key identifies a company's routine: its chore and, for a per-service
// chore, its service.
type Key struct {
	Chore     string
	ServiceID int64
}

// Stored is a company's routine as kept, as far as the sync reads it.
type Stored struct {
	ID         int64
	Key        Key
	Origin     Origin
	Applicable bool
}

// Sync is what keeping a company's routines in step with its inventory
// does: create the planned routines it lacks, mark the planned ones that
// no longer apply (kept, with their history, but not due), and bring back
// the ones that apply again. Routines the keeper added, and the schedule,
// assignee and pause of every routine, are the keeper's and left alone.
type Sync struct {
	Create        []Item
	NotApplicable []int64
	Reapply       []int64
}

// Empty reports whether the sync changes nothing.
func (s Sync) Empty() bool { return len(s.Create)+len(s.NotApplicable)+len(s.Reapply) == 0 }

// Reconcile compares the stored routines with the plan.
func Reconcile(stored []Stored, plan []Item) Sync {
	byKey := make(map[Key]Stored, len(stored))
	for _, s := range stored {
		byKey[s.Key] = s
	}
	var out Sync
	planned := make(map[Key]bool, len(plan))
	for _, it := range plan {
		k := Key{Chore: it.Chore.ID, ServiceID: it.ServiceID}
		planned[k] = true
		s, ok := byKey[k]
		switch {
		case !ok:
			out.Create = append(out.Create, it)
		case !s.Applicable:
			out.Reapply = append(out.Reapply, s.ID)
		}
	}
	for _, s := range stored {
		if s.Origin == FromPlan && s.Applicable && !planned[s.Key] {
			out.NotApplicable = append(out.NotApplicable, s.ID)
		}
	}
	return out
}
