package intake

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/mamori-sec/mamori/internal/importer"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

// planner compares one parsed file with the organisation's inventory,
// read once, and collects what to write.
type planner struct {
	kind    importer.Kind
	p       importer.Parsed
	opt     Options
	pv      Preview
	cov     map[string]bool // mamori column keys the file may change
	console bool            // an admin-console export, not mamori's own file

	data     inventory.Data
	byEmail  map[string]*inventory.Person
	personID map[int64]*inventory.Person
	svc      *serviceIndex
	touched  map[*inventory.Service]bool // services an account or share file is about
	deviceBy map[string]*inventory.Device
	deviceID map[int64]*inventory.Device
	assetsBy map[string]*inventory.Asset // by folded name, the oldest
	assetID  map[int64]*inventory.Asset

	// What to write, in this order.
	wServices []pending[inventory.Service]
	wPeople   []pending[inventory.Person]
	wDevices  []pending[inventory.Device]
	wAssets   []assetWrite
	wAccounts []accountWrite
	wShares   []shareWrite
}

type pending[T any] struct {
	line int
	rec  *T
}

// accountWrite is an account whose service may be new: its id is known
// only once the service is written.
type accountWrite struct {
	line int
	rec  inventory.Account
	svc  *inventory.Service
}

type shareWrite struct {
	line int
	rec  inventory.Share
	svc  *inventory.Service
}

// assetWrite is an asset with the services it is kept in; svcs nil keeps
// rec.ServiceIDs as they are.
type assetWrite struct {
	line int
	rec  inventory.Asset
	svcs []*inventory.Service
}

func plan(ctx context.Context, t store.Tenant, parsed importer.Parsed, opt Options) (*planner, error) {
	if !slices.Contains(importer.Kinds, parsed.Kind) {
		return nil, &problem.Error{Code: problem.Invalid, Key: "import.kind_mismatch", Field: "file"}
	}
	data, err := t.Inventory(ctx)
	if err != nil {
		return nil, err
	}
	pl := &planner{kind: parsed.Kind, p: parsed, opt: opt, data: data, console: parsed.Format != importer.Mamori && parsed.Format != ""}
	pl.pv = Preview{Kind: parsed.Kind, Format: parsed.Format, Encoding: opt.Source.Encoding, File: opt.Source.Name, SHA256: opt.Source.SHA256,
		Rows: parsed.Len(), Skipped: parsed.Skipped, NewServices: []NewService{}, Unmatched: []Unmatched{}, Warnings: []Note{}, Gaps: []Note{},
		Examples: Examples{Added: []Example{}, Changed: []Example{}, Unchanged: []Example{}, NotInFile: []Example{}}}
	for _, w := range parsed.Warnings {
		pl.note(Note{Line: w.Line, Column: w.Column, Key: w.Key, Args: w.Args})
	}
	for _, g := range parsed.Gaps {
		pl.pv.Gaps = append(pl.pv.Gaps, Note{Key: g})
	}
	pl.cov = coverage(parsed, opt.Source)
	pl.index()
	switch parsed.Kind {
	case importer.People:
		err = pl.people()
	case importer.Services:
		err = pl.services()
	case importer.Accounts:
		err = pl.accounts()
	case importer.Devices:
		err = pl.devices()
	case importer.Assets:
		err = pl.assets()
	case importer.Shares:
		err = pl.shares()
	}
	if err != nil {
		return nil, err
	}
	for s := range pl.touched {
		pl.pv.Services = append(pl.pv.Services, s.Name)
	}
	slices.Sort(pl.pv.Services)
	return pl, nil
}

// coverage lists the mamori columns a file may change.
func coverage(p importer.Parsed, src Source) map[string]bool {
	has := func(k string) bool { return src.Columns == nil || src.Columns[k] }
	cov := map[string]bool{}
	switch p.Format {
	case importer.Mamori, "":
		for _, c := range importer.Columns(p.Kind) {
			cov[c.Key] = has(c.Key)
		}
	case importer.GWSUsers, importer.M365Users:
		if p.Kind == importer.People {
			cov["name"], cov["email"] = true, true
			cov["department"] = has("department")
			cov["employment_type"] = p.Format == importer.GWSUsers && has("employee_type")
			cov["manager_email"] = p.Format == importer.GWSUsers && has("manager_email")
			break
		}
		c := p.Coverage
		cov["person_email"] = true
		cov["kind"], cov["privilege"], cov["mfa"], cov["status"] = c.Kind, c.Privilege, c.MFA, c.Status
		cov["created_on"], cov["last_login"], cov["ends_on"] = c.CreatedOn, c.LastLogin, c.EndsOn
	case importer.EntraMFA:
		// Only what the registration details are for, whatever else the
		// file has.
		cov["mfa"], cov["privilege"] = p.Coverage.MFA, p.Coverage.Privilege
	case importer.SharePointSharing:
		cov["permission"] = true
	}
	return cov
}

// index reads the inventory into the maps rows are matched with.
func (pl *planner) index() {
	d := &pl.data
	pl.byEmail = make(map[string]*inventory.Person, len(d.People))
	pl.personID = make(map[int64]*inventory.Person, len(d.People))
	for i := range d.People {
		p := &d.People[i]
		pl.personID[p.ID] = p
		if e := lowerEmail(p.Email); e != "" && pl.byEmail[e] == nil {
			pl.byEmail[e] = p
		}
	}
	pl.svc = newServiceIndex(d.Services)
	pl.touched = map[*inventory.Service]bool{}
	pl.deviceBy = make(map[string]*inventory.Device, len(d.Devices))
	pl.deviceID = make(map[int64]*inventory.Device, len(d.Devices))
	for i := range d.Devices {
		x := &d.Devices[i]
		pl.deviceID[x.ID] = x
		if k := fold(x.Name); pl.deviceBy[k] == nil {
			pl.deviceBy[k] = x
		}
	}
	pl.assetsBy = make(map[string]*inventory.Asset, len(d.Assets))
	pl.assetID = make(map[int64]*inventory.Asset, len(d.Assets))
	for i := range d.Assets {
		a := &d.Assets[i]
		pl.assetID[a.ID] = a
		if k := fold(a.Name); pl.assetsBy[k] == nil {
			pl.assetsBy[k] = a
		}
	}
}

// note adds a warning, keeping the first maxNotes.
func (pl *planner) note(n Note) {
	pl.pv.WarningCount++
	if len(pl.pv.Warnings) < maxNotes {
		pl.pv.Warnings = append(pl.pv.Warnings, n)
	}
}

func (pl *planner) warn(line int, column, key string, args ...any) {
	pl.note(Note{Line: line, Column: column, Key: key, Args: args})
}

// column is the Japanese header of a mamori column of the file's kind.
func (pl *planner) column(key string) string {
	for _, c := range importer.Columns(pl.kind) {
		if c.Key == key {
			return c.JA
		}
	}
	return key
}

// serviceFor returns the service name refers to, adding a new one (listed
// in the preview) when there is none.
func (pl *planner) serviceFor(name string, line int) *inventory.Service {
	if s := pl.svc.find(name); s != nil {
		return s
	}
	s := inventory.Service{Name: strings.TrimSpace(name), Category: inventory.Cloud, MFA: inventory.MFAAvailable, InternetFacing: true}
	if e, ok := inventory.Lookup(name); ok {
		s = e.Service()
		s.Name = strings.TrimSpace(name)
	} else {
		pl.warn(line, pl.column("service"), "intake.warn_unknown_service", s.Name)
	}
	pl.svc.add(&s)
	pl.wServices = append(pl.wServices, pending[inventory.Service]{line: line, rec: &s})
	pl.pv.NewServices = append(pl.pv.NewServices, NewService{Name: s.Name, Category: string(s.Category), CatalogueKey: s.CatalogueKey, Line: line})
	return &s
}

// added, outcome and notInFile count a row and keep it as an example.
func (pl *planner) added(line int, label string) {
	pl.pv.Added++
	if len(pl.pv.Examples.Added) < maxExamples {
		pl.pv.Examples.Added = append(pl.pv.Examples.Added, Example{Line: line, Label: label})
	}
}

// outcome counts a matched row as changed or unchanged; diff is called
// only for the examples shown.
func (pl *planner) outcome(line int, id int64, label string, same bool, diff func() []Change) bool {
	ex := &pl.pv.Examples
	if same {
		pl.pv.Unchanged++
		if len(ex.Unchanged) < maxExamples {
			ex.Unchanged = append(ex.Unchanged, Example{Line: line, ID: id, Label: label})
		}
		return false
	}
	pl.pv.Changed++
	if len(ex.Changed) < maxExamples {
		ex.Changed = append(ex.Changed, Example{Line: line, ID: id, Label: label, Changes: diff()})
	}
	return true
}

func (pl *planner) notInFile(id int64, label string) {
	pl.pv.NotInFile++
	if len(pl.pv.Examples.NotInFile) < maxExamples {
		pl.pv.Examples.NotInFile = append(pl.pv.Examples.NotInFile, Example{ID: id, Label: label})
	}
}

// diff lists the columns whose cells differ between two records, as
// mamori's files would write them.
func (pl *planner) diff(before, after any) []Change {
	var out []Change
	bj, err1 := importer.FormatRecord(pl.kind, before, "ja")
	aj, err2 := importer.FormatRecord(pl.kind, after, "ja")
	be, err3 := importer.FormatRecord(pl.kind, before, "en")
	ae, err4 := importer.FormatRecord(pl.kind, after, "en")
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
		return nil
	}
	for i, c := range importer.Columns(pl.kind) {
		if bj[i] != aj[i] || be[i] != ae[i] {
			out = append(out, Change{Field: c.Key, Label: Text{c.JA, c.EN}, Before: Text{bj[i], be[i]}, After: Text{aj[i], ae[i]}})
		}
	}
	return out
}

// duplicate rejects a second row for one record.
func (pl *planner) duplicate(line int, column, value string, first int) error {
	field := column
	if k, ok := inventory.KindOf(string(pl.kind)); ok {
		if f, ok := k.ByColumn(column); ok {
			field = f.Key
		}
	}
	return &importer.RowError{Line: line, Column: pl.column(column), Field: column, Key: "import.row_duplicate", Args: []any{value, first},
		Reason: problem.Field(field, "inventory.duplicate", value)}
}

// personFor finds the person an address names.
func (pl *planner) personFor(email string) *inventory.Person {
	if email == "" {
		return nil
	}
	return pl.byEmail[email]
}

func (pl *planner) emailOf(personID int64) string {
	if p := pl.personID[personID]; p != nil {
		return p.Email
	}
	return ""
}

// ----- people -----

func personKey(name, kana string) string { return foldTight(name) + "\x00" + foldTight(kana) }

func (pl *planner) people() error {
	byName := map[string][]*inventory.Person{}
	for i := range pl.data.People {
		p := &pl.data.People[i]
		k := personKey(p.Name, p.Kana)
		byName[k] = append(byName[k], p)
	}
	matched := map[int64]int{}
	for _, row := range pl.p.People {
		rec := row.Record.Person
		rec.ManagerEmail = row.Record.ManagerEmail
		rec.Email, rec.ManagerEmail = lowerEmail(rec.Email), lowerEmail(rec.ManagerEmail)
		cur := pl.personFor(rec.Email)
		if cur == nil {
			for _, c := range byName[personKey(rec.Name, rec.Kana)] {
				if _, taken := matched[c.ID]; !taken && (rec.Email == "" || c.Email == "") {
					cur = c
					break
				}
			}
		}
		if cur == nil {
			r := rec
			r.ID = 0
			if err := r.Validate(); err != nil {
				return rowError(pl.kind, row.Line, err)
			}
			pl.wPeople = append(pl.wPeople, pending[inventory.Person]{row.Line, &r})
			pl.added(row.Line, personLabel(r))
			continue
		}
		if first, dup := matched[cur.ID]; dup {
			return pl.duplicate(row.Line, "email", rec.Email, first)
		}
		matched[cur.ID] = row.Line
		m := mergePerson(*cur, rec, pl.cov)
		if pl.outcome(row.Line, cur.ID, personLabel(m), samePerson(*cur, m), func() []Change { return pl.diff(personRow(*cur), personRow(m)) }) {
			if err := m.Validate(); err != nil {
				return rowError(pl.kind, row.Line, err)
			}
			pl.wPeople = append(pl.wPeople, pending[inventory.Person]{row.Line, &m})
		}
	}
	for _, p := range pl.data.People {
		if _, ok := matched[p.ID]; !ok {
			pl.notInFile(p.ID, personLabel(p))
		}
	}
	return nil
}

func personLabel(p inventory.Person) string {
	if p.Email != "" {
		return p.Name + " <" + p.Email + ">"
	}
	return p.Name
}

func personRow(p inventory.Person) importer.PersonRow {
	return importer.PersonRow{Person: p, ManagerEmail: p.ManagerEmail}
}

func mergePerson(cur, r inventory.Person, cov map[string]bool) inventory.Person {
	m := cur
	if cov["name"] && r.Name != "" && foldTight(r.Name) != foldTight(cur.Name) {
		m.Name = r.Name
	}
	if cov["kana"] && foldTight(r.Kana) != foldTight(cur.Kana) {
		m.Kana = r.Kana
	}
	if cov["email"] && r.Email != "" { // an address is never erased by an import
		m.Email = r.Email
	}
	take(cov, "department", &m.Department, r.Department)
	if cov["employment_type"] && r.EmploymentType != "" {
		m.EmploymentType = r.EmploymentType
	}
	take(cov, "join_date", &m.JoinDate, r.JoinDate)
	take(cov, "leave_date", &m.LeaveDate, r.LeaveDate)
	take(cov, "manager_email", &m.ManagerEmail, r.ManagerEmail)
	return m
}

func samePerson(a, b inventory.Person) bool {
	return a.Name == b.Name && a.Kana == b.Kana && lowerEmail(a.Email) == lowerEmail(b.Email) && a.Department == b.Department &&
		a.EmploymentType == b.EmploymentType && a.JoinDate == b.JoinDate && a.LeaveDate == b.LeaveDate &&
		lowerEmail(a.ManagerEmail) == lowerEmail(b.ManagerEmail)
}

// ----- services -----

func (pl *planner) services() error {
	matched := map[*inventory.Service]int{}
	for _, row := range pl.p.Services {
		r := row.Record
		cur := pl.svc.find(r.Name)
		if cur != nil {
			if first, dup := matched[cur]; dup {
				return pl.duplicate(row.Line, "name", r.Name, first)
			}
		}
		if cur == nil {
			base := inventory.Service{Category: inventory.Cloud, MFA: inventory.MFAAvailable, InternetFacing: true}
			if e, ok := inventory.Lookup(r.Name); ok {
				base = e.Service()
			}
			s := mergeService(base, r, pl.cov)
			s.Name = strings.TrimSpace(r.Name)
			if s.DataCountry == "" {
				s.DataCountry = base.DataCountry
			}
			if err := s.Validate(); err != nil {
				return rowError(pl.kind, row.Line, err)
			}
			pl.svc.add(&s)
			matched[&s] = row.Line
			pl.wServices = append(pl.wServices, pending[inventory.Service]{row.Line, &s})
			pl.added(row.Line, s.Name)
			continue
		}
		matched[cur] = row.Line
		m := mergeService(*cur, r, pl.cov)
		if pl.outcome(row.Line, cur.ID, m.Name, sameService(*cur, m), func() []Change { return pl.diff(*cur, m) }) {
			if err := m.Validate(); err != nil {
				return rowError(pl.kind, row.Line, err)
			}
			pl.wServices = append(pl.wServices, pending[inventory.Service]{row.Line, &m})
		}
	}
	for i := range pl.data.Services {
		s := &pl.data.Services[i]
		if _, ok := matched[s]; !ok {
			pl.notInFile(s.ID, s.Name)
		}
	}
	return nil
}

func mergeService(cur, r inventory.Service, cov map[string]bool) inventory.Service {
	m := cur
	inventory.Services.Merge(&m, &r, func(col string) bool { return cov[col] })
	return m
}

func sameService(a, b inventory.Service) bool {
	a.UpdatedAt = b.UpdatedAt
	return a == b
}

// ----- accounts -----

type accountKey struct {
	svc   *inventory.Service
	login string
}

func (pl *planner) accounts() error {
	existing := make(map[accountKey]*inventory.Account, len(pl.data.Accounts))
	for i := range pl.data.Accounts {
		a := &pl.data.Accounts[i]
		existing[accountKey{pl.svc.byID[a.ServiceID], strings.ToLower(a.LoginID)}] = a
	}
	// A console file that does not say whether an account is enabled
	// cannot add accounts: it would list them as active.
	canCreate := !pl.console || pl.p.Coverage.Status
	matched := map[*inventory.Account]int{}
	added := map[accountKey]int{}
	for _, row := range pl.p.Accounts {
		r := row.Record
		name := r.ServiceName
		if pl.console && strings.TrimSpace(pl.opt.Service) != "" {
			name = pl.opt.Service
		}
		svc := pl.svc.find(name)
		login := strings.TrimSpace(r.LoginID)
		var cur *inventory.Account
		if svc != nil {
			pl.touched[svc] = true
			cur = existing[accountKey{svc, strings.ToLower(login)}]
		}
		if cur == nil && !canCreate {
			pl.pv.Skipped++
			pl.warn(row.Line, "", "intake.warn_unknown_account", login, name)
			continue
		}
		if svc == nil {
			svc = pl.serviceFor(name, row.Line)
			pl.touched[svc] = true
		}
		email := lowerEmail(r.PersonEmail)
		explicit := email != "" && !pl.console
		if email == "" && isEmail(login) {
			email = lowerEmail(login)
		}
		person := pl.personFor(email)
		key := accountKey{svc, strings.ToLower(login)}
		if cur == nil {
			if first, dup := added[key]; dup {
				return pl.duplicate(row.Line, "login_id", login, first)
			}
			added[key] = row.Line
			a := r.Account
			a.ID, a.ServiceID, a.LoginID, a.PersonID = 0, svc.ID, login, 0
			if person != nil {
				a.PersonID = person.ID
			}
			check := a
			if check.ServiceID == 0 {
				check.ServiceID = -1 // a new service: its id comes when it is written
			}
			if err := check.Validate(); err != nil {
				return rowError(pl.kind, row.Line, err)
			}
			pl.wAccounts = append(pl.wAccounts, accountWrite{line: row.Line, rec: a, svc: svc})
			pl.unmatched(row.Line, email, login, a.PersonID, explicit || a.Kind == inventory.Personal)
			pl.added(row.Line, svc.Name+" / "+login)
			continue
		}
		if first, dup := matched[cur]; dup {
			return pl.duplicate(row.Line, "login_id", login, first)
		}
		matched[cur] = row.Line
		m := pl.mergeAccount(*cur, r.Account)
		if person != nil && (explicit || m.PersonID == 0) {
			m.PersonID = person.ID
		}
		pl.unmatched(row.Line, email, cur.LoginID, m.PersonID, explicit || m.Kind == inventory.Personal)
		label := svc.Name + " / " + cur.LoginID
		c := *cur
		if pl.outcome(row.Line, cur.ID, label, c == m, func() []Change { return pl.diff(pl.accountRow(c, svc), pl.accountRow(m, svc)) }) {
			if err := m.Validate(); err != nil {
				return rowError(pl.kind, row.Line, err)
			}
			pl.wAccounts = append(pl.wAccounts, accountWrite{line: row.Line, rec: m, svc: svc})
		}
	}
	for i := range pl.data.Accounts {
		a := &pl.data.Accounts[i]
		svc := pl.svc.byID[a.ServiceID]
		if _, ok := matched[a]; !ok && pl.touched[svc] {
			pl.notInFile(a.ID, svc.Name+" / "+a.LoginID)
		}
	}
	return nil
}

// unmatched lists a row whose person was not found, when it should have
// one: an address was given for it, or it is a personal account.
func (pl *planner) unmatched(line int, email, login string, personID int64, expected bool) {
	if personID != 0 || email == "" || !expected {
		return
	}
	u := Unmatched{Line: line, Email: email, Kind: pl.kind}
	if login != email {
		u.LoginID = login
	}
	pl.pv.Unmatched = append(pl.pv.Unmatched, u)
}

// mergeAccount applies the fields the file covers. A console export is
// read for what it knows (see the package comment); mamori's own files say
// everything in their columns.
func (pl *planner) mergeAccount(cur, r inventory.Account) inventory.Account {
	m, cov, console := cur, pl.cov, pl.console
	if cov["kind"] {
		switch {
		case !console:
			m.Kind = r.Kind
		case r.Kind == inventory.Guest:
			m.Kind = inventory.Guest
		case cur.Kind == inventory.Guest:
			m.Kind = r.Kind
		}
	}
	if cov["privilege"] {
		switch {
		case !console:
			m.Privilege = r.Privilege
		case r.Privilege == inventory.Admin:
			m.Privilege = inventory.Admin
		case cur.Privilege == inventory.Admin:
			m.Privilege = inventory.Edit
		}
	}
	if cov["mfa"] && (!console || r.MFA != inventory.MFAUnknown) {
		m.MFA = r.MFA
	}
	take(cov, "status", &m.Status, r.Status)
	if cov["created_on"] && (!console || r.CreatedOn != "") {
		m.CreatedOn = r.CreatedOn
	}
	if cov["last_login"] && (!console || r.LastLogin != "") {
		m.LastLogin = r.LastLogin
	}
	if cov["ends_on"] && (!console || r.EndsOn != "") {
		m.EndsOn = r.EndsOn
	}
	return m
}

func (pl *planner) accountRow(a inventory.Account, svc *inventory.Service) importer.AccountRow {
	return importer.AccountRow{Account: a, ServiceName: svc.Name, PersonEmail: pl.emailOf(a.PersonID)}
}

// ----- devices -----

func (pl *planner) devices() error {
	matched := map[int64]int{}
	added := map[string]int{}
	for _, row := range pl.p.Devices {
		r := row.Record
		email := lowerEmail(r.UserEmail)
		person := pl.personFor(email)
		k := fold(r.Name)
		cur := pl.deviceBy[k]
		if cur == nil {
			if first, dup := added[k]; dup {
				return pl.duplicate(row.Line, "name", r.Name, first)
			}
			added[k] = row.Line
			d := mergeDevice(inventory.Device{Ownership: inventory.CompanyIssued, Network: inventory.Internal}, r.Device, pl.cov)
			d.Name = strings.TrimSpace(r.Name)
			if person != nil {
				d.PersonID = person.ID
			}
			if err := d.Validate(); err != nil {
				return rowError(pl.kind, row.Line, err)
			}
			pl.wDevices = append(pl.wDevices, pending[inventory.Device]{row.Line, &d})
			pl.unmatched(row.Line, email, "", d.PersonID, true)
			pl.added(row.Line, d.Name)
			continue
		}
		if first, dup := matched[cur.ID]; dup {
			return pl.duplicate(row.Line, "name", r.Name, first)
		}
		matched[cur.ID] = row.Line
		m := mergeDevice(*cur, r.Device, pl.cov)
		if person != nil {
			m.PersonID = person.ID
		}
		pl.unmatched(row.Line, email, "", m.PersonID, true)
		c := *cur
		if pl.outcome(row.Line, cur.ID, cur.Name, sameDevice(c, m), func() []Change { return pl.diff(pl.deviceRow(c), pl.deviceRow(m)) }) {
			if err := m.Validate(); err != nil {
				return rowError(pl.kind, row.Line, err)
			}
			pl.wDevices = append(pl.wDevices, pending[inventory.Device]{row.Line, &m})
		}
	}
	for _, d := range pl.data.Devices {
		if _, ok := matched[d.ID]; !ok {
			pl.notInFile(d.ID, d.Name)
		}
	}
	return nil
}

func mergeDevice(cur, r inventory.Device, cov map[string]bool) inventory.Device {
	m := cur
	inventory.Devices.Merge(&m, &r, func(col string) bool { return cov[col] })
	return m
}

func sameDevice(a, b inventory.Device) bool {
	a.UpdatedAt = b.UpdatedAt
	return a == b
}

func (pl *planner) deviceRow(d inventory.Device) importer.DeviceRow {
	return importer.DeviceRow{Device: d, UserEmail: pl.emailOf(d.PersonID)}
}

// ----- assets -----

func assetKey(name, medium string) string { return fold(name) + "\x00" + fold(medium) }

func (pl *planner) assets() error {
	existing := make(map[string]*inventory.Asset, len(pl.data.Assets))
	for i := range pl.data.Assets {
		a := &pl.data.Assets[i]
		existing[assetKey(a.Name, a.Medium)] = a
	}
	matched := map[int64]int{}
	added := map[string]int{}
	for _, row := range pl.p.Assets {
		r := row.Record
		k := assetKey(r.Name, r.Medium)
		cur := existing[k]
		var svcs []*inventory.Service
		if pl.cov["service_names"] {
			svcs = []*inventory.Service{}
			for _, n := range r.ServiceNames {
				if s := pl.serviceFor(n, row.Line); !slices.Contains(svcs, s) {
					svcs = append(svcs, s)
				}
			}
		}
		var devs []int64
		if pl.cov["device_names"] {
			devs = []int64{}
			for _, n := range r.DeviceNames {
				d := pl.deviceBy[fold(n)]
				if d == nil {
					pl.warn(row.Line, pl.column("device_names"), "intake.warn_unknown_device", n)
					continue
				}
				if !slices.Contains(devs, d.ID) {
					devs = append(devs, d.ID)
				}
			}
		}
		if cur == nil {
			if first, dup := added[k]; dup {
				return pl.duplicate(row.Line, "name", r.Name, first)
			}
			added[k] = row.Line
			a := mergeAsset(inventory.Asset{}, r.Asset, pl.cov)
			a.Name, a.Medium = strings.TrimSpace(r.Name), r.Medium
			a.DeviceIDs = sortedIDs(devs)
			if err := a.Validate(); err != nil {
				return rowError(pl.kind, row.Line, err)
			}
			if svcs == nil {
				svcs = []*inventory.Service{}
			}
			pl.wAssets = append(pl.wAssets, assetWrite{line: row.Line, rec: a, svcs: svcs})
			pl.added(row.Line, assetLabel(a))
			continue
		}
		if first, dup := matched[cur.ID]; dup {
			return pl.duplicate(row.Line, "name", r.Name, first)
		}
		matched[cur.ID] = row.Line
		m := mergeAsset(*cur, r.Asset, pl.cov)
		same := sameAssetFields(*cur, m)
		if svcs != nil {
			if sameIDs(cur.ServiceIDs, idsOf(svcs)) {
				svcs = nil // kept as stored
			} else {
				same = false
			}
		}
		if devs != nil && !sameIDs(cur.DeviceIDs, devs) {
			m.DeviceIDs, same = sortedIDs(devs), false
		}
		if pl.cov["paper"] && !sameStrings(cur.PaperLocations, r.PaperLocations) {
			m.PaperLocations, same = sortedStrings(r.PaperLocations), false
		}
		c := *cur
		after := svcs
		if pl.outcome(row.Line, cur.ID, assetLabel(m), same, func() []Change { return pl.diff(pl.assetRow(c, nil), pl.assetRow(m, after)) }) {
			if err := m.Validate(); err != nil {
				return rowError(pl.kind, row.Line, err)
			}
			pl.wAssets = append(pl.wAssets, assetWrite{line: row.Line, rec: m, svcs: svcs})
		}
	}
	for _, a := range pl.data.Assets {
		if _, ok := matched[a.ID]; !ok {
			pl.notInFile(a.ID, assetLabel(a))
		}
	}
	return nil
}

func assetLabel(a inventory.Asset) string {
	if a.Medium != "" {
		return a.Name + "（" + a.Medium + "）"
	}
	return a.Name
}

func mergeAsset(cur, r inventory.Asset, cov map[string]bool) inventory.Asset {
	m := cur
	for _, f := range []struct {
		key      string
		dst, src *string
	}{
		{"business_area", &m.BusinessArea, &r.BusinessArea}, {"notes", &m.Notes, &r.Notes}, {"user_scope", &m.UserScope, &r.UserScope},
		{"owner_department", &m.OwnerDepartment, &r.OwnerDepartment}, {"retention_until", &m.RetentionUntil, &r.RetentionUntil},
		{"registered_on", &m.RegisteredOn, &r.RegisteredOn},
	} {
		if cov[f.key] {
			*f.dst = *f.src
		}
	}
	for _, f := range []struct {
		key      string
		dst, src *bool
	}{{"personal_info", &m.PersonalInfo, &r.PersonalInfo}, {"sensitive_info", &m.SensitiveInfo, &r.SensitiveInfo}, {"my_number", &m.MyNumber, &r.MyNumber}} {
		if cov[f.key] {
			*f.dst = *f.src
		}
	}
	for _, f := range []struct {
		key      string
		dst, src *int
	}{
		{"confidentiality", &m.Confidentiality, &r.Confidentiality}, {"integrity", &m.Integrity, &r.Integrity},
		{"availability", &m.Availability, &r.Availability}, {"people_concerned", &m.PeopleConcerned, &r.PeopleConcerned},
		{"data_level", &m.DataLevel, &r.DataLevel},
	} {
		if cov[f.key] {
			*f.dst = *f.src
		}
	}
	if cov["paper"] && cur.ID == 0 {
		m.PaperLocations = sortedStrings(r.PaperLocations)
	}
	return m
}

// sameAssetFields compares everything but the places, which are sets.
func sameAssetFields(a, b inventory.Asset) bool {
	return a.BusinessArea == b.BusinessArea && a.Name == b.Name && a.Notes == b.Notes && a.UserScope == b.UserScope &&
		a.OwnerDepartment == b.OwnerDepartment && a.Medium == b.Medium && a.PersonalInfo == b.PersonalInfo &&
		a.SensitiveInfo == b.SensitiveInfo && a.MyNumber == b.MyNumber && a.Confidentiality == b.Confidentiality &&
		a.Integrity == b.Integrity && a.Availability == b.Availability && a.RetentionUntil == b.RetentionUntil &&
		a.RegisteredOn == b.RegisteredOn && a.PeopleConcerned == b.PeopleConcerned && a.DataLevel == b.DataLevel
}

func (pl *planner) assetRow(a inventory.Asset, svcs []*inventory.Service) importer.AssetRow {
	row := importer.AssetRow{Asset: a, ServiceNames: []string{}, DeviceNames: []string{}}
	if svcs == nil {
		for _, id := range a.ServiceIDs {
			if s := pl.svc.byID[id]; s != nil {
				svcs = append(svcs, s)
			}
		}
	}
	for _, s := range svcs {
		row.ServiceNames = append(row.ServiceNames, s.Name)
	}
	for _, id := range a.DeviceIDs {
		if d := pl.deviceID[id]; d != nil {
			row.DeviceNames = append(row.DeviceNames, d.Name)
		}
	}
	if row.PaperLocations == nil {
		row.PaperLocations = []string{}
	}
	return row
}

func idsOf(svcs []*inventory.Service) []int64 {
	out := make([]int64, len(svcs))
	for i, s := range svcs {
		out[i] = s.ID // 0 for a new service: never equal to a stored one
	}
	return out
}

func sortedIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

func sameIDs(a, b []int64) bool { return slices.Equal(sortedIDs(a), sortedIDs(b)) }

func sortedStrings(s []string) []string {
	out := slices.Clone(s)
	slices.SortFunc(out, cmp.Compare)
	return out
}

func sameStrings(a, b []string) bool { return slices.Equal(sortedStrings(a), sortedStrings(b)) }

// ----- shares -----

type shareKey struct {
	svc   *inventory.Service
	path  string
	scope inventory.ShareScope
}

func (pl *planner) shares() error {
	existing := make(map[shareKey]*inventory.Share, len(pl.data.Shares))
	for i := range pl.data.Shares {
		s := &pl.data.Shares[i]
		existing[shareKey{pl.svc.byID[s.ServiceID], fold(s.Path), s.Scope}] = s
	}
	matched := map[*inventory.Share]int{}
	added := map[shareKey]int{}
	for _, row := range pl.p.Shares {
		r := row.Record
		name := r.ServiceName
		if pl.console && strings.TrimSpace(pl.opt.Service) != "" {
			name = pl.opt.Service
		}
		svc := pl.serviceFor(name, row.Line)
		pl.touched[svc] = true
		k := shareKey{svc, fold(r.Path), r.Scope}
		cur := existing[k]
		assetID, assetKnown := int64(0), pl.cov["asset"]
		if assetKnown && r.AssetName != "" {
			if a := pl.assetsBy[fold(r.AssetName)]; a != nil {
				assetID = a.ID
			} else {
				assetKnown = false
				pl.warn(row.Line, pl.column("asset"), "intake.warn_unknown_asset", r.AssetName)
			}
		}
		if cur == nil {
			if first, dup := added[k]; dup {
				return pl.duplicate(row.Line, "path", r.Path, first)
			}
			added[k] = row.Line
			s := mergeShare(inventory.Share{Permission: inventory.ShareEdit}, r.Share, pl.cov, pl.console)
			s.ServiceID, s.Path, s.Scope, s.AssetID = svc.ID, strings.TrimSpace(r.Path), r.Scope, assetID
			check := s
			if check.ServiceID == 0 {
				check.ServiceID = -1
			}
			if err := check.Validate(); err != nil {
				return rowError(pl.kind, row.Line, err)
			}
			pl.wShares = append(pl.wShares, shareWrite{line: row.Line, rec: s, svc: svc})
			pl.added(row.Line, svc.Name+": "+s.Path)
			continue
		}
		if first, dup := matched[cur]; dup {
			return pl.duplicate(row.Line, "path", r.Path, first)
		}
		matched[cur] = row.Line
		m := mergeShare(*cur, r.Share, pl.cov, pl.console)
		if assetKnown {
			m.AssetID = assetID
		}
		c := *cur
		if pl.outcome(row.Line, cur.ID, svc.Name+": "+cur.Path, sameShare(c, m), func() []Change { return pl.diff(pl.shareRow(c, svc), pl.shareRow(m, svc)) }) {
			if err := m.Validate(); err != nil {
				return rowError(pl.kind, row.Line, err)
			}
			pl.wShares = append(pl.wShares, shareWrite{line: row.Line, rec: m, svc: svc})
		}
	}
	for i := range pl.data.Shares {
		s := &pl.data.Shares[i]
		svc := pl.svc.byID[s.ServiceID]
		if _, ok := matched[s]; !ok && pl.touched[svc] {
			pl.notInFile(s.ID, svc.Name+": "+s.Path)
		}
	}
	return nil
}

func mergeShare(cur, r inventory.Share, cov map[string]bool, console bool) inventory.Share {
	m := cur
	if cov["permission"] && r.Permission != "" {
		m.Permission = r.Permission
	}
	if console {
		return m
	}
	take(cov, "expires_on", &m.ExpiresOn, r.ExpiresOn)
	take(cov, "owner", &m.Owner, r.Owner)
	take(cov, "created_on", &m.CreatedOn, r.CreatedOn)
	take(cov, "last_reviewed", &m.LastReviewed, r.LastReviewed)
	return m
}

func sameShare(a, b inventory.Share) bool {
	a.UpdatedAt = b.UpdatedAt
	return a == b
}

func (pl *planner) shareRow(s inventory.Share, svc *inventory.Service) importer.ShareRow {
	row := importer.ShareRow{Share: s, ServiceName: svc.Name}
	if a := pl.assetID[s.AssetID]; a != nil {
		row.AssetName = a.Name
	}
	return row
}

// ----- writing -----

// write saves the plan through w, in an order that gives every reference
// its id first: services, people, devices, assets, accounts, shares. New
// devices, accounts and shares go in multi-row statements.
func (pl *planner) write(ctx context.Context, w *store.Writer) error {
	for _, s := range pl.wServices {
		if err := w.Service(ctx, s.rec); err != nil {
			return rowError(importer.Services, s.line, err)
		}
	}
	for _, p := range pl.wPeople {
		if err := w.Person(ctx, p.rec); err != nil {
			return rowError(pl.kind, p.line, err)
		}
	}
	var newDevices []*inventory.Device
	var newLines []int
	for _, d := range pl.wDevices {
		if d.rec.ID == 0 {
			newDevices, newLines = append(newDevices, d.rec), append(newLines, d.line)
			continue
		}
		if err := w.Device(ctx, d.rec); err != nil {
			return rowError(pl.kind, d.line, err)
		}
	}
	if err := w.AddDevices(ctx, newDevices); err != nil {
		return manyError(pl.kind, newLines, err)
	}
	for i := range pl.wAssets {
		a := &pl.wAssets[i]
		if a.svcs != nil {
			a.rec.ServiceIDs = sortedIDs(idsOf(a.svcs))
		}
		if err := w.Asset(ctx, &a.rec); err != nil {
			return rowError(pl.kind, a.line, err)
		}
	}
	var newAccounts []*inventory.Account
	newLines = newLines[:0]
	for i := range pl.wAccounts {
		a := &pl.wAccounts[i]
		a.rec.ServiceID = a.svc.ID
		if a.rec.ID == 0 {
			newAccounts, newLines = append(newAccounts, &a.rec), append(newLines, a.line)
			continue
		}
		if err := w.Account(ctx, &a.rec); err != nil {
			return rowError(pl.kind, a.line, err)
		}
	}
	if err := w.AddAccounts(ctx, newAccounts); err != nil {
		return manyError(pl.kind, newLines, err)
	}
	var newShares []*inventory.Share
	newLines = newLines[:0]
	for i := range pl.wShares {
		s := &pl.wShares[i]
		s.rec.ServiceID = s.svc.ID
		if s.rec.ID == 0 {
			newShares, newLines = append(newShares, &s.rec), append(newLines, s.line)
			continue
		}
		if err := w.Share(ctx, &s.rec); err != nil {
			return rowError(pl.kind, s.line, err)
		}
	}
	if err := w.AddShares(ctx, newShares); err != nil {
		return manyError(pl.kind, newLines, err)
	}
	return nil
}

// manyError names the row of a bulk write's refused record.
func manyError(kind importer.Kind, lines []int, err error) error {
	var m *store.ManyError
	if errors.As(err, &m) && m.Index < len(lines) {
		return rowError(kind, lines[m.Index], m.Err)
	}
	if len(lines) > 0 {
		return rowError(kind, lines[0], err)
	}
	return err
}

// take copies src into dst when the file covers the column key: a column
// the file does not carry never overwrites what is stored.
func take[T any](cov map[string]bool, key string, dst *T, src T) {
	if cov[key] {
		*dst = src
	}
}
