package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/workflow"
)

func runChecklists(t *testing.T, ten store.Tenant, today calendar.Day) store.ChecklistSync {
	t.Helper()
	data, err := ten.ForChecks(context.Background(), today.String())
	if err != nil {
		t.Fatal(err)
	}
	res, err := ten.SyncChecklists(context.Background(), actor, data, today)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func itemOf(t *testing.T, c workflow.Checklist, kind workflow.ItemKind) workflow.Item {
	t.Helper()
	for _, it := range c.Items {
		if it.Kind == kind {
			return it
		}
	}
	t.Fatalf("no %s item in %+v", kind, c.Items)
	return workflow.Item{}
}

func TestLeaverChecklistStore(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		orgID := mustOrg(t, db, "leaver")
		ten := db.Tenant(orgID)
		uid := mustUser(t, db, "sato@leaver.example")
		if err := db.AddMember(ctx, actor, orgID, uid, org.Keeper); err != nil {
			t.Fatal(err)
		}
		today := calendar.Of(c.now())
		p := inventory.Person{Name: "佐藤 花子", Kana: "サトウ ハナコ", Email: "sato@leaver.example", Department: "営業", EmploymentType: inventory.FullTime,
			JoinDate: "2020-04-01", LeaveDate: today.AddDays(7).String()}
		if err := ten.AddPeople(ctx, actor, []inventory.Person{p}); err != nil {
			t.Fatal(err)
		}
		people, _, _ := ten.People(ctx, store.PeopleQuery{})
		p = people[0]
		svc := inventory.Service{Name: "Google Workspace", CatalogueKey: "google_workspace", Category: inventory.Cloud, MFA: inventory.MFAAvailable}
		if err := ten.SaveService(ctx, actor, &svc); err != nil {
			t.Fatal(err)
		}
		acc := inventory.Account{ServiceID: svc.ID, PersonID: p.ID, LoginID: "sato@leaver.example", Kind: inventory.Personal, Privilege: inventory.Edit, MFA: inventory.MFAOn, Status: inventory.Active}
		if err := ten.SaveAccount(ctx, actor, &acc); err != nil {
			t.Fatal(err)
		}
		dev := inventory.Device{Name: "PC-012", Kind: inventory.PC, PersonID: p.ID, Ownership: inventory.CompanyIssued, Network: inventory.Internal}
		if err := ten.SaveDevice(ctx, actor, &dev); err != nil {
			t.Fatal(err)
		}

		if res := runChecklists(t, ten, today); res.Created != 1 {
			t.Fatalf("first run: got %+v, want one checklist created", res)
		}
		lists, err := ten.PersonChecklists(ctx, p.ID)
		if err != nil || len(lists) != 1 || lists[0].Kind != workflow.Leaver || lists[0].Due != today.AddDays(7) {
			t.Fatalf("got %+v, %v; want one leaver checklist due in 7 days", lists, err)
		}
		cl := lists[0]
		// suspend, transfer (Google holds mail), device, membership, physical.
		if len(cl.Items) != 5 {
			t.Fatalf("got %d items %+v, want 5", len(cl.Items), cl.Items)
		}
		n0, _ := db.VerifyAudit(ctx)
		if res := runChecklists(t, ten, today); res != (store.ChecklistSync{}) {
			t.Fatalf("second run on the same data: got %+v, want nothing", res)
		}
		if n1, _ := db.VerifyAudit(ctx); n1 != n0 {
			t.Fatalf("a quiet run wrote %d audit entries", n1-n0)
		}

		// The import shows the account suspended: its item closes.
		acc.Status = inventory.Suspended
		if err := ten.SaveAccount(ctx, actor, &acc); err != nil {
			t.Fatal(err)
		}
		runChecklists(t, ten, today)
		cl, _ = ten.Checklist(ctx, cl.ID)
		if it := itemOf(t, cl, workflow.SuspendAccount); it.Status != workflow.Done || it.Reason != workflow.ByData {
			t.Fatalf("account item: got %s (%q), want done by the data", it.Status, it.Reason)
		}

		// A person marks what the data cannot show.
		transfer := itemOf(t, cl, workflow.TransferData)
		if _, err := ten.MarkItem(ctx, actor, transfer.ID, workflow.Mark{Status: workflow.NotNeeded}); problem.CodeOf(err) != problem.Invalid {
			t.Fatalf("not needed without a reason: got %v, want invalid", err)
		}
		if _, err := ten.MarkItem(ctx, actor, transfer.ID, workflow.Mark{Status: workflow.NotNeeded, Note: "メールは共有受信箱へ移行済み"}); err != nil {
			t.Fatal(err)
		}
		if _, err := ten.MarkItem(ctx, actor, itemOf(t, cl, workflow.CollectItems).ID, workflow.Mark{Status: workflow.Done}); err != nil {
			t.Fatal(err)
		}
		key, err := ten.AddItem(ctx, actor, cl.ID, "事務所の鍵を回収")
		if err != nil {
			t.Fatal(err)
		}

		// Another organisation cannot reach the items.
		other := db.Tenant(mustOrg(t, db, "other"))
		if _, err := other.MarkItem(ctx, actor, transfer.ID, workflow.Mark{Status: workflow.Done}); problem.CodeOf(err) != problem.NotFound {
			t.Fatalf("other organisation marking: got %v, want not found", err)
		}
		if _, err := other.AddItem(ctx, actor, cl.ID, "x"); problem.CodeOf(err) != problem.NotFound {
			t.Fatalf("other organisation adding: got %v, want not found", err)
		}
		if items, _ := other.OpenLeaverItems(ctx); len(items) != 0 {
			t.Fatalf("other organisation sees %d leaver items", len(items))
		}

		// Past the leave date: still open (the device, the membership, the key).
		c.add(10 * 24 * time.Hour)
		today = calendar.Of(c.now())
		runChecklists(t, ten, today)
		open, err := ten.OpenLeaverItems(ctx)
		if err != nil || len(open) != 3 || !open[0].Overdue(today) {
			t.Fatalf("got %+v, %v; want 3 overdue items", open, err)
		}
		lists, _ = ten.OverdueChecklists(ctx, today)
		if len(lists) != 1 || lists[0].ID != cl.ID {
			t.Fatalf("overdue checklists: got %+v, want the leaver's", lists)
		}
		if early, _ := ten.OverdueChecklists(ctx, cl.Due); len(early) != 0 {
			t.Fatalf("overdue on the due day itself: got %d, want none", len(early))
		}

		// The device is disposed, the membership removed, the key returned.
		dev.DisposedOn = today.String()
		if err := ten.SaveDevice(ctx, actor, &dev); err != nil {
			t.Fatal(err)
		}
		if err := ten.Remove(ctx, actor, uid); err != nil {
			t.Fatal(err)
		}
		if _, err := ten.MarkItem(ctx, actor, key.ID, workflow.Mark{Status: workflow.Done}); err != nil {
			t.Fatal(err)
		}
		runChecklists(t, ten, today)
		cl, _ = ten.Checklist(ctx, cl.ID)
		if cl.Status != workflow.ChecklistClosed || cl.ClosedAt.IsZero() {
			t.Fatalf("got %s, want the checklist closed once every item is done: %+v", cl.Status, cl.Items)
		}
		if items, _ := ten.OpenLeaverItems(ctx); len(items) != 0 {
			t.Fatalf("got %d open leaver items, want none", len(items))
		}
		added, _ := ten.History(ctx, "checklist_item:"+itoa(itemOf(t, cl, workflow.SuspendAccount).ID))
		if len(added) == 0 || !strings.Contains(added[len(added)-1].After, `"subject":"sato@leaver.example (Google Workspace)"`) {
			t.Fatalf("item history: got %+v, want the account named in words", added)
		}
		hist, _ := ten.History(ctx, "checklist:"+itoa(cl.ID))
		if len(hist) < 2 || hist[0].Action != string(workflow.ActionClose) {
			t.Fatalf("checklist history: got %+v, want create … close", hist)
		}
	})
}

func TestMoverReviewStore(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		ten := db.Tenant(mustOrg(t, db, "mover"))
		p := inventory.Person{Name: "田中 一郎", Kana: "タナカ イチロウ", Email: "tanaka@mover.example", Department: "総務", EmploymentType: inventory.FullTime, JoinDate: "2019-04-01"}
		if err := ten.AddPeople(ctx, actor, []inventory.Person{p}); err != nil {
			t.Fatal(err)
		}
		people, _, _ := ten.People(ctx, store.PeopleQuery{})
		p = people[0]
		svc := inventory.Service{Name: "freee会計", Category: inventory.Cloud, MFA: inventory.MFAAvailable}
		if err := ten.SaveService(ctx, actor, &svc); err != nil {
			t.Fatal(err)
		}
		acc := inventory.Account{ServiceID: svc.ID, PersonID: p.ID, LoginID: "tanaka", Kind: inventory.Personal, Privilege: inventory.Admin, MFA: inventory.MFAOn, Status: inventory.Active}
		if err := ten.SaveAccount(ctx, actor, &acc); err != nil {
			t.Fatal(err)
		}
		today := calendar.Of(c.now())
		if res := runChecklists(t, ten, today); res.Created != 0 {
			t.Fatalf("first run: got %+v, want nothing created (departments seen for the first time)", res)
		}
		p.Department = "経理"
		if err := ten.UpdatePerson(ctx, actor, p); err != nil {
			t.Fatal(err)
		}
		if res := runChecklists(t, ten, today); res.Created != 1 {
			t.Fatalf("after the move: got %+v, want a mover review", res)
		}
		if res := runChecklists(t, ten, today); res.Created != 0 {
			t.Fatalf("a second run: got %+v, want no second review", res)
		}
		lists, _ := ten.PersonChecklists(ctx, p.ID)
		if len(lists) != 1 || lists[0].Kind != workflow.Mover || len(lists[0].Items) != 1 || lists[0].Items[0].Subject.ID != acc.ID {
			t.Fatalf("got %+v, want one review of the admin account", lists)
		}
	})
}
