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
	"github.com/mamori-sec/mamori/internal/importer"
	"github.com/mamori-sec/mamori/internal/jobs"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/scan"
	"github.com/mamori-sec/mamori/internal/seal"
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
	args  string // catalogue key of the arguments after the options, if any
}

func commands() []command {
	return []command{
		{"serve", "cli.serve.usage", cmdServe, ""},
		{"demo", "cli.demo.usage", cmdDemo, ""},
		{"migrate", "cli.migrate.usage", cmdMigrate, ""},
		{"user add", "cli.user_add.usage", cmdUserAdd, ""},
		{"user passwd", "cli.user_passwd.usage", cmdUserPasswd, ""},
		{"user disable", "cli.user_disable.usage", cmdUserDisable, ""},
		{"org add", "cli.org_add.usage", cmdOrgAdd, ""},
		{"org list", "cli.org_list.usage", cmdOrgList, ""},
		{"backup", "cli.backup.usage", cmdBackup, ""},
		{"restore", "cli.restore.usage", cmdRestore, "cli.restore.args"},
		{"findings", "cli.findings.usage", cmdFindings, ""},
		{"import", "cli.import.usage", cmdImport, "cli.import.args"},
		{"export", "cli.export.usage", cmdExport, ""},
		{"scan", "cli.scan.usage", cmdScan, "cli.scan.args"},
		{"routines list", "cli.routines_list.usage", cmdRoutinesList, ""},
		{"routines complete", "cli.routines_complete.usage", cmdRoutinesComplete, ""},
		{"routines calendar", "cli.routines_calendar.usage", cmdRoutinesCalendar, ""},
		{"notify test", "cli.notify_test.usage", cmdNotifyTest, ""},
		{"appi decide", "cli.appi_decide.usage", cmdAPPIDecide, ""},
		{"incident verify", "cli.incident_verify.usage", cmdIncidentVerify, "cli.incident_verify.args"},
		{"incident export", "cli.incident_export.usage", cmdIncidentExport, ""},
		{"selfdiag", "cli.selfdiag.usage", cmdSelfdiag, ""},
		{"audit verify", "cli.audit_verify.usage", cmdAuditVerify, ""},
		{"audit anchor", "cli.audit_anchor.usage", cmdAuditAnchor, ""},
		{"version", "cli.version.usage", cmdVersion, ""},
		{"help", "cli.help.usage", nil, ""},
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
	if len(args) > 1 && args[0] == "help" && !strings.HasPrefix(args[1], "-") {
		// `mamori help import` is `mamori import --help`.
		args = append(args[1:len(args):len(args)], "--help")
	} else if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		return e.help(args)
	}
	cmds := commands()
	for _, c := range cmds {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name && c.run != nil {
			if err := c.run(e, args[len(words):]); !errors.Is(err, errHelpShown) {
				return err
			}
			return nil
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

// errHelpShown is what parse returns after printing a command's help for
// --help or -h: the command stops there and mamori exits 0.
var errHelpShown = errors.New("help shown")

// commandHelp prints what a command does and its options, with their
// defaults, as the flag set knows them.
func (e *env) commandHelp(fs *flag.FlagSet) {
	t := func(k string, a ...any) string { return e.cat.T(e.locale, k, a...) }
	for _, c := range commands() {
		if c.name != fs.Name() {
			continue
		}
		args := ""
		if c.args != "" {
			args = " " + t(c.args)
		}
		fmt.Fprintln(e.stdout, t("cli.help.command_line", c.name, args))
		fmt.Fprintln(e.stdout)
		fmt.Fprintln(e.stdout, t(c.usage))
	}
	fmt.Fprintln(e.stdout)
	fmt.Fprintln(e.stdout, t("cli.help.command_options"))
	fs.VisitAll(func(f *flag.Flag) {
		name := "--" + f.Name
		if f.DefValue != "" && f.DefValue != "false" {
			fmt.Fprintf(e.stdout, "  %-18s %s %s\n", name, f.Usage, t("cli.help.default", f.DefValue))
			return
		}
		fmt.Fprintf(e.stdout, "  %-18s %s\n", name, f.Usage)
	})
	fmt.Fprintln(e.stdout)
	fmt.Fprintln(e.stdout, t("cli.help.env"))
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
		e.commandHelp(fs)
		return errHelpShown
	case err != nil:
		msg := err.Error()
		if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
			return usageError{e.cat.T(e.locale, "cli.unknown_flag", name)}
		}
		return usageError{e.cat.T(e.locale, "cli.bad_flag", msg)}
	}
	if fs.NArg() > 0 && fs.Name() != "restore" && fs.Name() != "incident verify" {
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
	// publicURL is mamori's address as people reach it, for the links in
	// reminders (serve and demo); empty, the listening address.
	publicURL string
	// box and queue are set by serve before it calls prepare (the demo
	// seeds its reminders with them).
	box   *seal.Box
	queue *jobs.Queue
	mail  mailConfig // the mail guard (docs/mailguard.md)
	// scanRoots are the folders the web may scan (serve --scan-root,
	// repeatable: PATH or PATH=AS-PEOPLE-SEE-IT).
	scanRoots []scan.Root
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
	if r := e.getenv("MAMORI_SCAN_ROOT"); r != "" {
		c.scanRoots = append(c.scanRoots, scan.ParseRoot(r))
	}
	fs.Func("scan-root", e.cat.T(e.locale, "cli.flag.scan_root"), func(v string) error {
		r := scan.ParseRoot(v)
		if fi, err := os.Stat(r.Path); err != nil || !fi.IsDir() || !filepath.IsAbs(r.Path) {
			return fmt.Errorf("%s", e.cat.T(e.locale, "cli.scan.bad_root", v))
		}
		c.scanRoots = append(c.scanRoots, r)
		return nil
	})
	fs.BoolVar(&c.behindTLSProxy, "behind-tls-proxy", envBool(e.getenv, "MAMORI_BEHIND_TLS_PROXY"), e.cat.T(e.locale, "cli.flag.behind_tls_proxy"))
	fs.StringVar(&c.publicURL, "public-url", e.getenv("MAMORI_PUBLIC_URL"), e.cat.T(e.locale, "cli.flag.public_url"))
	c.mail.register(fs, e)
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
	var status exitStatus
	if errors.As(err, &status) {
		return int(status)
	}
	l := i18n.FromEnv(getenv)
	if cat, cerr := i18n.Load(); cerr == nil {
		fmt.Fprintln(stderr, "mamori: "+describe(cat, l, err))
	} else {
		fmt.Fprintln(stderr, "mamori:", err) // the catalogues themselves are broken: say it plainly
	}
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
	if all, ok := importer.AllRowErrors(err); ok {
		return describeRows(cat, l, all)
	}
	if e, ok := problem.As(err); ok && e.Code != problem.Internal {
		return cat.T(l, e.Key, e.Args...)
	}
	return cat.T(l, "cli.failed", err.Error())
}

// describeRows lists every bad cell of a refused import, one per line
// under the count, and how many more there are.
func describeRows(cat *i18n.Catalogue, l i18n.Locale, all *importer.RowErrors) string {
	t := func(key string, args ...any) string { return cat.T(l, key, args...) }
	p := all.Problem()
	lines := []string{t(p.Key, p.Args...)}
	if all.Total > 1 {
		for _, d := range all.Describe(t) {
			lines = append(lines, "  "+d.Text(t))
		}
	}
	if more := all.MoreText(t); more != "" {
		lines = append(lines, "  "+more)
	}
	return strings.Join(lines, "\n")
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
