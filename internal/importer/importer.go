// Package importer reads the spreadsheets a small company already has — the
// ledgers its keeper typed into Excel and the user lists and sharing reports
// the Google Workspace and Microsoft 365 consoles let an administrator
// download — and turns them into inventory records. It also writes the same
// columns back out, as CSV, as Excel and as fill-in templates, so that an
// export can be edited and imported again.
//
// Reading is all or nothing: Parse returns every row of a file or its
// errors, each naming the row and the column as the person sees them in
// Excel. A half-imported ledger never exists. References between records
// (the service of an account, the person behind an address) travel as names
// and addresses; the store resolves them.
package importer

import (
	"fmt"
	"time"

	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
)

// Kind is which inventory list a file fills.
type Kind string

// The lists.
const (
	People   Kind = "people"
	Accounts Kind = "accounts"
	Devices  Kind = "devices"
	Assets   Kind = "assets"
	Shares   Kind = "shares"
	Services Kind = "services"
)

// Kinds lists them in the order the inventory shows them.
var Kinds = []Kind{People, Services, Accounts, Devices, Assets, Shares}

// Format is who wrote a file: mamori's own columns, or one of the admin
// consoles' downloads.
type Format string

// The formats.
const (
	// Mamori is mamori's own template and export columns, with Japanese or
	// English headers.
	Mamori Format = "mamori"
	// GWSUsers is Google Admin console → Directory → Users → Download users.
	GWSUsers Format = "gws_users"
	// M365Users is Microsoft 365 admin center → Active users → Export users.
	M365Users Format = "m365_users"
	// EntraMFA is Entra admin center → Authentication methods → User
	// registration details → Download.
	EntraMFA Format = "entra_mfa"
	// SharePointSharing is a SharePoint or OneDrive "Shared with external
	// users" sharing report.
	SharePointSharing Format = "sharepoint_sharing"
)

// Formats lists them.
var Formats = []Format{Mamori, GWSUsers, M365Users, EntraMFA, SharePointSharing}

// kindsOf lists which lists each format can fill, the usual one first.
var kindsOf = map[Format][]Kind{
	Mamori:            {People, Services, Accounts, Devices, Assets, Shares},
	GWSUsers:          {Accounts, People},
	M365Users:         {Accounts, People},
	EntraMFA:          {Accounts},
	SharePointSharing: {Shares},
}

// Options are what a file does not say about itself.
type Options struct {
	// Service names the service a console export comes from. Empty means
	// "Google Workspace" for gws_users and "Microsoft 365" for the others.
	Service string
	// Domains are the company's own mail domains. A sharing report user
	// outside them counts as external even when the report calls them a
	// member.
	Domains []string
	// Today is the date the import runs, for checks against the future.
	Today time.Time
}

// Row is one record read from a file, with the line it came from.
type Row[T any] struct {
	Line     int // row number as Excel shows it, 1-based
	Record   T
	Warnings []Warning
}

// Warning is something the importer decided on the reader's behalf, such
// as reading a blank privilege as an ordinary one. The message takes the
// line and the column first: see MessageArgs.
type Warning struct {
	Line   int    // 0 for a warning about the whole file
	Column string // header text as in the file
	Key    string // i18n key
	Args   []any  // arguments after line and column
}

// MessageArgs returns the catalogue arguments: %[1]d line, %[2]s column,
// then Args.
func (w Warning) MessageArgs() []any { return append([]any{w.Line, w.Column}, w.Args...) }

// RowError rejects a file because of one cell. Its message names the row,
// the column and the value, so the keeper can find it in Excel.
type RowError struct {
	Line   int    // row number as Excel shows it
	Column string // header text as in the file
	Field  string // record field, e.g. "confidentiality"
	Key    string // i18n key
	Args   []any  // arguments after line and column, the value first
	Value  string // the cell as written, shortened; "" when blank or not known
	// Reason is the refusal the web form and the API give for the same
	// value: the inventory's message key and its field. Nil for what only
	// a file can get wrong (a column missing, a spelling not understood is
	// still a bad value of the field, so it has one).
	Reason *problem.Error
}

func (e *RowError) Error() string {
	return fmt.Sprintf("row %d, column %q: %s %v", e.Line, e.Column, e.Key, e.Args)
}

// MessageArgs returns the catalogue arguments: %[1]d line, %[2]s column,
// then Args.
func (e *RowError) MessageArgs() []any { return append([]any{e.Line, e.Column}, e.Args...) }

// Problem returns the error as the problem the web layer shows.
func (e *RowError) Problem() *problem.Error {
	return &problem.Error{Code: problem.Invalid, Key: e.Key, Args: e.MessageArgs(), Field: e.Field}
}

// As lets errors.As (and so problem.As and problem.CodeOf) see a RowError
// as a *problem.Error.
func (e *RowError) As(target any) bool {
	if p, ok := target.(**problem.Error); ok {
		*p = e.Problem()
		return true
	}
	return false
}

// PersonRow is a person with the address of their manager, which the store
// resolves once every person is known.
type PersonRow struct {
	inventory.Person
	ManagerEmail string
}

// AccountRow is an account whose service and person are still names. The
// hints after PersonEmail come from console exports and help match people.
type AccountRow struct {
	inventory.Account
	ServiceName   string
	PersonEmail   string // "" for guests and when the file does not say
	DisplayName   string
	Department    string
	EmployeeType  string
	ManagerEmail  string
	RecoveryEmail string // Google's recovery address: often a private one
	Licenses      string // Microsoft 365 licences as exported
}

// DeviceRow is a device whose main user is still an address.
type DeviceRow struct {
	inventory.Device
	UserEmail string
}

// AssetRow is a ledger row whose services and devices are still names; the
// paper locations are in Asset.PaperLocations.
type AssetRow struct {
	inventory.Asset
	ServiceNames []string
	DeviceNames  []string
}

// ShareRow is a share whose service and asset are still names.
type ShareRow struct {
	inventory.Share
	ServiceName string
	AssetName   string
}

// Coverage says which account fields a file carried. A field it did not
// carry holds a placeholder — MFA "unknown", privilege "edit", status
// "active" — which must not overwrite what the store already knows and which
// a check must never count as a pass.
type Coverage struct {
	Kind, Privilege, MFA, Status, CreatedOn, LastLogin, EndsOn bool
}

// Parsed is every record of one file.
type Parsed struct {
	Kind     Kind
	Format   Format
	People   []Row[PersonRow]
	Accounts []Row[AccountRow]
	Devices  []Row[DeviceRow]
	Assets   []Row[AssetRow]
	Shares   []Row[ShareRow]
	Services []Row[inventory.Service]
	Risks    []Row[RiskRow]
	// Warnings lists every warning in file order, the rows' included.
	Warnings []Warning
	// Coverage is set for accounts.
	Coverage Coverage
	// Gaps are i18n keys (no arguments) telling what the file cannot show
	// and where to get it, e.g. MFA for the Microsoft 365 user list.
	Gaps []string
	// Skipped counts rows deliberately left out, such as guests when
	// reading people from a user list or inherited "Limited Access" rows of
	// a sharing report.
	Skipped int
}

// Len is the number of records read.
func (p Parsed) Len() int {
	return len(p.People) + len(p.Accounts) + len(p.Devices) + len(p.Assets) + len(p.Shares) + len(p.Services) + len(p.Risks)
}

// invalid returns a file-level error.
func invalid(key string, args ...any) *problem.Error {
	return &problem.Error{Code: problem.Invalid, Key: key, Args: args, Field: "file"}
}
