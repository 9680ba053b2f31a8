package store

import (
	"context"
	"fmt"
	"time"
)

// PendingImport is a file between an import's preview and its apply, kept
// in the database so that the apply finds exactly what was previewed on
// whichever app server it reaches, after a restart too. It belongs to one
// user in one organisation; nobody else can see or apply it.
type PendingImport struct {
	OrgID, UserID int64
	Name          string // the file's name, as the audit trail records it
	Kind, Format  string // as chosen on the form, possibly ""
	Service       string
	// Data is the file as stored: sealed with the server's secret key
	// when Sealed.
	Data      []byte
	Sealed    bool
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Pending imports are bounded per user in an organisation, oldest dropped
// first, and expire after an hour.
const (
	PendingImportsPerUser = 5
	PendingImportTTL      = time.Hour
)

// PutPendingImport keeps p under id (the hash of the token the browser
// holds) and drops that same user's oldest beyond PendingImportsPerUser.
// It is bookkeeping, like a session: not a change to the records, so not
// an audit entry; the apply is.
func (db *DB) PutPendingImport(ctx context.Context, id string, p PendingImport) error {
	now := db.Now()
	sealed := 0
	if p.Sealed {
		sealed = 1
	}
	if _, err := db.exec(ctx, "INSERT INTO pending_imports (id, org_id, user_id, name, kind, format, service, sealed, data, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		id, p.OrgID, p.UserID, p.Name, p.Kind, p.Format, p.Service, sealed, p.Data, micros(now), micros(now.Add(PendingImportTTL))); err != nil {
		return fmt.Errorf("insert pending import: %w", err)
	}
	_, err := db.exec(ctx, "DELETE FROM pending_imports WHERE org_id = ? AND user_id = ? AND seq NOT IN "+
		"(SELECT seq FROM pending_imports WHERE org_id = ? AND user_id = ? ORDER BY seq DESC LIMIT ?)",
		p.OrgID, p.UserID, p.OrgID, p.UserID, PendingImportsPerUser)
	if err != nil {
		return fmt.Errorf("trim pending imports: %w", err)
	}
	return nil
}

// PendingImport returns the pending import id of user in org that has not
// expired; any other is problem.ErrNotFound, indistinguishably.
func (db *DB) PendingImport(ctx context.Context, id string, org, user int64) (PendingImport, error) {
	p := PendingImport{OrgID: org, UserID: user}
	var sealed int
	var c, e int64
	err := db.queryRow(ctx, "SELECT name, kind, format, service, sealed, data, created_at, expires_at FROM pending_imports WHERE id = ? AND org_id = ? AND user_id = ? AND expires_at > ?",
		id, org, user, micros(db.Now())).Scan(&p.Name, &p.Kind, &p.Format, &p.Service, &sealed, &p.Data, &c, &e)
	if err != nil {
		return PendingImport{}, notFound(err)
	}
	p.Sealed, p.CreatedAt, p.ExpiresAt = sealed == 1, fromMicros(c), fromMicros(e)
	return p, nil
}

// DeletePendingImport forgets a pending import once applied.
func (db *DB) DeletePendingImport(ctx context.Context, id string, org, user int64) error {
	_, err := db.exec(ctx, "DELETE FROM pending_imports WHERE id = ? AND org_id = ? AND user_id = ?", id, org, user)
	return err
}

// PrunePendingImports deletes the expired ones.
func (db *DB) PrunePendingImports(ctx context.Context) error {
	_, err := db.exec(ctx, "DELETE FROM pending_imports WHERE expires_at <= ?", micros(db.Now()))
	return err
}
