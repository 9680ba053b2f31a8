package workflow

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
)

// RecentDays is how far back a join or leave date still brings its
// checklist (about six weeks, so that whoever left at the end of last
// month always has one): a person imported with a leave date three years
// ago needs no checklist (the departed-person findings cover their
// accounts), one who left last week does.
const RecentDays = 45

// Member is a user of mamori with a membership in the organisation; a
// leaver whose e-mail matches one gets the "remove from mamori" item.
type Member struct {
	UserID int64
	Email  string
}

// Inventory is what the rules read: the organisation's records as they are
// now, its mamori members, the departments as last seen (to notice a move)
// and today.
type Inventory struct {
	Today    calendar.Day
	People   []inventory.Person
	Services []inventory.Service
	Accounts []inventory.Account
	Devices  []inventory.Device
	// Shares are those that reach beyond the company (as the findings
	// read them): a share that stops doing so, expires or is deleted
	// counts as closed.
	Shares  []inventory.Share
	Members []Member
	// Seen holds each person's department as the last run saw it; a
	// person missing from it is seen for the first time, which is not a
	// move.
	Seen map[int64]string
}

// ItemChange is an item moving to another status by the data.
type ItemChange struct {
	Item   Item // as it was
	To     Status
	Reason Reason
}

// ChecklistChange is a checklist's due day or status changing.
type ChecklistChange struct {
	Checklist Checklist // as it was (without items)
	Action    Action    // ActionDue, ActionClose, ActionReopen or ActionCancel
	Due       calendar.Day
	To        ChecklistStatus
}

// Plan is what one run decides; the store applies it with an audit entry
// per change.
type Plan struct {
	Create     []Checklist // new checklists with their items
	Add        []Item      // new items on existing checklists
	Items      []ItemChange
	Checklists []ChecklistChange
	// Seen are the departments to remember (new or changed).
	Seen map[int64]string
}

// Empty reports whether the plan changes no checklist.
func (p Plan) Empty() bool {
	return len(p.Create)+len(p.Add)+len(p.Items)+len(p.Checklists) == 0
}

// filesAndMail are the catalogue services that keep a person's files or
// mailbox, which must be handed over before the account goes.
var filesAndMail = []string{"google_workspace", "microsoft_365", "box", "dropbox", "line_works", "sakura_rental_server", "xserver"}

// HoldsFilesOrMail reports whether a service keeps people's files or mail.
func HoldsFilesOrMail(s inventory.Service) bool {
	return slices.Contains(filesAndMail, s.CatalogueKey)
}

type key struct {
	kind    ItemKind
	subject Subject
}

// view indexes the inventory once.
type view struct {
	in       *Inventory
	accounts map[int64]*inventory.Account
	devices  map[int64]*inventory.Device
	shares   map[int64]*inventory.Share
	services map[int64]*inventory.Service
	members  map[int64]bool
	byEmail  map[string]int64 // lower-case e-mail → person
	byName   map[string]int64
	accOf    map[int64][]*inventory.Account
	devOf    map[int64][]*inventory.Device
	shareOf  map[int64][]*inventory.Share
	core     []*inventory.Service
}

func newView(in *Inventory) *view {
	v := &view{in: in, accounts: map[int64]*inventory.Account{}, devices: map[int64]*inventory.Device{},
		shares: map[int64]*inventory.Share{}, services: map[int64]*inventory.Service{}, members: map[int64]bool{},
		byEmail: map[string]int64{}, byName: map[string]int64{}, accOf: map[int64][]*inventory.Account{},
		devOf: map[int64][]*inventory.Device{}, shareOf: map[int64][]*inventory.Share{}}
	for i := range in.People {
		p := &in.People[i]
		if e := strings.ToLower(strings.TrimSpace(p.Email)); e != "" {
			if _, dup := v.byEmail[e]; !dup {
				v.byEmail[e] = p.ID
			}
		}
		if p.Name != "" {
			if _, dup := v.byName[p.Name]; !dup {
				v.byName[p.Name] = p.ID
			}
		}
	}
	for i := range in.Services {
		v.services[in.Services[i].ID] = &in.Services[i]
	}
	for i := range in.Accounts {
		a := &in.Accounts[i]
		v.accounts[a.ID] = a
		if a.PersonID != 0 {
			v.accOf[a.PersonID] = append(v.accOf[a.PersonID], a)
		}
	}
	for i := range in.Devices {
		d := &in.Devices[i]
		v.devices[d.ID] = d
		if d.PersonID != 0 {
			v.devOf[d.PersonID] = append(v.devOf[d.PersonID], d)
		}
	}
	for i := range in.Shares {
		s := &in.Shares[i]
		v.shares[s.ID] = s
		if p := v.owner(s.Owner); p != 0 {
			v.shareOf[p] = append(v.shareOf[p], s)
		}
	}
	for _, m := range in.Members {
		v.members[m.UserID] = true
	}
	v.core = v.coreServices()
	return v
}

// owner finds the person a share's owner (an address or a name) refers
// to, as the findings do; 0 for nobody.
func (v *view) owner(owner string) int64 {
	owner = strings.TrimSpace(owner)
	if owner == "" {
		return 0
	}
	if strings.Contains(owner, "@") {
		return v.byEmail[strings.ToLower(owner)]
	}
	return v.byName[owner]
}

// current reports whether p works at the company today.
func (v *view) current(p *inventory.Person) bool {
	join, leave := day(p.JoinDate), day(p.LeaveDate)
	return (join.IsZero() || join <= v.in.Today) && (leave.IsZero() || leave > v.in.Today)
}

// coreServices are the services most of the company works in: those where
// more than half of the current people who have any account have an active
// personal account. A joiner gets an item for each.
func (v *view) coreServices() []*inventory.Service {
	withAny := 0
	count := map[int64]int{}
	for i := range v.in.People {
		p := &v.in.People[i]
		if !v.current(p) || len(v.accOf[p.ID]) == 0 {
			continue
		}
		withAny++
		seen := map[int64]bool{}
		for _, a := range v.accOf[p.ID] {
			if a.Kind == inventory.Personal && a.Status == inventory.Active && !seen[a.ServiceID] {
				seen[a.ServiceID] = true
				count[a.ServiceID]++
			}
		}
	}
	var out []*inventory.Service
	for id, n := range count {
		if s := v.services[id]; s != nil && n*2 > withAny {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b *inventory.Service) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	return out
}

// state says what the data shows of an automatic item of person p: Open
// while the work is still to do, Done when it shows it done, NotNeeded
// when the record the item was for is gone and there is nothing left to do.
func (v *view) state(it Item, p int64) Status {
	switch it.Kind {
	case SuspendAccount:
		a := v.accounts[it.Subject.ID]
		if a == nil || a.PersonID != p || a.Status != inventory.Active {
			return Done
		}
	case ReturnDevice, WipeOwnDevice:
		d := v.devices[it.Subject.ID]
		if d == nil || d.PersonID != p || d.DisposedOn != "" || d.ErasureDone == inventory.Yes {
			return Done
		}
	case TransferShare:
		s := v.shares[it.Subject.ID]
		if s == nil || v.owner(s.Owner) != p {
			return Done
		}
	case RemoveMember:
		if !v.members[it.Subject.ID] {
			return Done
		}
	case CreateAccount:
		if v.services[it.Subject.ID] == nil {
			return NotNeeded
		}
		for _, a := range v.accOf[p] {
			if a.ServiceID == it.Subject.ID && a.Status == inventory.Active && a.MFA == inventory.MFAOn {
				return Done
			}
		}
	case IssueDevice:
		for _, d := range v.devOf[p] {
			if d.Ownership != inventory.BYOD && d.DisposedOn == "" {
				return Done
			}
		}
	case ReviewPrivilege:
		a := v.accounts[it.Subject.ID]
		if a == nil || a.PersonID != p || a.Status != inventory.Active || (a.Privilege != inventory.Admin && a.Privilege != inventory.Edit) {
			return Done
		}
	}
	return Open
}

// leaverItems are the items a leaver's records call for now.
func (v *view) leaverItems(p *inventory.Person) []Item {
	var out []Item
	add := func(k ItemKind, s Subject) { out = append(out, Item{Kind: k, Subject: s}) }
	accs := slices.Clone(v.accOf[p.ID])
	slices.SortFunc(accs, func(a, b *inventory.Account) int { return cmp.Compare(a.ID, b.ID) })
	for _, a := range accs {
		if a.Status != inventory.Active {
			continue
		}
		add(SuspendAccount, Subject{AccountSubject, a.ID})
		if s := v.services[a.ServiceID]; s != nil && HoldsFilesOrMail(*s) {
			add(TransferData, Subject{AccountSubject, a.ID})
		}
	}
	devs := slices.Clone(v.devOf[p.ID])
	slices.SortFunc(devs, func(a, b *inventory.Device) int { return cmp.Compare(a.ID, b.ID) })
	for _, d := range devs {
		if d.DisposedOn != "" || d.ErasureDone == inventory.Yes {
			continue
		}
		if d.Ownership == inventory.BYOD {
			add(WipeOwnDevice, Subject{DeviceSubject, d.ID})
		} else {
			add(ReturnDevice, Subject{DeviceSubject, d.ID})
		}
	}
	shs := slices.Clone(v.shareOf[p.ID])
	slices.SortFunc(shs, func(a, b *inventory.Share) int { return cmp.Compare(a.ID, b.ID) })
	for _, s := range shs {
		add(TransferShare, Subject{ShareSubject, s.ID})
	}
	if e := strings.ToLower(strings.TrimSpace(p.Email)); e != "" {
		for _, m := range v.in.Members {
			if strings.ToLower(m.Email) == e {
				add(RemoveMember, Subject{UserSubject, m.UserID})
			}
		}
	}
	add(CollectItems, Subject{})
	return out
}

// joinerItems are a joiner's items: an account with MFA in each core
// service and a company device.
func (v *view) joinerItems() []Item {
	var out []Item
	for _, s := range v.core {
		out = append(out, Item{Kind: CreateAccount, Subject: Subject{ServiceSubject, s.ID}})
	}
	return append(out, Item{Kind: IssueDevice})
}

// moverItems are the privileges a mover's active accounts hold that their
// new role may not need.
func (v *view) moverItems(p *inventory.Person) []Item {
	var out []Item
	accs := slices.Clone(v.accOf[p.ID])
	slices.SortFunc(accs, func(a, b *inventory.Account) int { return cmp.Compare(a.ID, b.ID) })
	for _, a := range accs {
		if a.Status == inventory.Active && (a.Privilege == inventory.Admin || a.Privilege == inventory.Edit) {
			out = append(out, Item{Kind: ReviewPrivilege, Subject: Subject{AccountSubject, a.ID}})
		}
	}
	return out
}

func day(s string) calendar.Day {
	d, err := calendar.ParseISO(s)
	if err != nil {
		return 0
	}
	return d
}

// Reconcile decides what one run changes, given the stored checklists
// (with their items) and the inventory as it is now: it generates the
// checklists new leave dates, join dates and department changes call for,
// adds the items new records call for to a leaver's checklist, closes the
// items the data shows done (and reopens those it closed when the data
// turns back, e.g. a suspended account made active again), moves due days
// with the dates, cancels a leaver or joiner checklist whose date was
// removed, and closes a checklist with nothing left open.
func Reconcile(stored []Checklist, in Inventory) Plan {
	v := newView(&in)
	today := in.Today
	plan := Plan{Seen: map[int64]string{}}
	latest := map[key]*Checklist{} // by person (subject ID) and kind
	for i := range stored {
		c := &stored[i]
		k := key{ItemKind(c.Kind), Subject{ID: c.PersonID}}
		if l := latest[k]; l == nil || c.ID > l.ID {
			latest[k] = c
		}
	}
	people := slices.Clone(in.People)
	slices.SortFunc(people, func(a, b inventory.Person) int { return cmp.Compare(a.ID, b.ID) })
	for i := range people {
		p := &people[i]
		leave, join := day(p.LeaveDate), day(p.JoinDate)
		left := !leave.IsZero() && leave <= today

		// Leaver.
		switch c := latest[key{ItemKind(Leaver), Subject{ID: p.ID}}]; {
		case c != nil && c.Status == ChecklistOpen && leave.IsZero():
			plan.cancel(c)
		case c != nil && c.Status != ChecklistCancelled && (c.Status == ChecklistOpen || c.Due == leave):
			if c.Due != leave {
				plan.Checklists = append(plan.Checklists, ChecklistChange{Checklist: strip(c), Action: ActionDue, Due: leave, To: c.Status})
			}
			plan.sync(v, c, p, v.leaverItems(p), true, leave)
		case !leave.IsZero() && leave >= today.AddDays(-RecentDays):
			plan.create(v, p, Leaver, leave, v.leaverItems(p))
		}

		// Joiner.
		switch c := latest[key{ItemKind(Joiner), Subject{ID: p.ID}}]; {
		case c != nil && c.Status == ChecklistOpen && (join.IsZero() || left):
			plan.cancel(c)
		case c != nil && c.Status == ChecklistOpen:
			if c.Due != join {
				plan.Checklists = append(plan.Checklists, ChecklistChange{Checklist: strip(c), Action: ActionDue, Due: join, To: c.Status})
			}
			plan.sync(v, c, p, v.joinerItems(), false, join)
		case c == nil && !join.IsZero() && !left && join >= today.AddDays(-RecentDays):
			plan.create(v, p, Joiner, join, v.joinerItems())
		}

		// Mover: an open review follows the data until it is closed.
		for j := range stored {
			if c := &stored[j]; c.PersonID == p.ID && c.Kind == Mover && c.Status == ChecklistOpen {
				plan.sync(v, c, p, nil, false, c.Due)
			}
		}
		dept := strings.TrimSpace(p.Department)
		before, seen := in.Seen[p.ID]
		if !seen || before != dept {
			plan.Seen[p.ID] = dept
		}
		if seen && before != "" && dept != "" && before != dept && !left {
			if items := v.moverItems(p); len(items) > 0 {
				plan.create(v, p, Mover, today, items)
			}
		}
	}
	return plan
}

func strip(c *Checklist) Checklist {
	out := *c
	out.Items = nil
	return out
}

// create adds a new checklist whose items start as the data shows them.
func (plan *Plan) create(v *view, p *inventory.Person, kind Kind, due calendar.Day, items []Item) {
	c := Checklist{PersonID: p.ID, Kind: kind, Due: due, Status: ChecklistOpen}
	for _, it := range items {
		it.PersonID, it.Checklist, it.Due, it.Status = p.ID, kind, due, Open
		if it.Kind.Automatic() {
			if st := v.state(it, p.ID); st != Open {
				it.Status, it.Reason = st, ByData
			}
		}
		c.Items = append(c.Items, it)
	}
	if c.OpenItems() == 0 {
		c.Status = ChecklistClosed
	}
	plan.Create = append(plan.Create, c)
}

// cancel closes a checklist whose event went away, with its open items
// not needed.
func (plan *Plan) cancel(c *Checklist) {
	for _, it := range c.Items {
		if it.Status == Open {
			plan.Items = append(plan.Items, ItemChange{Item: it, To: NotNeeded, Reason: Cancelled})
		}
	}
	plan.Checklists = append(plan.Checklists, ChecklistChange{Checklist: strip(c), Action: ActionCancel, Due: c.Due, To: ChecklistCancelled})
}

// sync brings an existing checklist up to date: new items from wanted
// (when add), items the data shows done closed, items the data had closed
// and now shows undone reopened, and the checklist closed or reopened to
// match.
func (plan *Plan) sync(v *view, c *Checklist, p *inventory.Person, wanted []Item, add bool, due calendar.Day) {
	have := map[key]bool{}
	open := 0
	for _, it := range c.Items {
		have[key{it.Kind, it.Subject}] = true
		st := it.Status
		if it.Kind.Automatic() && (it.Status == Open || (it.Status == Done && it.Reason == ByData)) {
			if now := v.state(it, p.ID); now != it.Status {
				plan.Items = append(plan.Items, ItemChange{Item: it, To: now, Reason: ByData})
				st = now
			}
		}
		if st == Open {
			open++
		}
	}
	for _, it := range wanted {
		if !add || have[key{it.Kind, it.Subject}] {
			continue
		}
		if it.Kind.Automatic() && v.state(it, p.ID) != Open {
			continue
		}
		it.ChecklistID, it.PersonID, it.Checklist, it.Due, it.Status = c.ID, p.ID, c.Kind, due, Open
		plan.Add = append(plan.Add, it)
		open++
	}
	switch {
	case c.Status == ChecklistOpen && open == 0 && len(c.Items) > 0:
		plan.Checklists = append(plan.Checklists, ChecklistChange{Checklist: strip(c), Action: ActionClose, Due: due, To: ChecklistClosed})
	case c.Status == ChecklistClosed && open > 0:
		plan.Checklists = append(plan.Checklists, ChecklistChange{Checklist: strip(c), Action: ActionReopen, Due: due, To: ChecklistOpen})
	}
}

// Apply is a person marking an item done or not needed (with a reason),
// or opening it again; it returns the item as it becomes.
func (it Item) Apply(m Mark, by int64, at time.Time) (Item, error) {
	note := strings.TrimSpace(m.Note)
	switch {
	case !m.Status.Valid():
		return it, problem.Field("status", "workflow.status_invalid")
	case m.Status == NotNeeded && note == "":
		return it, problem.Field("note", "workflow.reason_required")
	case len([]rune(note)) > MaxNote:
		return it, problem.Field("note", "workflow.note_too_long", MaxNote)
	case m.Status == it.Status:
		return it, problem.New(problem.Conflict, "workflow.unchanged")
	}
	it.Status, it.Reason, it.Note = m.Status, ByPerson, note
	if m.Status == Open {
		it.ClosedBy, it.ClosedAt, it.Note = 0, time.Time{}, ""
	} else {
		it.ClosedBy, it.ClosedAt = by, at
	}
	return it, nil
}

// NewManual is an item the keeper adds to a checklist in their own words.
func NewManual(c Checklist, label string) (Item, error) {
	label = strings.TrimSpace(label)
	refused := Item{ChecklistID: c.ID, PersonID: c.PersonID}
	switch {
	case label == "":
		return refused, problem.Field("label", "workflow.label_required")
	case len([]rune(label)) > MaxNote:
		return refused, problem.Field("label", "workflow.note_too_long", MaxNote)
	}
	return Item{ChecklistID: c.ID, PersonID: c.PersonID, Checklist: c.Kind, Due: c.Due, Kind: Manual, Label: label, Status: Open}, nil
}

// After is the checklist's status once an item's status changed by hand:
// closed when nothing is left open, open again when something is. A
// cancelled checklist stays cancelled.
func (c Checklist) After(changed Item) ChecklistStatus {
	if c.Status == ChecklistCancelled {
		return c.Status
	}
	open := 0
	found := false
	for _, it := range c.Items {
		if it.ID == changed.ID {
			it, found = changed, true
		}
		if it.Status == Open {
			open++
		}
	}
	if !found && changed.Status == Open {
		open++
	}
	if open == 0 {
		return ChecklistClosed
	}
	return ChecklistOpen
}
