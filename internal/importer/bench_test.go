package importer

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/mamori-sec/mamori/internal/inventory"
)

// accountsCSV is a mamori accounts export of n rows, as Excel would save
// it: Japanese headers and labels, a BOM, CRLF.
func accountsCSV(tb testing.TB, n int) []byte {
	tb.Helper()
	services := []string{"Google Workspace", "Microsoft 365", "freee会計", "Slack", "Salesforce", "kintone", "Box", "サイボウズ Office"}
	kinds := []inventory.AccountKind{inventory.Personal, inventory.Personal, inventory.Personal, inventory.Shared, inventory.Guest}
	privs := []inventory.Privilege{inventory.Edit, inventory.Edit, inventory.View, inventory.Admin}
	mfas := []inventory.AccountMFA{inventory.MFAOn, inventory.MFAOff, inventory.MFAUnknown}
	rows := make([][]string, n)
	for i := range rows {
		a := AccountRow{ServiceName: services[i%len(services)]}
		a.LoginID = fmt.Sprintf("user%06d.yamada-sales@example-company.co.jp", i)
		a.PersonEmail = a.LoginID
		a.Kind, a.Privilege, a.MFA, a.Status = kinds[i%5], privs[i%4], mfas[i%3], inventory.Active
		a.CreatedOn = fmt.Sprintf("20%02d-%02d-%02d", 10+i%16, 1+i%12, 1+i%28)
		a.LastLogin = "2026-03-31"
		if i%7 == 0 {
			a.EndsOn = "2026-12-31"
		}
		cells, err := FormatRecord(Accounts, a, "ja")
		if err != nil {
			tb.Fatal(err)
		}
		rows[i] = cells
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, Columns(Accounts), rows, "ja", true); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// BenchmarkParseAccounts100k times reading and parsing a 100,000-row
// account list (about 14 MB), the import the web layer does before the
// database work.
func BenchmarkParseAccounts100k(b *testing.B) {
	data := accountsCSV(b, 100_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := ReadTable("accounts.csv", bytes.NewReader(data), 0)
		if err != nil {
			b.Fatal(err)
		}
		p, err := Parse(f, "", "", Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(p.Accounts) != 100_000 {
			b.Fatalf("got %d accounts", len(p.Accounts))
		}
	}
}
