package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/incident"
	"github.com/mamori-sec/mamori/internal/problem"
)

// IncidentSealContext binds a sealed evidence file to its organisation,
// incident and content, so that a sealed file cannot be moved to another.
func IncidentSealContext(org, incidentID int64, sum string) string {
	return fmt.Sprintf("incident-evidence:%d:%d:%s", org, incidentID, sum)
}

// IncidentShare is a read-only link to an incident for an outside expert.
type IncidentShare struct {
	Hash      string
	CreatedBy int64
	ExpiresAt time.Time
	RevokedAt time.Time
	CreatedAt time.Time
}

// Active reports whether the link still opens the incident at now.
func (s IncidentShare) Active(now time.Time) bool {
	return s.RevokedAt.IsZero() && now.Before(s.ExpiresAt)
}

// MaxShareDays bounds a share link's life.
const MaxShareDays = 30

// ShareIncident makes a read-only link to the incident that expires after
// days, and returns its token (kept only hashed). The link is an entry of
// the timeline and of the audit trail.
func (t Tenant) ShareIncident(ctx context.Context, actor audit.Actor, id int64, days int) (string, error) {
	if days < 1 || days > MaxShareDays {
		return "", problem.Field("days", "incident.error.share_days", MaxShareDays)
	}
	b := make([]byte, 20)
	rand.Read(b)
	token := hex.EncodeToString(b)
	until := t.db.Now().Add(time.Duration(days) * 24 * time.Hour)
	err := t.change(ctx, actor, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, "SELECT count(*) FROM incidents WHERE org_id = ? AND id = ?", t.org, id).Scan(&n); err != nil || n == 0 {
			return problem.ErrNotFound
		}
		if _, err := tx.exec(ctx, "INSERT INTO incident_shares (hash, org_id, incident_id, created_by, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
			feedHash(token), t.org, id, actor.UserID, micros(until), micros(t.db.Now())); err != nil {
			return err
		}
		_, err := t.appendEntry(ctx, tx, id, incident.Entry{Kind: incident.Shared}, map[string]any{"until": until.UTC().Format(time.RFC3339), "days": days}, nil)
		return err
	})
	return token, err
}

// IncidentShares lists an incident's links, newest first.
func (t Tenant) IncidentShares(ctx context.Context, id int64) ([]IncidentShare, error) {
	rows, err := t.db.query(ctx, "SELECT hash, created_by, expires_at, revoked_at, created_at FROM incident_shares WHERE org_id = ? AND incident_id = ? ORDER BY created_at DESC", t.org, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []IncidentShare
	for rows.Next() {
		var s IncidentShare
		var exp, rev, cre int64
		if err := rows.Scan(&s.Hash, &s.CreatedBy, &exp, &rev, &cre); err != nil {
			return nil, err
		}
		s.ExpiresAt, s.RevokedAt, s.CreatedAt = fromMicros(exp), fromMicros(rev), fromMicros(cre)
		out = append(out, s)
	}
	return out, rows.Err()
}

// RevokeIncidentShares ends every link to the incident.
func (t Tenant) RevokeIncidentShares(ctx context.Context, actor audit.Actor, id int64) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, "SELECT count(*) FROM incidents WHERE org_id = ? AND id = ?", t.org, id).Scan(&n); err != nil || n == 0 {
			return problem.ErrNotFound
		}
		res, err := tx.exec(ctx, "UPDATE incident_shares SET revoked_at = ? WHERE org_id = ? AND incident_id = ? AND revoked_at = 0", micros(t.db.Now()), t.org, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			tx.unchanged++
			return nil
		}
		return t.record(ctx, tx, audit.Event{Action: "incident.share_revoke", Target: "incident:" + strconv.FormatInt(id, 10)})
	})
}

// OpenIncidentShare finds the incident a live link opens, and records the
// opening in the organisation's audit trail (who: the link, from where).
func (db *DB) OpenIncidentShare(ctx context.Context, token, ip string) (Tenant, int64, error) {
	var orgID, id, exp, rev int64
	err := db.queryRow(ctx, "SELECT org_id, incident_id, expires_at, revoked_at FROM incident_shares WHERE hash = ?", feedHash(token)).Scan(&orgID, &id, &exp, &rev)
	if err != nil || rev != 0 || !db.Now().Before(fromMicros(exp)) {
		return Tenant{}, 0, problem.ErrNotFound
	}
	t := db.Tenant(orgID)
	err = t.change(ctx, audit.Actor{Label: "share-link", IP: ip}, func(tx *Tx) error {
		return t.record(ctx, tx, audit.Event{Action: "incident.share_view", Target: "incident:" + strconv.FormatInt(id, 10)})
	})
	return t, id, err
}

// ExportIncident gathers an incident's export, opening each evidence file.
func ExportIncident(ctx context.Context, t Tenant, slug string, id int64, open func(IncidentEvidence) ([]byte, error)) (incident.Export, error) {
	inc, err := t.Incident(ctx, id)
	if err != nil {
		return incident.Export{}, err
	}
	es, err := t.Timeline(ctx, id)
	if err != nil {
		return incident.Export{}, err
	}
	audited, err := t.AuditedHashes(ctx, id)
	if err != nil {
		return incident.Export{}, err
	}
	ex := incident.Export{Org: slug, Incident: id, Title: inc.Title, Type: inc.Type, Drill: inc.Drill, Entries: es, Audited: map[string]string{}}
	for k, v := range audited {
		ex.Audited[strconv.FormatInt(k, 10)] = v
	}
	files, err := t.IncidentEvidenceFiles(ctx, id)
	if err != nil {
		return incident.Export{}, err
	}
	for _, f := range files {
		data, err := open(f)
		if err != nil {
			return incident.Export{}, err
		}
		ex.Evidence = append(ex.Evidence, incident.ExportedEvidence{Seq: f.Seq, Name: f.Name, SHA256: f.SHA256, Data: data})
	}
	return ex, nil
}
