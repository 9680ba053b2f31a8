package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/problem"
)

// Invitation asks the holder of an e-mail address to join an
// organisation with a role. It adds nobody: the addressee, signed in,
// accepts or declines it.
type Invitation struct {
	ID        int64
	OrgID     int64
	OrgName   string // for the addressee, who is not yet a member
	Email     string
	Role      org.Role
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Expired reports whether the invitation can no longer be accepted at now.
func (i Invitation) Expired(now time.Time) bool { return !now.Before(i.ExpiresAt) }

// open is the condition of an invitation nobody has answered or cancelled.
const invitationOpen = "accepted_at = 0 AND declined_at = 0 AND cancelled_at = 0"

// Invite invites an address to the organisation. When the address has no
// account yet, one is created with passwordHash (the initial password the
// inviter hands over), so that its holder can sign in and answer; an
// existing account is left as it is. Either way the organisation gains
// only a pending invitation, and the caller cannot tell which happened: the
// result and the trail of this organisation are the same. Inviting an
// address again renews its open invitation.
func (t Tenant) Invite(ctx context.Context, actor audit.Actor, email, name, passwordHash string, role org.Role) (int64, error) {
	email = NormaliseEmail(email)
	if email == "" || !strings.Contains(email, "@") {
		return 0, problem.Field("email", "user.email_invalid")
	}
	if strings.TrimSpace(name) == "" {
		return 0, problem.Field("name", "user.name_required")
	}
	if !role.Valid() {
		return 0, problem.Field("role", "member.role_invalid")
	}
	if passwordHash == "" {
		return 0, problem.Field("password", "password.too_short", auth.MinPasswordLength)
	}
	var id int64
	err := t.change(ctx, actor, func(tx *Tx) error {
		var members int
		if err := tx.queryRow(ctx, "SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = ? AND u.email = ?", t.org, email).Scan(&members); err != nil {
			return err
		}
		if members > 0 {
			return problem.Field("email", "member.exists")
		}
		var users int
		if err := tx.queryRow(ctx, "SELECT count(*) FROM users WHERE email = ?", email).Scan(&users); err != nil {
			return err
		}
		if users == 0 {
			if _, err := tx.createUser(ctx, auth.User{Email: email, Name: name, PasswordHash: passwordHash}); err != nil {
				return err
			}
		}
		now := tx.db.Now()
		expires := now.Add(org.InvitationLifetime)
		err := tx.queryRow(ctx, "SELECT id FROM invitations WHERE org_id = ? AND email = ? AND "+invitationOpen, t.org, email).Scan(&id)
		switch notFound(err) {
		case nil:
			if _, err := tx.exec(ctx, "UPDATE invitations SET role = ?, invited_by = ?, created_at = ?, expires_at = ? WHERE id = ?", role, tx.actor.UserID, micros(now), micros(expires), id); err != nil {
				return err
			}
		case problem.ErrNotFound:
			if id, err = tx.insert(ctx, "INSERT INTO invitations (org_id, email, role, invited_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
				t.org, email, role, tx.actor.UserID, micros(now), micros(expires)); err != nil {
				return fmt.Errorf("insert invitation: %w", err)
			}
		default:
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "invite.create", Target: "email:" + email, After: map[string]any{"role": role, "invitation": id}})
	})
	return id, err
}

// Invitations lists the organisation's open invitations, newest first:
// the address and the role only, nothing about the account behind it.
func (t Tenant) Invitations(ctx context.Context) ([]Invitation, error) {
	return t.db.invitations(ctx, "i.org_id = ?", t.org)
}

// CancelInvitation withdraws an open invitation of this organisation.
func (t Tenant) CancelInvitation(ctx context.Context, actor audit.Actor, id int64) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		var email string
		var role org.Role
		if err := tx.queryRow(ctx, "SELECT email, role FROM invitations WHERE id = ? AND org_id = ? AND "+invitationOpen, id, t.org).Scan(&email, &role); err != nil {
			return notFound(err)
		}
		if _, err := tx.exec(ctx, "UPDATE invitations SET cancelled_at = ? WHERE id = ?", micros(tx.db.Now()), id); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "invite.cancel", Target: "email:" + email, Before: map[string]any{"role": role, "invitation": id}})
	})
}

// UserInvitations lists the open, unexpired invitations addressed to a
// user's e-mail address.
func (db *DB) UserInvitations(ctx context.Context, userID int64) ([]Invitation, error) {
	u, err := db.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	return db.invitations(ctx, "i.email = ? AND i.expires_at > ?", u.Email, micros(db.Now()))
}

func (db *DB) invitations(ctx context.Context, where string, args ...any) ([]Invitation, error) {
	rows, err := db.query(ctx, "SELECT i.id, i.org_id, o.name, i.email, i.role, i.created_at, i.expires_at FROM invitations i JOIN orgs o ON o.id = i.org_id WHERE "+
		where+" AND i.accepted_at = 0 AND i.declined_at = 0 AND i.cancelled_at = 0 ORDER BY i.id DESC", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Invitation
	for rows.Next() {
		var i Invitation
		var c, e int64
		if err := rows.Scan(&i.ID, &i.OrgID, &i.OrgName, &i.Email, &i.Role, &c, &e); err != nil {
			return nil, err
		}
		i.CreatedAt, i.ExpiresAt = fromMicros(c), fromMicros(e)
		out = append(out, i)
	}
	return out, rows.Err()
}

// AnswerInvitation accepts (making the user a member with the invited
// role) or declines an open, unexpired invitation addressed to the user's
// own e-mail address; any other invitation is not found. It returns the
// organisation's id.
func (db *DB) AnswerInvitation(ctx context.Context, actor audit.Actor, userID, id int64, accept bool) (int64, error) {
	var orgID int64
	err := db.change(ctx, actor, func(tx *Tx) error {
		var role org.Role
		now := micros(tx.db.Now())
		err := tx.queryRow(ctx, "SELECT i.org_id, i.role FROM invitations i JOIN users u ON u.email = i.email WHERE i.id = ? AND u.id = ? AND u.disabled = 0 AND i.expires_at > ? AND "+
			"i.accepted_at = 0 AND i.declined_at = 0 AND i.cancelled_at = 0", id, userID, now).Scan(&orgID, &role)
		if err != nil {
			return notFound(err)
		}
		column, action := "declined_at", "invite.decline"
		if accept {
			column, action = "accepted_at", "invite.accept"
		}
		if _, err := tx.exec(ctx, "UPDATE invitations SET "+column+" = ? WHERE id = ?", now, id); err != nil {
			return err
		}
		if err := tx.Record(ctx, audit.Event{OrgID: orgID, Action: action, Target: fmt.Sprintf("user:%d", userID), After: map[string]any{"role": role, "invitation": id}}); err != nil {
			return err
		}
		if !accept {
			return nil
		}
		return tx.addMember(ctx, orgID, userID, role)
	})
	return orgID, err
}
