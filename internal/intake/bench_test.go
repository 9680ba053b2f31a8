package intake

import (
	"bytes"
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/importer"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/posture"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// accountsFile is a mamori accounts file of n rows in one service, each
// account belonging to one of people people by address.
func accountsFile(tb testing.TB, n, people int) []byte {
	tb.Helper()
	privs := []inventory.Privilege{inventory.Edit, inventory.Edit, inventory.View, inventory.Admin}
	mfas := []inventory.AccountMFA{inventory.MFAOn, inventory.MFAOn, inventory.MFAOff}
	rows := make([][]string, n)
	for i := range rows {
		a := importer.AccountRow{ServiceName: "Google Workspace"}
		a.LoginID = fmt.Sprintf("user%06d@example-company.co.jp", i)
		a.PersonEmail = fmt.Sprintf("staff%05d@example-company.co.jp", i%people)
		a.Kind, a.Privilege, a.MFA, a.Status = inventory.Personal, privs[i%4], mfas[i%3], inventory.Active
		a.CreatedOn = fmt.Sprintf("20%02d-%02d-%02d", 10+i%16, 1+i%12, 1+i%28)
		a.LastLogin = "2026-03-31"
		cells, err := importer.FormatRecord(importer.Accounts, a, "ja")
		if err != nil {
			tb.Fatal(err)
		}
		rows[i] = cells
	}
	var b bytes.Buffer
	if err := importer.WriteCSV(&b, importer.Columns(importer.Accounts), rows, "ja", true); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// orgWithPeople is a fresh SQLite store with one organisation of n people.
func orgWithPeople(tb testing.TB, n int) store.Tenant {
	tb.Helper()
	ctx := context.Background()
	db := storetest.Open(tb, store.SQLite, nil)
	id, err := db.CreateOrg(ctx, audit.System, org.Org{Slug: "bench", Name: "ベンチ株式会社"}, 0)
	if err != nil {
		tb.Fatal(err)
	}
	t := db.Tenant(id)
	people := make([]inventory.Person, n)
	for i := range people {
		people[i] = inventory.Person{Name: fmt.Sprintf("社員 %05d", i), Email: fmt.Sprintf("staff%05d@example-company.co.jp", i), EmploymentType: inventory.FullTime}
	}
	if err := t.AddPeople(ctx, audit.System, people); err != nil {
		tb.Fatal(err)
	}
	return t
}

// BenchmarkImportAccounts100k times the import of a 100,000-row account
// list (mamori's columns, one service, about 12 MB) into an organisation
// of 10,000 people on SQLite, end to end: read and parse the CSV, plan
// against the stored inventory, and write 100,000 accounts in one
// transaction, with one audit entry whose details hold the 100,000
// creations. cpu-ms/op is the CPU time the process used for it. The findings evaluation that Apply
// runs afterwards is timed apart (evaluate-ms/op): it is the findings
// engine's cost, opening one finding per problem account. So is planning
// the same file again (reimport-ms/op), which finds nothing to write.
func BenchmarkImportAccounts100k(b *testing.B) {
	data := accountsFile(b, 100_000, 10_000)
	b.SetBytes(int64(len(data)))
	ctx := context.Background()
	today := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	var read, evaluate, reimport, cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		t := orgWithPeople(b, 10_000)
		b.StartTimer()
		start, cpu0 := time.Now(), cpuTime()
		opt := Options{Today: today}
		p, src, err := Read(ctx, t, "accounts.csv", data, "", "", opt)
		if err != nil {
			b.Fatal(err)
		}
		read += time.Since(start)
		opt.Source = src
		pv, wrote, err := commit(ctx, t, audit.CLI(), p, opt)
		if err != nil || !wrote {
			b.Fatal(err)
		}
		if pv.Added != 100_000 || len(pv.Unmatched) != 0 {
			b.Fatalf("got %d added, %d unmatched", pv.Added, len(pv.Unmatched))
		}
		b.StopTimer()
		cpu += cpuTime() - cpu0
		start = time.Now()
		if _, err := posture.Evaluate(ctx, t, audit.System, today); err != nil {
			b.Fatal(err)
		}
		evaluate += time.Since(start)
		start = time.Now()
		if again, wrote, err := commit(ctx, t, audit.CLI(), p, opt); err != nil || wrote || again.Unchanged != 100_000 {
			b.Fatalf("again: got %d unchanged, wrote %v, %v", again.Unchanged, wrote, err)
		}
		reimport += time.Since(start)
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(float64(read.Milliseconds())/n, "read+parse-ms/op")
	b.ReportMetric(float64(evaluate.Milliseconds())/n, "evaluate-ms/op")
	b.ReportMetric(float64(reimport.Milliseconds())/n, "reimport-ms/op")
	b.ReportMetric(float64(cpu.Milliseconds())/n, "cpu-ms/op")
}

// cpuTime is the CPU time this process has used, user and system: on a
// shared machine it varies less with the neighbours' load than the time
// on the clock does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
