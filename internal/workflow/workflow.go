// Package workflow is the joiner / mover / leaver checklists: when a person
// gets a leave date, a join date or a new department, the work that follows
// (suspend their accounts, collect their devices, hand over their shares,
// create a newcomer's accounts with a second factor, revisit a mover's
// privileges) is generated from the inventory as checklist items, and the
// items close themselves when later data shows them done — an import that
// shows the account suspended closes its item on the next run.
//
// The rules are pure functions of the inventory and the day (Reconcile);
// the store keeps what they decide, with an audit entry per change, and the
// job queue runs them after every inventory change, with the evaluation.
//
// The joiner checklist holds accounts and a device only: policies to
// acknowledge and lessons to take join it once mamori has those modules.
package workflow

import (
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
)

// Kind is the kind of a checklist.
type Kind string

// The checklists, as stored and as named in catalogue keys
// (workflow.kind.leaver, …).
const (
	Leaver Kind = "leaver" // due on the leave date
	Joiner Kind = "joiner" // due on the join date
	Mover  Kind = "mover"  // due on the day the department change was seen
)

// Valid reports whether k is one of the kinds.
func (k Kind) Valid() bool { return k == Leaver || k == Joiner || k == Mover }

// ChecklistStatus is where a checklist is in its life: open while an item
// is open, closed when every item is done or not needed, cancelled when
// the event that caused it went away (the leave date was removed).
type ChecklistStatus string

// The checklist statuses.
const (
	ChecklistOpen      ChecklistStatus = "open"
	ChecklistClosed    ChecklistStatus = "closed"
	ChecklistCancelled ChecklistStatus = "cancelled"
)

// ItemKind says what one item asks for; the catalogues word each as
// workflow.item.<kind>.
type ItemKind string

// The item kinds. Each names the record it is about (its Subject).
const (
	// SuspendAccount: suspend or delete the leaver's account (subject:
	// the account). Done when the data shows it suspended or deleted,
	// linked to someone else, or gone.
	SuspendAccount ItemKind = "account_suspend"
	// TransferData: move the leaver's files and mailbox to a successor
	// before the account goes (subject: the account; only in services
	// that hold files or mail). Only a person can say it is done.
	TransferData ItemKind = "account_transfer"
	// ReturnDevice: collect the company device, wipe it and record its
	// disposal or reuse (subject: the device). Done when the device has
	// a disposal date or a recorded erasure, is assigned to someone else
	// or to nobody, or is gone.
	ReturnDevice ItemKind = "device_return"
	// WipeOwnDevice: remove company data from the leaver's own device
	// (BYOD; subject: the device). Done when the erasure is recorded or
	// the device is gone or unassigned.
	WipeOwnDevice ItemKind = "device_wipe"
	// TransferShare: hand over or close a share the leaver owns (subject:
	// the share). Done when the share no longer reaches beyond the
	// company (closed, expired, deleted) or has another owner.
	TransferShare ItemKind = "share_transfer"
	// RemoveMember: end the leaver's membership of mamori (subject: the
	// user). Done when the membership is gone.
	RemoveMember ItemKind = "member_remove"
	// CollectItems: collect keys, entry cards and other things lent.
	// Only a person can say it is done.
	CollectItems ItemKind = "physical"
	// Manual: an item the keeper added, worded by them (Label).
	Manual ItemKind = "manual"
	// CreateAccount: create the joiner's account with a second factor in
	// one of the company's core services (subject: the service). Done
	// when the person has an active account there with MFA on.
	CreateAccount ItemKind = "account_create"
	// IssueDevice: issue the joiner a company device. Done when one is
	// assigned to them.
	IssueDevice ItemKind = "device_issue"
	// ReviewPrivilege: revisit a mover's administrator or editing rights
	// (subject: the account). Done when the account no longer has them,
	// is no longer active, or is gone.
	ReviewPrivilege ItemKind = "privilege_review"
)

// ItemKinds lists every item kind, for the catalogue test.
var ItemKinds = []ItemKind{SuspendAccount, TransferData, ReturnDevice, WipeOwnDevice, TransferShare,
	RemoveMember, CollectItems, Manual, CreateAccount, IssueDevice, ReviewPrivilege}

// Automatic reports whether the data can close an item of this kind.
func (k ItemKind) Automatic() bool {
	switch k {
	case TransferData, CollectItems, Manual:
		return false
	}
	return true
}

// Status is where an item is.
type Status string

// The item statuses (workflow.status.<status>).
const (
	Open      Status = "open"
	Done      Status = "done"
	NotNeeded Status = "not_needed"
)

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool { return s == Open || s == Done || s == NotNeeded }

// Reason says why the data, not a person, closed an item
// (workflow.reason.<reason>).
type Reason string

// The reasons.
const (
	ByPerson  Reason = ""          // a person marked it
	ByData    Reason = "data"      // the inventory shows it done
	Cancelled Reason = "cancelled" // the checklist's event went away
)

// SubjectKind names the kind of record an item is about.
type SubjectKind string

// The subjects.
const (
	NoSubject      SubjectKind = ""
	AccountSubject SubjectKind = "account"
	DeviceSubject  SubjectKind = "device"
	ShareSubject   SubjectKind = "share"
	ServiceSubject SubjectKind = "service"
	UserSubject    SubjectKind = "user"
)

// Subject is the record an item is about.
type Subject struct {
	Kind SubjectKind
	ID   int64
}

// Item is one thing to do on a checklist.
type Item struct {
	ID          int64
	ChecklistID int64
	// PersonID and Checklist are the checklist's, repeated so that a list
	// of items across checklists (the dashboard's) reads on its own.
	PersonID  int64
	Checklist Kind
	Due       calendar.Day
	Kind      ItemKind
	Subject   Subject
	Label     string // a manual item's words
	Status    Status
	Reason    Reason
	ClosedBy  int64 // the user who closed it, 0 for the data
	ClosedAt  time.Time
	Note      string // why it is not needed, as the person wrote it
	CreatedAt time.Time
}

// Overdue reports whether the item is open past its checklist's due day.
func (it Item) Overdue(today calendar.Day) bool {
	return it.Status == Open && !it.Due.IsZero() && today > it.Due
}

// Checklist is one person's list for one event.
type Checklist struct {
	ID        int64
	PersonID  int64
	Kind      Kind
	Due       calendar.Day
	Status    ChecklistStatus
	CreatedAt time.Time
	ClosedAt  time.Time
	Items     []Item
}

// Overdue reports whether the checklist is open past its due day: it then
// shows in red and is escalated to the owner.
func (c Checklist) Overdue(today calendar.Day) bool {
	return c.Status == ChecklistOpen && !c.Due.IsZero() && today > c.Due
}

// OpenItems counts the items still open.
func (c Checklist) OpenItems() int {
	n := 0
	for _, it := range c.Items {
		if it.Status == Open {
			n++
		}
	}
	return n
}

// Action names a change as the audit trail records it; the catalogues
// label each as action.<name>.
type Action string

// The audit actions.
const (
	ActionCreate   Action = "checklist.create"    // a checklist was generated
	ActionDue      Action = "checklist.due"       // its due day moved
	ActionClose    Action = "checklist.close"     // every item is done or not needed
	ActionReopen   Action = "checklist.reopen"    // an item opened again
	ActionCancel   Action = "checklist.cancel"    // its event went away
	ActionAddItem  Action = "checklist.item.add"  // an item was added (by the data or the keeper)
	ActionDone     Action = "checklist.item.done" // an item was done
	ActionSkip     Action = "checklist.item.skip" // an item was marked not needed
	ActionItemOpen Action = "checklist.item.open" // an item opened again
)

// Mark is a person closing or reopening an item by hand.
type Mark struct {
	Status Status
	Note   string
}

// MaxNote bounds a reason or a manual item's words.
const MaxNote = 500
