package main

import (
	"errors"
	"flag"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/demo"
	"github.com/mamori-sec/mamori/internal/store"
)

// demoSubmission is where `mamori demo` takes mail from mail clients
// unless told otherwise.
const demoSubmission = "127.0.0.1:2587"

// demoMail is how `mamori demo` runs the mail guard: on by default, with
// the demo outbox standing in for the mail provider.
type demoMail struct {
	outboxAddr string  // empty: no outbox
	outbox     *outbox // running, or nil
}

// register sets the demo's defaults for the mail guard flags serve
// already has, and adds the outbox's.
func (d *demoMail) register(fs *flag.FlagSet, e *env, cfg *config) {
	if e.getenv("MAMORI_MAIL_SUBMISSION") == "" {
		fs.Lookup("mail-submission").DefValue = demoSubmission
		cfg.mail.submission = demoSubmission
	}
	cfg.mail.optional = true
	fs.StringVar(&d.outboxAddr, "demo-outbox", envOr(e.getenv, "MAMORI_DEMO_OUTBOX", demo.DevSink), e.cat.T(e.locale, "cli.flag.demo_outbox"))
}

// checkPorts gives up, with a message naming the port and the flag, the
// parts whose port another program holds; the demo runs without them.
func (d *demoMail) checkPorts(e *env, cfg *config) {
	for _, p := range []struct {
		addr *string
		flag string
	}{{&cfg.mail.submission, "-mail-submission"}, {&d.outboxAddr, "-demo-outbox"}} {
		if *p.addr == "" {
			continue
		}
		ln, err := net.Listen("tcp", *p.addr)
		if err == nil {
			ln.Close()
			continue
		}
		if errors.Is(err, syscall.EADDRINUSE) {
			e.say("cli.demo.mail_port_in_use", *p.addr, p.flag)
		} else {
			e.say("cli.demo.mail_cannot_listen", *p.addr, p.flag, err.Error())
		}
		*p.addr = ""
	}
}

// start runs the outbox in DATA/demo-outbox and points the demo
// company's smarthost at it, when it is elsewhere on this machine (an
// outbox on another port than the seed's).
func (d *demoMail) start(e *env, cfg config, db *store.DB) error {
	if d.outboxAddr == "" {
		return nil
	}
	o, err := startOutbox(e.ctx, d.outboxAddr, outboxDir(cfg), newLogger(e, cfg.logLevel))
	if err != nil {
		e.say("cli.demo.mail_cannot_listen", d.outboxAddr, "-demo-outbox", err.Error())
		return nil
	}
	d.outbox = o
	host, port, err := net.SplitHostPort(d.outboxAddr)
	if err != nil {
		return err
	}
	co, err := db.OrgBySlug(e.ctx, demo.Slug)
	if err != nil {
		return err
	}
	t := db.Tenant(co.ID)
	set, err := t.MailguardSettings(e.ctx)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(set.Smarthost.Host); ip == nil || !ip.IsLoopback() || (set.Smarthost.Host == host && strconv.Itoa(set.Smarthost.Port) == port) {
		return nil
	}
	n, err := strconv.Atoi(port)
	if err != nil {
		return err
	}
	set.Smarthost.Host, set.Smarthost.Port = host, n
	return t.SaveMailguardSettings(e.ctx, audit.CLI(), set)
}

// Wait waits for the outbox to stop.
func (d *demoMail) Wait() {
	if d.outbox != nil {
		d.outbox.Wait()
	}
}

func outboxDir(cfg config) string { return filepath.Join(cfg.dataDir, "demo-outbox") }

// appPasswordRE finds an app password (mailguard.NewAppPassword) in the
// saved sign-in details; the users' passwords have another shape.
var appPasswordRE = regexp.MustCompile(`\b[a-z2-7]{6}-[a-z2-7]{6}-[a-z2-7]{6}-[a-z2-7]{6}\b`)

// clientLines returns the sign-in details with the lines that tell how to
// point a mail client at the mail guard, after a blank line: host, port,
// STARTTLS, the staff member's address and an app password — the one
// saved in creds when it still works, else a new one. They replace any
// such lines creds had, and are saved to credFile (when not "").
func (d *demoMail) clientLines(e *env, cfg config, db *store.DB, creds []string, credFile string) ([]string, error) {
	t := func(k string, a ...any) string { return e.cat.T(e.locale, k, a...) }
	users, old := creds, []string(nil)
	if i := slices.Index(creds, ""); i >= 0 {
		users, old = creds[:i], creds[i+1:]
	}
	if cfg.mail.submission == "" {
		return creds, nil
	}
	co, err := db.OrgBySlug(e.ctx, demo.Slug)
	if err != nil {
		return nil, err
	}
	ten := db.Tenant(co.ID)
	staff, err := db.UserByEmail(e.ctx, demo.Staff)
	if err != nil {
		return nil, err
	}
	pw := appPasswordRE.FindString(strings.Join(old, "\n"))
	if pw != "" {
		// Reuse it while the staff member still has a password that works.
		aps, err := ten.AppPasswords(e.ctx)
		if err != nil {
			return nil, err
		}
		live := false
		for _, ap := range aps {
			if ap.UserID == staff.ID && ap.RevokedAt.IsZero() {
				live = true
			}
		}
		if !live {
			pw = ""
		}
	}
	if pw == "" {
		if pw, err = ten.CreateAppPassword(e.ctx, audit.CLI(), staff.ID, t("cli.demo.mail_label")); err != nil {
			return nil, err
		}
	}
	host, port, err := net.SplitHostPort(cfg.mail.submission)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	lines := append(append([]string(nil), users...), "",
		t("cli.demo.mail_title", demo.Staff),
		t("cli.demo.mail_server", host, port),
		t("cli.demo.mail_user", demo.Staff, pw))
	if d.outbox != nil {
		lines = append(lines, t("cli.demo.mail_outbox", outboxDir(cfg)))
	}
	if credFile != "" && !slices.Equal(lines, creds) {
		if err := os.WriteFile(credFile, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
			return nil, err
		}
	}
	return lines, nil
}
