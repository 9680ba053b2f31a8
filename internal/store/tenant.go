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

// Tenant is the store seen from one organisation. Every query it runs is
// limited to that organisation, so a handler holding a Tenant cannot reach
// another company's records, whatever identifiers it is given.
type Tenant struct {
	db  *DB
	org int64
}

// Tenant returns the store scoped to orgID. The web layer calls it only
// after checking the caller's membership.
func (db *DB) Tenant(orgID int64) Tenant { return Tenant{db: db, org: orgID} }

// OrgID is the organisation this tenant is scoped to.
func (t Tenant) OrgID() int64 { return t.org }

// change runs fn as a change of this organisation.
func (t Tenant) change(ctx context.Context, actor audit.Actor, fn func(*Tx) error) error {
	return t.db.change(ctx, actor, fn)
}

// record appends an event of this organisation.
func (t Tenant) record(ctx context.Context, tx *Tx, ev audit.Event) error {
	ev.OrgID = t.org
	return tx.Record(ctx, ev)
}

// Org returns the organisation itself.
func (t Tenant) Org(ctx context.Context) (org.Org, error) {
	o, err := scanOrg(t.db.queryRow(ctx, "SELECT "+orgColumns+" FROM orgs WHERE id = ?", t.org))
	return o, notFound(err)
}

// UpdateOrg changes the organisation's name and second-factor rule.
func (t Tenant) UpdateOrg(ctx context.Context, actor audit.Actor, name string, requireTOTP bool) error {
	return t.UpdateSettings(ctx, actor, OrgSettings{Name: name, RequireTOTP: requireTOTP})
}

// OrgSettings is what the owner sets on the settings page.
type OrgSettings struct {
	Name         string
	RequireTOTP  bool
	MaxTokenDays int // 0 keeps the current maximum
}

// UpdateSettings changes the organisation's settings in one audited change.
func (t Tenant) UpdateSettings(ctx context.Context, actor audit.Actor, set OrgSettings) error {
	name := strings.TrimSpace(set.Name)
	if name == "" {
		return problem.Field("name", "org.name_required")
	}
	if set.MaxTokenDays != 0 && !auth.ValidTokenDays(set.MaxTokenDays) {
		return problem.Field("max_token_days", "settings.token_days_invalid")
	}
	return t.change(ctx, actor, func(tx *Tx) error {
		before, err := scanOrg(tx.queryRow(ctx, "SELECT "+orgColumns+" FROM orgs WHERE id = ?", t.org))
		if err != nil {
			return notFound(err)
		}
		after := before
		after.Name, after.RequireTOTP = name, set.RequireTOTP
		if set.MaxTokenDays != 0 {
			after.MaxTokenDays = set.MaxTokenDays
		}
		if _, err := tx.exec(ctx, "UPDATE orgs SET name = ?, require_totp = ?, max_token_days = ? WHERE id = ?", name, boolInt(after.RequireTOTP), after.MaxTokenDays, t.org); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "org.settings", Target: fmt.Sprintf("org:%d", t.org), Before: orgAudit(before), After: orgAudit(after)})
	})
}

// Member is a user seen through their membership of this organisation.
type Member struct {
	auth.User
	Role org.Role
}

// Members lists the organisation's members by name.
func (t Tenant) Members(ctx context.Context) ([]Member, error) {
	rows, err := t.db.query(ctx, "SELECT u.id, u.email, u.name, u.password_hash, u.locale, u.disabled, u.totp_secret, u.totp_enabled_at, u.totp_last_step, u.created_at, m.role FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.org_id = ? ORDER BY u.name", t.org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var m Member
		var disabled int
		var enabled, created int64
		if err := rows.Scan(&m.ID, &m.Email, &m.Name, &m.PasswordHash, &m.Locale, &disabled, &m.TOTPSecret, &enabled, &m.TOTPLastStep, &created, &m.Role); err != nil {
			return nil, err
		}
		m.Disabled, m.TOTPEnabledAt, m.CreatedAt = disabled != 0, fromMicros(enabled), fromMicros(created)
		m.PasswordHash, m.TOTPSecret = "", "" // never leave the store through a listing
		out = append(out, m)
	}
	return out, rows.Err()
}

// Member returns one member, not-found for a user outside the organisation.
func (t Tenant) Member(ctx context.Context, userID int64) (Member, error) {
	r, err := t.db.Membership(ctx, t.org, userID)
	if err != nil {
		return Member{}, err
	}
	u, err := t.db.User(ctx, userID)
	u.PasswordHash, u.TOTPSecret = "", ""
	return Member{User: u, Role: r}, err
}

// SetRole changes a member's role. The last owner cannot be demoted.
func (t Tenant) SetRole(ctx context.Context, actor audit.Actor, userID int64, role org.Role) error {
	if !role.Valid() {
		return problem.Field("role", "member.role_invalid")
	}
	return t.change(ctx, actor, func(tx *Tx) error {
		var before org.Role
		if err := tx.queryRow(ctx, "SELECT role FROM memberships WHERE org_id = ? AND user_id = ?", t.org, userID).Scan(&before); err != nil {
			return notFound(err)
		}
		if before == org.Owner && role != org.Owner {
			if err := t.keepOwner(ctx, tx); err != nil {
				return err
			}
		}
		if _, err := tx.exec(ctx, "UPDATE memberships SET role = ? WHERE org_id = ? AND user_id = ?", role, t.org, userID); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "member.role", Target: fmt.Sprintf("user:%d", userID), Before: map[string]any{"role": before}, After: map[string]any{"role": role}})
	})
}

// Remove ends a membership. The last owner cannot be removed.
func (t Tenant) Remove(ctx context.Context, actor audit.Actor, userID int64) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		var before org.Role
		if err := tx.queryRow(ctx, "SELECT role FROM memberships WHERE org_id = ? AND user_id = ?", t.org, userID).Scan(&before); err != nil {
			return notFound(err)
		}
		if before == org.Owner {
			if err := t.keepOwner(ctx, tx); err != nil {
				return err
			}
		}
		if _, err := tx.exec(ctx, "DELETE FROM memberships WHERE org_id = ? AND user_id = ?", t.org, userID); err != nil {
			return err
		}
		if err := t.record(ctx, tx, audit.Event{Action: "member.remove", Target: fmt.Sprintf("user:%d", userID), Before: map[string]any{"role": before}}); err != nil {
			return err
		}
		// A token acts with its user's roles in every organisation, so it
		// cannot be cut off from this one alone: all of them end.
		return tx.revokeUserTokens(ctx, t.org, userID, revokedMemberRemoved)
	})
}

func (t Tenant) keepOwner(ctx context.Context, tx *Tx) error {
	var owners int
	if err := tx.queryRow(ctx, "SELECT count(*) FROM memberships WHERE org_id = ? AND role = ?", t.org, org.Owner).Scan(&owners); err != nil {
		return err
	}
	if owners <= 1 {
		return problem.New(problem.Conflict, "member.last_owner")
	}
	return nil
}
