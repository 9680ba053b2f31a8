package importer

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/safecsv"
)

// formulaPayloads are cell values a spreadsheet would run, or that sit
// next to the quote the export adds. A tab before = is a control
// character, which the description refuses in one-line fields (safecsv's
// own tests cover it).
var formulaPayloads = []string{`=HYPERLINK("http://x","y")`, "+cmd", "-1+1", "@SUM(1)", "＝1+1", "＋81 3 1234 5678", "－", "'=1", "-"}

// withPayload returns a copy of a sample record with p in every free-text
// field of its kind.
func withPayload(kind Kind, rec any, p string) any {
	switch r := rec.(type) {
	case PersonRow:
		r.Name, r.Department = p, p
		return r
	case AccountRow:
		r.ServiceName, r.LoginID = p, p
		return r
	case DeviceRow:
		r.Name, r.OSVersion, r.ErasureCertificate = p, p, p
		return r
	case AssetRow:
		r.BusinessArea, r.Name, r.Notes, r.UserScope, r.OwnerDepartment, r.Medium, r.RetentionUntil = p, p, p, p, p, p, p
		// A list cell is split at commas and its items trimmed.
		if item := strings.TrimSpace(p); !strings.ContainsAny(item, ",、") {
			r.PaperLocations, r.ServiceNames, r.DeviceNames = []string{item}, []string{item}, []string{item}
		}
		return r
	case ShareRow:
		r.ServiceName, r.Path, r.Owner, r.AssetName = p, p, p, p
		return r
	case inventory.Service:
		r.Name, r.Admins, r.OwnerDepartment, r.DataHeld, r.Notes = p, p, p, p, p
		return r
	}
	panic("withPayload: no case for " + string(kind))
}

// TestExportNeutralisesAndRoundTrips: a formula in any free-text field is
// written as text (no cell of the CSV starts with a character a
// spreadsheet runs), and importing the export gives the record back.
func TestExportNeutralisesAndRoundTrips(t *testing.T) {
	for kind, recs := range samples() {
		for _, p := range formulaPayloads {
			rec := withPayload(kind, recs[0], p)
			for _, lang := range []string{"ja", "en"} {
				cells, err := FormatRecord(kind, rec, lang)
				if err != nil {
					t.Fatal(err)
				}
				var b bytes.Buffer
				if err := WriteCSV(&b, Columns(kind), [][]string{cells}, lang, true); err != nil {
					t.Fatal(err)
				}
				rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b.Bytes(), []byte("\uFEFF")))).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				for _, row := range rows {
					for _, c := range row {
						if safecsv.Dangerous(c) && c[0] != '\'' {
							t.Errorf("%s %q: cell %q would run as a formula", kind, p, c)
						}
					}
				}
				parsed, err := Parse(mustRead(t, "export.csv", b.Bytes()), "", "", Options{})
				if err != nil {
					t.Fatalf("%s %q: Parse: %v", kind, p, err)
				}
				got := records(parsed, kind)
				if len(got) != 1 || !reflect.DeepEqual(got[0], rec) {
					t.Errorf("%s %s %q: read back\n got %+v\nwant %+v", kind, lang, p, got, rec)
				}
			}
		}
	}
}
