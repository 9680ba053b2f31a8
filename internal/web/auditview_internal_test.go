package web

import (
	"testing"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/inventory"
)

// TestAuditRowNamesRecords: an audit entry names its record by the name
// the lookup found; a record that is gone by the words its own entry
// recorded; one with neither as unknown — never by its id — and the
// records its fields refer to by name.
func TestAuditRowNamesRecords(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	b := base{cat: cat, Locale: i18n.Japanese}
	names := inventory.Names{
		{Kind: "account", ID: 3}: {Kind: "account", Name: "k.sato@example.jp", Service: "Google Workspace"},
		{Kind: "service", ID: 7}: {Kind: "service", Name: "Box"},
		{Kind: "person", ID: 5}:  {Kind: "person", Name: "佐藤 健一"},
	}
	entries := []audit.Entry{
		{Action: "account.update", Target: "account:3", Before: `{"person_id":0}`, After: `{"person_id":5}`},
		{Action: "share.update", Target: "share:13", Before: `{"path":"/営業/顧客名簿.xlsx","service_id":7}`, After: `{"path":"/営業/顧客名簿.xlsx","service_id":7,"scope":"anyone_link"}`},
		{Action: "device.update", Target: "device:9"},
	}
	want := inventory.Want{}
	auditWant(want, entries)
	for _, r := range []inventory.Ref{{Kind: "account", ID: 3}, {Kind: "share", ID: 13}, {Kind: "device", ID: 9}, {Kind: "person", ID: 5}, {Kind: "service", ID: 7}} {
		if _, ok := want[r]; !ok {
			t.Errorf("the lookup would not ask for %v", r)
		}
	}
	rows := b.auditRows(entries, names)
	for i, w := range []string{"k.sato@example.jp（Google Workspace）", "/営業/顧客名簿.xlsx（削除済み）", "（台帳にない機器）"} {
		if rows[i].Target != w {
			t.Errorf("entry %d: target %q, want %q", i, rows[i].Target, w)
		}
	}
	if c := rows[0].Changes; len(c) != 1 || c[0].Field != "利用者" || c[0].Before != "" || c[0].After != "佐藤 健一" {
		t.Errorf("account change: got %+v, want the person by name", c)
	}
	if c := rows[1].Changes; len(c) != 1 || c[0].Field != "共有範囲" || c[0].After != cat.T(i18n.Japanese, "inv.share.scope.anyone_link") {
		t.Errorf("share change: got %+v, want the scope in words", c)
	}
}
