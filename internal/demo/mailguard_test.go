package demo

import (
	"bytes"
	"context"
	"testing"

	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/seal"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// TestSeedMailGuard: the demo company shows a mistake prevented, a Bcc
// conversion, a link downloaded once, and two messages waiting.
func TestSeedMailGuard(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite, nil)
	if _, err := Seed(ctx, db, today); err != nil {
		t.Fatal(err)
	}
	box, _ := seal.New(bytes.Repeat([]byte{1}, 32))
	spool := t.TempDir()
	now := db.Now()
	if err := SeedMailGuard(ctx, db, box, spool, now); err != nil {
		t.Fatal(err)
	}
	o, _ := db.OrgBySlug(ctx, sakura.slug)
	ten := db.Tenant(o.ID)
	set, err := ten.MailguardSettings(ctx)
	if err != nil || !set.Enabled || len(set.Partners) != 3 { // the partners register: two correspondents and the payroll outsourcer
		t.Fatalf("settings: %+v %v", set, err)
	}
	ms, err := ten.MailMessages(ctx, store.MailFilter{})
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]int{}
	var linked, zipped string
	for _, m := range ms {
		states[m.State]++
		switch m.Subject {
		case "図面の送付":
			linked = m.ID
		case "11月分 勤怠データの送付":
			zipped = m.ID
		}
	}
	if states[mailguard.StateCancelled] != 1 || states[mailguard.StateDone] != 3 || states[mailguard.StateConfirm] != 1 || states[mailguard.StateHeld] != 1 {
		t.Errorf("states = %v", states)
	}
	c, err := ten.MailCounts(ctx, now.AddDate(0, 0, -30), now.AddDate(0, 0, 1))
	if err != nil || c.Cancelled != 1 || c.Bcc != 1 || c.Downloads != 1 {
		t.Errorf("counts = %+v, %v; want 1 cancelled, 1 Bcc, 1 download", c, err)
	}
	links, err := ten.MailLinks(ctx, linked)
	if err != nil || len(links) != 1 || len(links[0].Downloads) != 1 {
		t.Fatalf("links = %+v, %v", links, err)
	}
	// The payroll outsourcer got a password zip whose password opens for
	// the sender's page.
	zips, err := ten.MailZips(ctx, zipped)
	if err != nil || len(zips) != 1 || zips[0].FileName != "勤怠_2026-11.xlsx.zip" {
		t.Fatalf("zips = %+v, %v", zips, err)
	}
	if pw, err := box.Open(zips[0].PasswordSealed, mailguard.ZipSealContext(zipped, zips[0].Rcpt)); err != nil || len(pw) != 16 {
		t.Errorf("zip password: %d characters, %v", len(pw), err)
	}
	// The file behind the link opens with the key it was sealed with.
	sealed, err := mailguard.Spool{Dir: spool}.ReadAux(linked, "f0")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := box.OpenBytes(sealed, mailguard.FileSealContext(linked, 0)); err != nil {
		t.Error(err)
	}
}

// TestStaffIsThePrintedMember: the member of staff `mamori demo` prints
// (and makes a mail client app password for) is the one whose mail the
// seeded history shows.
func TestStaffIsThePrintedMember(t *testing.T) {
	db := storetest.Open(t, store.SQLite, nil)
	res, err := Seed(context.Background(), db, today)
	if err != nil {
		t.Fatal(err)
	}
	if res.Member.Email != Staff {
		t.Errorf("printed member: got %s, want %s (demo.Staff)", res.Member.Email, Staff)
	}
}
