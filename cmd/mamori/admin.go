package main

import (
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/backup"
	"github.com/mamori-sec/mamori/internal/jobs"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/seal"
	"github.com/mamori-sec/mamori/internal/store"
)

// withStore parses the shared flags plus extra ones and opens a migrated
// store for an administrative command. A database with no schema yet (a
// fresh data directory) is set up first, so that `org add` or `import`
// works as the first command; one with an older schema still asks for
// `mamori migrate`, an upgrade the owner decides on (after a backup).
func withStore(e *env, name string, args []string, extra func(fs *flag.FlagSet), fn func(cfg config, db *store.DB) error) error {
	var cfg config
	fs := e.flags(name)
	cfg.register(fs, e)
	if extra != nil {
		extra(fs)
	}
	if err := e.parse(fs, args); err != nil {
		return err
	}
	db, err := openStore(e, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := setUpFresh(e, cfg, db); err != nil {
		return err
	}
	if err := db.CheckSchema(e.ctx); err != nil {
		return err
	}
	// Changes made here record checkpoints like the server's, when the
	// secret key is there; a command never invents a key of its own.
	key, err := loadAuditKey(cfg, false)
	if err != nil {
		return err
	}
	db.SetAuditKey(key)
	// Insert only: a change made here (an import) enqueues its evaluation
	// for the server to run.
	if _, err := jobs.Open(db, jobs.Config{}); err != nil {
		return err
	}
	return fn(cfg, db)
}

// setUpFresh migrates a database that has no schema at all and says so
// on stderr, where it does not mix with the command's output.
func setUpFresh(e *env, cfg config, db *store.DB) error {
	v, err := db.SchemaVersion(e.ctx)
	if err != nil || v != 0 {
		return err
	}
	if _, err := db.Migrate(e.ctx); err != nil {
		return err
	}
	if _, err := jobs.Migrate(e.ctx, db); err != nil {
		return err
	}
	where := cfg.dataDir
	if cfg.dbURL != "" {
		where = string(db.Engine())
	}
	fmt.Fprintln(e.stderr, e.cat.T(e.locale, "cli.set_up_fresh", where, db.LatestSchema()))
	return nil
}

// loadAuditKey derives the audit checkpoint key from the secret key file.
// Without create, a missing file gives the zero key; with it, the file is
// created as serve creates it.
func loadAuditKey(cfg config, create bool) (audit.Key, error) {
	read := seal.ReadKey
	if create {
		read = seal.LoadOrCreateKey
	}
	secret, err := read(cfg.keyPath())
	switch {
	case errors.Is(err, os.ErrNotExist):
		return audit.Key{}, nil
	case err != nil:
		return audit.Key{}, problem.New(problem.Invalid, "cli.key_unreadable", cfg.keyPath())
	}
	return audit.DeriveKey(secret), nil
}

// anchorFile is where mamori keeps the newest anchor of a SQLite data
// directory, for the owner to copy elsewhere.
func anchorFile(cfg config) string { return filepath.Join(cfg.dataDir, "audit-anchor.txt") }

// readAnchor reads a kept anchor from a file, or from standard input for "-".
func readAnchor(e *env, path string) (audit.Checkpoint, error) {
	var r io.Reader = e.stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return audit.Checkpoint{}, problem.New(problem.NotFound, "audit.anchor_missing", path)
		}
		defer f.Close()
		r = f
	}
	a, err := audit.ParseAnchor(r)
	if err != nil {
		return audit.Checkpoint{}, problem.New(problem.Invalid, "audit.anchor_invalid", path)
	}
	return a, nil
}

func cmdMigrate(e *env, args []string) error {
	var cfg config
	fs := e.flags("migrate")
	cfg.register(fs, e)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	db, err := openStore(e, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Migrate(e.ctx)
	if err != nil {
		return err
	}
	if _, err := jobs.Migrate(e.ctx, db); err != nil {
		return err
	}
	v, _ := db.SchemaVersion(e.ctx)
	e.say("cli.migrate.done", n, v)
	return nil
}

// password returns the password for a user command: from MAMORI_PASSWORD
// or MAMORI_PASSWORD_FILE, else a generated one that is printed once.
func password(e *env) (pw string, generated bool, err error) {
	if pw = secretEnv(e.getenv, "MAMORI_PASSWORD"); pw != "" {
		return pw, false, auth.CheckPasswordPolicy(pw)
	}
	const alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
	b := make([]byte, 16)
	rand.Read(b)
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return sb.String(), true, nil
}

func cmdUserAdd(e *env, args []string) error {
	var email, name, slug, role string
	return withStore(e, "user add", args, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", e.cat.T(e.locale, "cli.flag.email"))
		fs.StringVar(&name, "name", "", e.cat.T(e.locale, "cli.flag.name"))
		fs.StringVar(&slug, "org", "", e.cat.T(e.locale, "cli.flag.org"))
		fs.StringVar(&role, "role", string(org.Keeper), e.cat.T(e.locale, "cli.flag.role"))
	}, func(cfg config, db *store.DB) error {
		if email == "" || name == "" {
			return usageError{e.cat.T(e.locale, "cli.need_flags", "--email, --name")}
		}
		if !org.Role(role).Valid() {
			return problem.Field("role", "member.role_invalid")
		}
		pw, generated, err := password(e)
		if err != nil {
			return err
		}
		hash, err := auth.HashPassword(pw)
		if err != nil {
			return err
		}
		var o org.Org
		if slug != "" {
			if o, err = db.OrgBySlug(e.ctx, slug); err != nil {
				return problem.New(problem.NotFound, "cli.org_not_found", slug)
			}
		}
		id, err := db.CreateUser(e.ctx, audit.CLI(), auth.User{Email: email, Name: name, PasswordHash: hash})
		if err != nil {
			return err
		}
		if o.ID != 0 {
			if err := db.AddMember(e.ctx, audit.CLI(), o.ID, id, org.Role(role)); err != nil {
				return err
			}
		}
		e.say("cli.user_add.done", store.NormaliseEmail(email))
		if generated {
			e.say("cli.password_generated", pw)
		}
		return nil
	})
}

func cmdUserPasswd(e *env, args []string) error {
	var email string
	return withStore(e, "user passwd", args, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", e.cat.T(e.locale, "cli.flag.email"))
	}, func(cfg config, db *store.DB) error {
		u, err := db.UserByEmail(e.ctx, email)
		if err != nil {
			return problem.New(problem.NotFound, "cli.user_not_found", email)
		}
		pw, generated, err := password(e)
		if err != nil {
			return err
		}
		hash, err := auth.HashPassword(pw)
		if err != nil {
			return err
		}
		if err := db.SetPassword(e.ctx, audit.CLI(), u.ID, hash); err != nil {
			return err
		}
		e.say("cli.user_passwd.done", u.Email)
		if generated {
			e.say("cli.password_generated", pw)
		}
		return nil
	})
}

func cmdUserDisable(e *env, args []string) error {
	var email string
	var enable bool
	return withStore(e, "user disable", args, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", e.cat.T(e.locale, "cli.flag.email"))
		fs.BoolVar(&enable, "enable", false, e.cat.T(e.locale, "cli.flag.enable"))
	}, func(cfg config, db *store.DB) error {
		u, err := db.UserByEmail(e.ctx, email)
		if err != nil {
			return problem.New(problem.NotFound, "cli.user_not_found", email)
		}
		if err := db.SetDisabled(e.ctx, audit.CLI(), u.ID, !enable); err != nil {
			return err
		}
		if enable {
			e.say("cli.user_enable.done", u.Email)
		} else {
			e.say("cli.user_disable.done", u.Email)
		}
		return nil
	})
}

func cmdOrgAdd(e *env, args []string) error {
	var slug, name, owner string
	return withStore(e, "org add", args, func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "slug", "", e.cat.T(e.locale, "cli.flag.slug"))
		fs.StringVar(&name, "name", "", e.cat.T(e.locale, "cli.flag.org_name"))
		fs.StringVar(&owner, "owner", "", e.cat.T(e.locale, "cli.flag.owner"))
	}, func(cfg config, db *store.DB) error {
		var ownerID int64
		if owner != "" {
			u, err := db.UserByEmail(e.ctx, owner)
			if err != nil {
				return problem.New(problem.NotFound, "cli.user_not_found", owner)
			}
			ownerID = u.ID
		}
		if _, err := db.CreateOrg(e.ctx, audit.CLI(), org.Org{Slug: slug, Name: name}, ownerID); err != nil {
			return err
		}
		e.say("cli.org_add.done", slug)
		return nil
	})
}

func cmdOrgList(e *env, args []string) error {
	return withStore(e, "org list", args, nil, func(cfg config, db *store.DB) error {
		orgs, err := db.Orgs(e.ctx)
		if err != nil {
			return err
		}
		for _, o := range orgs {
			sum, err := db.Tenant(o.ID).Summary(e.ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%-24s %-28s %s\n", o.Slug, o.Name, e.cat.T(e.locale, "cli.org_list.row", sum.People, sum.Members))
		}
		if len(orgs) == 0 {
			e.say("cli.org_list.none")
		}
		return nil
	})
}

func cmdBackup(e *env, args []string) error {
	var out string
	return withStore(e, "backup", args, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", e.cat.T(e.locale, "cli.flag.out"))
	}, func(cfg config, db *store.DB) error {
		if db.Engine() != store.SQLite {
			return store.ErrNotSQLite
		}
		if out == "" {
			out = filepath.Join(cfg.dataDir, "backups", "mamori-"+time.Now().UTC().Format("20060102T150405Z")+".db")
		}
		// A backup records a checkpoint, so it needs the key serve uses.
		key, err := loadAuditKey(cfg, true)
		if err != nil {
			return err
		}
		db.SetAuditKey(key)
		rep, err := backup.Take(e.ctx, db, out)
		if err != nil {
			return err
		}
		e.say("cli.backup.done", rep.Path, rep.Bytes, rep.AuditEntries)
		return keepAnchor(e, cfg, rep.Anchor)
	})
}

// keepAnchor rewrites the data directory's anchor file with a and says so.
func keepAnchor(e *env, cfg config, a audit.Checkpoint) error {
	if a.Seq == 0 {
		return nil
	}
	if err := audit.WriteAnchorFile(anchorFile(cfg), a); err != nil {
		return fmt.Errorf("write audit anchor: %w", err)
	}
	e.say("cli.audit_anchor.written", anchorFile(cfg), seqText(a.Seq))
	return nil
}

func cmdRestore(e *env, args []string) error {
	var cfg config
	var anchorPath string
	fs := e.flags("restore")
	cfg.register(fs, e)
	fs.StringVar(&anchorPath, "anchor", "", e.cat.T(e.locale, "cli.flag.anchor"))
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{e.cat.T(e.locale, "cli.restore.need_file")}
	}
	if strings.Contains(cfg.dbURL, "://") && !strings.HasPrefix(cfg.dbURL, "sqlite://") {
		return store.ErrNotSQLite
	}
	var anchors []audit.Checkpoint
	if anchorPath != "" {
		a, err := readAnchor(e, anchorPath)
		if err != nil {
			return err
		}
		anchors = append(anchors, a)
	}
	key, err := loadAuditKey(cfg, false)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.dataDir, 0o700); err != nil {
		return problem.New(problem.Invalid, "db.dir_unwritable", cfg.dataDir)
	}
	unlock, err := lockDataDir(cfg.dataDir)
	if err != nil {
		return err
	}
	defer unlock()
	dbPath := filepath.Join(cfg.dataDir, "mamori.db")
	if p, ok := strings.CutPrefix(cfg.dbURL, "sqlite://"); ok {
		dbPath = p
	} else if cfg.dbURL != "" {
		dbPath = cfg.dbURL
	}
	latest := store.LatestSchema(store.SQLite)
	rep, kept, err := backup.Restore(e.ctx, fs.Arg(0), dbPath, latest, time.Now(), key, anchors...)
	if err != nil {
		return err
	}
	e.say("cli.restore.done", rep.Path, rep.AuditEntries)
	if kept != "" {
		e.say("cli.restore.kept", kept)
	}
	// The restored chain is the one to anchor from now on.
	return keepAnchor(e, cfg, rep.Anchor)
}

func cmdAuditVerify(e *env, args []string) error {
	var anchorPath string
	return withStore(e, "audit verify", args, func(fs *flag.FlagSet) {
		fs.StringVar(&anchorPath, "anchor", "", e.cat.T(e.locale, "cli.flag.anchor"))
	}, func(cfg config, db *store.DB) error {
		var anchors []audit.Checkpoint
		if anchorPath == "" && db.Engine() == store.SQLite {
			// The anchor mamori keeps beside the data is checked too; the
			// one the owner kept elsewhere is the one that counts.
			if _, err := os.Stat(anchorFile(cfg)); err == nil {
				anchorPath = anchorFile(cfg)
			}
		}
		if anchorPath != "" {
			a, err := readAnchor(e, anchorPath)
			if err != nil {
				return err
			}
			anchors = append(anchors, a)
			e.say("cli.audit_verify.with_anchor", anchorName(e, anchorPath), seqText(a.Seq))
		}
		n, err := db.VerifyAudit(e.ctx, anchors...)
		if err != nil {
			return err
		}
		e.say("cli.audit_verify.ok", n)
		return nil
	})
}

func anchorName(e *env, path string) string {
	if path == "-" {
		return e.cat.T(e.locale, "cli.stdin")
	}
	return path
}

func cmdAuditAnchor(e *env, args []string) error {
	var out string
	return withStore(e, "audit anchor", args, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", e.cat.T(e.locale, "cli.flag.anchor_out"))
	}, func(cfg config, db *store.DB) error {
		if db.AuditKey().IsZero() {
			return problem.New(problem.Invalid, "cli.key_unreadable", cfg.keyPath())
		}
		a, err := db.Checkpoint(e.ctx, "anchor")
		if err != nil {
			return err
		}
		if a.Seq == 0 {
			e.say("audit.anchor_empty")
			return nil
		}
		fmt.Fprintln(e.stdout, a.AnchorLine())
		if out != "" {
			if err := audit.WriteAnchorFile(out, a); err != nil {
				return problem.New(problem.Invalid, "audit.anchor_unwritable", out)
			}
			e.say("cli.audit_anchor.written", out, seqText(a.Seq))
		}
		return nil
	})
}

func cmdVersion(e *env, args []string) error {
	fs := e.flags("version")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "mamori "+version)
	return nil
}
