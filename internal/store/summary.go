package store

import (
	"context"
	"time"

	"github.com/mamori-sec/mamori/internal/org"
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
}

// NeedsAttention reports whether the advisor should look at this company.
func (s Summary) NeedsAttention(o org.Org) bool {
	return s.PrivilegedNoTOTP > 0 || (o.RequireTOTP && s.MembersNoTOTP > 0) || s.People == 0
}

// Summary computes the organisation's summary.
func (t Tenant) Summary(ctx context.Context) (Summary, error) {
	var s Summary
	err := t.db.queryRow(ctx, "SELECT COALESCE(SUM(CASE WHEN leave_date = '' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN leave_date <> '' THEN 1 ELSE 0 END), 0) FROM people WHERE org_id = ?", t.org).Scan(&s.People, &s.Left)
	if err != nil {
		return s, err
	}
	err = t.db.queryRow(ctx, `SELECT count(*),
		COALESCE(SUM(CASE WHEN u.totp_enabled_at = 0 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN u.totp_enabled_at = 0 AND m.role IN ('owner', 'advisor', 'keeper') THEN 1 ELSE 0 END), 0)
		FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = ? AND u.disabled = 0`, t.org).Scan(&s.Members, &s.MembersNoTOTP, &s.PrivilegedNoTOTP)
	if err != nil {
		return s, err
	}
	var last int64
	weekAgo := micros(t.db.Now().Add(-7 * 24 * time.Hour))
	err = t.db.queryRow(ctx, "SELECT COALESCE(MAX(at), 0), COALESCE(SUM(CASE WHEN at >= ? THEN 1 ELSE 0 END), 0) FROM audit_log WHERE org_id = ?", weekAgo, t.org).Scan(&last, &s.ChangesLastWeek)
	s.LastChange = fromMicros(last)
	return s, err
}
