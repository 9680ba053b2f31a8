package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/problem"
)

const orgColumns = "id, slug, name, require_totp, max_token_days, created_at"

// orgColumnsOf is orgColumns of the table aliased o.
const orgColumnsOf = "o.id, o.slug, o.name, o.require_totp, o.max_token_days, o.created_at"

func scanOrg(r rowScanner, more ...any) (org.Org, error) {
	var o org.Org
	var req int
	var created int64
	err := r.Scan(append([]any{&o.ID, &o.Slug, &o.Name, &req, &o.MaxTokenDays, &created}, more...)...)
	o.RequireTOTP, o.CreatedAt = req != 0, fromMicros(created)
	return o, err
}

func orgAudit(o org.Org) map[string]any {
	return map[string]any{"slug": o.Slug, "name": o.Name, "require_totp": o.RequireTOTP, "max_token_days": o.MaxTokenDays}
}

// CreateOrg adds an organisation and, when ownerID is not 0, makes that
// user its owner.
func (db *DB) CreateOrg(ctx context.Context, actor audit.Actor, o org.Org, ownerID int64) (int64, error) {
	var id int64
	err := db.change(ctx, actor, func(tx *Tx) error {
		var err error
		id, err = tx.createOrg(ctx, o)
		if err != nil || ownerID == 0 {
			return err
		}
		return tx.addMember(ctx, id, ownerID, org.Owner)
	})
	return id, err
}

func (tx *Tx) createOrg(ctx context.Context, o org.Org) (int64, error) {
	o.Slug = strings.TrimSpace(o.Slug)
	o.Name = strings.TrimSpace(o.Name)
	if !org.ValidSlug(o.Slug) {
		return 0, problem.Field("slug", "org.slug_invalid")
	}
	if o.Name == "" {
		return 0, problem.Field("name", "org.name_required")
	}
	if o.MaxTokenDays == 0 {
		o.MaxTokenDays = auth.DefaultMaxTokenDays
	}
	if !auth.ValidTokenDays(o.MaxTokenDays) {
		return 0, problem.Field("max_token_days", "settings.token_days_invalid")
	}
	id, err := tx.insert(ctx, "INSERT INTO orgs (slug, name, require_totp, max_token_days, created_at) VALUES (?, ?, ?, ?, ?)",
		o.Slug, o.Name, boolInt(o.RequireTOTP), o.MaxTokenDays, micros(tx.db.Now()))
	if isUniqueViolation(err) {
		return 0, problem.Field("slug", "org.slug_taken")
	}
	if err != nil {
		return 0, fmt.Errorf("insert org: %w", err)
	}
	return id, tx.Record(ctx, audit.Event{OrgID: id, Action: "org.create", Target: fmt.Sprintf("org:%d", id), After: orgAudit(o)})
}

// SetupFirstRun creates the first user and their organisation in one
// transaction, refusing if any user exists already.
func (db *DB) SetupFirstRun(ctx context.Context, actor audit.Actor, u auth.User, o org.Org) (userID, orgID int64, err error) {
	err = db.change(ctx, actor, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, "SELECT count(*) FROM users").Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return problem.New(problem.Conflict, "setup.done")
		}
		if userID, err = tx.createUser(ctx, u); err != nil {
			return err
		}
		if orgID, err = tx.createOrg(ctx, o); err != nil {
			return err
		}
		return tx.addMember(ctx, orgID, userID, org.Owner)
	})
	return userID, orgID, err
}

// OrgBySlug finds an organisation by its URL name. It is install-wide: the
// web layer resolves the caller's membership right after.
func (db *DB) OrgBySlug(ctx context.Context, slug string) (org.Org, error) {
	o, err := scanOrg(db.queryRow(ctx, "SELECT "+orgColumns+" FROM orgs WHERE slug = ?", slug))
	return o, notFound(err)
}

// Orgs lists every organisation (for the command line).
func (db *DB) Orgs(ctx context.Context) ([]org.Org, error) {
	rows, err := db.query(ctx, "SELECT "+orgColumns+" FROM orgs ORDER BY slug")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []org.Org
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// MemberOrg is an organisation seen through one user's membership.
type MemberOrg struct {
	org.Org
	Role org.Role
}

// UserOrgs lists the organisations a user belongs to, by name.
func (db *DB) UserOrgs(ctx context.Context, userID int64) ([]MemberOrg, error) {
	rows, err := db.query(ctx, "SELECT "+orgColumnsOf+", m.role FROM orgs o JOIN memberships m ON m.org_id = o.id WHERE m.user_id = ? ORDER BY o.name", userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MemberOrg
	for rows.Next() {
		var mo MemberOrg
		var err error
		if mo.Org, err = scanOrg(rows, &mo.Role); err != nil {
			return nil, err
		}
		out = append(out, mo)
	}
	return out, rows.Err()
}

// Membership returns a user's role in an organisation, not-found when the
// user is not a member: the caller must answer 404 then.
func (db *DB) Membership(ctx context.Context, orgID, userID int64) (org.Role, error) {
	var r org.Role
	err := db.queryRow(ctx, "SELECT role FROM memberships WHERE org_id = ? AND user_id = ?", orgID, userID).Scan(&r)
	return r, notFound(err)
}

// AddMember gives a user a role in an organisation.
func (db *DB) AddMember(ctx context.Context, actor audit.Actor, orgID, userID int64, role org.Role) error {
	return db.change(ctx, actor, func(tx *Tx) error { return tx.addMember(ctx, orgID, userID, role) })
}

func (tx *Tx) addMember(ctx context.Context, orgID, userID int64, role org.Role) error {
	if !role.Valid() {
		return problem.Field("role", "member.role_invalid")
	}
	_, err := tx.exec(ctx, "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (?, ?, ?, ?)", orgID, userID, role, micros(tx.db.Now()))
	if isUniqueViolation(err) {
		return problem.Field("email", "member.exists")
	}
	if err != nil {
		return fmt.Errorf("insert membership: %w", err)
	}
	return tx.Record(ctx, audit.Event{OrgID: orgID, Action: "member.add", Target: fmt.Sprintf("user:%d", userID), After: map[string]any{"role": role}})
}

// OrgForUser resolves an organisation by slug together with the user's role
// in it, in one query: this runs on every organisation page. A user who is
// not a member gets not-found, exactly as for a missing organisation.
func (db *DB) OrgForUser(ctx context.Context, slug string, userID int64) (org.Org, org.Role, error) {
	var role org.Role
	o, err := scanOrg(db.queryRow(ctx, "SELECT "+orgColumnsOf+", m.role FROM orgs o JOIN memberships m ON m.org_id = o.id AND m.user_id = ? WHERE o.slug = ?", userID, slug), &role)
	return o, role, notFound(err)
}
