// Package mailrelay is the mail guard's SMTP side: the submission
// listener people's mail clients send through (STARTTLS, then AUTH with
// an app password), the optional port for office devices (restricted by
// address), the spool (a synced file per message and its index in the
// store) and the worker that relays what is due to the company's
// smarthost, per recipient and never twice.
//
// The rules and rewrites it applies live in internal/mailguard.
package mailrelay

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/seal"
	"github.com/mamori-sec/mamori/internal/store"
)

// Config is how the relay is run; `mamori serve` fills it from its flags.
type Config struct {
	// Submission is the listen address for mail clients (":587"); empty
	// runs no listener (tests serve their own).
	Submission string
	// Devices is the listen address for office devices (scanners, MFPs)
	// that cannot sign in; only DeviceNets may connect, and their mail is
	// the DeviceUser's of DeviceOrg.
	Devices    string
	DeviceNets []netip.Prefix
	DeviceOrg  int64
	DeviceUser int64
	// TLS is the listener's certificate; nil makes a self-signed one.
	TLS      *tls.Config
	Hostname string
	MaxBytes int64 // a message's largest size; default 25 MiB
	MaxRcpts int   // recipients per message; default 100 (RFC 5321 §4.5.3.1)
	SpoolDir string
	// BaseURL is mamori's public address, for download links and notices.
	BaseURL string
	// SmarthostTLS overrides the client TLS configuration (tests trust
	// their own sink).
	SmarthostTLS *tls.Config
	// PersonalData, when set, checks bodies and attachments.
	PersonalData mailguard.PersonalData
	// Poll is how often the worker looks for due mail besides being
	// woken; default one second.
	Poll time.Duration
}

// Relay is the running mail guard.
type Relay struct {
	db    *store.DB
	box   *seal.Box
	cat   *i18n.Catalogue
	log   *slog.Logger
	cfg   Config
	spool mailguard.Spool
	fails *throttle
	kick  chan struct{}
	m     counters
	// conns are the worker's open smarthost connections, by organisation.
	conns map[int64]*smarthostConn
	wg    sync.WaitGroup
	// group makes accepted messages durable together (commit.go).
	group *committer
	// spooled counts the messages this relay has put in the spool, for
	// the worker to know whether to look for due mail again.
	spooled atomic.Int64
	// known are the external domains the worker has recorded as known,
	// by organisation; only the worker goroutine uses it.
	known map[int64]map[string]bool
}

// New prepares a relay; Start runs it.
func New(db *store.DB, box *seal.Box, cat *i18n.Catalogue, log *slog.Logger, cfg Config) (*Relay, error) {
	if cfg.MaxBytes == 0 {
		cfg.MaxBytes = 25 << 20
	}
	if cfg.MaxRcpts == 0 {
		cfg.MaxRcpts = 100
	}
	if cfg.Poll == 0 {
		cfg.Poll = time.Second
	}
	if cfg.Hostname == "" {
		cfg.Hostname = "localhost"
	}
	if cfg.TLS == nil {
		c, err := SelfSigned(cfg.Hostname)
		if err != nil {
			return nil, err
		}
		cfg.TLS = c
	}
	r := &Relay{db: db, box: box, cat: cat, log: log.With("component", "mailguard"), cfg: cfg,
		spool: mailguard.Spool{Dir: cfg.SpoolDir}, fails: newThrottle(5, 15*time.Minute), kick: make(chan struct{}, 1)}
	if err := r.spool.Open(); err != nil {
		return nil, err
	}
	r.group = &committer{spool: r.spool, db: db}
	return r, nil
}

// Server returns an SMTP server for listener kind "submission" or
// "devices", for Start or for tests that serve on their own listener.
func (r *Relay) Server(devices bool) *smtp.Server {
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return r.newSession(c, devices) }))
	s.Domain = r.cfg.Hostname
	s.TLSConfig = r.cfg.TLS
	s.MaxMessageBytes = r.cfg.MaxBytes
	s.MaxRecipients = r.cfg.MaxRcpts
	s.ReadTimeout, s.WriteTimeout = 5*time.Minute, 5*time.Minute
	s.EnableSMTPUTF8 = true
	s.ErrorLog = slog.NewLogLogger(r.log.Handler(), slog.LevelDebug)
	return s
}

// Start recovers the spool, then runs the listeners configured and the
// worker until ctx ends; Wait waits for them.
func (r *Relay) Start(ctx context.Context) error {
	if err := r.Recover(ctx); err != nil {
		return err
	}
	for _, l := range []struct {
		addr    string
		devices bool
	}{{r.cfg.Submission, false}, {r.cfg.Devices, true}} {
		if l.addr == "" {
			continue
		}
		ln, err := net.Listen("tcp", l.addr)
		if err != nil {
			return fmt.Errorf("mail guard: listen %s: %w", l.addr, err)
		}
		srv := r.Server(l.devices)
		r.wg.Add(2)
		go func() { defer r.wg.Done(); srv.Serve(ln) }()
		go func() { defer r.wg.Done(); <-ctx.Done(); srv.Close() }()
		r.log.Info("listening", "addr", ln.Addr().String(), "devices", l.devices)
	}
	r.wg.Add(1)
	go func() { defer r.wg.Done(); r.work(ctx) }()
	return nil
}

// Wait waits for the listeners and the worker to stop.
func (r *Relay) Wait() { r.wg.Wait() }

// Recover runs at start: recipients a crash left mid-relay become unsure
// (never sent twice), and spool files whose client never heard 250 go.
func (r *Relay) Recover(ctx context.Context) error {
	n, err := r.db.MarkUnsure(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		r.log.Warn("recipients interrupted while relaying, left for a person to decide", "count", n)
	}
	if err := r.spool.Sweep(); err != nil {
		return err
	}
	ids, err := r.spool.IDs()
	if err != nil {
		return err
	}
	for _, id := range ids {
		ok, err := r.db.MailExists(ctx, id)
		if err != nil {
			return err
		}
		if !ok {
			r.spool.Remove(id)
		}
	}
	return nil
}

// Kick wakes the worker (a message was accepted or released).
func (r *Relay) Kick() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

type session struct {
	r       *Relay
	conn    *smtp.Conn
	devices bool
	remote  string
	orgID   int64
	user    auth.User
	from    string
	rcpts   []string
	set     mailguard.Settings // read at MAIL, for this transaction
	// A client sends its queue over one session, a transaction per
	// message: the settings read at one MAIL serve the session's next
	// transactions for settingsFresh, and the external domains found
	// known (they stay known) for as long.
	cached   mailguard.Settings
	cachedAt time.Time
	known    map[string]bool
}

// settingsFresh is how long a session reuses the settings it read: a
// change to them reaches a session already sending within this time.
const settingsFresh = time.Second

func (r *Relay) newSession(c *smtp.Conn, devices bool) (smtp.Session, error) {
	remote := ""
	if a, ok := c.Conn().RemoteAddr().(*net.TCPAddr); ok {
		remote = a.IP.String()
	}
	s := &session{r: r, conn: c, devices: devices, remote: remote}
	if devices {
		ip, err := netip.ParseAddr(remote)
		allowed := false
		for _, p := range r.cfg.DeviceNets {
			if err == nil && p.Contains(ip.Unmap()) {
				allowed = true
			}
		}
		if !allowed {
			return nil, &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "This address may not use the device port"}
		}
		u, err := r.db.User(context.Background(), r.cfg.DeviceUser)
		if err != nil {
			return nil, errTemp
		}
		s.orgID, s.user = r.cfg.DeviceOrg, u
	}
	return s, nil
}

var (
	errTemp     = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary failure, please try again later"}
	errThrottle = &smtp.SMTPError{Code: 454, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "Too many failed sign-ins from this address; try again later"}
	errBadAuth  = &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
	errSender   = &smtp.SMTPError{Code: 553, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Sender address not allowed for this account"}
)

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain, sasl.Login} }

func (s *session) Auth(mech string) (sasl.Server, error) {
	check := func(user, pass string) error {
		if !s.r.fails.allowed(s.remote) {
			return errThrottle
		}
		orgID, userID, err := s.r.db.AppPasswordLogin(context.Background(), user, pass)
		if errors.Is(err, store.ErrBadAppPassword) {
			s.r.fails.fail(s.remote)
			s.r.log.Info("sign-in refused", "remote", s.remote)
			return errBadAuth
		}
		if err != nil {
			return errTemp
		}
		u, err := s.r.db.User(context.Background(), userID)
		if err != nil {
			return errTemp
		}
		s.orgID, s.user = orgID, u
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, user, pass string) error {
			if identity != "" && identity != user {
				return errBadAuth
			}
			return check(user, pass)
		}), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.orgID == 0 {
		return smtp.ErrAuthRequired
	}
	from = strings.ToLower(from)
	set, err := s.settings()
	if err != nil {
		return errTemp
	}
	// A signed-in member sends as themselves or from the company's own
	// domains; the device port as the company only.
	if from != strings.ToLower(s.user.Email) && !set.Internal(mailguard.Domain(from)) {
		return errSender
	}
	s.from, s.rcpts, s.set = from, nil, set
	return nil
}

// settings returns the organisation's settings, read again when those
// the session has are older than settingsFresh.
func (s *session) settings() (mailguard.Settings, error) {
	now := time.Now()
	if !s.cachedAt.IsZero() && now.Sub(s.cachedAt) < settingsFresh && now.After(s.cachedAt) {
		return s.cached, nil
	}
	set, err := s.r.db.Tenant(s.orgID).MailguardSettings(context.Background())
	if err != nil {
		return set, err
	}
	s.cached, s.cachedAt, s.known = set, now, map[string]bool{}
	return set, nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.orgID == 0 {
		return smtp.ErrAuthRequired
	}
	if s.from == "" {
		return &smtp.SMTPError{Code: 503, EnhancedCode: smtp.EnhancedCode{5, 5, 1}, Message: "MAIL first"}
	}
	to = strings.ToLower(strings.TrimSpace(to))
	if mailguard.Domain(to) == "" || len(to) > 256 {
		return &smtp.SMTPError{Code: 501, EnhancedCode: smtp.EnhancedCode{5, 1, 3}, Message: "Bad recipient address"}
	}
	for _, r := range s.rcpts {
		if r == to {
			return nil
		}
	}
	s.rcpts = append(s.rcpts, to)
	return nil
}

func (s *session) Data(rd io.Reader) error {
	if s.orgID == 0 || s.from == "" || len(s.rcpts) == 0 {
		return &smtp.SMTPError{Code: 503, EnhancedCode: smtp.EnhancedCode{5, 5, 1}, Message: "MAIL and RCPT first"}
	}
	raw, err := io.ReadAll(rd)
	if err != nil {
		return err // go-smtp answers 552 for a message over the limit
	}
	id, refusal, err := s.r.accept(context.Background(), s.orgID, s.set, s.known, s.user, s.from, s.rcpts, raw, s.remote)
	if refusal != "" {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: refusal}
	}
	if err != nil {
		s.r.log.Error("accept", "error", err)
		return errTemp
	}
	s.r.log.Debug("accepted", "id", id, "rcpts", len(s.rcpts))
	return nil
}

func (s *session) Reset()        { s.from, s.rcpts, s.set = "", nil, mailguard.Settings{} }
func (s *session) Logout() error { return nil }

// loginServer is the server side of SASL LOGIN (Outlook and older MFPs
// offer only it): username and password, each after a prompt.
type loginServer struct {
	check func(user, pass string) error
	user  string
	step  int
}

func (l *loginServer) Next(resp []byte) ([]byte, bool, error) {
	switch l.step {
	case 0:
		l.step = 1
		if resp != nil {
			l.user, l.step = string(resp), 2
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 1:
		l.user, l.step = string(resp), 2
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(l.user, string(resp))
	}
}

// accept applies the rules to one message and, unless they refuse it,
// stores it durably (spool file synced, then the index) before the client
// hears 250. It returns the message id, or the refusal in the sender's
// language. known, when not nil, keeps the session's domains found known
// (a domain once known stays so); a domain not known is asked again.
func (r *Relay) accept(ctx context.Context, orgID int64, set mailguard.Settings, known map[string]bool, u auth.User, from string, rcpts []string, raw []byte, remote string) (string, string, error) {
	loc := i18n.UserLocale(u.Locale)
	if bytes.Count(raw, []byte("\nReceived:"))+bytes.Count(raw[:min(len(raw), 10)], []byte("Received:")) > 30 {
		return "", r.cat.T(loc, "mailguard.refuse.loop"), nil
	}
	t := r.db.Tenant(orgID)
	sum, err := mailguard.Summarize(raw, r.cfg.PersonalData)
	if err != nil {
		sum = mailguard.Summary{} // unreadable MIME is relayed as it is, by its envelope
	}
	sum.Rcpts = rcpts
	isKnown := func(d string) bool {
		if known[d] {
			return true
		}
		ok, err := t.KnownMailDomain(ctx, d)
		if err == nil && ok && known != nil {
			known[d] = true
		}
		return err == nil && ok // in doubt, ask
	}
	d := mailguard.Decide(set.Policy, sum, isKnown)
	if d.Refuse {
		var why []string
		for _, rs := range d.Reasons {
			why = append(why, r.reason(loc, rs))
		}
		return "", strings.Join(why, " "), nil
	}
	now := r.db.Now()
	id := mailguard.NewID()
	m := mailguard.Message{ID: id, OrgID: orgID, UserID: u.ID, From: from, Subject: sum.Subject, Recipients: rcpts, Attachments: sum.Attachments,
		Size: len(raw), Reasons: d.Reasons, Bcc: d.Bcc, Split: d.Split, Links: d.Links, CreatedAt: now, State: mailguard.StateReleased}
	switch {
	case d.Confirm:
		m.State = mailguard.StateConfirm
		m.NeedsApproval = set.NeedsApproval(d.Reasons)
	case d.Hold:
		m.State, m.ReleaseAt = mailguard.StateHeld, now.Add(set.HoldDelay)
	}
	received := fmt.Sprintf("Received: from %s by %s (mamori) with ESMTPSA id %s;\r\n\t%s\r\n", remote, r.cfg.Hostname, id, now.Format(time.RFC1123Z))
	stored, err := mailguard.Prepend(raw, received)
	if err != nil {
		stored = append([]byte(received+"\r\n"), raw...) // no header at all: keep the bytes as the body
	}
	p, err := r.spool.Prepare(id, stored)
	if err != nil {
		return "", "", err
	}
	var rs []mailguard.Rcpt
	for _, a := range rcpts {
		rs = append(rs, mailguard.Rcpt{Addr: a, External: !set.Internal(mailguard.Domain(a))})
	}
	if err := r.group.commit(ctx, store.Accepted{Message: m, Rcpts: rs}, p); err != nil {
		return "", "", err
	}
	r.m.accepted.Add(1)
	r.spooled.Add(1)
	if m.State != mailguard.StateReleased {
		r.m.held.Add(1)
		if err := r.notice(ctx, set, t, u, m); err != nil {
			r.log.Warn("hold notice", "id", id, "error", err)
		}
	}
	r.Kick()
	return id, "", nil
}

// reason renders one reason in loc.
func (r *Relay) reason(loc i18n.Locale, rs mailguard.Reason) string {
	args := make([]any, len(rs.Args))
	for i, a := range rs.Args {
		args[i] = a
	}
	return r.cat.T(loc, rs.Key(), args...)
}
