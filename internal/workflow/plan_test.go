package workflow

import (
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
)

var today = calendar.Date(2026, time.June, 10)

// company is a small inventory: 佐藤 leaves on 17 June with two accounts
// (one in Google Workspace), a laptop, a phone of her own, an external
// share and a mamori membership; 田中 stays.
func company() Inventory {
	return Inventory{
		Today: today,
		People: []inventory.Person{
			{ID: 1, Name: "佐藤 花子", Email: "sato@example.co.jp", Department: "営業", JoinDate: "2020-04-01", LeaveDate: "2026-06-17"},
			{ID: 2, Name: "田中 一郎", Email: "tanaka@example.co.jp", Department: "総務", JoinDate: "2019-04-01"},
		},
		Services: []inventory.Service{{ID: 10, Name: "Google Workspace", CatalogueKey: "google_workspace"}, {ID: 11, Name: "freee会計", CatalogueKey: "freee_accounting"}},
		Accounts: []inventory.Account{
			{ID: 100, ServiceID: 10, PersonID: 1, LoginID: "sato@example.co.jp", Kind: inventory.Personal, Privilege: inventory.Admin, MFA: inventory.MFAOn, Status: inventory.Active},
			{ID: 101, ServiceID: 11, PersonID: 1, LoginID: "sato", Kind: inventory.Personal, Privilege: inventory.Edit, Status: inventory.Active},
			{ID: 102, ServiceID: 10, PersonID: 2, LoginID: "tanaka@example.co.jp", Kind: inventory.Personal, Privilege: inventory.Edit, MFA: inventory.MFAOn, Status: inventory.Active},
			{ID: 103, ServiceID: 11, PersonID: 1, LoginID: "sato-old", Kind: inventory.Personal, Status: inventory.Suspended},
		},
		Devices: []inventory.Device{
			{ID: 200, Name: "PC-012", PersonID: 1, Ownership: inventory.CompanyIssued},
			{ID: 201, Name: "私物iPhone", PersonID: 1, Ownership: inventory.BYOD},
			{ID: 202, Name: "PC-001", PersonID: 2, Ownership: inventory.CompanyIssued},
		},
		Shares:  []inventory.Share{{ID: 300, Owner: "SATO@example.co.jp", Path: "/営業/見積"}, {ID: 301, Owner: "佐藤 花子", Path: "/営業/顧客"}, {ID: 302, Owner: "tanaka@example.co.jp"}},
		Members: []Member{{UserID: 7, Email: "Sato@Example.co.jp"}, {UserID: 8, Email: "owner@example.co.jp"}},
		Seen:    map[int64]string{1: "営業", 2: "総務"},
	}
}

func kinds(items []Item) []string {
	var out []string
	for _, it := range items {
		s := string(it.Kind)
		if it.Subject.ID != 0 {
			s += ":" + itoa(it.Subject.ID)
		}
		if it.Status != Open {
			s += "=" + string(it.Status)
		}
		out = append(out, s)
	}
	return out
}

func itoa(n int64) string { return fmtInt(n) }

func fmtInt(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// store is what the store would hold after applying plan to stored, with
// IDs given: it lets the tests run Reconcile again on later data.
func apply(stored []Checklist, plan Plan) []Checklist {
	next := int64(1000)
	for _, c := range stored {
		for _, it := range c.Items {
			next = max(next, it.ID+1)
		}
		next = max(next, c.ID+1)
	}
	byID := map[int64]int{}
	for i := range stored {
		byID[stored[i].ID] = i
	}
	for _, ch := range plan.Items {
		c := &stored[byID[ch.Item.ChecklistID]]
		for i := range c.Items {
			if c.Items[i].ID == ch.Item.ID {
				c.Items[i].Status, c.Items[i].Reason = ch.To, ch.Reason
			}
		}
	}
	for _, it := range plan.Add {
		c := &stored[byID[it.ChecklistID]]
		it.ID = next
		next++
		c.Items = append(c.Items, it)
	}
	for _, ch := range plan.Checklists {
		c := &stored[byID[ch.Checklist.ID]]
		c.Status, c.Due = ch.To, ch.Due
	}
	for _, c := range plan.Create {
		c.ID = next
		next++
		for i := range c.Items {
			c.Items[i].ID, c.Items[i].ChecklistID = next, c.ID
			next++
		}
		byID[c.ID] = len(stored)
		stored = append(stored, c)
	}
	return stored
}

func TestLeaverChecklistGenerated(t *testing.T) {
	in := company()
	plan := Reconcile(nil, in)
	if len(plan.Create) != 1 {
		t.Fatalf("got %d checklists, want 1 (the leaver's): %+v", len(plan.Create), plan.Create)
	}
	c := plan.Create[0]
	if c.Kind != Leaver || c.PersonID != 1 || c.Due != calendar.Date(2026, time.June, 17) || c.Status != ChecklistOpen {
		t.Fatalf("got %+v, want an open leaver checklist of person 1 due 2026-06-17", c)
	}
	want := []string{"account_suspend:100", "account_transfer:100", "account_suspend:101", "device_return:200", "device_wipe:201",
		"share_transfer:300", "share_transfer:301", "member_remove:7", "physical"}
	if got := kinds(c.Items); !equal(got, want) {
		t.Errorf("items: got %v, want %v", got, want)
	}
}

func TestLeaverWindow(t *testing.T) {
	tests := []struct {
		name  string
		leave string
		want  int
	}{
		{"leaving next week", "2026-06-17", 1},
		{"left last week", "2026-06-03", 1},
		{"left 45 days ago", "2026-04-26", 1},
		{"left 46 days ago", "2026-04-25", 0},
		{"left long ago", "2023-03-31", 0},
		{"no leave date", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := company()
			in.People[0].LeaveDate = tt.leave
			n := 0
			for _, c := range Reconcile(nil, in).Create {
				if c.Kind == Leaver {
					n++
				}
			}
			if n != tt.want {
				t.Errorf("got %d leaver checklists, want %d", n, tt.want)
			}
		})
	}
}

func TestReconcileClosesFromLaterData(t *testing.T) {
	in := company()
	stored := apply(nil, Reconcile(nil, in))
	if plan := Reconcile(stored, in); !plan.Empty() {
		t.Fatalf("a second run on the same data changed %+v, want nothing", plan)
	}

	// The import shows Google suspended, freee deleted; the laptop is
	// disposed, the phone wiped; one share is closed, the other handed to
	// 田中; the membership is removed.
	later := company()
	later.Accounts[0].Status = inventory.Suspended
	later.Accounts[1].Status = inventory.Deleted
	later.Devices[0].DisposedOn = "2026-06-16"
	later.Devices[1].ErasureDone = inventory.Yes
	later.Shares = []inventory.Share{{ID: 301, Owner: "tanaka@example.co.jp"}}
	later.Members = later.Members[1:]
	plan := Reconcile(stored, later)
	closed := map[ItemKind]int{}
	for _, ch := range plan.Items {
		if ch.To != Done || ch.Reason != ByData {
			t.Errorf("%s:%d went to %s (%q), want done by the data", ch.Item.Kind, ch.Item.Subject.ID, ch.To, ch.Reason)
		}
		closed[ch.Item.Kind]++
	}
	want := map[ItemKind]int{SuspendAccount: 2, ReturnDevice: 1, WipeOwnDevice: 1, TransferShare: 2, RemoveMember: 1}
	for k, n := range want {
		if closed[k] != n {
			t.Errorf("%s: got %d closed, want %d", k, closed[k], n)
		}
	}
	if closed[TransferData] != 0 || closed[CollectItems] != 0 {
		t.Errorf("the data closed an item only a person can close: %v", closed)
	}
	if len(plan.Checklists) != 0 {
		t.Errorf("checklist changed with items still open: %+v", plan.Checklists)
	}

	// The keeper marks the two manual ones; then the account comes back.
	stored = apply(stored, plan)
	for i := range stored[0].Items {
		if it := &stored[0].Items[i]; !it.Kind.Automatic() {
			it.Status = Done
		}
	}
	again := company()
	again.Accounts[0].Status = inventory.Active // reactivated by mistake
	again.Accounts[1].Status = inventory.Deleted
	again.Devices[0].DisposedOn = "2026-06-16"
	again.Devices[1].ErasureDone = inventory.Yes
	again.Shares = nil
	again.Members = again.Members[1:]
	plan = Reconcile(stored, again)
	if len(plan.Items) != 1 || plan.Items[0].Item.Subject.ID != 100 || plan.Items[0].To != Open {
		t.Errorf("got %+v, want the Google account's item reopened", plan.Items)
	}
}

func TestChecklistClosesAndReopens(t *testing.T) {
	in := company()
	in.People[0].Email = "" // no membership, no share by address
	in.Shares = nil
	in.Devices = in.Devices[2:]
	in.Accounts = in.Accounts[2:]
	stored := apply(nil, Reconcile(nil, in))
	if got := kinds(stored[0].Items); !equal(got, []string{"physical"}) {
		t.Fatalf("got %v, want only the physical items", got)
	}
	stored[0].Items[0].Status = Done
	// A new account of hers arrives by import: the closed checklist…
	stored[0].Status = ChecklistClosed
	in.Accounts = append(in.Accounts, inventory.Account{ID: 150, ServiceID: 11, PersonID: 1, Status: inventory.Active})
	plan := Reconcile(stored, in)
	if len(plan.Add) != 1 || plan.Add[0].Subject.ID != 150 || len(plan.Checklists) != 1 || plan.Checklists[0].Action != ActionReopen {
		t.Fatalf("got add %+v, changes %+v; want the new account added and the checklist reopened", plan.Add, plan.Checklists)
	}
	stored = apply(stored, plan)
	in.Accounts[len(in.Accounts)-1].Status = inventory.Suspended
	plan = Reconcile(stored, in)
	if len(plan.Checklists) != 1 || plan.Checklists[0].Action != ActionClose {
		t.Errorf("got %+v, want the checklist closed once the account is suspended", plan.Checklists)
	}
}

func TestLeaveDateMovedOrRemoved(t *testing.T) {
	in := company()
	stored := apply(nil, Reconcile(nil, in))
	in.People[0].LeaveDate = "2026-06-30"
	plan := Reconcile(stored, in)
	if len(plan.Checklists) != 1 || plan.Checklists[0].Action != ActionDue || plan.Checklists[0].Due != calendar.Date(2026, time.June, 30) {
		t.Fatalf("got %+v, want the due day moved to 2026-06-30", plan.Checklists)
	}
	in.People[0].LeaveDate = ""
	plan = Reconcile(stored, in)
	if len(plan.Checklists) != 1 || plan.Checklists[0].Action != ActionCancel {
		t.Fatalf("got %+v, want the checklist cancelled", plan.Checklists)
	}
	for _, ch := range plan.Items {
		if ch.To != NotNeeded || ch.Reason != Cancelled {
			t.Errorf("got %s (%q), want not needed, cancelled", ch.To, ch.Reason)
		}
	}
	if len(plan.Items) != len(stored[0].Items) {
		t.Errorf("got %d items cancelled, want %d", len(plan.Items), len(stored[0].Items))
	}
}

func TestJoinerChecklist(t *testing.T) {
	in := company()
	in.People = append(in.People, inventory.Person{ID: 3, Name: "鈴木 次郎", Email: "suzuki@example.co.jp", Department: "営業", JoinDate: "2026-07-01"})
	plan := Reconcile(nil, in)
	var joiner *Checklist
	for i := range plan.Create {
		if plan.Create[i].Kind == Joiner {
			joiner = &plan.Create[i]
		}
	}
	if joiner == nil || joiner.PersonID != 3 || joiner.Due != calendar.Date(2026, time.July, 1) {
		t.Fatalf("got %+v, want a joiner checklist for person 3 due 2026-07-01", plan.Create)
	}
	// Google Workspace is core (both current people), freee is not (only one of two).
	if got := kinds(joiner.Items); !equal(got, []string{"account_create:10", "device_issue"}) {
		t.Errorf("got %v, want an account in Google Workspace and a device", got)
	}
	stored := apply(nil, plan)
	in.Accounts = append(in.Accounts, inventory.Account{ID: 110, ServiceID: 10, PersonID: 3, Kind: inventory.Personal, Status: inventory.Active, MFA: inventory.MFAOff})
	if p := Reconcile(stored, in); len(p.Items) != 0 {
		t.Errorf("an account without MFA closed the item: %+v", p.Items)
	}
	in.Accounts[len(in.Accounts)-1].MFA = inventory.MFAOn
	in.Devices = append(in.Devices, inventory.Device{ID: 210, PersonID: 3, Ownership: inventory.CompanyIssued})
	p := Reconcile(stored, in)
	if len(p.Items) != 2 || len(p.Checklists) != 1 || p.Checklists[0].Action != ActionClose {
		t.Errorf("got items %+v, changes %+v; want both done and the checklist closed", p.Items, p.Checklists)
	}
	// Someone who joined two years ago gets none.
	in.People[2].JoinDate = "2024-04-01"
	for _, c := range Reconcile(nil, in).Create {
		if c.Kind == Joiner {
			t.Errorf("got a joiner checklist for a join date two years ago")
		}
	}
}

func TestMoverReview(t *testing.T) {
	in := company()
	in.People[1].Department = "経理" // 田中 moves from 総務
	plan := Reconcile(nil, in)
	var mover *Checklist
	for i := range plan.Create {
		if plan.Create[i].Kind == Mover {
			mover = &plan.Create[i]
		}
	}
	if mover == nil || mover.PersonID != 2 || mover.Due != today {
		t.Fatalf("got %+v, want a mover review for person 2 due today", plan.Create)
	}
	if got := kinds(mover.Items); !equal(got, []string{"privilege_review:102"}) {
		t.Errorf("got %v, want the editing account to revisit", got)
	}
	if plan.Seen[2] != "経理" {
		t.Errorf("seen: got %q, want 経理", plan.Seen[2])
	}
	// Seen for the first time, or no department before: no review.
	in.Seen = map[int64]string{}
	for _, c := range Reconcile(nil, in).Create {
		if c.Kind == Mover {
			t.Errorf("a person seen for the first time got a mover review")
		}
	}
	// The privilege lowered to view closes the review.
	stored := apply(nil, plan)
	in.Seen = map[int64]string{1: "営業", 2: "経理"}
	in.Accounts[2].Privilege = inventory.View
	p := Reconcile(stored, in)
	if len(p.Items) != 1 || p.Items[0].To != Done {
		t.Errorf("got %+v, want the review item done", p.Items)
	}
}

func TestApplyMark(t *testing.T) {
	at := time.Date(2026, 6, 10, 3, 0, 0, 0, time.UTC)
	it := Item{ID: 1, Kind: TransferData, Status: Open}
	if _, err := it.Apply(Mark{Status: NotNeeded}, 5, at); err == nil {
		t.Error("not needed without a reason: got no error, want one")
	}
	got, err := it.Apply(Mark{Status: NotNeeded, Note: " 退職前に本人が移行済み "}, 5, at)
	if err != nil || got.Status != NotNeeded || got.Note != "退職前に本人が移行済み" || got.ClosedBy != 5 || !got.ClosedAt.Equal(at) {
		t.Errorf("got %+v, %v; want not needed by 5 with the reason", got, err)
	}
	back, err := got.Apply(Mark{Status: Open}, 5, at)
	if err != nil || back.Status != Open || back.ClosedBy != 0 || back.Note != "" {
		t.Errorf("got %+v, %v; want open again", back, err)
	}
	c := Checklist{Status: ChecklistOpen, Items: []Item{it, {ID: 2, Status: Done}}}
	if s := c.After(Item{ID: 1, Status: Done}); s != ChecklistClosed {
		t.Errorf("got %s, want closed when the last item is done", s)
	}
	if _, err := NewManual(c, "  "); err == nil {
		t.Error("manual item without words: got no error")
	}
}

func TestOverdue(t *testing.T) {
	c := Checklist{Status: ChecklistOpen, Due: today}
	if c.Overdue(today) {
		t.Error("due today: got overdue, want not yet")
	}
	if !c.Overdue(today.AddDays(1)) {
		t.Error("a day past due: got not overdue")
	}
	it := Item{Status: Done, Due: today}
	if it.Overdue(today.AddDays(3)) {
		t.Error("a done item: got overdue")
	}
}
