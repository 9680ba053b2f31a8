// Package backup takes consistent backups of an embedded mamori database
// while it serves, and restores one only after verifying it: integrity,
// schema version, the whole audit chain, its signed checkpoints and any
// anchor the owner kept. The database being replaced is kept beside it, so
// a restore loses nothing.
package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

// Report describes a verified backup file.
type Report struct {
	Path         string
	Schema       int
	AuditEntries int64
	Bytes        int64
	// Anchor is the backup's audit head signed with the key it was
	// checked with (Seq 0 when the chain is empty): the line to keep.
	Anchor audit.Checkpoint
}

// Take records a signed checkpoint of db's audit head, writes a backup of
// db to path and verifies the copy with db's audit key.
func Take(ctx context.Context, db *store.DB, path string) (Report, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return Report{}, err
	}
	if _, err := os.Stat(path); err == nil {
		return Report{}, problem.New(problem.Conflict, "backup.exists", path)
	}
	if _, err := db.Checkpoint(ctx, "backup"); err != nil {
		return Report{}, err
	}
	if err := db.BackupTo(ctx, path); err != nil {
		return Report{}, err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return Report{}, err
	}
	rep, err := Verify(ctx, path, db.LatestSchema(), db.AuditKey())
	if err != nil {
		os.Remove(path)
		return rep, err
	}
	return rep, nil
}

// Verify opens a backup file without changing it and checks that SQLite
// finds it intact, that its schema is not newer than latest, that its audit
// chain is unbroken, that every checkpoint in it is signed with key and
// still matches the chain, and that each anchor given names an entry of the
// backup with the anchor's hash.
func Verify(ctx context.Context, path string, latest int, key audit.Key, anchors ...audit.Checkpoint) (Report, error) {
	rep := Report{Path: path}
	st, err := os.Stat(path)
	if err != nil {
		return rep, problem.New(problem.NotFound, "backup.missing", path)
	}
	rep.Bytes = st.Size()
	// Work on a scratch copy: opening a database can write to it (WAL files).
	scratch, err := os.MkdirTemp("", "mamori-verify-")
	if err != nil {
		return rep, err
	}
	defer os.RemoveAll(scratch)
	copyPath := filepath.Join(scratch, "check.db")
	if err := copyFile(path, copyPath); err != nil {
		return rep, err
	}
	db, err := store.Open(ctx, "sqlite://"+copyPath, "", nil)
	if err != nil {
		return rep, problem.New(problem.Invalid, "backup.not_database", path)
	}
	defer db.Close()
	db.SetAuditKey(key)
	if err := db.IntegrityCheck(ctx); err != nil {
		return rep, &problem.Error{Code: problem.Invalid, Key: "backup.corrupt", Args: []any{path}, Err: err}
	}
	if rep.Schema, err = db.SchemaVersion(ctx); err != nil {
		return rep, err
	}
	if rep.Schema == 0 {
		return rep, problem.New(problem.Invalid, "backup.not_mamori", path)
	}
	if rep.Schema > latest {
		return rep, problem.New(problem.Conflict, "db.schema_newer", rep.Schema, latest)
	}
	if rep.AuditEntries, err = db.VerifyAudit(ctx, anchors...); err != nil {
		return rep, err
	}
	if !key.IsZero() {
		if rep.Anchor, err = db.AuditAnchor(ctx); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// Restore replaces the SQLite database at dbPath with the backup at src,
// verified as Verify does, with the same key and anchors. The server must be stopped (the caller holds the data-directory
// lock). The current database is renamed, not deleted.
func Restore(ctx context.Context, src, dbPath string, latest int, now time.Time, key audit.Key, anchors ...audit.Checkpoint) (Report, string, error) {
	rep, err := Verify(ctx, src, latest, key, anchors...)
	if err != nil {
		return rep, "", err
	}
	tmp := dbPath + ".restoring"
	os.Remove(tmp)
	if err := copyFile(src, tmp); err != nil {
		return rep, "", err
	}
	kept := ""
	if _, err := os.Stat(dbPath); err == nil {
		kept = dbPath + ".before-restore-" + now.UTC().Format("20060102T150405Z")
		if err := os.Rename(dbPath, kept); err != nil {
			return rep, "", err
		}
		for _, ext := range []string{"-wal", "-shm"} {
			if err := os.Rename(dbPath+ext, kept+ext); err != nil && !errors.Is(err, os.ErrNotExist) {
				return rep, kept, err
			}
		}
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return rep, kept, fmt.Errorf("put restored database in place: %w", err)
	}
	return rep, kept, syncDir(filepath.Dir(dbPath))
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
