package importer

import (
	"strings"

	"github.com/mamori-sec/mamori/internal/inventory"
)

// The console exports' columns. Headers are matched after normHeader, so
// "Status [READ ONLY]", "status" and "STATUS" are one column. Names first
// is how messages call a missing column. The Japanese names of the
// Microsoft exports are unverified guesses at the localised portal.
var (
	gwsFields = []field{
		{key: "email", names: []string{"Email Address", "Email Address", "primaryEmail", "Primary Email"}, required: true},
		{key: "first_name", names: []string{"First Name", "First Name", "name.givenName", "givenName"}},
		{key: "last_name", names: []string{"Last Name", "Last Name", "name.familyName", "familyName"}},
		{key: "status", names: []string{"Status", "Status", "User account status"}},
		{key: "suspended", names: []string{"suspended", "suspended"}},
		{key: "last_sign_in", names: []string{"Last Sign In", "Last Sign In", "lastLoginTime", "Last login time"}},
		{key: "2sv_enrolled", names: []string{"2sv Enrolled", "2sv Enrolled", "isEnrolledIn2Sv", "2-Step Verification enrollment", "2-step verification enrolled"}},
		{key: "is_admin", names: []string{"isAdmin", "isAdmin", "Admin status", "Is Admin"}},
		{key: "org_unit_path", names: []string{"Org Unit Path", "Org Unit Path", "orgUnitPath"}},
		{key: "employee_type", names: []string{"Employee Type", "Employee Type"}},
		{key: "department", names: []string{"Department", "Department"}},
		{key: "manager_email", names: []string{"Manager Email", "Manager Email"}},
		{key: "recovery_email", names: []string{"Recovery Email", "Recovery Email", "recoveryEmail"}},
	}
	m365Fields = []field{
		{key: "upn", names: []string{"User principal name", "User principal name", "UserPrincipalName", "ユーザー プリンシパル名"}, required: true},
		{key: "display_name", names: []string{"Display name", "Display name", "DisplayName", "表示名"}},
		{key: "first_name", names: []string{"First name", "First name", "FirstName", "givenName", "名"}},
		{key: "last_name", names: []string{"Last name", "Last name", "LastName", "surname", "姓"}},
		{key: "block_credential", names: []string{"Block credential", "Block credential", "BlockCredential", "サインインのブロック", "資格情報のブロック"}},
		{key: "account_enabled", names: []string{"accountEnabled", "accountEnabled", "Account enabled", "アカウントの有効化"}},
		{key: "user_type", names: []string{"userType", "userType", "User type", "ユーザーの種類"}},
		{key: "when_created", names: []string{"When created", "When created", "WhenCreated", "createdDateTime", "作成日時"}},
		{key: "licenses", names: []string{"Licenses", "Licenses", "ライセンス"}},
		{key: "department", names: []string{"Department", "Department", "部署"}},
		{key: "proxy_addresses", names: []string{"Proxy addresses", "Proxy addresses", "ProxyAddresses", "プロキシ アドレス"}},
		{key: "mail", names: []string{"mail", "mail"}},
	}
	entraFields = []field{
		{key: "upn", names: []string{"User principal name", "User principal name", "userPrincipalName", "ユーザー プリンシパル名"}, required: true},
		{key: "display_name", names: []string{"User display name", "User display name", "userDisplayName", "Display name", "表示名", "ユーザー表示名"}},
		{key: "user_type", names: []string{"User type", "User type", "userType", "ユーザーの種類", "ユーザー種別"}},
		{key: "is_admin", names: []string{"Admin", "Admin", "isAdmin", "Is admin", "管理者"}},
		{key: "mfa_registered", names: []string{"Multifactor authentication registered", "Multifactor authentication registered", "Multifactor authentication (MFA) registered",
			"isMfaRegistered", "Is MFA registered", "MFA registered", "多要素認証が登録済み", "多要素認証登録済み", "多要素認証 (MFA) 登録済み", "MFA 登録済み"}},
		{key: "mfa_capable", names: []string{"Multifactor authentication capable", "Multifactor authentication capable", "Multifactor authentication (MFA) capable",
			"isMfaCapable", "Is MFA capable", "MFA capable", "多要素認証が可能", "多要素認証対応", "多要素認証 (MFA) 対応", "MFA 対応"}},
	}
	sharePointFields = []field{
		{key: "resource_path", names: []string{"Resource Path", "Resource Path", "リソース パス"}, required: true},
		{key: "item_type", names: []string{"Item Type", "Item Type", "アイテムの種類"}},
		{key: "permission", names: []string{"Permission", "Permission", "アクセス許可"}},
		{key: "user_name", names: []string{"User Name", "User Name", "ユーザー名"}},
		{key: "user_email", names: []string{"User Email", "User Email", "User E-mail", "ユーザーのメール"}},
		{key: "user_type", names: []string{"User Or Group Type", "User Or Group Type", "User type", "ユーザーまたはグループの種類"}},
		{key: "link_id", names: []string{"Link ID", "Link ID", "リンク ID"}},
		{key: "link_type", names: []string{"Link Type", "Link Type", "リンクの種類"}},
		{key: "via_link", names: []string{"AccessViaLinkID", "AccessViaLinkID", "Access Via Link ID"}},
	}
)

// consoleLayouts in the order they are tried: the Entra download before
// the user list, since both have the user principal name.
var consoleLayouts = []*layout{
	newLayout(EntraMFA, Accounts, entraFields, "mfa_registered", "mfa_capable"),
	newLayout(SharePointSharing, Shares, sharePointFields, "link_type", "link_id", "user_type", "permission"),
	newLayout(GWSUsers, Accounts, gwsFields, "status", "suspended", "last_sign_in", "2sv_enrolled", "is_admin", "org_unit_path"),
	newLayout(M365Users, Accounts, m365Fields, "block_credential", "account_enabled", "licenses", "when_created", "display_name", "user_type"),
}

func consoleLayout(f Format) *layout {
	for _, l := range consoleLayouts {
		if l.format == f {
			return l
		}
	}
	return nil
}

// consoleBool reads the True/False and Enrolled/Not enrolled of exports.
func consoleBool(s string) (value, ok bool) {
	if b, ok := parseBool(s); ok {
		return b, true
	}
	switch normValue(s) {
	case "enrolled", "registered", "capable", "enabled", "active", "登録済み", "有効":
		return true, true
	case "notenrolled", "notregistered", "notcapable", "disabled", "未登録", "無効":
		return false, true
	}
	return false, false
}

// mfaCell reads a console MFA column; a value it cannot read stays unknown.
func (r *row) mfaCell(key string) inventory.AccountMFA {
	v := r.cell(key)
	if v == "" {
		return inventory.MFAUnknown
	}
	b, ok := consoleBool(v)
	if !ok {
		r.guessed(key, v, accountMFAChoices, string(inventory.MFAUnknown))
		return inventory.MFAUnknown
	}
	if b {
		return inventory.MFAOn
	}
	return inventory.MFAOff
}

// flag reads a console True/False column; a value it cannot read is an
// error, because guessing would hide an admin or a blocked account.
func (r *row) flag(key string) bool {
	v := r.cell(key)
	if v == "" {
		return false
	}
	b, ok := consoleBool(v)
	if !ok {
		r.fail(key, "import.row_invalid_bool", v)
	}
	return b
}

func (r *row) consoleDate(key string) string {
	v := r.cell(key)
	d, ambiguous, err := parseConsoleDate(v)
	if err != nil {
		r.fail(key, "import.row_invalid_date", v)
	}
	if ambiguous {
		r.warn(key, "import.warn_date_ambiguous", v, d)
	}
	r.notFuture(key, d)
	return d
}

func (r *row) loginID(key string) string {
	v := r.required(key)
	if v == "" {
		return ""
	}
	e, ok := normEmail(v)
	if !ok {
		r.fail(key, "import.row_invalid_email", v)
	}
	return e
}

// displayName puts a name together in the order its script expects.
func displayName(first, last string) string {
	switch {
	case first == "":
		return last
	case last == "":
		return first
	case isASCII(first) && isASCII(last):
		return first + " " + last
	}
	return last + " " + first
}

// employment reads an export's free-text employee type for a person.
func (r *row) employment(key string) inventory.EmploymentType {
	v := r.cell(key)
	if v == "" {
		r.defaulted(key, employmentChoices, string(inventory.FullTime))
		return inventory.FullTime
	}
	code, ok := employmentChoices.lookup(v)
	if !ok {
		r.guessed(key, v, employmentChoices, string(inventory.FullTime))
		return inventory.FullTime
	}
	return inventory.EmploymentType(code)
}

func serviceOr(opt Options, def string) string {
	if s := strings.TrimSpace(opt.Service); s != "" {
		return s
	}
	return def
}

// parseGWS reads Google's "Download users" (and GAM's print users). The
// file has no admin flag (GAM's has isAdmin): privilege stays "edit" and
// Coverage.Privilege false.
func parseGWS(f File, kind Kind, opt Options) (Parsed, error) {
	s, err := open(f, consoleLayout(GWSUsers), false, opt)
	if err != nil {
		return Parsed{}, err
	}
	service := serviceOr(opt, "Google Workspace")
	var p Parsed
	for i := range f.Rows {
		r := s.row(i)
		email := r.loginID("email")
		name := displayName(r.text("first_name"), r.text("last_name"))
		if kind == People {
			if isRoleAddress(email) {
				r.warn("email", "import.warn_role_not_person", email)
				p.Skipped++
				continue
			}
			if name == "" {
				name = email
			}
			mgr := r.email("manager_email")
			emp := inventory.FullTime
			if s.has("employee_type") {
				emp = r.employment("employee_type")
			}
			per := PersonRow{Person: inventory.Person{Name: name, Email: email, Department: r.text("department"), EmploymentType: emp}, ManagerEmail: mgr}
			r.duplicate("email", lowerKey(email), email)
			if r.err != nil {
				continue // the sheet keeps the error; the other rows are still checked
			}
			p.People = append(p.People, Row[PersonRow]{Line: r.line, Record: per, Warnings: r.warnings})
			continue
		}
		a := AccountRow{ServiceName: service, PersonEmail: email, DisplayName: name}
		a.LoginID = email
		if a.Kind = r.roleKind("email", email); a.Kind == inventory.Shared {
			a.PersonEmail = ""
		}
		a.Privilege = inventory.Edit
		if s.has("is_admin") && r.flag("is_admin") {
			a.Privilege = inventory.Admin
		}
		a.Status = inventory.Active
		switch v := r.cell("status"); normValue(v) {
		case "", "active", "有効":
		case "suspended", "archived", "停止", "停止中", "アーカイブ済み":
			a.Status = inventory.Suspended
		default:
			r.guessed("status", v, statusChoices, string(inventory.Active))
		}
		if r.flag("suspended") {
			a.Status = inventory.Suspended
		}
		a.LastLogin = r.consoleDate("last_sign_in")
		a.MFA = r.mfaCell("2sv_enrolled")
		a.Department = r.text("department")
		a.EmployeeType = r.text("employee_type")
		a.ManagerEmail = r.email("manager_email")
		a.RecoveryEmail = r.email("recovery_email")
		r.duplicate("email", lowerKey(email), email)
		if r.err != nil {
			continue // the sheet keeps the error; the other rows are still checked
		}
		p.Accounts = append(p.Accounts, Row[AccountRow]{Line: r.line, Record: a, Warnings: r.warnings})
	}
	if kind == Accounts {
		p.Coverage = Coverage{Privilege: s.has("is_admin"), MFA: s.has("2sv_enrolled"), Status: s.has("status") || s.has("suspended"), LastLogin: s.has("last_sign_in")}
		if !p.Coverage.Privilege {
			p.Gaps = append(p.Gaps, "import.gap_gws_admin")
		}
		if !p.Coverage.MFA {
			p.Gaps = append(p.Gaps, "import.gap_gws_mfa")
		}
	}
	if kind == People && !s.has("employee_type") {
		s.warnings = append(s.warnings, employmentDefaulted(len(p.People)))
	}
	if err := s.err(); err != nil {
		return Parsed{}, err
	}
	p.Warnings = s.finish()
	return p, nil
}

// employmentDefaulted says that n people were read as full-time because
// the export has no employment type.
func employmentDefaulted(n int) Warning {
	return Warning{Key: "import.warn_employment_defaulted", Args: []any{n, employmentChoices.label(string(inventory.FullTime), "ja"), employmentChoices.label(string(inventory.FullTime), "en")}}
}

// parseM365 reads the Microsoft 365 admin center's "Export users" (and the
// Entra "Download users" list, which shares its key column). The export
// has no MFA, no sign-in date and no roles: MFA stays unknown, never "off".
func parseM365(f File, kind Kind, opt Options) (Parsed, error) {
	s, err := open(f, consoleLayout(M365Users), false, opt)
	if err != nil {
		return Parsed{}, err
	}
	service := serviceOr(opt, "Microsoft 365")
	var p Parsed
	for i := range f.Rows {
		r := s.row(i)
		upn := r.required("upn")
		guest := strings.Contains(strings.ToLower(upn), "#ext#") || normValue(r.cell("user_type")) == "guest" || normValue(r.cell("user_type")) == "ゲスト"
		if !guest && upn != "" {
			upn = r.loginID("upn")
		}
		email := upn
		if primary := primarySMTP(r.cell("proxy_addresses")); primary != "" {
			email = primary
		} else if m, ok := normEmail(r.cell("mail")); ok {
			email = m
		}
		name := r.text("display_name")
		if name == "" {
			name = displayName(r.text("first_name"), r.text("last_name"))
		}
		r.duplicate("upn", lowerKey(upn), upn)
		if kind == People {
			if guest {
				p.Skipped++
				continue
			}
			if isRoleAddress(email) {
				r.warn("upn", "import.warn_role_not_person", email)
				p.Skipped++
				continue
			}
			if name == "" {
				name = email
			}
			per := PersonRow{Person: inventory.Person{Name: name, Email: email, Department: r.text("department"), EmploymentType: inventory.FullTime}}
			if r.err != nil {
				continue // the sheet keeps the error; the other rows are still checked
			}
			p.People = append(p.People, Row[PersonRow]{Line: r.line, Record: per, Warnings: r.warnings})
			continue
		}
		a := AccountRow{ServiceName: service, DisplayName: name, Department: r.text("department"), Licenses: r.text("licenses")}
		a.LoginID = upn
		a.Kind = inventory.Personal
		switch {
		case guest:
			a.Kind = inventory.Guest
		case isRoleAddress(upn):
			a.Kind = r.roleKind("upn", upn)
		default:
			a.PersonEmail = email
		}
		a.Privilege = inventory.Edit
		a.MFA = inventory.MFAUnknown
		a.Status = inventory.Active
		if r.flag("block_credential") {
			a.Status = inventory.Suspended
		}
		if s.has("account_enabled") && r.cell("account_enabled") != "" && !r.flag("account_enabled") {
			a.Status = inventory.Suspended
		}
		a.CreatedOn = r.consoleDate("when_created")
		if r.err != nil {
			continue // the sheet keeps the error; the other rows are still checked
		}
		p.Accounts = append(p.Accounts, Row[AccountRow]{Line: r.line, Record: a, Warnings: r.warnings})
	}
	if kind == Accounts {
		p.Coverage = Coverage{Kind: true, Status: s.has("block_credential") || s.has("account_enabled"), CreatedOn: s.has("when_created")}
		p.Gaps = []string{"import.gap_m365_mfa", "import.gap_m365_admin", "import.gap_m365_last_login"}
	} else {
		s.warnings = append(s.warnings, employmentDefaulted(len(p.People)))
	}
	if err := s.err(); err != nil {
		return Parsed{}, err
	}
	p.Warnings = s.finish()
	return p, nil
}

// primarySMTP picks the primary address (upper-case "SMTP:") out of the
// "+"-joined proxy addresses of the Microsoft export.
func primarySMTP(s string) string {
	i := strings.Index(s, "SMTP:")
	if i < 0 {
		return ""
	}
	rest := s[i+len("SMTP:"):]
	low := strings.ToLower(rest)
	end := len(rest)
	for _, p := range []string{"+smtp:", "+x500:", "+sip:", "+spo:", "+eum:", "+x400:"} {
		if j := strings.Index(low, p); j >= 0 && j < end {
			end = j
		}
	}
	e, ok := normEmail(rest[:end])
	if !ok {
		return ""
	}
	return e
}

// parseEntra reads Entra's "User registration details": MFA registration
// and, when the column is there, the admin flag. It says nothing about
// whether an account is enabled, so Coverage.Status is false.
func parseEntra(f File, opt Options) (Parsed, error) {
	s, err := open(f, consoleLayout(EntraMFA), false, opt)
	if err != nil {
		return Parsed{}, err
	}
	service := serviceOr(opt, "Microsoft 365")
	mfaKey := "mfa_registered"
	if !s.has(mfaKey) {
		mfaKey = "mfa_capable"
	}
	var p Parsed
	for i := range f.Rows {
		r := s.row(i)
		upn := r.required("upn")
		guest := strings.Contains(strings.ToLower(upn), "#ext#") || normValue(r.cell("user_type")) == "guest" || normValue(r.cell("user_type")) == "ゲスト"
		a := AccountRow{ServiceName: service, DisplayName: r.text("display_name")}
		a.LoginID = upn
		a.Kind = inventory.Personal
		if guest {
			a.Kind = inventory.Guest
		} else {
			a.PersonEmail = upn
		}
		a.MFA = r.mfaCell(mfaKey)
		a.Privilege = inventory.Edit
		if r.flag("is_admin") {
			a.Privilege = inventory.Admin
		}
		a.Status = inventory.Active
		r.duplicate("upn", lowerKey(upn), upn)
		if r.err != nil {
			continue // the sheet keeps the error; the other rows are still checked
		}
		p.Accounts = append(p.Accounts, Row[AccountRow]{Line: r.line, Record: a, Warnings: r.warnings})
	}
	p.Coverage = Coverage{Kind: s.has("user_type"), Privilege: s.has("is_admin"), MFA: true}
	if !p.Coverage.Privilege {
		p.Gaps = append(p.Gaps, "import.gap_m365_admin")
	}
	if err := s.err(); err != nil {
		return Parsed{}, err
	}
	p.Warnings = s.finish()
	return p, nil
}

// shareAcc gathers the rows of a sharing report that make one share.
type shareAcc struct {
	line       int
	path       string
	linkType   string
	perm       inventory.SharePermission
	external   bool // a guest or outside address uses it
	everyone   bool // granted to the whole organisation by group
	direct     bool // granted to a guest directly, not by a link
	warnings   []Warning
	fromLinkID string
}

// parseSharePoint reads a SharePoint or OneDrive sharing report. The
// report lists each link once (user name "SharingLink") and then each user
// who reached the item through it (AccessViaLinkID), plus direct
// permissions. One share is made per sharing link (Resource Path + Link
// ID), one per item for guests given direct access, and one per item
// opened to everyone in the company by group. Members' direct access and
// SharePoint's inherited "Limited Access" rows are not shares and are
// counted in Skipped. Scope: Anonymous → anyone_link, Company →
// organisation, Specific People → external_people when a guest or outside
// address uses it, else organisation. Permission: the widest seen; edit
// when the report does not say.
func parseSharePoint(f File, opt Options) (Parsed, error) {
	s, err := open(f, consoleLayout(SharePointSharing), false, opt)
	if err != nil {
		return Parsed{}, err
	}
	service := serviceOr(opt, "Microsoft 365")
	domains := map[string]bool{}
	for _, d := range opt.Domains {
		domains[strings.ToLower(strings.TrimPrefix(strings.TrimSpace(d), "@"))] = true
	}
	var (
		order []string
		accs  = map[string]*shareAcc{}
		p     Parsed
	)
	get := func(r *row, key, path string) *shareAcc {
		a, ok := accs[key]
		if !ok {
			a = &shareAcc{line: r.line, path: path}
			accs[key] = a
			order = append(order, key)
		}
		return a
	}
	for i := range f.Rows {
		r := s.row(i)
		path := r.required("resource_path")
		permText := r.cell("permission")
		if normValue(permText) == "limitedaccess" || normValue(permText) == "制限付きアクセス" {
			p.Skipped++
			continue
		}
		linkID, linkType, via := r.cell("link_id"), r.cell("link_type"), r.cell("via_link")
		email := strings.ToLower(r.cell("user_email"))
		utype := normValue(r.cell("user_type"))
		external := utype == "guest" || utype == "ゲスト" || utype == "external" || strings.Contains(email, "#ext#")
		if at := strings.LastIndexByte(email, '@'); at >= 0 && len(domains) > 0 && !domains[email[at+1:]] {
			external = true
		}
		perm, known := sharePermission(permText, linkType)
		if r.err != nil {
			continue // the sheet keeps the error; the other rows are still checked
		}
		var a *shareAcc
		switch {
		case linkID != "":
			a = get(r, path+"\x00"+linkID, path)
			a.linkType = linkType
			a.fromLinkID = linkID
		case via != "":
			a = get(r, path+"\x00"+via, path)
			a.external = a.external || external
		case external:
			a = get(r, path+"\x00direct", path)
			a.direct, a.external = true, true
		case everyoneGroup(r.cell("user_name")):
			a = get(r, path+"\x00everyone", path)
			a.everyone = true
		default:
			p.Skipped++
			continue
		}
		if !known && permText != "" {
			w := Warning{Line: r.line, Column: s.column("permission"), Key: "import.warn_unknown_value", Args: []any{permText, sharePermissionChoices.label(string(inventory.ShareEdit), "ja"), sharePermissionChoices.label(string(inventory.ShareEdit), "en")}}
			a.warnings = append(a.warnings, w)
			s.warnings = append(s.warnings, w)
		}
		if a.perm != inventory.ShareEdit {
			a.perm = perm
		}
	}
	for _, key := range order {
		a := accs[key]
		sh := ShareRow{ServiceName: service}
		sh.Path = a.path
		sh.Permission = a.perm
		switch lt := normValue(a.linkType); {
		case a.fromLinkID == "" && a.direct:
			sh.Scope = inventory.ExternalPeople
		case a.fromLinkID == "" && a.everyone:
			sh.Scope = inventory.WholeOrg
		case strings.Contains(lt, "anonymous") || strings.Contains(lt, "anyone"):
			sh.Scope = inventory.AnyoneWithLink
		case strings.Contains(lt, "company") || strings.Contains(lt, "organization") || strings.Contains(lt, "organisation"):
			sh.Scope = inventory.WholeOrg
		case a.external:
			sh.Scope = inventory.ExternalPeople
		default:
			sh.Scope = inventory.WholeOrg
		}
		p.Shares = append(p.Shares, Row[ShareRow]{Line: a.line, Record: sh, Warnings: a.warnings})
	}
	if err := s.err(); err != nil {
		return Parsed{}, err
	}
	p.Warnings = s.finish()
	return p, nil
}

// sharePermission maps SharePoint permission levels (Read, Contribute,
// Edit, Full Control …), falling back on the link type (AnonymousView,
// OrganizationEdit …) and then on edit, the side that does not hide a risk.
func sharePermission(perm, linkType string) (inventory.SharePermission, bool) {
	switch normValue(perm) {
	case "read", "view", "viewonly", "restrictedview", "canview", "閲覧", "閲覧のみ", "読み取り", "表示のみ":
		return inventory.ShareView, true
	case "edit", "contribute", "fullcontrol", "design", "write", "owner", "canedit", "編集", "投稿", "フルコントロール", "デザイン":
		return inventory.ShareEdit, true
	case "":
		lt := normValue(linkType)
		if strings.Contains(lt, "view") || strings.Contains(lt, "read") {
			return inventory.ShareView, true
		}
		return inventory.ShareEdit, true
	}
	return inventory.ShareEdit, false
}

func everyoneGroup(name string) bool {
	n := normValue(name)
	return strings.HasPrefix(n, "everyone") || strings.HasPrefix(n, "全員")
}
