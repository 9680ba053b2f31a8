package importer

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
)

// maxCellRunes bounds a text cell: a name or a note, not a document.
const maxCellRunes = 2000

// Parse turns the rows of f into records of kind. An empty format is
// detected from the header, and so is an empty kind. Parse returns every
// row or an error: *RowErrors listing every bad cell with its row, column
// and value, or a *problem.Error about the whole file (a required column
// missing, a kind the format cannot fill).
func Parse(f File, kind Kind, format Format, opt Options) (Parsed, error) {
	if len(f.Header) == 0 {
		return Parsed{}, invalid("import.no_header")
	}
	if kind == Risks || (kind == "" && (format == "" || format == Mamori) && isRiskHeader(f.Header)) {
		// The risk register's sheet: its own columns, mamori's format.
		if len(f.Rows) == 0 {
			return Parsed{}, invalid("import.no_rows")
		}
		p, err := parseRisks(f)
		p.Kind, p.Format = Risks, Mamori
		return p, err
	}
	switch {
	case format == "":
		k, fm, err := Detect(f)
		if err != nil {
			return Parsed{}, err
		}
		format = fm
		if kind == "" {
			kind = k
		}
	case format == Mamori && kind == "":
		k, ok := mamoriKind(f.Header)
		if !ok {
			return Parsed{}, invalid("import.unknown_format")
		}
		kind = k
	case kind == "":
		if ks, ok := kindsOf[format]; ok {
			kind = ks[0]
		}
	}
	if !slices.Contains(kindsOf[format], kind) {
		return Parsed{}, invalid("import.kind_mismatch")
	}
	if len(f.Rows) == 0 {
		return Parsed{}, invalid("import.no_rows")
	}
	var (
		p   Parsed
		err error
	)
	switch format {
	case Mamori:
		p, err = parseMamori(f, kind, opt)
	case GWSUsers:
		p, err = parseGWS(f, kind, opt)
	case M365Users:
		p, err = parseM365(f, kind, opt)
	case EntraMFA:
		p, err = parseEntra(f, opt)
	case SharePointSharing:
		p, err = parseSharePoint(f, opt)
	}
	if err != nil {
		return Parsed{}, err
	}
	if p.Len() == 0 && p.Skipped > 0 && format == Mamori {
		return Parsed{}, invalid("import.no_rows") // only the template's example
	}
	p.Kind, p.Format = kind, format
	return p, nil
}

// sheet walks the rows of a file for one layout, remembering every bad
// cell, the warnings and the values seen for duplicate checks.
type sheet struct {
	f        File
	l        *layout
	cols     map[string]int
	warnings []Warning
	seen     map[string]int             // duplicate key → first line
	defaults map[string]int             // column key → rows given the default, for one summary warning
	defVal   map[string][2]string       // the default as written in Japanese and English
	today    string                     // YYYY-MM-DD in Japan, "" when not told
	fields   map[string]inventory.Field // column key → how one value of its field is written (mamori's own files)
	errs     []*RowError                // the first MaxRowErrors bad cells
	bad      int                        // every bad cell
}

// err is the refusal of the file for its bad cells, or nil.
func (s *sheet) err() error {
	if s.bad == 0 {
		return nil
	}
	return &RowErrors{Errors: s.errs, Total: s.bad}
}

// open matches the header against the layout and checks the required
// columns are there.
func open(f File, l *layout, warnUnknown bool, opt Options) (*sheet, error) {
	cols, unknown := l.columnsIn(f.Header)
	ja := false
	for _, h := range f.Header {
		ja = ja || !isASCII(h)
	}
	for _, k := range l.required {
		if _, ok := cols[k]; !ok && !l.hasParts(cols, k) {
			name := l.display[k][1]
			if ja {
				name = l.display[k][0]
			}
			return nil, invalid("import.missing_column", name)
		}
	}
	s := &sheet{f: f, l: l, cols: cols, seen: map[string]int{}, defaults: map[string]int{}, defVal: map[string][2]string{}}
	if l.format == Mamori {
		s.fields = map[string]inventory.Field{}
		for _, c := range columnsOf[l.kind] {
			s.fields[c.Key] = c.field.Item()
		}
	}
	if !opt.Today.IsZero() {
		s.today = calendar.Of(opt.Today).String()
	}
	if warnUnknown {
		for _, i := range unknown {
			s.warnings = append(s.warnings, Warning{Line: f.HeaderRow, Column: f.Header[i], Key: "import.warn_unknown_column"})
		}
	}
	return s, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func (s *sheet) has(key string) bool { _, ok := s.cols[key]; return ok }

// row returns a reader for row i.
func (s *sheet) row(i int) *row {
	return &row{s: s, line: s.f.Lines[i], cells: s.f.Rows[i]}
}

// finish adds the summary warnings for defaulted columns.
func (s *sheet) finish() []Warning {
	keys := make([]string, 0, len(s.defaults))
	for k := range s.defaults {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return s.cols[a] - s.cols[b] })
	for _, k := range keys {
		s.warnings = append(s.warnings, Warning{Column: s.column(k), Key: "import.warn_defaulted", Args: []any{s.defaults[k], s.defVal[k][0], s.defVal[k][1]}})
	}
	return s.warnings
}

func (s *sheet) column(key string) string {
	if i, ok := s.cols[key]; ok {
		return s.f.Header[i]
	}
	return ""
}

// row reads the cells of one row; each cell reports its first error.
type row struct {
	s        *sheet
	line     int
	cells    []string
	err      *RowError // the row's first
	failed   []string  // the columns with an error
	warnings []Warning
}

func (r *row) cell(key string) string {
	i, ok := r.s.cols[key]
	if !ok || i >= len(r.cells) {
		return ""
	}
	return r.cells[i]
}

// fail records a bad cell, once per column: a cell too long is not also
// reported blank.
func (r *row) fail(key, msg string, args ...any) {
	if slices.Contains(r.failed, key) {
		return
	}
	r.failed = append(r.failed, key)
	e := &RowError{Line: r.line, Column: r.s.column(key), Field: key, Key: msg, Args: args, Value: shorten(r.cell(key))}
	if r.err == nil {
		r.err = e
	}
	if r.s.bad++; len(r.s.errs) < MaxRowErrors {
		r.s.errs = append(r.s.errs, e)
	}
}

// field is what the column key holds, as one value is written: a console
// export's column is free text no longer than a cell may be.
func (r *row) field(key string) inventory.Field {
	if f, ok := r.s.fields[key]; ok {
		return f
	}
	return inventory.Field{Key: key, Type: inventory.LongText, Max: maxCellRunes}
}

// because attaches to the row's error the refusal the form would give for
// the same value, so that every path refuses it the same way.
func (r *row) because(reason *problem.Error) {
	if r.err != nil && r.err.Reason == nil {
		r.err.Reason = reason
	}
}

// refuse fails the row with the inventory's own refusal of the value.
func (r *row) refuse(key string, err error) {
	reason, ok := problem.As(err)
	if !ok {
		reason = problem.Field(key, "inventory.value_invalid", "")
	}
	r.fail(key, "import.row_refused", reason)
	r.because(reason)
}

// check runs the one validation of the field on v.
func (r *row) check(key, v string) bool {
	if err := inventory.CheckValue(r.field(key), v); err != nil {
		r.refuse(key, err)
		return false
	}
	return true
}

func (r *row) warn(key, msg string, args ...any) {
	w := Warning{Line: r.line, Column: r.s.column(key), Key: msg, Args: args}
	r.warnings = append(r.warnings, w)
	r.s.warnings = append(r.s.warnings, w)
}

// defaulted counts a blank cell read as the value code of c, for one
// warning per column.
func (r *row) defaulted(key string, c *choices, code string) {
	r.s.defaults[key]++
	r.s.defVal[key] = [2]string{c.label(code, "ja"), c.label(code, "en")}
}

// guessed warns that value was not understood and was read as code of c.
func (r *row) guessed(key, value string, c *choices, code string) {
	r.warn(key, "import.warn_unknown_value", value, c.label(code, "ja"), c.label(code, "en"))
}

// duplicate fails when key was seen on an earlier row.
func (r *row) duplicate(col, key, value string) {
	if key == "" {
		return
	}
	if first, ok := r.s.seen[key]; ok {
		r.fail(col, "import.row_duplicate", value, first)
		r.because(problem.Field(r.field(col).Key, "inventory.duplicate", value))
		return
	}
	r.s.seen[key] = r.line
}

func (r *row) text(key string) string {
	v := r.cell(key)
	if utf8.RuneCountInString(v) > maxCellRunes {
		r.fail(key, "import.row_too_long", maxCellRunes)
		r.because(problem.Field(r.field(key).Key, "inventory.too_long", r.field(key).Max))
		return ""
	}
	if !r.check(key, v) {
		return ""
	}
	return v
}

func (r *row) required(key string) string {
	v := r.text(key)
	if v == "" {
		r.missing(key)
	}
	return v
}

// missing fails a required cell left blank.
func (r *row) missing(key string) {
	r.fail(key, "import.row_required")
	if f := r.field(key); f.Missing != "" {
		r.because(problem.Field(f.Key, f.Missing))
	}
}

func (r *row) date(key string) string {
	v := r.cell(key)
	d, err := ParseDate(v)
	if err != nil {
		r.fail(key, "import.row_invalid_date", v)
		r.because(problem.Field(r.field(key).Key, "inventory.date_invalid", v))
	}
	return d
}

// pastDate reads a date that cannot be in the future, such as a last
// sign-in: one later than today is kept but questioned, since it usually
// means day and month were read the wrong way round.
func (r *row) pastDate(key string) string {
	d := r.date(key)
	r.notFuture(key, d)
	return d
}

func (r *row) notFuture(key, d string) {
	if d != "" && r.s.today != "" && d > r.s.today {
		r.warn(key, "import.warn_future_date", r.cell(key))
	}
}

func (r *row) email(key string) string {
	v := r.cell(key)
	if v == "" {
		return ""
	}
	e, ok := normEmail(v)
	if !ok || len(e) > 320 {
		r.fail(key, "import.row_invalid_email", v)
		r.because(problem.Field(r.field(key).Key, "inventory.email_invalid", v))
		return e
	}
	r.check(key, e)
	return e
}

// choice reads an enumerated cell; blank is def, or an error when def is
// "" and required.
func (r *row) choice(key string, c *choices, def string, required bool) string {
	v := r.cell(key)
	if v == "" {
		if required {
			r.missing(key)
		}
		return def
	}
	code, ok := c.lookup(v)
	if !ok {
		r.fail(key, "import.row_invalid_choice", v, strings.Join(c.labels("ja"), "、"), strings.Join(c.labels("en"), ", "))
		r.because(problem.Field(r.field(key).Key, "inventory.value_invalid", v))
		return def
	}
	return code
}

func (r *row) boolean(key string) bool {
	v := r.cell(key)
	b, ok := parseBool(v)
	if !ok {
		r.fail(key, "import.row_invalid_bool", v)
	}
	return b
}

func (r *row) tri(key string) inventory.Tri {
	v := r.cell(key)
	t, ok := parseTri(v)
	if !ok {
		r.fail(key, "import.row_invalid_bool", v)
	}
	return t
}

// level reads a 1–3 rating; blank is 0, an error when required.
func (r *row) level(key string, required bool) int {
	v := r.cell(key)
	if v == "" {
		if required {
			r.missing(key)
		}
		return 0
	}
	n, ok := parseLevel(v)
	if !ok {
		r.fail(key, "import.row_invalid_level", v)
		r.because(problem.Field(r.field(key).Key, "inventory.cia_range", v))
	}
	return n
}

func (r *row) count(key string) int {
	v := r.cell(key)
	if v == "" {
		return 0
	}
	n, ok := parseCount(v)
	if !ok {
		r.fail(key, "import.row_invalid_number", v)
	}
	return n
}

// list reads a cell of several names or places, each checked as one.
func (r *row) list(key string) []string {
	v := r.cell(key)
	if utf8.RuneCountInString(v) > maxCellRunes {
		r.fail(key, "import.row_too_long", maxCellRunes)
		return nil
	}
	items := splitList(v)
	for _, item := range items {
		if !r.check(key, item) {
			return nil
		}
	}
	return items
}

func (r *row) country(key string) string {
	v := r.cell(key)
	c, ok := parseCountry(v)
	if !ok {
		r.warn(key, "import.warn_unknown_country", v)
	}
	return c
}

// retention reads 保存期限: a date is normalised, a rule such as 「退職後7年」
// or a bare number of years is kept as written.
func (r *row) retention(key string) string {
	v := r.text(key)
	if v == "" {
		return ""
	}
	if n := nfkc(v); len(n) < 5 && strings.Trim(n, "0123456789") == "" {
		return v
	}
	if d, err := ParseDate(v); err == nil && d != "" {
		return d
	}
	return v
}

// lowerKey is the key duplicates are found by: case, width and runs of
// spaces do not count.
func lowerKey(parts ...string) string {
	for i, p := range parts {
		if !isASCII(p) || strings.Contains(p, "  ") || strings.ContainsAny(p, "\t\r\n") {
			p = strings.Join(strings.Fields(nfkc(p)), " ")
		}
		parts[i] = strings.ToLower(p)
	}
	return strings.Join(parts, "\x00")
}

// parseMamori reads mamori's own columns.
func parseMamori(f File, kind Kind, opt Options) (Parsed, error) {
	s, err := open(f, mamoriLayouts[kind], true, opt)
	if err != nil {
		return Parsed{}, err
	}
	var p Parsed
	n := len(f.Rows)
	switch kind {
	case People:
		p.People = make([]Row[PersonRow], 0, n)
	case Services:
		p.Services = make([]Row[inventory.Service], 0, n)
	case Accounts:
		p.Accounts = make([]Row[AccountRow], 0, n)
	case Devices:
		p.Devices = make([]Row[DeviceRow], 0, n)
	case Assets:
		p.Assets = make([]Row[AssetRow], 0, n)
	case Shares:
		p.Shares = make([]Row[ShareRow], 0, n)
	}
	for i := range f.Rows {
		r := s.row(i)
		if isExample(s, r.cells) {
			s.warnings = append(s.warnings, Warning{Line: r.line, Key: "import.warn_example_row"})
			p.Skipped++
			continue
		}
		switch kind {
		case People:
			rec := readPerson(r)
			p.People = append(p.People, Row[PersonRow]{Line: r.line, Record: rec, Warnings: r.warnings})
		case Services:
			rec := readService(r)
			p.Services = append(p.Services, Row[inventory.Service]{Line: r.line, Record: rec, Warnings: r.warnings})
		case Accounts:
			rec := readAccount(r)
			p.Accounts = append(p.Accounts, Row[AccountRow]{Line: r.line, Record: rec, Warnings: r.warnings})
		case Devices:
			rec := readDevice(r)
			p.Devices = append(p.Devices, Row[DeviceRow]{Line: r.line, Record: rec, Warnings: r.warnings})
		case Assets:
			rec := readAsset(r)
			p.Assets = append(p.Assets, Row[AssetRow]{Line: r.line, Record: rec, Warnings: r.warnings})
		case Shares:
			rec := readShare(r)
			p.Shares = append(p.Shares, Row[ShareRow]{Line: r.line, Record: rec, Warnings: r.warnings})
		}
		if r.err != nil {
			continue // the sheet keeps the error; the other rows are still checked
		}
	}
	if kind == Accounts {
		p.Coverage = Coverage{Kind: s.has("kind"), Privilege: s.has("privilege"), MFA: s.has("mfa"), Status: s.has("status"),
			CreatedOn: s.has("created_on"), LastLogin: s.has("last_login"), EndsOn: s.has("ends_on")}
	}
	if err := s.err(); err != nil {
		return Parsed{}, err
	}
	p.Warnings = s.finish()
	return p, nil
}

func readPerson(r *row) PersonRow {
	var p PersonRow
	p.Name = r.joined("name", true)
	p.Kana = nfkc(r.joined("kana", false))
	p.Email = r.email("email")
	p.Department = r.text("department")
	p.EmploymentType = inventory.EmploymentType(r.choice("employment_type", employmentChoices, "", true))
	p.ManagerEmail = r.email("manager_email")
	p.JoinDate = r.date("join_date")
	p.LeaveDate = r.date("leave_date")
	if p.JoinDate != "" && p.LeaveDate != "" && p.LeaveDate < p.JoinDate {
		r.fail("leave_date", "import.row_leave_before_join", r.cell("leave_date"), r.cell("join_date"))
	}
	if p.Email != "" {
		r.duplicate("email", lowerKey(p.Email), p.Email)
	}
	return p
}

func readService(r *row) inventory.Service {
	var s inventory.Service
	s.Name = r.required("name")
	s.Category = inventory.ServiceCategory(r.choice("category", categoryChoices, string(inventory.Cloud), false))
	s.Admins = r.text("admins")
	s.OwnerDepartment = r.text("owner_department")
	s.DataHeld = r.text("data_held")
	s.SSO = r.boolean("sso")
	s.MFA = inventory.MFAState(r.choice("mfa", serviceMFAChoices, "", false))
	s.DataCountry = r.country("data_country")
	if r.cell("internet_facing") == "" {
		s.InternetFacing = s.Category == inventory.Cloud
	} else {
		s.InternetFacing = r.boolean("internet_facing")
	}
	s.CloudCheckDone = r.pastDate("cloud_check_done")
	s.Notes = r.text("notes")
	r.duplicate("name", lowerKey(s.Name), s.Name)
	return s
}

func readAccount(r *row) AccountRow {
	var a AccountRow
	a.ServiceName = r.required("service")
	a.LoginID = r.required("login_id")
	a.PersonEmail = r.email("person_email")
	a.Kind = inventory.AccountKind(r.choice("kind", accountKindChoices, string(inventory.Personal), false))
	if r.cell("kind") == "" && a.Kind == inventory.Personal {
		a.Kind = r.roleKind("login_id", a.LoginID)
	}
	if r.cell("privilege") == "" {
		r.defaulted("privilege", privilegeChoices, string(inventory.Edit))
	}
	a.Privilege = inventory.Privilege(r.choice("privilege", privilegeChoices, string(inventory.Edit), false))
	a.MFA = inventory.AccountMFA(r.choice("mfa", accountMFAChoices, string(inventory.MFAUnknown), false))
	a.Status = inventory.AccountStatus(r.choice("status", statusChoices, string(inventory.Active), false))
	a.CreatedOn = r.pastDate("created_on")
	a.LastLogin = r.pastDate("last_login")
	a.EndsOn = r.date("ends_on")
	r.duplicate("login_id", lowerKey(a.ServiceName, a.LoginID), a.LoginID)
	return a
}

func readDevice(r *row) DeviceRow {
	var d DeviceRow
	d.Name = r.required("name")
	d.Kind = inventory.DeviceKind(r.choice("kind", deviceKindChoices, "", true))
	d.UserEmail = r.email("user_email")
	d.Ownership = inventory.Ownership(r.choice("ownership", ownershipChoices, string(inventory.CompanyIssued), false))
	d.DiskEncryption = r.tri("disk_encryption")
	d.ScreenLock = r.tri("screen_lock")
	d.RemoteWipe = r.tri("remote_wipe")
	d.Antivirus = r.tri("antivirus")
	d.OSVersion = r.text("os_version")
	d.LastUpdated = r.pastDate("last_updated")
	d.DefaultPasswordChanged = r.tri("default_password_changed")
	d.Network = inventory.NetworkZone(r.choice("network", networkChoices, "", false))
	d.GuestSeparated = r.tri("guest_separated")
	d.DisposedOn = r.pastDate("disposed_on")
	d.ErasureDone = r.tri("erasure_done")
	d.ErasureCertificate = r.text("erasure_certificate")
	r.duplicate("name", lowerKey(d.Name), d.Name)
	return d
}

func readAsset(r *row) AssetRow {
	var a AssetRow
	a.BusinessArea = r.text("business_area")
	a.Name = r.required("name")
	a.Notes = r.text("notes")
	a.UserScope = r.text("user_scope")
	a.OwnerDepartment = r.text("owner_department")
	a.Medium = r.text("medium")
	a.PersonalInfo = r.boolean("personal_info")
	a.SensitiveInfo = r.boolean("sensitive_info")
	a.MyNumber = r.boolean("my_number")
	a.Confidentiality = r.level("confidentiality", r.s.fields["confidentiality"].Required)
	a.Integrity = r.level("integrity", r.s.fields["integrity"].Required)
	a.Availability = r.level("availability", r.s.fields["availability"].Required)
	a.RetentionUntil = r.retention("retention_until")
	a.RegisteredOn = r.pastDate("registered_on")
	a.ServiceNames = r.list("service_names")
	a.DeviceNames = r.list("device_names")
	a.PaperLocations = r.list("paper")
	a.PeopleConcerned = r.count("people_concerned")
	a.DataLevel = r.level("data_level", false)
	r.duplicate("name", lowerKey(a.Name, a.Medium), a.Name)
	return a
}

func readShare(r *row) ShareRow {
	var s ShareRow
	s.ServiceName = r.required("service")
	s.Path = r.required("path")
	s.Scope = inventory.ShareScope(r.choice("scope", scopeChoices, "", true))
	s.Permission = inventory.SharePermission(r.choice("permission", sharePermissionChoices, string(inventory.ShareEdit), false))
	s.ExpiresOn = r.date("expires_on")
	s.Owner = r.text("owner")
	s.AssetName = r.text("asset")
	s.CreatedOn = r.pastDate("created_on")
	s.LastReviewed = r.pastDate("last_reviewed")
	r.duplicate("path", lowerKey(s.ServiceName, s.Path, string(s.Scope)), s.Path)
	return s
}
