package inventory

import "github.com/mamori-sec/mamori/internal/problem"

// Each record kind is described here once: its name, its fields in the
// order mamori's own files write them, each field's type, the values an
// enumeration takes with their catalogue labels, what is required, the
// limits, and which fields form the natural key an import matches on.
// The validation (check.go), the importer's columns and its cell checks,
// the web forms' select options and the API's field names derive from it;
// see docs/architecture.md, "Record kinds".

// Type is what a field holds, and so how it is read, checked and written.
type Type int

// The field types.
const (
	Text      Type = iota + 1 // one line of text
	LongText                  // several lines (notes, lists of people)
	Email                     // an e-mail address, stored in lower case
	Date                      // a calendar day, YYYY-MM-DD
	Enum                      // one of Values
	TriState                  // yes / no / not known (Tri)
	Int                       // a whole number from Min to Max
	Bool                      // yes / no
	Reference                 // the id of a record of kind Ref, written as its name
	RefList                   // ids of records of kind Ref, written as their names
	List                      // several short texts, each checked like Text
	Country                   // an ISO 3166 code, "" unknown
	Retention                 // a date, or a rule such as 「退職後7年」
)

// Value is one value of an enumeration: the code stored and the
// catalogue key of its label.
type Value struct {
	Code  string
	Label string
}

// Field is one field of a record kind.
type Field struct {
	Key      string // the name in forms, the database, the audit trail and the API
	Type     Type
	Label    string // catalogue key of its label
	Required bool
	Missing  string  // catalogue key of the refusal when required and blank
	Max      int     // Text, LongText, List items: most characters; Int: highest value
	Min      int     // Int: lowest value
	Values   []Value // Enum and TriState, in display order
	Ref      string  // Ref and RefList: slug of the kind referred to
	File     string  // key of its column in mamori's files, when not Key (a reference written as a name)
	Natural  bool    // part of the natural key, by which an import finds the record again

	str func(rec any) *string // text-like fields of the record, for the one validation
	num func(rec any) *int    // Int fields
	flg func(rec any) *bool   // Bool fields
	ids func(rec any) []int64 // RefList fields
	lst func(rec any) []string
	ref func(rec any) int64
}

// Column is the key of the field's column in mamori's own files.
func (f Field) Column() string {
	if f.File != "" {
		return f.File
	}
	return f.Key
}

// Has reports whether code is one of the field's values.
func (f Field) Has(code string) bool {
	for _, v := range f.Values {
		if v.Code == code {
			return true
		}
	}
	return false
}

// LabelOf is the catalogue key of the label of code, "" when the field
// has no such value.
func (f Field) LabelOf(code string) string {
	for _, v := range f.Values {
		if v.Code == code {
			return v.Label
		}
	}
	return ""
}

// Kind describes one record kind.
type Kind struct {
	Slug   string // plural, in URLs, file and API names: "services"; catalogue inv.<Slug>.*
	One    string // singular, in audit targets: "service"; catalogue inv.<One>.*
	Fields []Field
}

// Field returns the field named key.
func (k *Kind) Field(key string) (Field, bool) {
	for _, f := range k.Fields {
		if f.Key == key {
			return f, true
		}
	}
	return Field{}, false
}

// ByColumn returns the field whose column in mamori's files is key.
func (k *Kind) ByColumn(key string) (Field, bool) {
	for _, f := range k.Fields {
		if f.Column() == key {
			return f, true
		}
	}
	return Field{}, false
}

// NaturalKey lists the keys of the fields that identify a record.
func (k *Kind) NaturalKey() []string {
	var out []string
	for _, f := range k.Fields {
		if f.Natural {
			out = append(out, f.Key)
		}
	}
	return out
}

// Limits of text fields, in characters. An import refuses a longer cell
// and a form a longer value, with the same message.
const (
	MaxName  = 200  // names, departments, login IDs, versions
	MaxEmail = 320  // RFC 5321 path limit
	MaxLong  = 2000 // notes and other free text; paths and URLs
)

func values[T ~string](prefix string, codes ...T) []Value {
	out := make([]Value, len(codes))
	for i, c := range codes {
		key := prefix + string(c)
		if c == "" {
			key = prefix + "unknown"
		}
		out[i] = Value{Code: string(c), Label: key}
	}
	return out
}

var triValues = values("inv.tri.", Unknown, Yes, No)

func text(key string, max int) Field {
	return Field{Key: key, Type: Text, Label: "af." + key, Max: max}
}
func long(key string) Field { return Field{Key: key, Type: LongText, Label: "af." + key, Max: MaxLong} }
func date(key string) Field { return Field{Key: key, Type: Date, Label: "af." + key} }
func email(key string) Field {
	return Field{Key: key, Type: Email, Label: "af." + key, Max: MaxEmail}
}
func enum(key string, vals []Value) Field {
	return Field{Key: key, Type: Enum, Label: "af." + key, Values: vals}
}
func tri(key string) Field {
	return Field{Key: key, Type: TriState, Label: "af." + key, Values: triValues}
}
func flag(key string) Field { return Field{Key: key, Type: Bool, Label: "af." + key} }
func level(key string) Field {
	return Field{Key: key, Type: Int, Label: "af." + key, Min: 0, Max: 3} // 0: not rated yet
}

// on binds a described field to the record's struct field it checks.
func (f Field) on(s func(any) *string) Field      { f.str = s; return f }
func (f Field) onBool(b func(any) *bool) Field    { f.flg = b; return f }
func (f Field) onInt(n func(any) *int) Field      { f.num = n; return f }
func (f Field) required(missing string) Field     { f.Required, f.Missing = true, missing; return f }
func (f Field) natural() Field                    { f.Natural = true; return f }
func (f Field) file(column string) Field          { f.File = column; return f }
func (f Field) label(key string) Field            { f.Label = key; return f }
func (f Field) onList(l func(any) []string) Field { f.lst = l; return f }
func (f Field) onIDs(l func(any) []int64) Field   { f.ids = l; return f }
func (f Field) onRef(r func(any) int64) Field     { f.ref = r; return f }
func ref(key, kind, column string) Field {
	return Field{Key: key, Type: Reference, Label: "af." + key, Ref: kind, File: column}
}

func person(r any) *Person   { return r.(*Person) }
func service(r any) *Service { return r.(*Service) }
func account(r any) *Account { return r.(*Account) }
func device(r any) *Device   { return r.(*Device) }
func asset(r any) *Asset     { return r.(*Asset) }
func share(r any) *Share     { return r.(*Share) }

// People is the description of a person.
var People = &Kind{Slug: "people", One: "person", Fields: []Field{
	text("name", MaxName).required("person.name_required").on(func(r any) *string { return &person(r).Name }),
	text("kana", MaxName).on(func(r any) *string { return &person(r).Kana }),
	email("email").natural().on(func(r any) *string { return &person(r).Email }),
	text("department", MaxName).on(func(r any) *string { return &person(r).Department }),
	enum("employment_type", values("employment.", EmploymentTypes...)).required("person.employment_type_unknown").
		on(func(r any) *string { return (*string)(&person(r).EmploymentType) }),
	email("manager_email").label("person.manager_email").on(func(r any) *string { return &person(r).ManagerEmail }),
	date("join_date").on(func(r any) *string { return &person(r).JoinDate }),
	date("leave_date").on(func(r any) *string { return &person(r).LeaveDate }),
}}

// Services is the description of a service.
var Services = &Kind{Slug: "services", One: "service", Fields: []Field{
	text("name", MaxName).required("inventory.name_required").natural().label("inv.name").on(func(r any) *string { return &service(r).Name }),
	enum("category", values("inv.service.category.", Cloud, OnPrem, Network)).on(func(r any) *string { return (*string)(&service(r).Category) }),
	long("admins").on(func(r any) *string { return &service(r).Admins }),
	text("owner_department", MaxName).on(func(r any) *string { return &service(r).OwnerDepartment }),
	long("data_held").on(func(r any) *string { return &service(r).DataHeld }),
	flag("sso").onBool(func(r any) *bool { return &service(r).SSO }),
	enum("mfa", values("inv.service.mfa.", MFANone, MFAAvailable, MFAEnforced)).on(func(r any) *string { return (*string)(&service(r).MFA) }),
	Field{Key: "data_country", Type: Country, Label: "af.data_country", Max: 2}.on(func(r any) *string { return &service(r).DataCountry }),
	flag("internet_facing").onBool(func(r any) *bool { return &service(r).InternetFacing }),
	date("cloud_check_done").on(func(r any) *string { return &service(r).CloudCheckDone }),
	long("notes").on(func(r any) *string { return &service(r).Notes }),
}}

// Accounts is the description of an account.
var Accounts = &Kind{Slug: "accounts", One: "account", Fields: []Field{
	ref("service_id", "services", "service").required("inventory.service_required").natural().onRef(func(r any) int64 { return account(r).ServiceID }),
	text("login_id", MaxEmail).required("inventory.login_required").natural().on(func(r any) *string { return &account(r).LoginID }),
	ref("person_id", "people", "person_email"),
	enum("kind", values("inv.account.kind.", Personal, Shared, ServiceAcc, Guest, External)).on(func(r any) *string { return (*string)(&account(r).Kind) }),
	enum("privilege", values("inv.account.privilege.", Admin, Edit, View, Download)).on(func(r any) *string { return (*string)(&account(r).Privilege) }),
	enum("mfa", values("inv.account.mfa.", MFAOn, MFAOff, MFAUnknown)).on(func(r any) *string { return (*string)(&account(r).MFA) }),
	enum("status", values("inv.account.status.", Active, Suspended, Deleted)).on(func(r any) *string { return (*string)(&account(r).Status) }),
	date("created_on").on(func(r any) *string { return &account(r).CreatedOn }),
	date("last_login").on(func(r any) *string { return &account(r).LastLogin }),
	date("ends_on").on(func(r any) *string { return &account(r).EndsOn }),
}}

// Devices is the description of a device.
var Devices = &Kind{Slug: "devices", One: "device", Fields: []Field{
	text("name", MaxName).required("inventory.name_required").natural().label("inv.name").on(func(r any) *string { return &device(r).Name }),
	enum("kind", values("inv.device.kind.", DeviceKinds...)).required("inventory.required").on(func(r any) *string { return (*string)(&device(r).Kind) }),
	ref("person_id", "people", "user_email"),
	enum("ownership", values("inv.device.ownership.", CompanyIssued, BYOD)).on(func(r any) *string { return (*string)(&device(r).Ownership) }),
	tri("disk_encryption").on(func(r any) *string { return (*string)(&device(r).DiskEncryption) }),
	tri("screen_lock").on(func(r any) *string { return (*string)(&device(r).ScreenLock) }),
	tri("remote_wipe").on(func(r any) *string { return (*string)(&device(r).RemoteWipe) }),
	tri("antivirus").on(func(r any) *string { return (*string)(&device(r).Antivirus) }),
	text("os_version", MaxName).on(func(r any) *string { return &device(r).OSVersion }),
	date("last_updated").on(func(r any) *string { return &device(r).LastUpdated }),
	tri("default_password_changed").on(func(r any) *string { return (*string)(&device(r).DefaultPasswordChanged) }),
	enum("network", values("inv.device.network.", Internal, GuestWiFi, Home, Mobile)).on(func(r any) *string { return (*string)(&device(r).Network) }),
	tri("guest_separated").on(func(r any) *string { return (*string)(&device(r).GuestSeparated) }),
	date("disposed_on").on(func(r any) *string { return &device(r).DisposedOn }),
	tri("erasure_done").on(func(r any) *string { return (*string)(&device(r).ErasureDone) }),
	text("erasure_certificate", MaxName).on(func(r any) *string { return &device(r).ErasureCertificate }),
}}

// Assets is the description of an information asset (a row of the IPA
// ledger).
var Assets = &Kind{Slug: "assets", One: "asset", Fields: []Field{
	text("business_area", MaxName).on(func(r any) *string { return &asset(r).BusinessArea }),
	text("name", MaxName).required("inventory.name_required").natural().label("inv.asset.name").on(func(r any) *string { return &asset(r).Name }),
	long("notes").on(func(r any) *string { return &asset(r).Notes }),
	long("user_scope").on(func(r any) *string { return &asset(r).UserScope }),
	text("owner_department", MaxName).on(func(r any) *string { return &asset(r).OwnerDepartment }),
	text("medium", MaxName).natural().on(func(r any) *string { return &asset(r).Medium }),
	flag("personal_info").onBool(func(r any) *bool { return &asset(r).PersonalInfo }),
	flag("sensitive_info").onBool(func(r any) *bool { return &asset(r).SensitiveInfo }),
	flag("my_number").onBool(func(r any) *bool { return &asset(r).MyNumber }),
	level("confidentiality").onInt(func(r any) *int { return &asset(r).Confidentiality }),
	level("integrity").onInt(func(r any) *int { return &asset(r).Integrity }),
	level("availability").onInt(func(r any) *int { return &asset(r).Availability }),
	Field{Key: "retention_until", Type: Retention, Label: "af.retention_until", Max: MaxName}.on(func(r any) *string { return &asset(r).RetentionUntil }),
	date("registered_on").on(func(r any) *string { return &asset(r).RegisteredOn }),
	Field{Key: "service_ids", Type: RefList, Label: "af.service_ids", Ref: "services", File: "service_names"}.onIDs(func(r any) []int64 { return asset(r).ServiceIDs }),
	Field{Key: "device_ids", Type: RefList, Label: "af.device_ids", Ref: "devices", File: "device_names"}.onIDs(func(r any) []int64 { return asset(r).DeviceIDs }),
	Field{Key: "paper_locations", Type: List, Label: "af.paper_locations", Max: MaxName, File: "paper"}.onList(func(r any) []string { return asset(r).PaperLocations }),
	Field{Key: "people_concerned", Type: Int, Label: "af.people_concerned", Max: 1_000_000_000}.onInt(func(r any) *int { return &asset(r).PeopleConcerned }),
	level("data_level").onInt(func(r any) *int { return &asset(r).DataLevel }),
}}

// Shares is the description of a share.
var Shares = &Kind{Slug: "shares", One: "share", Fields: []Field{
	ref("service_id", "services", "service").required("inventory.service_required").natural().onRef(func(r any) int64 { return share(r).ServiceID }),
	Field{Key: "path", Type: Text, Label: "af.path", Max: MaxLong}.required("inventory.path_required").natural().on(func(r any) *string { return &share(r).Path }),
	enum("scope", values("inv.share.scope.", AnyoneWithLink, Public, ExternalDomain, ExternalPeople, WholeOrg)).required("inventory.required").natural().
		on(func(r any) *string { return (*string)(&share(r).Scope) }),
	enum("permission", values("inv.share.permission.", ShareView, ShareEdit)).on(func(r any) *string { return (*string)(&share(r).Permission) }),
	date("expires_on").on(func(r any) *string { return &share(r).ExpiresOn }),
	text("owner", MaxEmail).on(func(r any) *string { return &share(r).Owner }),
	ref("asset_id", "assets", "asset"),
	date("created_on").on(func(r any) *string { return &share(r).CreatedOn }),
	date("last_reviewed").on(func(r any) *string { return &share(r).LastReviewed }),
}}

// Kinds lists every kind in the order the inventory shows them.
var Kinds = []*Kind{People, Services, Accounts, Devices, Assets, Shares}

// KindOf returns the kind with slug.
func KindOf(slug string) (*Kind, bool) {
	for _, k := range Kinds {
		if k.Slug == slug {
			return k, true
		}
	}
	return nil, false
}

// Item is how one value of the field is written in a cell, a form or the
// API: a reference by the name (or, for a person, the address) of the
// record it refers to, a list item as one line of text. The field keeps
// its key, so a refusal names the field.
func (f Field) Item() Field {
	switch f.Type {
	case Reference, RefList:
		if k, ok := KindOf(f.Ref); ok {
			for _, g := range k.Fields {
				if g.Natural && (g.Type == Text || g.Type == Email) {
					g.Key, g.Required, g.Natural, g.Label = f.Key, f.Required, f.Natural, f.Label
					return g
				}
			}
		}
		return Field{Key: f.Key, Type: Text, Label: f.Label, Max: MaxName}
	case List:
		f.Type = Text
	}
	return f
}

// KeyField is the field a duplicate is named by: the first part of the
// natural key written as text (a name, an address, a login ID, a path).
func (k *Kind) KeyField() Field {
	for _, f := range k.Fields {
		if f.Natural && f.str != nil && (f.Type == Text || f.Type == Email) {
			return f
		}
	}
	return k.Fields[0]
}

// Duplicate is the refusal of rec as a second record with the natural key
// of another, the same on every path.
func (k *Kind) Duplicate(rec any) error {
	f := k.KeyField()
	v := ""
	if f.str != nil {
		v = *f.str(rec)
	}
	return problem.Field(f.Key, "inventory.duplicate", v)
}

// Merge copies into dst the fields of src that a file covers (covered
// reports a column key of mamori's files), leaving the rest as stored:
// a column a file does not carry never overwrites what is known. A blank
// enumeration that has no blank value (a service's category, a device's
// network) is "not said" and keeps the stored value. The natural key and
// references are left to the caller, which matched the record by them.
func (k *Kind) Merge(dst, src any, covered func(column string) bool) {
	for _, f := range k.Fields {
		if f.Natural || !covered(f.Column()) {
			continue
		}
		switch {
		case f.str != nil:
			v := *f.str(src)
			if v == "" && f.Type == Enum && !f.Has("") {
				continue
			}
			*f.str(dst) = v
		case f.num != nil:
			*f.num(dst) = *f.num(src)
		case f.flg != nil:
			*f.flg(dst) = *f.flg(src)
		}
	}
}
