package incident

// The links between incidents, near misses and lessons: which incident
// type a near miss of a category escalates to, and which lessons answer
// an incident of a type (lesson.Categories).

// OfNearMiss is the type of the incident a near miss of category (its
// nearmiss.Category) escalates to.
func OfNearMiss(category string) Type {
	switch category {
	case "mis_send", "wrong_attachment":
		return MisSent
	case "share_setting":
		return ShareExposed
	case "lost_item":
		return LostDevice
	case "suspicious_mail":
		return Malware
	}
	return Other
}

// LessonCategory is the lesson category (lesson.Categories) that answers
// an incident of type t.
func (t Type) LessonCategory() string {
	switch t {
	case MisSent:
		return "mis_send"
	case LostDevice:
		return "lost_item"
	case ShareExposed:
		return "share_setting"
	case Malware:
		return "malware"
	case AccountTakeover:
		return "account_takeover"
	}
	return "other"
}
