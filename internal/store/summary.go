package store

import (
	"context"
	"time"

	"github.com/mamori-sec/mamori/internal/findings"
)

// Summary is the state of one organisation at a glance: what the dashboard
// and the advisor's portfolio show. Later modules add their figures here.
type Summary struct {
	People           int       // current staff
	Left             int       // people with a leave date
	Members          int       // users who can sign in
	MembersNoTOTP    int       // of whom without a second factor
	PrivilegedNoTOTP int       // owners, advisors and keepers without one
	LastChange       time.Time // newest audit entry, zero if none
	ChangesLastWeek  int
	// The inventory's records by kind, besides people: the score's areas
	// without records are "not assessed".
	Accounts, Devices, Shares, Services, Assets int
}

// Records counts the inventory's records by kind, people who left
// included, as findings.ScoreOf needs them.
func (s Summary) Records() findings.Records {
	return findings.Records{findings.KindPerson: s.People + s.Left, findings.KindAccount: s.Accounts, findings.KindDevice: s.Devices,
		findings.KindShare: s.Shares, findings.KindService: s.Services, findings.KindAsset: s.Assets}
}

// Summary computes the organisation's summary in one statement.
func (t Tenant) Summary(ctx context.Context) (Summary, error) {
	var s Summary
	var last int64
	weekAgo := micros(t.db.Now().Add(-7 * 24 * time.Hour))
	err := t.db.queryRow(ctx, `SELECT
		(SELECT count(*) FROM people WHERE org_id = ? AND leave_date = ''),
		(SELECT count(*) FROM people WHERE org_id = ? AND leave_date <> ''),
		(SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = ? AND u.disabled = 0),
		(SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = ? AND u.disabled = 0 AND u.totp_enabled_at = 0),
		(SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = ? AND u.disabled = 0 AND u.totp_enabled_at = 0 AND m.role IN ('owner', 'advisor', 'keeper')),
		(SELECT COALESCE(MAX(at), 0) FROM audit_log WHERE org_id = ?),
		(SELECT count(*) FROM audit_log WHERE org_id = ? AND at >= ?),
		(SELECT count(*) FROM accounts WHERE org_id = ?),
		(SELECT count(*) FROM devices WHERE org_id = ?),
		(SELECT count(*) FROM shares WHERE org_id = ?),
		(SELECT count(*) FROM services WHERE org_id = ?),
		(SELECT count(*) FROM assets WHERE org_id = ?)`,
		t.org, t.org, t.org, t.org, t.org, t.org, t.org, weekAgo, t.org, t.org, t.org, t.org, t.org).
		Scan(&s.People, &s.Left, &s.Members, &s.MembersNoTOTP, &s.PrivilegedNoTOTP, &last, &s.ChangesLastWeek,
			&s.Accounts, &s.Devices, &s.Shares, &s.Services, &s.Assets)
	s.LastChange = fromMicros(last)
	return s, err
}

// MemberOrgSummary is an organisation of a user's, with its summary.
type MemberOrgSummary struct {
	MemberOrg
	Summary Summary
}

// UserOrgSummaries lists the organisations a user belongs to, by name,
// each with its summary (as Tenant.Summary computes it), in one query: an
// advisor's portfolio of hundreds of companies is one round trip, not one
// per company.
func (db *DB) UserOrgSummaries(ctx context.Context, userID int64) ([]MemberOrgSummary, error) {
	weekAgo := micros(db.Now().Add(-7 * 24 * time.Hour))
	rows, err := db.query(ctx, `SELECT `+orgColumnsOf+`, m.role,
		(SELECT count(*) FROM people WHERE org_id = o.id AND leave_date = ''),
		(SELECT count(*) FROM people WHERE org_id = o.id AND leave_date <> ''),
		(SELECT count(*) FROM memberships mm JOIN users u ON u.id = mm.user_id WHERE mm.org_id = o.id AND u.disabled = 0),
		(SELECT count(*) FROM memberships mm JOIN users u ON u.id = mm.user_id WHERE mm.org_id = o.id AND u.disabled = 0 AND u.totp_enabled_at = 0),
		(SELECT count(*) FROM memberships mm JOIN users u ON u.id = mm.user_id WHERE mm.org_id = o.id AND u.disabled = 0 AND u.totp_enabled_at = 0 AND mm.role IN ('owner', 'advisor', 'keeper')),
		(SELECT COALESCE(MAX(at), 0) FROM audit_log WHERE org_id = o.id),
		(SELECT count(*) FROM audit_log WHERE org_id = o.id AND at >= ?),
		(SELECT count(*) FROM accounts WHERE org_id = o.id),
		(SELECT count(*) FROM devices WHERE org_id = o.id),
		(SELECT count(*) FROM shares WHERE org_id = o.id),
		(SELECT count(*) FROM services WHERE org_id = o.id),
		(SELECT count(*) FROM assets WHERE org_id = o.id)
		FROM orgs o JOIN memberships m ON m.org_id = o.id WHERE m.user_id = ? ORDER BY o.name`, weekAgo, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MemberOrgSummary
	for rows.Next() {
		var r MemberOrgSummary
		var last int64
		s := &r.Summary
		if r.Org, err = scanOrg(rows, &r.Role, &s.People, &s.Left, &s.Members, &s.MembersNoTOTP, &s.PrivilegedNoTOTP, &last, &s.ChangesLastWeek,
			&s.Accounts, &s.Devices, &s.Shares, &s.Services, &s.Assets); err != nil {
			return nil, err
		}
		s.LastChange = fromMicros(last)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Version identifies the state of the whole install: the sequence number
// of the newest audit entry. Every change appends one, so a cache keyed on
// it is never stale, even with several app servers on one database.
func (db *DB) Version(ctx context.Context) (int64, error) {
	var v int64
	err := db.queryRow(ctx, "SELECT COALESCE(MAX(seq), 0) FROM audit_log").Scan(&v)
	return v, err
}

// Versions is Version with the organisation's mail version beside it, in
// one round trip: the mail guard's counts move without audit entries (a
// message accepted, a link downloaded), and each of those moves the mail
// version instead, so that a cache keyed on both is never stale.
func (db *DB) Versions(ctx context.Context, orgID int64) (install, mail int64, err error) {
	err = db.queryRow(ctx, "SELECT (SELECT COALESCE(MAX(seq), 0) FROM audit_log), (SELECT COALESCE(MAX(n), 0) FROM mailguard_version WHERE org_id = ?)", orgID).Scan(&install, &mail)
	return install, mail, err
}
