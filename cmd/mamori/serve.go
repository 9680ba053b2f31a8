package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/demo"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/posture"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/seal"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/synth"
	"github.com/mamori-sec/mamori/internal/web"
)

func cmdServe(e *env, args []string) error {
	var cfg config
	fs := e.flags("serve")
	cfg.register(fs, e)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	return serve(e, cfg, nil)
}

func cmdDemo(e *env, args []string) error {
	var cfg config
	fs := e.flags("demo")
	cfg.register(fs, e)
	if e.getenv("MAMORI_DATA") == "" {
		fs.Lookup("data").DefValue = "mamori-demo"
		cfg.dataDir = "mamori-demo"
	}
	large := fs.Bool("large", false, e.cat.T(e.locale, "cli.flag.large"))
	if err := e.parse(fs, args); err != nil {
		return err
	}
	return serve(e, cfg, func(e *env, cfg config, db *store.DB) (int64, error) {
		owner, err := seedDemo(e, cfg, db)
		if err != nil || !*large {
			return owner, err
		}
		return owner, seedLarge(e, db, owner)
	})
}

// seedLarge adds, once, a synthetic organisation at the size the
// performance targets are set for (10,000 people, 50,000 accounts, 20,000
// devices, 5,000 assets, 1,000,000 shares), owned by the demo owner: for
// load tests and for advisors who want to see mamori at scale.
func seedLarge(e *env, db *store.DB, owner int64) error {
	if _, err := db.OrgBySlug(e.ctx, synthSlug); err == nil {
		return nil
	}
	id, err := db.CreateOrg(e.ctx, audit.CLI(), org.Org{Slug: synthSlug, Name: "株式会社シンセ工業（合成データ）"}, owner)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := db.Tenant(id).BulkLoad(e.ctx, audit.CLI(), synth.Generate(1, synth.Large, db.Now())); err != nil {
		return err
	}
	e.say("cli.demo.large", synthSlug, time.Since(start).Round(time.Second).String())
	return nil
}

const synthSlug = "synth-large"

// seedDemo creates the demo company in an empty database, or reuses the one
// an earlier demo run made, and returns the user the sign-in link is for.
func seedDemo(e *env, cfg config, db *store.DB) (int64, error) {
	n, err := db.CountUsers(e.ctx)
	if err != nil {
		return 0, err
	}
	if n == 0 {
		res, err := demo.Seed(e.ctx, db, db.Now())
		if err != nil {
			return 0, err
		}
		e.say("cli.demo.created", demo.Name)
		lines := []string{}
		for _, c := range []struct {
			key  string
			cred demo.Credential
		}{{"role.owner", res.Owner}, {"role.keeper", res.Keeper}, {"role.advisor", res.Advisor}} {
			line := fmt.Sprintf("  %-10s %s  %s", e.cat.T(e.locale, c.key), c.cred.Email, c.cred.Password)
			fmt.Fprintln(e.stdout, line)
			lines = append(lines, line)
		}
		credFile := filepath.Join(cfg.dataDir, "demo-credentials.txt")
		if err := os.WriteFile(credFile, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err == nil {
			e.say("cli.demo.credentials_saved", credFile)
		}
	} else {
		e.say("cli.demo.reused", cfg.dataDir)
	}
	return demoOwner(e.ctx, db)
}

// demoOwner finds the owner of the demo company, for the sign-in link.
func demoOwner(ctx context.Context, db *store.DB) (int64, error) {
	o, err := db.OrgBySlug(ctx, demo.Slug)
	if err != nil {
		return 0, err
	}
	members, err := db.Tenant(o.ID).Members(ctx)
	if err != nil {
		return 0, err
	}
	for _, m := range members {
		if m.Role == org.Owner && !m.Disabled {
			return m.ID, nil
		}
	}
	return 0, problem.ErrNotFound
}

// openStore opens and checks the database named by cfg.
func openStore(e *env, cfg config) (*store.DB, error) {
	return store.Open(e.ctx, cfg.dbURL, cfg.dataDir, nil)
}

func newLogger(e *env, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: l}))
}

// serve runs the web server until the context ends. prepare, when given,
// runs after migration (the demo seeds its company there) and returns the
// user to print a one-time sign-in link for.
func serve(e *env, cfg config, prepare func(*env, config, *store.DB) (int64, error)) error {
	started := time.Now()
	log := newLogger(e, cfg.logLevel)
	if err := os.MkdirAll(cfg.dataDir, 0o700); err != nil {
		return problem.New(problem.Invalid, "db.dir_unwritable", cfg.dataDir)
	}
	unlock, err := lockDataDir(cfg.dataDir)
	if err != nil {
		return err
	}
	defer unlock()
	db, err := openStore(e, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(e.ctx); err != nil {
		return err
	}
	key, err := seal.LoadOrCreateKey(cfg.keyPath())
	if err != nil {
		return problem.New(problem.Invalid, "cli.key_unreadable", cfg.keyPath())
	}
	box, err := seal.New(key)
	if err != nil {
		return err
	}
	// Listen before printing links, so a port in use fails early and clearly.
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return problem.New(problem.Conflict, "cli.port_in_use", cfg.addr)
		}
		return problem.New(problem.Invalid, "cli.cannot_listen", cfg.addr, err.Error())
	}
	defer ln.Close()
	base := "http://" + displayAddr(ln.Addr())

	var signInUser int64
	if prepare != nil {
		if signInUser, err = prepare(e, cfg, db); err != nil {
			return err
		}
	}
	if err := printLinks(e, db, base, signInUser); err != nil {
		return err
	}

	runner := posture.NewRunner(db, log, nil, 2*time.Second)
	srv, err := web.NewServer(web.Deps{DB: db, Catalogue: e.cat, Box: box, Logger: log, Version: version, Posture: runner})
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	if a := e.getenv("MAMORI_DEBUG_PPROF"); a != "" {
		if err := startProfiler(ctx, a, log); err != nil {
			return err
		}
	}
	wg.Go(func() { pruneLoop(ctx, db, log) })
	wg.Go(func() { runner.Run(ctx) })
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	log.Info("listening", "component", "server", "url", base, "engine", db.Engine(), "startup_ms", time.Since(started).Milliseconds())
	e.say("cli.serve.listening", base)

	select {
	case err = <-errc:
	case <-e.ctx.Done():
		e.say("cli.serve.stopping")
		sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = hs.Shutdown(sctx)
		scancel()
	}
	cancel()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// printLinks prints the first-run setup link when nobody can sign in yet,
// and the one-time sign-in link the demo offers.
func printLinks(e *env, db *store.DB, base string, signInUser int64) error {
	n, err := db.CountUsers(e.ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		tok, hash := auth.NewToken()
		if err := db.CreateOneTimeToken(e.ctx, audit.System, store.TokenSetup, hash, 0, 24*time.Hour); err != nil {
			return err
		}
		e.say("cli.serve.setup_link", base+"/setup?token="+tok)
	}
	if signInUser != 0 {
		tok, hash := auth.NewToken()
		if err := db.CreateOneTimeToken(e.ctx, audit.CLI(), store.TokenSignIn, hash, signInUser, auth.SignInLinkTTL); err != nil {
			return err
		}
		e.say("cli.demo.signin_link", base+"/signin/link/"+tok)
	}
	return nil
}

func displayAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || tcp.IP.IsUnspecified() {
		return strings.Replace(a.String(), "[::]", "127.0.0.1", 1)
	}
	return a.String()
}

// pruneLoop removes expired sessions and old throttle records hourly.
func pruneLoop(ctx context.Context, db *store.DB, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if err := db.PruneSessions(ctx); err != nil && ctx.Err() == nil {
			log.Warn("prune sessions", "component", "server", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// lockDataDir takes an exclusive lock on the data directory, so that a
// restore cannot replace the database under a running server.
func lockDataDir(dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dir, "mamori.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, problem.New(problem.Invalid, "db.dir_unwritable", dir)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, problem.New(problem.Conflict, "cli.data_locked", dir)
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}
