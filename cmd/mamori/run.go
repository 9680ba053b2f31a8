package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/web"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// env is what every command receives: where to write, how to read the
// environment, and the language of the messages.
type env struct {
	ctx    context.Context
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	cat    *i18n.Catalogue
	locale i18n.Locale
}

// say prints a translated line to stdout.
func (e *env) say(key string, args ...any) {
	fmt.Fprintln(e.stdout, e.cat.T(e.locale, key, args...))
}

// command is one row of the command table; help is generated from it.
type command struct {
	name  string // "user add"
	usage string // catalogue key of the one-line description
	run   func(e *env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "cli.serve.usage", cmdServe},
		{"demo", "cli.demo.usage", cmdDemo},
		{"migrate", "cli.migrate.usage", cmdMigrate},
		{"user add", "cli.user_add.usage", cmdUserAdd},
		{"user passwd", "cli.user_passwd.usage", cmdUserPasswd},
		{"user disable", "cli.user_disable.usage", cmdUserDisable},
		{"org add", "cli.org_add.usage", cmdOrgAdd},
		{"org list", "cli.org_list.usage", cmdOrgList},
		{"backup", "cli.backup.usage", cmdBackup},
		{"restore", "cli.restore.usage", cmdRestore},
		{"findings", "cli.findings.usage", cmdFindings},
		{"import", "cli.import.usage", cmdImport},
		{"export", "cli.export.usage", cmdExport},
		{"routines list", "cli.routines_list.usage", cmdRoutinesList},
		{"routines complete", "cli.routines_complete.usage", cmdRoutinesComplete},
		{"routines calendar", "cli.routines_calendar.usage", cmdRoutinesCalendar},
		{"audit verify", "cli.audit_verify.usage", cmdAuditVerify},
		{"audit anchor", "cli.audit_anchor.usage", cmdAuditAnchor},
		{"version", "cli.version.usage", cmdVersion},
		{"help", "cli.help.usage", nil},
	}
}

// usageError is a mistake in the command line: exit code 2.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

// run is the whole program, testable: it parses args, runs one command and
// returns its error; main turns that into one line and an exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return runIO(ctx, args, getenv, os.Stdin, stdout, stderr)
}

// runIO is run with the standard input given: `audit verify --anchor -`
// reads the anchor from it.
func runIO(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cat, err := i18n.Load()
	if err != nil {
		return err
	}
	e := &env{ctx: ctx, getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr, cat: cat, locale: i18n.FromEnv(getenv)}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		return e.help(args)
	}
	cmds := commands()
	for _, c := range cmds {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name && c.run != nil {
			return c.run(e, args[len(words):])
		}
	}
	// A group name alone ("user", "org", "audit") lists its subcommands.
	for _, c := range cmds {
		if strings.HasPrefix(c.name, args[0]+" ") {
			return usageError{e.cat.T(e.locale, "cli.need_subcommand", args[0])}
		}
	}
	return usageError{e.cat.T(e.locale, "cli.unknown_command", args[0])}
}

func (e *env) help(args []string) error {
	t := func(k string, a ...any) string { return e.cat.T(e.locale, k, a...) }
	fmt.Fprintln(e.stdout, t("cli.help.title"))
	fmt.Fprintln(e.stdout)
	fmt.Fprintln(e.stdout, t("cli.help.usage_line"))
	fmt.Fprintln(e.stdout)
	fmt.Fprintln(e.stdout, t("cli.help.commands"))
	for _, c := range commands() {
		fmt.Fprintf(e.stdout, "  %-14s %s\n", c.name, t(c.usage))
	}
	fmt.Fprintln(e.stdout)
	fmt.Fprintln(e.stdout, t("cli.help.options"))
	fs := e.flags("serve")
	var cfg config
	cfg.register(fs, e)
	fs.VisitAll(func(f *flag.Flag) {
		fmt.Fprintf(e.stdout, "  --%-16s %s\n", f.Name, f.Usage)
	})
	fmt.Fprintln(e.stdout)
	fmt.Fprintln(e.stdout, t("cli.help.env"))
	return nil
}

// flags returns a flag set that reports errors to run instead of exiting.
func (e *env) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parse parses args, turning the flag package's English errors into one
// translated line.
func (e *env) parse(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return usageError{e.cat.T(e.locale, "cli.see_help")}
	case err != nil:
		msg := err.Error()
		if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
			return usageError{e.cat.T(e.locale, "cli.unknown_flag", name)}
		}
		return usageError{e.cat.T(e.locale, "cli.bad_flag", msg)}
	}
	if fs.NArg() > 0 && fs.Name() != "restore" {
		return usageError{e.cat.T(e.locale, "cli.extra_args", strings.Join(fs.Args(), " "))}
	}
	return nil
}

// config is the configuration every database command shares: flags first,
// then MAMORI_* environment variables, and for secrets *_FILE variants.
type config struct {
	dataDir  string
	dbURL    string
	addr     string
	keyFile  string
	logLevel string
	// trustedProxy lists the reverse proxies whose X-Forwarded-For is
	// believed (addresses or CIDRs, comma-separated).
	trustedProxy string
	// maxImports bounds the imports one server reads at once.
	maxImports int
	// behindTLSProxy: browsers reach this server through a TLS-terminating
	// proxy only (serve and demo).
	behindTLSProxy bool
	work           bool // serve: run the job queue's workers here
}

func (c *config) register(fs *flag.FlagSet, e *env) {
	t := func(k string) string { return e.cat.T(e.locale, k) }
	fs.StringVar(&c.dataDir, "data", envOr(e.getenv, "MAMORI_DATA", "mamori-data"), t("cli.flag.data"))
	fs.StringVar(&c.dbURL, "db", secretEnv(e.getenv, "MAMORI_DB"), t("cli.flag.db"))
	fs.StringVar(&c.addr, "addr", envOr(e.getenv, "MAMORI_ADDR", "127.0.0.1:8080"), t("cli.flag.addr"))
	fs.StringVar(&c.keyFile, "secret-key-file", e.getenv("MAMORI_SECRET_KEY_FILE"), t("cli.flag.key"))
	fs.StringVar(&c.logLevel, "log-level", envOr(e.getenv, "MAMORI_LOG_LEVEL", "info"), t("cli.flag.log"))
	fs.StringVar(&c.trustedProxy, "trusted-proxy", e.getenv("MAMORI_TRUSTED_PROXY"), t("cli.flag.trusted_proxy"))
	maxImports, _ := strconv.Atoi(envOr(e.getenv, "MAMORI_MAX_IMPORTS", strconv.Itoa(web.DefaultMaxImports)))
	fs.IntVar(&c.maxImports, "max-imports", maxImports, t("cli.flag.max_imports"))
}

// registerServe adds the flags only a serving command has.
func (c *config) registerServe(fs *flag.FlagSet, e *env) {
	fs.BoolVar(&c.behindTLSProxy, "behind-tls-proxy", envBool(e.getenv, "MAMORI_BEHIND_TLS_PROXY"), e.cat.T(e.locale, "cli.flag.behind_tls_proxy"))
}

// envBool reads a yes/no environment variable: 1, true or yes (any case)
// is yes, anything else no.
func envBool(getenv func(string) string, k string) bool {
	switch strings.ToLower(strings.TrimSpace(getenv(k))) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

func (c *config) keyPath() string {
	if c.keyFile != "" {
		return c.keyFile
	}
	return filepath.Join(c.dataDir, "secret.key")
}

func envOr(getenv func(string) string, k, def string) string {
	if v := getenv(k); v != "" {
		return v
	}
	return def
}

// secretEnv reads K, or the file named by K_FILE (trimmed), as Docker and
// systemd credentials provide secrets.
func secretEnv(getenv func(string) string, k string) string {
	if v := getenv(k); v != "" {
		return v
	}
	if p := getenv(k + "_FILE"); p != "" {
		b, err := os.ReadFile(p)
		if err == nil {
			return strings.TrimSpace(string(b))
		}
	}
	return ""
}

// exitCode prints err as one translated line and picks the exit code:
// 0 success, 2 command-line mistakes, 1 everything else.
func exitCode(err error, getenv func(string) string, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	cat, _ := i18n.Load()
	l := i18n.FromEnv(getenv)
	fmt.Fprintln(stderr, "mamori: "+describe(cat, l, err))
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

// describe turns any error into one line a person can act on.
func describe(cat *i18n.Catalogue, l i18n.Locale, err error) string {
	var u usageError
	var bl *audit.BrokenLink
	switch {
	case errors.As(err, &u):
		return u.msg
	case errors.As(err, &bl):
		return cat.T(l, "cli.audit_broken", bl.Seq, brokenReason(cat, l, bl))
	}
	if e, ok := problem.As(err); ok && e.Code != problem.Internal {
		return cat.T(l, e.Key, e.Args...)
	}
	return cat.T(l, "cli.failed", err.Error())
}

// brokenReason says why the chain is not trustworthy at bl.Seq. The reason
// messages take the same arguments, each using those it needs: the entry
// (%[1]s), the entry a checkpoint or anchor names (%[2]s), the newest entry
// confirmed before it (%[3]s) and the checkpoint's or anchor's time (%[4]s).
func brokenReason(cat *i18n.Catalogue, l i18n.Locale, bl *audit.BrokenLink) string {
	at := ""
	if !bl.At.IsZero() {
		at = bl.At.UTC().Format("2006-01-02 15:04:05 UTC")
	}
	key := "cli.audit_reason." + bl.Reason
	switch bl.Reason {
	case "hash", "prev", "gap":
		return cat.T(l, key)
	case "checkpoint", "anchor":
		if bl.Since == 0 {
			key += "_first"
		}
	}
	return cat.T(l, key, seqText(bl.Seq), seqText(bl.Want), seqText(bl.Since), at)
}

// seqText writes an entry number with digit grouping, as people read it.
func seqText(n int64) string { return message.NewPrinter(language.English).Sprint(n) }
