package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/importer"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/risk"
	"github.com/mamori-sec/mamori/internal/safecsv"
	"github.com/mamori-sec/mamori/internal/store"
)

// formulaPayloads start with a character that makes a spreadsheet run the
// cell. "\r@CR" is kept apart: encoding/csv drops a lone CR inside a field
// when it writes CRLF line ends, so that value cannot round-trip.
var formulaPayloads = []string{`=HYPERLINK("http://x","y")`, "+cmd", "-1+1", "@SUM(1)", "\t=1", "＝1+1"}

// addFormulaRecords gives organisation A records of every kind with a
// payload in every free-text field, and audit entries whose actor is one.
func (w *world) addFormulaRecords(payloads []string) {
	w.t.Helper()
	ctx, t := context.Background(), w.db.Tenant(w.orgA.ID)
	check := func(err error) {
		if err != nil {
			w.t.Fatal(err)
		}
	}
	for i, p := range payloads {
		actor := audit.Actor{Label: p}
		email := fmt.Sprintf("formula%d@alpha.example", i)
		check(t.AddPeople(ctx, actor, []inventory.Person{{Name: p, Email: email, Department: p, EmploymentType: inventory.FullTime}}))
		people, _, err := t.People(ctx, store.PeopleQuery{Search: email})
		check(err)
		if len(people) != 1 {
			w.t.Fatalf("got %d people for %s, want 1", len(people), email)
		}
		person := people[0].ID
		svc := inventory.Service{Name: p, Category: inventory.Cloud, Admins: p, OwnerDepartment: p, DataHeld: p, Notes: p, MFA: inventory.MFAAvailable}
		check(t.SaveService(ctx, actor, &svc))
		dev := inventory.Device{Name: p, Kind: inventory.PC, PersonID: person, Ownership: inventory.CompanyIssued, Network: inventory.Internal, OSVersion: p, ErasureCertificate: p}
		check(t.SaveDevice(ctx, actor, &dev))
		acct := inventory.Account{ServiceID: svc.ID, PersonID: person, LoginID: p, Kind: inventory.Personal, Privilege: inventory.View, MFA: inventory.MFAOn, Status: inventory.Active}
		check(t.SaveAccount(ctx, actor, &acct))
		asset := inventory.Asset{BusinessArea: p, Name: p, Notes: p, UserScope: p, OwnerDepartment: p, Medium: p, RetentionUntil: p,
			Confidentiality: 1, Integrity: 1, Availability: 1}
		// A list cell is split at commas and its items trimmed, so only
		// such payloads go into lists.
		if !strings.ContainsAny(p, ",\r\t") {
			asset.PaperLocations, asset.ServiceIDs, asset.DeviceIDs = []string{p}, []int64{svc.ID}, []int64{dev.ID}
		}
		check(t.SaveAsset(ctx, actor, &asset))
		share := inventory.Share{ServiceID: svc.ID, Path: p, Owner: p, Scope: inventory.AnyoneWithLink, Permission: inventory.ShareView, AssetID: asset.ID}
		check(t.SaveShare(ctx, actor, &share))
		_, err = t.SaveRisk(ctx, actor, risk.Risk{AssetID: asset.ID, Threat: p, ThreatLevel: 1, Vulnerability: 1, Plan: p, Note: p})
		check(err)
	}
}

// download is one file the product hands out.
type download struct {
	what, typ string
	body      []byte
}

// everyDownload walks every GET organisation route as the owner — with
// each list kind for {kind} and with each file format and language — and
// returns whatever comes back as CSV or as an Excel workbook. A new export
// route is walked without this test knowing about it.
func everyDownload(w *world, c *client) []download {
	w.t.Helper()
	var out []download
	for _, rt := range w.srv.Routes() {
		if !rt.OrgScoped || !strings.HasPrefix(rt.Pattern, "GET ") {
			continue
		}
		kinds := []string{""}
		if strings.Contains(rt.Pattern, "{kind}") {
			kinds = kinds[:0]
			for _, k := range importer.Kinds {
				kinds = append(kinds, string(k))
			}
		}
		for _, kind := range kinds {
			_, path := fill(strings.ReplaceAll(rt.Pattern, "{kind}", kind), w.orgA.Slug, w.idFor(rt.Pattern, true))
			for _, q := range []string{"", "?format=csv&lang=ja", "?format=csv&lang=en", "?format=xlsx&lang=ja", "?format=xlsx&lang=en"} {
				r := c.get(path + q)
				typ := r.header.Get("Content-Type")
				if r.status != http.StatusOK || !strings.HasPrefix(typ, "text/csv") && !strings.Contains(typ, "spreadsheetml") {
					continue
				}
				out = append(out, download{what: "GET " + path + q, typ: typ, body: []byte(r.body)})
			}
		}
	}
	return out
}

// cellsOf reads every cell of a downloaded CSV or workbook, and for a
// workbook fails on any formula.
func cellsOf(t *testing.T, d download) []string {
	t.Helper()
	var cells []string
	if strings.HasPrefix(d.typ, "text/csv") {
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(d.body, []byte("\uFEFF")))).ReadAll()
		if err != nil {
			t.Fatalf("%s: not CSV: %v", d.what, err)
		}
		for _, r := range rows {
			cells = append(cells, r...)
		}
		return cells
	}
	x, err := excelize.OpenReader(bytes.NewReader(d.body))
	if err != nil {
		t.Fatalf("%s: not a workbook: %v", d.what, err)
	}
	defer x.Close()
	for _, sheet := range x.GetSheetList() {
		rows, err := x.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			for j := range r {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if f, _ := x.GetCellFormula(sheet, cell); f != "" {
					t.Errorf("%s: %s!%s is the formula %q", d.what, sheet, cell, f)
				}
			}
		}
	}
	return nil // a workbook's string cells are text, whatever they start with
}

// TestEveryExportNeutralisesFormulas puts formulas into every free-text
// field of every kind and into audit entries, then takes every file the
// product writes: no CSV cell starts with a character a spreadsheet runs
// (only with the quote that makes it text), no workbook cell is a formula.
func TestEveryExportNeutralisesFormulas(t *testing.T) {
	w := newWorld(t, "sqlite")
	w.addFormulaRecords(append(formulaPayloads, "\r@CR"))
	c := w.client("ja")
	c.signIn(w.users[org.Owner].Email)
	files := everyDownload(w, c)
	csvs, books := 0, 0
	for _, d := range files {
		cells := cellsOf(t, d)
		if !strings.HasPrefix(d.typ, "text/csv") {
			books++
			continue
		}
		csvs++
		quoted := 0
		for _, cell := range cells {
			if safecsv.Dangerous(cell) && cell[0] != '\'' {
				t.Errorf("%s: cell %q would run as a formula", d.what, cell)
			}
			if strings.HasPrefix(cell, "'") {
				quoted++
			}
		}
		if quoted == 0 {
			t.Errorf("%s: no cell was neutralised, want the payloads quoted", d.what)
		}
	}
	// The audit trail, six lists in two languages, the templates and the
	// workbooks: a walk that finds fewer has lost its way.
	if csvs < 1+2*len(importer.Kinds) || books < 2*len(importer.Kinds) {
		t.Fatalf("walked %d CSV and %d workbook downloads, want every export", csvs, books)
	}
	audit := c.get("/o/alpha/audit/export")
	if !strings.Contains(audit.body, `"'=HYPERLINK(""http://x"",""y"")"`) || !strings.Contains(audit.body, "'+cmd") {
		t.Fatalf("audit export lacks the neutralised actors:\n%.600s", audit.body)
	}
}

var previewCounts = regexp.MustCompile(`追加 (\d+) 件・変更 (\d+) 件・変更なし (\d+) 件`)

// TestExportReimportsUnchanged: each list exported as CSV, with its
// formulas quoted, and imported again changes nothing — the quotes come
// off exactly as they went on.
func TestExportReimportsUnchanged(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		w.addFormulaRecords(formulaPayloads)
		// The test world's asset is rated for confidentiality only; an
		// import needs all three ratings (a gap of its own, not of CSV).
		ctx, ten := context.Background(), w.db.Tenant(w.orgA.ID)
		asset, err := ten.Asset(ctx, w.inv["asset"][0])
		if err != nil {
			t.Fatal(err)
		}
		asset.Integrity, asset.Availability = 2, 2
		if err := ten.SaveAsset(ctx, audit.Actor{Label: "test"}, &asset); err != nil {
			t.Fatal(err)
		}
		c := w.client("ja")
		c.signIn(w.users[org.Owner].Email)
		for _, k := range importer.Kinds {
			for _, lang := range []string{"ja", "en"} {
				exp := c.get("/o/alpha/" + string(k) + "/export?format=csv&lang=" + lang)
				if exp.status != http.StatusOK || !strings.Contains(exp.body, "'+cmd") {
					t.Fatalf("%s export: got %d, want the payloads quoted\n%.400s", k, exp.status, exp.body)
				}
				r := c.upload("/o/alpha/import/preview", string(k)+".csv", []byte(exp.body), map[string]string{"kind": string(k)})
				m := previewCounts.FindStringSubmatch(r.body)
				if r.status != http.StatusOK || m == nil {
					t.Fatalf("%s %s re-import: got %d, want a preview\n%s", k, lang, r.status, r.body)
				}
				if m[1] != "0" || m[2] != "0" || m[3] == "0" {
					t.Errorf("%s %s re-import: %s, want nothing added or changed\n%s", k, lang, m[0], r.body)
				}
			}
		}
	})
}
