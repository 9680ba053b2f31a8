package web

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/mailrelay"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/partner"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

// HasUnsure reports whether a crash left one of its recipients unsure.
func (v mailView) HasUnsure() bool {
	for _, r := range v.Rcpts {
		if r.State == mailguard.RcptUnsure {
			return true
		}
	}
	return false
}

// mailView is one message as the pages list it, its words translated.
type mailView struct {
	mailguard.Message
	StateLabel string
	Reasons    []string
	CanRelease bool // the viewer may send it now
	Rcpts      []mailguard.Rcpt
	Links      []mailguard.Link
	// Zips are the password zips sent instead of links; their passwords
	// are opened for the sender's own page only.
	Zips []mailguard.Zip
}

func (s *Server) mailViews(b base, set mailguard.Settings, userID int64, ms []mailguard.Message) []mailView {
	out := make([]mailView, 0, len(ms))
	for _, m := range ms {
		v := mailView{Message: m, StateLabel: b.T("mailguard.state." + m.State)}
		for _, r := range m.Reasons {
			args := make([]any, len(r.Args))
			for i, a := range r.Args {
				args[i] = a
			}
			v.Reasons = append(v.Reasons, b.T(r.Key(), args...))
		}
		v.CanRelease = m.Pending() && (!m.NeedsApproval || set.MayApprove(userID) || b.Role == org.Owner)
		out = append(out, v)
	}
	return out
}

// myMailPage is a member's own held mail and app passwords.
type myMailPage struct {
	base
	Mail        []mailView
	Passwords   []mailguard.AppPassword
	NewPassword string // shown once, right after it was made
	Enabled     bool
}

func (s *Server) myMail(w http.ResponseWriter, r *http.Request) {
	p := myMailPage{base: s.page(r, "mailguard.mine.title", "mymail")}
	if err := s.fillMyMail(r, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "mailguard_mine", p)
}

func (s *Server) fillMyMail(r *http.Request, p *myMailPage) error {
	st := stateOf(r)
	ctx := r.Context()
	set, err := st.tenant.MailguardSettings(ctx)
	if err != nil {
		return err
	}
	p.Enabled = set.Enabled
	ms, err := st.tenant.MailMessages(ctx, store.MailFilter{UserID: st.user.ID, Limit: 50})
	if err != nil {
		return err
	}
	p.Mail = s.mailViews(p.base, set, st.user.ID, ms)
	if err := s.fillMyZips(ctx, st.tenant, st.user.ID, p.Mail); err != nil {
		return err
	}
	aps, err := st.tenant.AppPasswords(ctx)
	if err != nil {
		return err
	}
	p.Passwords = p.Passwords[:0]
	for _, a := range aps {
		if a.UserID == st.user.ID && a.RevokedAt.IsZero() {
			p.Passwords = append(p.Passwords, a)
		}
	}
	return nil
}

// myMailDecide cancels or sends now one of the member's own held messages.
func (s *Server) myMailDecide(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := myMailPage{base: s.page(r, "mailguard.mine.title", "mymail")}
	fail := func(err error) {
		if ferr := s.fillMyMail(r, &p); ferr != nil {
			s.fail(w, r, ferr)
			return
		}
		s.formError(w, r, err, "mailguard_mine", &p, &p.base)
	}
	if err := parseForm(r); err != nil {
		fail(err)
		return
	}
	id, release := r.PostFormValue("id"), r.PostFormValue("action") == "send"
	m, _, err := st.tenant.MailMessage(r.Context(), id)
	// Another member's message is answered like a missing one.
	if err != nil || m.UserID != st.user.ID {
		fail(problem.Field("id", "mailguard.already_gone"))
		return
	}
	if err := s.decideMail(r, m, release); err != nil {
		fail(err)
		return
	}
	redirect(w, r, p.OrgURL("/me/mail"), flashFor(release))
}

func flashFor(release bool) string {
	if release {
		return "mail_released"
	}
	return "mail_cancelled"
}

// decideMail applies the approval rule, then the decision.
func (s *Server) decideMail(r *http.Request, m mailguard.Message, release bool) error {
	st := stateOf(r)
	if release && m.NeedsApproval {
		set, err := st.tenant.MailguardSettings(r.Context())
		if err != nil {
			return err
		}
		if !set.MayApprove(st.user.ID) && st.role != org.Owner {
			return problem.New(problem.Conflict, "mailguard.not_approver")
		}
	}
	return st.tenant.DecideMail(r.Context(), st.actor(r), m.ID, st.user.ID, release)
}

// myAppPassword makes an app password for the member's own mail client.
func (s *Server) myAppPassword(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := myMailPage{base: s.page(r, "mailguard.mine.title", "mymail")}
	err := parseForm(r)
	if err == nil {
		p.NewPassword, err = st.tenant.CreateAppPassword(r.Context(), st.actor(r), st.user.ID, r.PostFormValue("label"))
	}
	if ferr := s.fillMyMail(r, &p); ferr != nil {
		s.fail(w, r, ferr)
		return
	}
	if err != nil {
		s.formError(w, r, err, "mailguard_mine", &p, &p.base)
		return
	}
	s.render(w, r, http.StatusOK, "mailguard_mine", p)
}

// mailLogPage is the keeper's view: the held queue, the log and one
// message's relay records, links and downloads.
type mailLogPage struct {
	base
	Enabled      bool
	Pending      []mailView
	Log          []mailView
	Selected     *mailView
	Downloads    []mailguard.Download
	Today, Month mailguard.Day
	Sender, Rcpt string
	From, To     string
}

func (s *Server) mailLog(w http.ResponseWriter, r *http.Request) {
	p := mailLogPage{base: s.page(r, "mailguard.log.title", "mailguard")}
	if err := s.fillMailLog(r, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "mailguard_log", p)
}

func (s *Server) fillMailLog(r *http.Request, p *mailLogPage) error {
	st := stateOf(r)
	ctx := r.Context()
	set, err := st.tenant.MailguardSettings(ctx)
	if err != nil {
		return err
	}
	p.Enabled = set.Enabled
	pend, err := st.tenant.MailMessages(ctx, store.MailFilter{Pending: true})
	if err != nil {
		return err
	}
	p.Pending = s.mailViews(p.base, set, st.user.ID, pend)
	q := r.URL.Query()
	p.Sender, p.Rcpt, p.From, p.To = strings.TrimSpace(q.Get("sender")), strings.TrimSpace(q.Get("rcpt")), q.Get("from"), q.Get("to")
	f := store.MailFilter{Sender: p.Sender, Rcpt: p.Rcpt, Limit: 200}
	if d, err := calendar.Parse(p.From); err == nil {
		f.From = d.Time()
	}
	if d, err := calendar.Parse(p.To); err == nil {
		f.To = d.AddDays(1).Time()
	}
	ms, err := st.tenant.MailMessages(ctx, f)
	if err != nil {
		return err
	}
	p.Log = s.mailViews(p.base, set, st.user.ID, ms)
	if id := q.Get("msg"); id != "" {
		m, rs, err := st.tenant.MailMessage(ctx, id)
		if err == nil {
			v := s.mailViews(p.base, set, st.user.ID, []mailguard.Message{m})[0]
			v.Rcpts = rs
			if v.Links, err = st.tenant.MailLinks(ctx, id); err != nil {
				return err
			}
			if v.Zips, err = st.tenant.MailZips(ctx, id); err != nil {
				return err
			}
			p.Selected = &v
		}
	}
	if p.Downloads, err = st.tenant.MailDownloads(ctx, 20); err != nil {
		return err
	}
	today := calendar.Of(s.Now()).Time()
	if p.Today, err = st.tenant.MailCounts(ctx, today, today.Add(24*time.Hour)); err != nil {
		return err
	}
	p.Month, err = st.tenant.MailCounts(ctx, today.AddDate(0, 0, -29), today.Add(24*time.Hour))
	return err
}

// mailDecide is the keeper's cancel, send now, or revoke of a message's
// download links.
func (s *Server) mailDecide(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := mailLogPage{base: s.page(r, "mailguard.log.title", "mailguard")}
	fail := func(err error) {
		if ferr := s.fillMailLog(r, &p); ferr != nil {
			s.fail(w, r, ferr)
			return
		}
		s.formError(w, r, err, "mailguard_log", &p, &p.base)
	}
	if err := parseForm(r); err != nil {
		fail(err)
		return
	}
	id, action := r.PostFormValue("id"), r.PostFormValue("action")
	m, _, err := st.tenant.MailMessage(r.Context(), id)
	if err != nil {
		fail(problem.Field("id", "mailguard.already_gone"))
		return
	}
	flash := ""
	switch action {
	case "resend", "mark_sent":
		_, err = st.tenant.ResolveUnsure(r.Context(), st.actor(r), m.ID, action == "resend")
		flash = "saved"
	case "revoke":
		err, flash = st.tenant.RevokeMailLinks(r.Context(), st.actor(r), m.ID), "links_revoked"
		if errors.Is(err, problem.ErrNotFound) {
			err = problem.Field("id", "mailguard.no_links")
		}
	default:
		err, flash = s.decideMail(r, m, action == "send"), flashFor(action == "send")
	}
	if err != nil {
		fail(err)
		return
	}
	redirect(w, r, p.OrgURL("/mailguard?msg="+m.ID), flash)
}

// mailSettingsPage holds the rules, partners, known domains, app
// passwords and the smarthost.
type mailSettingsPage struct {
	base
	Settings    mailguard.Settings
	HasSecret   bool
	Partners    []mailguard.Partner
	Domains     []string
	Passwords   []mailguard.AppPassword
	Members     []store.Member
	NewPassword string
	ReasonCodes []string
	BulkActions []string
	// PersonalActions are what personal data sent outside may get.
	PersonalActions []string
	HoldMinutes     int
}

// approvalCodes are the reasons an approver can be required for.
var approvalCodes = []string{"look_alike", "first_domain", "several_orgs", "partner_name", "personal_data", "many_people"}

func (s *Server) mailSettings(w http.ResponseWriter, r *http.Request) {
	p := mailSettingsPage{base: s.page(r, "mailguard.settings.title", "mailguard")}
	if err := s.fillMailSettings(r, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "mailguard_settings", p)
}

func (s *Server) fillMailSettings(r *http.Request, p *mailSettingsPage) error {
	st := stateOf(r)
	ctx := r.Context()
	set, err := st.tenant.MailguardSettings(ctx)
	if err != nil {
		return err
	}
	if p.Settings.LinkDays == 0 { // not a form being shown again
		p.Settings = set
	}
	p.HasSecret = set.Smarthost.Secret != ""
	p.Partners = set.Partners
	p.ReasonCodes = approvalCodes
	p.BulkActions = []string{string(mailguard.BulkBcc), string(mailguard.BulkSplit), string(mailguard.BulkRefuse)}
	p.PersonalActions = []string{string(mailguard.PersonalConfirm), string(mailguard.PersonalRefuse)}
	p.HoldMinutes = int(p.Settings.HoldDelay / time.Minute)
	if p.Domains, err = st.tenant.KnownMailDomains(ctx); err != nil {
		return err
	}
	if p.Passwords, err = st.tenant.AppPasswords(ctx); err != nil {
		return err
	}
	p.Members, err = st.tenant.Members(ctx)
	return err
}

func (s *Server) mailSettingsSave(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := mailSettingsPage{base: s.page(r, "mailguard.settings.title", "mailguard")}
	fail := func(err error) {
		if ferr := s.fillMailSettings(r, &p); ferr != nil {
			s.fail(w, r, ferr)
			return
		}
		s.formError(w, r, err, "mailguard_settings", &p, &p.base)
	}
	if err := parseForm(r); err != nil {
		fail(err)
		return
	}
	f := r.PostFormValue
	num := func(k string) (int, error) {
		n, err := strconv.Atoi(strings.TrimSpace(f(k)))
		if err != nil {
			return 0, problem.Field(k, "mailguard."+k+"_invalid")
		}
		return n, nil
	}
	set := mailguard.Settings{Enabled: f("enabled") == "on"}
	set.InternalDomains = strings.Fields(strings.ReplaceAll(strings.ToLower(f("internal_domains")), ",", " "))
	set.HoldMode, set.BulkAction = mailguard.HoldMode(f("hold_mode")), mailguard.BulkAction(f("bulk_action"))
	set.LinkAttachments = f("link_attachments") == "on"
	set.LinkCode = f("link_code") == "on"
	set.PersonalAction = mailguard.PersonalAction(f("personal_action"))
	set.Approval = r.PostForm["approval"]
	var err error
	var minutes, port int
	for _, x := range []struct {
		k string
		v *int
	}{{"hold_minutes", &minutes}, {"bulk_limit", &set.BulkLimit}, {"link_days", &set.LinkDays}, {"retention_days", &set.RetentionDays}, {"port", &port}} {
		if *x.v, err = num(x.k); err != nil {
			p.Settings = set
			fail(err)
			return
		}
	}
	set.HoldDelay = time.Duration(minutes) * time.Minute
	set.ApproverID, _ = strconv.ParseInt(f("approver_id"), 10, 64)
	set.DeputyID, _ = strconv.ParseInt(f("deputy_id"), 10, 64)
	set.Smarthost = mailguard.Smarthost{Host: strings.TrimSpace(f("host")), Port: port, StartTLS: f("starttls") == "on", Username: strings.TrimSpace(f("username"))}
	if secret := f("secret"); secret != "" {
		set.Smarthost.Secret = s.Box.Seal([]byte(secret), mailguard.SealContext(st.org.ID))
	}
	p.Settings = set
	if err := st.tenant.SaveMailguardSettings(r.Context(), st.actor(r), set); err != nil {
		fail(err)
		return
	}
	redirect(w, r, p.OrgURL("/mailguard/settings"), "saved")
}

// mailSettingsChange handles the small forms of the settings page:
// partners, known domains, app passwords.
func (s *Server) mailSettingsChange(what string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { s.mailSettingsDo(w, r, what) }
}

func (s *Server) mailSettingsDo(w http.ResponseWriter, r *http.Request, what string) {
	st := stateOf(r)
	p := mailSettingsPage{base: s.page(r, "mailguard.settings.title", "mailguard")}
	err := parseForm(r)
	f := r.PostFormValue
	ctx, actor := r.Context(), st.actor(r)
	id, _ := strconv.ParseInt(f("id"), 10, 64)
	if err == nil {
		switch what {
		case "partner":
			_, err = st.tenant.AddPartner(ctx, actor, mailguard.Partner{Name: f("name"), Domains: partner.SplitDomains(f("domains"))})
		case "partner-remove":
			if err = st.tenant.RemovePartner(ctx, actor, id); errors.Is(err, problem.ErrNotFound) {
				err = problem.Field("id", "mailguard.gone")
			}
		case "domains":
			err = st.tenant.AddMailDomains(ctx, actor, strings.Fields(strings.ReplaceAll(f("domains"), ",", " ")))
		case "zip-domains":
			err = st.tenant.SetMailZipDomains(ctx, actor, strings.Fields(strings.ReplaceAll(f("zip_domains"), ",", " ")))
		case "app-password":
			uid, _ := strconv.ParseInt(f("user_id"), 10, 64)
			if _, merr := st.tenant.Member(ctx, uid); merr != nil {
				err = problem.Field("user_id", "mailguard.member_required")
			} else {
				p.NewPassword, err = st.tenant.CreateAppPassword(ctx, actor, uid, f("label"))
			}
		case "app-password-revoke":
			if err = st.tenant.RevokeAppPassword(ctx, actor, id); errors.Is(err, problem.ErrNotFound) {
				err = problem.Field("id", "mailguard.gone")
			}
		default:
			s.fail(w, r, problem.ErrNotFound)
			return
		}
	}
	if ferr := s.fillMailSettings(r, &p); ferr != nil {
		s.fail(w, r, ferr)
		return
	}
	if err != nil {
		s.formError(w, r, err, "mailguard_settings", &p, &p.base)
		return
	}
	if p.NewPassword != "" {
		s.render(w, r, http.StatusOK, "mailguard_settings", p)
		return
	}
	redirect(w, r, p.OrgURL("/mailguard/settings"), "saved")
}

// mailFile serves an attachment to whoever holds its link, and logs the
// download: time, address and user agent.
func (s *Server) mailFile(w http.ResponseWriter, r *http.Request) {
	if s.MailSpool == "" {
		s.fail(w, r, problem.ErrNotFound)
		return
	}
	code := ""
	if r.Method == http.MethodPost {
		if err := parseForm(r); err != nil {
			s.fail(w, r, err)
			return
		}
		code = r.PostFormValue("code")
	}
	l, data, err := mailrelay.Fetch(r.Context(), s.DB, s.Box, s.MailSpool, r.PathValue("token"), code, clientAddr(r, s.TrustedProxies), r.UserAgent())
	if errors.Is(err, mailrelay.ErrCodeNeeded) || errors.Is(err, mailrelay.ErrCodeWrong) {
		// The link asks for the recipient's one-time code: the page asks
		// for it again after a wrong one (five wrong ones stop the links).
		p := mailCodePage{base: s.page(r, "mailguard.code.title", ""), FileName: l.FileName, Action: r.URL.Path}
		status := http.StatusOK
		if errors.Is(err, mailrelay.ErrCodeWrong) {
			p.Error, status = p.T("mailguard.code_wrong"), http.StatusForbidden
		}
		w.Header().Set("Cache-Control", "no-store")
		s.render(w, r, status, "mailguard_code", p)
		return
	}
	if err != nil {
		if e, ok := problem.As(err); !ok || e.Code != problem.NotFound {
			s.Logger.Error("mail file", "component", "http", "error", err)
		}
		s.fail(w, r, problem.New(problem.NotFound, "mailguard.link_gone"))
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": l.FileName}))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(data)
}

// mailCodePage asks a recipient for the one-time code of a download link.
type mailCodePage struct {
	base
	FileName string
	Action   string
}

// Metrics is what /metrics exposes besides the standard counters
// (mailrelay.Relay.WriteMetrics); nil when nothing runs that has any.
type Metrics func(io.Writer)

// metrics serves the Prometheus text exposition to the machine itself
// only (a scraper on the same host, or an SSH tunnel): a peer that is not
// loopback, or a request relayed by a proxy, gets 404.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil || !peer.Addr().Unmap().IsLoopback() || r.Header.Get("X-Forwarded-For") != "" {
		s.fail(w, r, problem.ErrNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if s.Metrics != nil {
		s.Metrics(w)
	}
}

// readMailFigures reads the dashboard's mail guard counts, today and over
// the last 30 days (Japan days); the dashboard shows them to the roles
// that may see the log.
func readMailFigures(ctx context.Context, t store.Tenant, day calendar.Day) ([2]mailguard.Day, error) {
	var out [2]mailguard.Day
	today := day.Time()
	end := today.Add(24 * time.Hour)
	var err error
	if out[0], err = t.MailCounts(ctx, today, end); err != nil {
		return out, err
	}
	out[1], err = t.MailCounts(ctx, today.AddDate(0, 0, -29), end)
	return out, err
}
