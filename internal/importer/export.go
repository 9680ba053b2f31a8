package importer

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"unicode"

	"github.com/xuri/excelize/v2"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/safecsv"
)

// SheetName is the sheet (and file) name for a kind.
func SheetName(kind Kind, lang string) string {
	names := map[Kind][2]string{
		People:   {"従業員", "People"},
		Services: {"サービス", "Services"},
		Accounts: {"アカウント", "Accounts"},
		Devices:  {"機器", "Devices"},
		Assets:   {"情報資産管理台帳", "Information assets"},
		Shares:   {"共有", "Shares"},
		Risks:    {"リスク分析", "Risk analysis"},
	}
	if lang == "en" {
		return names[kind][1]
	}
	return names[kind][0]
}

// HeaderRow returns the header cells of cols in lang ("ja" unless "en").
func HeaderRow(cols []Column, lang string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.JA
		if lang == "en" {
			out[i] = c.EN
		}
	}
	return out
}

// FormatRecord writes a record as the cells of Columns(kind), in the words
// of lang, so that Parse reads back an equal record. record is a PersonRow
// (or inventory.Person), inventory.Service, AccountRow, DeviceRow, AssetRow
// or ShareRow, by kind.
func FormatRecord(kind Kind, record any, lang string) ([]string, error) {
	values, err := valuesOf(kind, record)
	if err != nil {
		return nil, err
	}
	cols := columnsOf[kind]
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = formatValue(c, values[c.Key], lang)
	}
	return out, nil
}

func valuesOf(kind Kind, record any) (map[string]any, error) {
	switch r := record.(type) {
	case inventory.Person:
		return valuesOf(kind, PersonRow{Person: r})
	case *inventory.Person:
		return valuesOf(kind, PersonRow{Person: *r})
	case PersonRow:
		if kind == People {
			return map[string]any{"name": r.Name, "kana": r.Kana, "email": r.Email, "department": r.Department,
				"employment_type": string(r.EmploymentType), "manager_email": r.ManagerEmail, "join_date": r.JoinDate, "leave_date": r.LeaveDate}, nil
		}
	case inventory.Service:
		if kind == Services {
			return map[string]any{"name": r.Name, "category": string(r.Category), "admins": r.Admins, "owner_department": r.OwnerDepartment,
				"data_held": r.DataHeld, "sso": r.SSO, "mfa": string(r.MFA), "data_country": r.DataCountry, "internet_facing": r.InternetFacing,
				"cloud_check_done": r.CloudCheckDone, "notes": r.Notes}, nil
		}
	case AccountRow:
		if kind == Accounts {
			return map[string]any{"service": r.ServiceName, "login_id": r.LoginID, "person_email": r.PersonEmail, "kind": string(r.Kind),
				"privilege": string(r.Privilege), "mfa": string(r.MFA), "status": string(r.Status), "created_on": r.CreatedOn,
				"last_login": r.LastLogin, "ends_on": r.EndsOn}, nil
		}
	case DeviceRow:
		if kind == Devices {
			return map[string]any{"name": r.Name, "kind": string(r.Kind), "user_email": r.UserEmail, "ownership": string(r.Ownership),
				"disk_encryption": r.DiskEncryption, "screen_lock": r.ScreenLock, "remote_wipe": r.RemoteWipe, "antivirus": r.Antivirus,
				"os_version": r.OSVersion, "last_updated": r.LastUpdated, "default_password_changed": r.DefaultPasswordChanged,
				"network": string(r.Network), "guest_separated": r.GuestSeparated, "disposed_on": r.DisposedOn, "erasure_done": r.ErasureDone,
				"erasure_certificate": r.ErasureCertificate}, nil
		}
	case AssetRow:
		if kind == Assets {
			return map[string]any{"business_area": r.BusinessArea, "name": r.Name, "notes": r.Notes, "user_scope": r.UserScope,
				"owner_department": r.OwnerDepartment, "medium": r.Medium, "personal_info": r.PersonalInfo, "sensitive_info": r.SensitiveInfo,
				"my_number": r.MyNumber, "confidentiality": r.Confidentiality, "integrity": r.Integrity, "availability": r.Availability,
				"retention_until": r.RetentionUntil, "registered_on": r.RegisteredOn, "service_names": r.ServiceNames,
				"device_names": r.DeviceNames, "paper": r.PaperLocations, "people_concerned": r.PeopleConcerned, "data_level": r.DataLevel}, nil
		}
	case ShareRow:
		if kind == Shares {
			return map[string]any{"service": r.ServiceName, "path": r.Path, "scope": string(r.Scope), "permission": string(r.Permission),
				"expires_on": r.ExpiresOn, "owner": r.Owner, "asset": r.AssetName, "created_on": r.CreatedOn, "last_reviewed": r.LastReviewed}, nil
		}
	}
	return nil, fmt.Errorf("importer: cannot format %T as %s", record, kind)
}

func formatValue(c Column, v any, lang string) string {
	en := lang == "en"
	switch c.typ {
	case dateCol:
		return formatDate(v.(string), en)
	case retentionCol:
		s := v.(string)
		if _, ok := fastISO(s); ok {
			return formatDate(s, en)
		}
		return s
	case choiceCol:
		if s := v.(string); s != "" {
			return c.choices.label(s, lang)
		}
		return ""
	case boolCol:
		return yesNo(v.(bool), en)
	case triCol:
		switch v.(inventory.Tri) {
		case inventory.Yes:
			return yesNo(true, en)
		case inventory.No:
			return yesNo(false, en)
		}
		return ""
	case levelCol, countCol:
		if n := v.(int); n != 0 {
			return strconv.Itoa(n)
		}
		return ""
	case listCol:
		sep := "、"
		if en {
			sep = ", "
		}
		return joinList(v.([]string), sep)
	}
	return v.(string)
}

func formatDate(s string, en bool) string {
	d, err := calendar.ParseISO(s)
	if en || err != nil {
		return s
	}
	return d.Slashed()
}

func yesNo(b, en bool) string {
	switch {
	case b && en:
		return "yes"
	case en:
		return "no"
	case b:
		return "○"
	}
	return "×"
}

// WriteCSV writes a CSV that Excel opens correctly: CRLF line ends, a
// UTF-8 BOM when bom is set (Excel needs it to read Japanese), and cells
// that would start a formula prefixed with ' (package safecsv; ReadTable
// removes it).
func WriteCSV(w io.Writer, cols []Column, rows [][]string, lang string, bom bool) error {
	cw := safecsv.NewWriter(w, bom)
	if err := cw.Write(HeaderRow(cols, lang)); err != nil {
		return err
	}
	rec := make([]string, len(cols))
	for _, r := range rows {
		for i := range rec {
			rec[i] = ""
			if i < len(r) {
				rec[i] = r[i]
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// WriteXLSX writes one sheet with a bold, frozen header row and columns
// wide enough for their contents. Every cell is text except the 1–3
// ratings and counts, so codes such as 0012 keep their zeros.
func WriteXLSX(w io.Writer, sheet string, cols []Column, rows [][]string, lang string) error {
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName(x.GetSheetName(0), sheet); err != nil {
		return err
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	head, err := headerStyle(x)
	if err != nil {
		return err
	}
	header := HeaderRow(cols, lang)
	for i, wd := range widths(header, rows) {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	cells := make([]any, len(cols))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: head, Value: h}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return err
	}
	for n, r := range rows {
		cells := make([]any, len(cols))
		for i, c := range cols {
			v := ""
			if i < len(r) {
				v = r[i]
			}
			cells[i] = v
			if c.typ == levelCol || c.typ == countCol {
				if k, err := strconv.Atoi(v); err == nil {
					cells[i] = k
				}
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, n+2)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return x.Write(w)
}

func headerStyle(x *excelize.File) (int, error) {
	return x.NewStyle(&excelize.Style{
		Font:   &excelize.Font{Bold: true},
		Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE7F3"}},
		Border: []excelize.Border{{Type: "bottom", Color: "7F8FA6", Style: 1}},
	})
}

// widths sizes columns by their longest cell among the first rows, a
// full-width character counting twice.
func widths(header []string, rows [][]string) []float64 {
	out := make([]float64, len(header))
	for i, h := range header {
		out[i] = float64(displayWidth(h))
	}
	for n, r := range rows {
		if n == 1000 {
			break
		}
		for i := range min(len(r), len(out)) {
			out[i] = max(out[i], float64(displayWidth(r[i])))
		}
	}
	for i := range out {
		out[i] = min(max(out[i]+2, 8), 60)
	}
	return out
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x1100 && (unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) || r >= 0xFF00 && r <= 0xFF60 || r >= 0x3000 && r <= 0x303F) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// Template returns an .xlsx to fill in: the headers of kind with one
// example row (which Parse recognises and skips), drop-down lists on the
// columns with fixed values, and a second sheet explaining every column.
// lang "en" writes English headers and explanations, anything else
// Japanese.
func Template(kind Kind, lang string) ([]byte, error) {
	cols := Columns(kind)
	if len(cols) == 0 {
		return nil, fmt.Errorf("importer: no template for %q", kind)
	}
	en := lang == "en"
	x := excelize.NewFile()
	defer x.Close()
	sheet := SheetName(kind, lang)
	if err := x.SetSheetName(x.GetSheetName(0), sheet); err != nil {
		return nil, err
	}
	head, err := headerStyle(x)
	if err != nil {
		return nil, err
	}
	required, err := x.NewStyle(&excelize.Style{
		Font:   &excelize.Font{Bold: true},
		Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F9DADA"}},
		Border: []excelize.Border{{Type: "bottom", Color: "7F8FA6", Style: 1}},
	})
	if err != nil {
		return nil, err
	}
	header := HeaderRow(cols, lang)
	ex := make([]string, len(cols))
	for i, c := range cols {
		ex[i] = c.Example
		if en {
			ex[i] = c.ExampleEN
		}
	}
	for i, wd := range widths(header, [][]string{ex}) {
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := x.SetColWidth(sheet, name, name, wd); err != nil {
			return nil, err
		}
	}
	for i, c := range cols {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := x.SetCellStr(sheet, cell, header[i]); err != nil {
			return nil, err
		}
		st := head
		if c.Required {
			st = required
		}
		if err := x.SetCellStyle(sheet, cell, cell, st); err != nil {
			return nil, err
		}
		cell, _ = excelize.CoordinatesToCellName(i+1, 2)
		if err := x.SetCellStr(sheet, cell, ex[i]); err != nil {
			return nil, err
		}
		if list := dropList(c, en); len(list) > 0 {
			col, _ := excelize.ColumnNumberToName(i + 1)
			dv := excelize.NewDataValidation(true)
			dv.Sqref = fmt.Sprintf("%s2:%s2000", col, col)
			if err := dv.SetDropList(list); err != nil {
				return nil, err
			}
			if err := x.AddDataValidation(sheet, dv); err != nil {
				return nil, err
			}
		}
	}
	if err := x.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	if err := writeGuide(x, kind, cols, en, head); err != nil {
		return nil, err
	}
	x.SetActiveSheet(0)
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// dropList is the list a template offers for a column; typing another
// accepted spelling stays allowed.
func dropList(c Column, en bool) []string {
	switch c.typ {
	case choiceCol:
		lang := "ja"
		if en {
			lang = "en"
		}
		return c.choices.labels(lang)
	case boolCol:
		return []string{yesNo(true, en), yesNo(false, en)}
	case triCol:
		if en {
			return []string{"yes", "no", "unknown"}
		}
		return []string{"○", "×", "不明"}
	case levelCol:
		return []string{"1", "2", "3"}
	}
	return nil
}

// writeGuide adds the 記入方法 sheet.
func writeGuide(x *excelize.File, kind Kind, cols []Column, en bool, head int) error {
	name, title := "記入方法", fmt.Sprintf("「%s」シートの記入方法", SheetName(kind, "ja"))
	notes := []string{
		"1 行目の見出しは変えないでください。列の順番は入れ替えてもかまいません。",
		"赤い見出しの列は必ず記入してください。",
		"2 行目は記入例です。そのまま残しても読み込まれませんが、消してから記入するのがおすすめです。",
		"日付は 2026/04/01、2026-04-01、2026年4月1日、令和8年4月1日 のどれでも読み込めます。",
		"○×の列は ○／× のほか、はい／いいえ、あり／なし でも読み込めます。",
		"1 行でも誤りがあるとファイル全体を読み込みません。表示された行と列を直して、もう一度読み込んでください。",
	}
	heads := []string{"列名", "必須", "入力できる値", "説明", "記入例"}
	if en {
		name, title = "How to fill in", fmt.Sprintf("How to fill in the “%s” sheet", SheetName(kind, "en"))
		notes = []string{
			"Keep the headers in row 1. The columns may be in any order.",
			"Columns with a red header are required.",
			"Row 2 is an example. It is skipped when left in, but it is better to delete it.",
			"Dates may be written 2026-04-01, 2026/4/1 or in the Japanese era calendar.",
			"Yes/no columns accept yes / no, true / false, ○ / ×.",
			"One wrong row stops the whole file. Fix the row and column shown, then import again.",
		}
		heads = []string{"Column", "Required", "Values", "Explanation", "Example"}
	}
	if _, err := x.NewSheet(name); err != nil {
		return err
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	wrap, err := x.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	if err := x.SetCellStr(name, "A1", title); err != nil {
		return err
	}
	if err := x.SetCellStyle(name, "A1", "A1", bold); err != nil {
		return err
	}
	row := 2
	for _, n := range notes {
		if err := x.SetCellStr(name, fmt.Sprintf("A%d", row), "・"+n); err != nil {
			return err
		}
		row++
	}
	row++
	for i, h := range heads {
		cell, _ := excelize.CoordinatesToCellName(i+1, row)
		if err := x.SetCellStr(name, cell, h); err != nil {
			return err
		}
		if err := x.SetCellStyle(name, cell, cell, head); err != nil {
			return err
		}
	}
	for _, c := range cols {
		row++
		req, header, values, help, ex := "", c.JA, c.Values, c.Help, c.Example
		if c.Required {
			req = "必須"
		}
		if en {
			header, values, help, ex = c.EN, c.ValuesEN, c.HelpEN, c.ExampleEN
			if c.Required {
				req = "required"
			}
		}
		for i, v := range []string{header, req, values, help, ex} {
			cell, _ := excelize.CoordinatesToCellName(i+1, row)
			if err := x.SetCellStr(name, cell, v); err != nil {
				return err
			}
			if err := x.SetCellStyle(name, cell, cell, wrap); err != nil {
				return err
			}
		}
	}
	for col, wd := range map[string]float64{"A": 24, "B": 8, "C": 40, "D": 60, "E": 28} {
		if err := x.SetColWidth(name, col, col, wd); err != nil {
			return err
		}
	}
	return nil
}

// isExample reports a row that is the template's example row, left in by
// the keeper: at least three cells, each equal to its column's example.
func isExample(s *sheet, cells []string) bool {
	cols := columnsOf[s.l.kind]
	same := 0
	for _, c := range cols {
		i, ok := s.cols[c.Key]
		if !ok || i >= len(cells) || cells[i] == "" {
			continue
		}
		if cells[i] != c.Example && cells[i] != c.ExampleEN {
			return false
		}
		same++
	}
	known := 0
	for i := range cells {
		if cells[i] != "" {
			known++
		}
	}
	return same >= 3 && same == known
}
