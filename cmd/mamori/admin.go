package main

import (
	"crypto/rand"
	"flag"
	"fmt"
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
	"github.com/mamori-sec/mamori/internal/store"
)

// withStore parses the shared flags plus extra ones and opens a migrated
// store for an administrative command.
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
	if err := db.CheckSchema(e.ctx); err != nil {
		return err
	}
	// Insert only: a change made here (an import) enqueues its evaluation
	// for the server to run.
	if _, err := jobs.Open(db, jobs.Config{}); err != nil {
		return err
	}
	return fn(cfg, db)
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
		if out == "" {
			out = filepath.Join(cfg.dataDir, "backups", "mamori-"+time.Now().UTC().Format("20060102T150405Z")+".db")
		}
		rep, err := backup.Take(e.ctx, db, out)
		if err != nil {
			return err
		}
		e.say("cli.backup.done", rep.Path, rep.Bytes, rep.AuditEntries)
		return nil
	})
}

func cmdRestore(e *env, args []string) error {
	var cfg config
	fs := e.flags("restore")
	cfg.register(fs, e)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{e.cat.T(e.locale, "cli.restore.need_file")}
	}
	if strings.Contains(cfg.dbURL, "://") && !strings.HasPrefix(cfg.dbURL, "sqlite://") {
		return store.ErrNotSQLite
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
	rep, kept, err := backup.Restore(e.ctx, fs.Arg(0), dbPath, latest, time.Now())
	if err != nil {
		return err
	}
	e.say("cli.restore.done", rep.Path, rep.AuditEntries)
	if kept != "" {
		e.say("cli.restore.kept", kept)
	}
	return nil
}

func cmdAuditVerify(e *env, args []string) error {
	return withStore(e, "audit verify", args, nil, func(cfg config, db *store.DB) error {
		n, err := db.VerifyAudit(e.ctx)
		if err != nil {
			return err
		}
		e.say("cli.audit_verify.ok", n)
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
