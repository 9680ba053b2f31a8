package intake

import (
	"context"
	"fmt"
	"io"

	"github.com/mamori-sec/mamori/internal/importer"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

// Rows returns the organisation's records of kind as the cells of
// importer.Columns(kind) in lang ("ja" or "en"), references written as
// names and addresses: what an export holds, and what Apply reads back
// without a change.
func Rows(ctx context.Context, t store.Tenant, kind importer.Kind, lang string) ([][]string, error) {
	if kind == importer.Risks {
		return riskRows(ctx, t, lang)
	}
	d, err := t.Inventory(ctx)
	if err != nil {
		return nil, err
	}
	n := NamesOf(d)
	email, service, device, asset := n.Email, n.Service, n.Device, n.Asset
	var records []any
	switch kind {
	case importer.People:
		for _, p := range d.People {
			records = append(records, importer.PersonRow{Person: p, ManagerEmail: p.ManagerEmail})
		}
	case importer.Services:
		for _, s := range d.Services {
			records = append(records, s)
		}
	case importer.Accounts:
		for _, a := range d.Accounts {
			records = append(records, importer.AccountRow{Account: a, ServiceName: service[a.ServiceID], PersonEmail: email[a.PersonID]})
		}
	case importer.Devices:
		for _, x := range d.Devices {
			records = append(records, importer.DeviceRow{Device: x, UserEmail: email[x.PersonID]})
		}
	case importer.Assets:
		for _, a := range d.Assets {
			row := importer.AssetRow{Asset: a}
			for _, id := range a.ServiceIDs {
				row.ServiceNames = append(row.ServiceNames, service[id])
			}
			for _, id := range a.DeviceIDs {
				row.DeviceNames = append(row.DeviceNames, device[id])
			}
			records = append(records, row)
		}
	case importer.Shares:
		for _, s := range d.Shares {
			records = append(records, importer.ShareRow{Share: s, ServiceName: service[s.ServiceID], AssetName: asset[s.AssetID]})
		}
	default:
		return nil, problem.ErrNotFound
	}
	rows := make([][]string, 0, len(records))
	for _, r := range records {
		cells, err := importer.FormatRecord(kind, r, lang)
		if err != nil {
			return nil, err
		}
		rows = append(rows, cells)
	}
	return rows, nil
}

// Export writes the records of kind as format "csv" (UTF-8 with a BOM, so
// that Excel reads the Japanese) or "xlsx", with headers in lang, and
// returns how many records it wrote.
func Export(ctx context.Context, t store.Tenant, w io.Writer, kind importer.Kind, format, lang string) (int, error) {
	if format != "csv" && format != "xlsx" {
		return 0, problem.Field("format", "intake.bad_export_format", format)
	}
	rows, err := Rows(ctx, t, kind, lang)
	if err != nil {
		return 0, err
	}
	cols := importer.Columns(kind)
	if format == "xlsx" {
		return len(rows), importer.WriteXLSX(w, importer.SheetName(kind, lang), cols, rows, lang)
	}
	return len(rows), importer.WriteCSV(w, cols, rows, lang, true)
}

// FileName is the name an export of kind is offered under.
func FileName(kind importer.Kind, format, lang string) string {
	return fmt.Sprintf("%s.%s", importer.SheetName(kind, lang), format)
}

// ParseKind reads a kind named in a URL or on the command line.
func ParseKind(s string) (importer.Kind, bool) {
	for _, k := range importer.Kinds {
		if string(k) == s {
			return k, true
		}
	}
	if s == string(importer.Risks) {
		return importer.Risks, true
	}
	return "", false
}

// ParseFormat reads a format name; "auto" and "" mean detect.
func ParseFormat(s string) (importer.Format, bool) {
	if s == "" || s == "auto" {
		return "", true
	}
	for _, f := range importer.Formats {
		if string(f) == s {
			return f, true
		}
	}
	return "", false
}

// Names are the names behind the ids an inventory's records refer to:
// people by e-mail, services, devices and assets by name.
type Names struct {
	Email, Service, Device, Asset map[int64]string
}

// NamesOf indexes the names of an inventory once.
func NamesOf(d inventory.Data) Names {
	n := Names{Email: map[int64]string{}, Service: map[int64]string{}, Device: map[int64]string{}, Asset: map[int64]string{}}
	for _, p := range d.People {
		n.Email[p.ID] = p.Email
	}
	for _, s := range d.Services {
		n.Service[s.ID] = s.Name
	}
	for _, x := range d.Devices {
		n.Device[x.ID] = x.Name
	}
	for _, a := range d.Assets {
		n.Asset[a.ID] = a.Name
	}
	return n
}
