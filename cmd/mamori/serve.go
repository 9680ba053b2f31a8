package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/demo"
	"github.com/mamori-sec/mamori/internal/jobs"
	"github.com/mamori-sec/mamori/internal/mailrelay"
	"github.com/mamori-sec/mamori/internal/notify"
	"github.com/mamori-sec/mamori/internal/org"
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
	cfg.registerServe(fs, e)
	fs.BoolVar(&cfg.work, "work", true, e.cat.T(e.locale, "cli.flag.work"))
	if err := e.parse(fs, args); err != nil {
		return err
	}
	return serve(e, cfg, nil)
}

func cmdDemo(e *env, args []string) error {
	var cfg config
	fs := e.flags("demo")
	cfg.register(fs, e)
	cfg.registerServe(fs, e)
	if e.getenv("MAMORI_DATA") == "" {
		fs.Lookup("data").DefValue = "mamori-demo"
		cfg.dataDir = "mamori-demo"
	}
	large := fs.Bool("large", false, e.cat.T(e.locale, "cli.flag.large"))
	fs.BoolVar(&cfg.work, "work", true, e.cat.T(e.locale, "cli.flag.work"))
	var mail demoMail
	mail.register(fs, e, &cfg)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	mail.checkPorts(e, &cfg)
	defer mail.Wait()
	return serve(e, cfg, func(e *env, cfg config, db *store.DB) (signIn, error) {
		si, err := seedDemo(e, cfg, db, &mail)
		if err != nil || !*large {
			return si, err
		}
		return si, seedLarge(e, db, si.user)
	})
}

// signIn is what a serving command prints, once it listens, for signing
// in: a one-time link for user (none when 0) inside the block print writes.
type signIn struct {
	user  int64
	print func(base, link string)
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
// an earlier demo run made, and returns how to sign in: the owner gets the
// one-time link, and the block names every address and password.
func seedDemo(e *env, cfg config, db *store.DB, mail *demoMail) (signIn, error) {
	t := func(k string, a ...any) string { return e.cat.T(e.locale, k, a...) }
	n, err := db.CountUsers(e.ctx)
	if err != nil {
		return signIn{}, err
	}
	credFile := filepath.Join(cfg.dataDir, "demo-credentials.txt")
	var creds []string // "role  address  password" lines, as kept in credFile
	if n == 0 {
		res, err := demo.Seed(e.ctx, db, db.Now())
		if err != nil {
			return signIn{}, err
		}
		enqueue := func(ctx context.Context, orgID, userID int64, k notify.Kind) error {
			return cfg.queue.SendTest(ctx, audit.Actor{Label: "demo"}, orgID, userID, k)
		}
		if err := demo.SeedReminders(e.ctx, db, cfg.box, enqueue, db.Now()); err != nil {
			return signIn{}, err
		}
		if err := demo.SeedMailGuard(e.ctx, db, cfg.box, mailSpool(cfg), db.Now()); err != nil {
			return signIn{}, err
		}
		e.say("cli.demo.created", demo.Name)
		if dir := filepath.Join(cfg.dataDir, "demo-files"); demo.WriteFiles(dir) == nil {
			e.say("cli.demo.scan_files", dir)
		}
		for _, c := range []struct {
			key  string
			cred demo.Credential
		}{{"role.owner", res.Owner}, {"role.keeper", res.Keeper}, {"role.advisor", res.Advisor}, {"role.member", res.Member}} {
			creds = append(creds, t("cli.demo.block_user", t(c.key), c.cred.Email, c.cred.Password))
		}
		if err := os.WriteFile(credFile, []byte(strings.Join(creds, "\n")+"\n"), 0o600); err != nil {
			credFile = ""
		}
	} else {
		e.say("cli.demo.reused", cfg.dataDir)
		if b, err := os.ReadFile(credFile); err == nil {
			creds = strings.Split(strings.TrimSpace(string(b)), "\n")
		} else {
			credFile = ""
		}
	}
	if err := mail.start(e, cfg, db); err != nil {
		return signIn{}, err
	}
	if creds, err = mail.clientLines(e, cfg, db, creds, credFile); err != nil {
		return signIn{}, err
	}
	owner, err := demoOwner(e.ctx, db)
	if err != nil {
		return signIn{}, err
	}
	var totp []string
	orgs, err := db.Orgs(e.ctx)
	if err != nil {
		return signIn{}, err
	}
	for _, o := range orgs {
		if o.RequireTOTP {
			totp = append(totp, o.Name)
		}
	}
	print := func(base, link string) {
		out := e.stdout
		rule := strings.Repeat("=", 64)
		fmt.Fprintln(out)
		fmt.Fprintln(out, rule)
		fmt.Fprintln(out, t("cli.demo.block_title", demo.Name))
		fmt.Fprintln(out, t("cli.demo.block_address", base+"/signin"))
		for _, c := range creds {
			if c = strings.TrimSpace(c); c == "" {
				fmt.Fprintln(out)
				continue
			}
			fmt.Fprintln(out, "  "+c)
		}
		if credFile != "" {
			fmt.Fprintln(out, t("cli.demo.block_saved", credFile))
		}
		if len(totp) == 0 {
			fmt.Fprintln(out, t("cli.demo.block_second_factor_none"))
		} else {
			fmt.Fprintln(out, t("cli.demo.block_second_factor_some", strings.Join(totp, t("intake.list_sep"))))
		}
		if link != "" {
			fmt.Fprintln(out, t("cli.demo.block_link", int(auth.SignInLinkTTL.Minutes())))
			fmt.Fprintln(out, "  "+link)
		}
		fmt.Fprintln(out, rule)
		fmt.Fprintln(out)
	}
	return signIn{user: owner, print: print}, nil
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
// user to print a one-time sign-in link for and the block to print it in.
func serve(e *env, cfg config, prepare func(*env, config, *store.DB) (signIn, error)) error {
	started := time.Now()
	log := newLogger(e, cfg.logLevel)
	proxies, err := web.ParseTrustedProxies(cfg.trustedProxy)
	if err != nil {
		return usageError{e.cat.T(e.locale, "cli.bad_trusted_proxy", cfg.trustedProxy)}
	}
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
	if _, err := jobs.Migrate(e.ctx, db); err != nil {
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
	db.SetAuditKey(audit.DeriveKey(key))
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
	public := strings.TrimRight(cfg.publicURL, "/")
	if public == "" {
		public = base
	}
	// The queue is wired before anything writes (the demo's seed included),
	// so every inventory change enqueues its evaluation.
	// The mail guard's retention job runs where its spool is: on the
	// server that runs the relay.
	retainSpool := ""
	if cfg.mail.submission != "" || cfg.mail.devices != "" {
		retainSpool = mailSpool(cfg)
	}
	queue, err := jobs.Open(db, jobs.Config{Work: cfg.work, Logger: log, MailSpool: retainSpool, ScanRoots: cfg.scanRoots,
		Notify: jobs.Notify{Box: box, Catalogue: e.cat, BaseURL: public, Endpoints: notify.DefaultEndpoints}})
	if err != nil {
		return err
	}

	var si signIn
	cfg.box, cfg.queue = box, queue
	if prepare != nil {
		if si, err = prepare(e, cfg, db); err != nil {
			return err
		}
	}
	link, err := printLinks(e, db, base, si.user)
	if err != nil {
		return err
	}
	anchorNow(e.ctx, db, cfg, "start", log)

	var relay *mailrelay.Relay // set before the server serves its first request
	metrics := func(w io.Writer) {
		if relay != nil {
			relay.WriteMetrics(w)
		}
	}
	srv, err := web.NewServer(web.Deps{DB: db, Catalogue: e.cat, Box: box, Jobs: queue, Logger: log, Version: version, TrustedProxies: proxies, MaxImports: cfg.maxImports,
		BehindTLSProxy: cfg.behindTLSProxy, MailSpool: mailSpool(cfg), Metrics: metrics})
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
	// River's goroutines live until queue.Stop, which waits for them.
	if err := queue.Start(context.WithoutCancel(e.ctx)); err != nil {
		return err
	}
	if addr := e.getenv("MAMORI_DEBUG_PPROF"); addr != "" {
		if err := startProfiler(e.ctx, addr, log); err != nil {
			return err
		}
	}
	relay, err = startMailGuard(e.ctx, e, cfg, db, box, e.cat, log, public)
	if err != nil {
		return err
	}
	if relay != nil {
		defer relay.Wait()
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	log.Info("listening", "component", "server", "url", base, "engine", db.Engine(), "trusted_proxies", len(proxies), "startup_ms", time.Since(started).Milliseconds())
	e.say("cli.serve.listening", base)
	if si.print != nil {
		si.print(base, link)
	}

	select {
	case err = <-errc:
	case <-e.ctx.Done():
		e.say("cli.serve.stopping")
		sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = hs.Shutdown(sctx)
		scancel()
	}
	// Jobs running now get a few seconds to finish; those cut short run
	// again on the next start.
	qctx, qcancel := context.WithTimeout(context.Background(), 10*time.Second)
	qerr := queue.Stop(qctx)
	qcancel()
	anchorNow(context.Background(), db, cfg, "stop", log)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return errors.Join(err, qerr)
}

// anchorNow records a checkpoint of the audit head and, for a SQLite data
// directory, rewrites the anchor file beside the data, so that the owner
// always finds a current one to copy. A failure is logged, not fatal: the
// chain itself is unaffected.
func anchorNow(ctx context.Context, db *store.DB, cfg config, reason string, log *slog.Logger) {
	c, err := db.Checkpoint(ctx, reason)
	if err != nil {
		log.Warn("audit checkpoint", "component", "audit", "reason", reason, "error", err)
		return
	}
	if c.Seq == 0 || db.Engine() != store.SQLite {
		return
	}
	if err := audit.WriteAnchorFile(anchorFile(cfg), c); err != nil {
		log.Warn("audit anchor file", "component", "audit", "path", anchorFile(cfg), "error", err)
		return
	}
	log.Info("audit anchor", "component", "audit", "reason", reason, "path", anchorFile(cfg), "seq", c.Seq)
}

// printLinks prints the first-run setup link when nobody can sign in yet,
// and returns the one-time sign-in link for signInUser, when not 0.
func printLinks(e *env, db *store.DB, base string, signInUser int64) (link string, err error) {
	n, err := db.CountUsers(e.ctx)
	if err != nil {
		return "", err
	}
	if n == 0 {
		tok, hash := auth.NewToken()
		if err := db.CreateOneTimeToken(e.ctx, audit.System, store.TokenSetup, hash, 0, 24*time.Hour); err != nil {
			return "", err
		}
		e.say("cli.serve.setup_link", base+"/setup?token="+tok)
	}
	if signInUser != 0 {
		tok, hash := auth.NewToken()
		if err := db.CreateOneTimeToken(e.ctx, audit.CLI(), store.TokenSignIn, hash, signInUser, auth.SignInLinkTTL); err != nil {
			return "", err
		}
		link = base + "/signin/link/" + tok
	}
	return link, nil
}

func displayAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || tcp.IP.IsUnspecified() {
		return strings.Replace(a.String(), "[::]", "127.0.0.1", 1)
	}
	return a.String()
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
