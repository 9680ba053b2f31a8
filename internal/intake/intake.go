// Package intake applies imported tables to an organisation's inventory —
// preview, then apply all-or-nothing.
//
// A file is read and parsed by package importer; Plan compares its records
// with what the organisation already has and says what an import would
// do, without writing; Apply computes the same plan again and writes it in
// one transaction (every row or none), as one audit entry for the import
// that holds the changes to each record as its details, then evaluates the
// findings so that they reflect the import at once. Importing the same file twice changes
// nothing the second time, and a file mamori exported imports as a no-op.
//
// # Matching
//
// A row updates the record it matches, else it adds one. Nothing is ever
// deleted: records the file does not mention are counted (NotInFile) and
// left as they are.
//
//   - people by e-mail address (lower-case); a row without one by name and
//     kana (spaces, case and width aside);
//   - services by name: first the name itself (case, width and spaces
//     aside), then the catalogue entry inventory.Lookup finds for it, so
//     "G Suite" finds the "Google Workspace" already listed;
//   - accounts by service and login ID (case aside);
//   - devices by name; information assets by name and medium; shares by
//     service, path and scope.
//
// The name, e-mail or login ID of a matched record is kept as stored.
//
// # References
//
// An account's person is found by its person e-mail, else by its login ID
// when that is an address; a device's by its user e-mail. Accounts (and
// devices) whose person is not found are imported unlinked and listed in
// Preview.Unmatched for the keeper to link. A link is never removed by an
// import, and a console export (whose "person" is only the login address)
// links only accounts that are not linked yet. An asset's services and
// devices, and a share's asset, are found by name. A service name that
// matches nothing becomes a new service: with the catalogue's defaults
// when inventory.Lookup knows it, else as a cloud service outside the
// catalogue, with a warning. Preview.NewServices lists them.
//
// # What a file may change
//
// A column the file does not carry never overwrites what is stored (for
// mamori's own files, see importer.Present; for console exports, the
// Coverage the parser reports). Console exports are read for what they
// know: Google's user list has no admin flag, so an administrator stays an
// administrator; the Entra registration details change only the MFA of
// accounts already listed (and the privilege when the file has its Admin
// column), and rows for accounts mamori does not know are skipped with a
// warning, since the file cannot say whether they are enabled. A console
// admin flag raises an account to admin or lowers an admin to edit, but
// does not turn a view-only account into an editing one; "member" does not
// turn a shared account into a personal one; and an empty MFA or date
// never erases a known one.
package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/importer"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

// Options are what the caller knows about an import besides its rows.
type Options struct {
	// Service names the service of a console export's accounts or shares.
	// Empty means the format's own: Google Workspace for gws_users,
	// Microsoft 365 for the others.
	Service string
	// Today dates the parser's checks against the future; zero means now.
	Today time.Time
	// Source describes the file, for the preview and the audit trail.
	Source Source
}

// Source is the file an import came from.
type Source struct {
	Name     string
	SHA256   string // of the file's bytes, hex
	Encoding string // as importer.File reports it; "xlsx" for Excel files
	// Columns are the columns the file carries (importer.Present); nil
	// means every column of the kind.
	Columns map[string]bool
}

// maxExamples bounds each list of example rows in a preview.
const maxExamples = 50

// maxNotes bounds the warnings a preview lists; WarningCount has them all.
const maxNotes = 100

// Preview says what an import does: counts, examples, and what the keeper
// should look at. Warnings and gaps keep their catalogue keys and
// arguments; Translate fills in the messages in a language.
type Preview struct {
	Kind     importer.Kind   `json:"kind"`
	Format   importer.Format `json:"format"`
	Encoding string          `json:"encoding,omitempty"`
	File     string          `json:"file,omitempty"`
	SHA256   string          `json:"sha256,omitempty"`
	// Services are the services an account or share file is about; its
	// NotInFile counts only their records.
	Services []string `json:"services,omitempty"`
	Rows     int      `json:"rows"`
	Added    int      `json:"added"`
	Changed  int      `json:"changed"`
	// Unchanged rows match a record that already says the same.
	Unchanged int `json:"unchanged"`
	// NotInFile counts the records the file does not mention. They are
	// left as they are: an import never deletes.
	NotInFile int `json:"not_in_file"`
	// Skipped counts rows not applied: guests in a people file, inherited
	// sharing rows, console rows for accounts mamori does not know.
	Skipped      int          `json:"skipped"`
	Examples     Examples     `json:"examples"`
	NewServices  []NewService `json:"new_services"`
	Unmatched    []Unmatched  `json:"unmatched"`
	Warnings     []Note       `json:"warnings"`
	WarningCount int          `json:"warning_count"`
	Gaps         []Note       `json:"gaps"`
	// Applied is set by Apply once the import is committed.
	Applied bool `json:"applied"`
}

// Examples are up to 50 rows of each outcome.
type Examples struct {
	Added     []Example `json:"added"`
	Changed   []Example `json:"changed"`
	Unchanged []Example `json:"unchanged"`
	NotInFile []Example `json:"not_in_file"`
}

// Example is one row of a preview.
type Example struct {
	Line    int      `json:"line,omitempty"` // 0 for records not in the file
	ID      int64    `json:"id,omitempty"`   // the record's id, 0 when new
	Label   string   `json:"label"`
	Changes []Change `json:"changes,omitempty"`
}

// Change is one field of a changed record.
type Change struct {
	Field  string `json:"field"` // mamori's column key, e.g. "privilege"
	Label  Text   `json:"label"` // the column's header
	Before Text   `json:"before"`
	After  Text   `json:"after"`
}

// Text is a value as mamori's files write it, in Japanese and English.
type Text struct {
	JA string `json:"ja"`
	EN string `json:"en"`
}

// In returns the text in lang ("en", else Japanese).
func (t Text) In(lang string) string {
	if lang == "en" {
		return t.EN
	}
	return t.JA
}

// NewService is a service an import creates because a row names it.
type NewService struct {
	Name         string `json:"name"`
	Category     string `json:"category"`
	CatalogueKey string `json:"catalogue_key,omitempty"` // "" outside the catalogue
	Line         int    `json:"line"`                    // first row naming it
}

// Unmatched is a row whose person was not found: its record is imported
// without a person.
type Unmatched struct {
	Line    int           `json:"line"`
	Email   string        `json:"email"`
	LoginID string        `json:"login_id,omitempty"`
	Kind    importer.Kind `json:"kind"`
}

// Note is a warning or a gap: a catalogue key whose message takes the line
// and the column first, then Args.
type Note struct {
	Line    int    `json:"line,omitempty"`
	Column  string `json:"column,omitempty"`
	Key     string `json:"key"`
	Args    []any  `json:"args,omitempty"`
	Message string `json:"message,omitempty"` // set by Translate
}

// Translate fills in the messages of the warnings and gaps with t, a
// catalogue lookup in the reader's language.
func (p *Preview) Translate(t func(key string, args ...any) string) {
	for i, w := range p.Warnings {
		p.Warnings[i].Message = t(w.Key, append([]any{w.Line, w.Column}, w.Args...)...)
	}
	for i, g := range p.Gaps {
		p.Gaps[i].Message = t(g.Key)
	}
}

// Read reads and parses a file for an import: kind and format "" are
// detected from the header. It returns the records and the file's
// Source. A sharing report is read with the organisation's own mail
// domains, so that an outside address counts as external.
func Read(ctx context.Context, t store.Tenant, name string, data []byte, kind importer.Kind, format importer.Format, opt Options) (importer.Parsed, Source, error) {
	f, err := importer.ReadTableBytes(name, data, importer.Limits{})
	if err != nil {
		return importer.Parsed{}, Source{}, err
	}
	iopt := importer.Options{Service: opt.Service, Today: opt.Today}
	if format == "" || format == importer.SharePointSharing {
		if _, fm, err := importer.Detect(f); format == importer.SharePointSharing || (err == nil && fm == importer.SharePointSharing) {
			if iopt.Domains, err = domains(ctx, t); err != nil {
				return importer.Parsed{}, Source{}, err
			}
		}
	}
	p, err := importer.Parse(f, kind, format, iopt)
	if err != nil {
		return importer.Parsed{}, Source{}, err
	}
	sum := sha256.Sum256(data)
	src := Source{Name: name, SHA256: hex.EncodeToString(sum[:]), Encoding: f.Encoding, Columns: importer.Present(f, p.Kind, p.Format)}
	if f.Sheet != "" {
		src.Encoding = "xlsx"
	}
	return p, src, nil
}

// domains lists the mail domains of the organisation's people.
func domains(ctx context.Context, t store.Tenant) ([]string, error) {
	people, _, err := t.People(ctx, store.PeopleQuery{Limit: 1 << 30})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, p := range people {
		if at := strings.LastIndexByte(p.Email, '@'); at >= 0 {
			if d := strings.ToLower(p.Email[at+1:]); !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	return out, nil
}

// Plan says what importing parsed into the organisation would do, without
// writing anything. An error is a *importer.RowError when a row cannot be
// applied (two rows for one record, a value the inventory refuses).
func Plan(ctx context.Context, t store.Tenant, parsed importer.Parsed, opt Options) (Preview, error) {
	if parsed.Kind == importer.Risks {
		pl, err := planRisks(ctx, t, parsed)
		pl.pv.File, pl.pv.SHA256, pl.pv.Encoding = opt.Source.Name, opt.Source.SHA256, opt.Source.Encoding
		return pl.pv, err
	}
	pl, err := plan(ctx, t, parsed, opt)
	if err != nil {
		return Preview{}, err
	}
	return pl.pv, nil
}

// Apply plans the import again and writes it in one transaction: every
// row or, on any error, none. The organisation's evaluation is enqueued in
// that transaction, like after any inventory change, and runs after Apply
// returns. Applying a file that changes nothing writes nothing, not even
// the import's own audit entry.
func Apply(ctx context.Context, t store.Tenant, actor audit.Actor, parsed importer.Parsed, opt Options) (Preview, error) {
	if parsed.Kind == importer.Risks {
		pv, err := applyRisks(ctx, t, actor, parsed)
		pv.File, pv.SHA256, pv.Encoding = opt.Source.Name, opt.Source.SHA256, opt.Source.Encoding
		return pv, err
	}
	pv, _, err := commit(ctx, t, actor, parsed, opt)
	return pv, err
}

// commit plans and writes the import, reporting whether it wrote anything.
func commit(ctx context.Context, t store.Tenant, actor audit.Actor, parsed importer.Parsed, opt Options) (Preview, bool, error) {
	pl, err := plan(ctx, t, parsed, opt)
	if err != nil {
		return Preview{}, false, err
	}
	pv := pl.pv
	if pv.Added == 0 && pv.Changed == 0 && len(pv.NewServices) == 0 {
		pv.Applied = true
		return pv, false, nil
	}
	// One audit entry for the import: the changes to each record are its
	// details, which a record's history still shows.
	ev := audit.Event{Action: "import.apply", Target: "import:" + short(pv.SHA256), After: summary(pv)}
	if err := t.BatchAs(ctx, actor, ev, func(w *store.Writer) error { return pl.write(ctx, w) }); err != nil {
		return Preview{}, false, err
	}
	pv.Applied = true
	return pv, true, nil
}

func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12]
	}
	if sum == "" {
		return "file"
	}
	return sum
}

// summary is the import's own audit entry.
func summary(pv Preview) map[string]any {
	m := map[string]any{"file": pv.File, "kind": string(pv.Kind), "format": string(pv.Format), "sha256": pv.SHA256,
		"rows": pv.Rows, "added": pv.Added, "changed": pv.Changed, "unchanged": pv.Unchanged, "not_in_file": pv.NotInFile,
		"new_services": len(pv.NewServices), "unmatched": len(pv.Unmatched)}
	if len(pv.Services) > 0 {
		m["services"] = strings.Join(pv.Services, ", ")
	}
	return m
}

// rowError turns a store's refusal of one record into an error naming
// the row and the column, with the refusal itself as the form gives it.
func rowError(kind importer.Kind, line int, err error) error {
	e, ok := problem.As(err)
	if !ok || e.Code != problem.Invalid {
		return fmt.Errorf("line %d: %w", line, err)
	}
	col, key := e.Field, e.Field
	if k, ok := inventory.KindOf(string(kind)); ok {
		if f, ok := k.Field(e.Field); ok {
			key = f.Column()
		}
	}
	for _, c := range importer.Columns(kind) {
		if c.Key == key {
			col = c.JA
		}
	}
	return &importer.RowError{Line: line, Column: col, Field: key, Key: "import.row_refused", Args: []any{e}, Reason: e}
}
