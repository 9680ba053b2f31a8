package web

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/jobs"
	"github.com/mamori-sec/mamori/internal/notify"
	"github.com/mamori-sec/mamori/internal/problem"
)

// JobBoard is the job queue as the pages use it (*jobs.Queue): the
// organisation's jobs, a retry, and the test message button.
type JobBoard interface {
	OrgJobs(ctx context.Context, orgID int64, completed int) ([]jobs.View, error)
	Retry(ctx context.Context, actor audit.Actor, orgID, jobID int64) error
	SendTest(ctx context.Context, actor audit.Actor, orgID, userID int64, k notify.Kind) error
	// SendSignInLink mails a one-time sign-in link to a member.
	SendSignInLink(ctx context.Context, actor audit.Actor, orgID, userID int64) error
}

// channelView is one channel on the organisation's notification page.
type channelView struct {
	notify.Channel
	HasSecret bool
	// Test is the latest test message's job, if any.
	Test *jobs.View
}

type notifySettingsPage struct {
	base
	Channels   []channelView
	Deliveries []deliveryView
	// Kind is the channel whose form is at fault.
	Kind notify.Kind
}

type deliveryView struct {
	UserName, Day, Kind, Status, Reason, Error string
	Items, Attempts                            int
}

func (s *Server) notifySettings(w http.ResponseWriter, r *http.Request) {
	p := notifySettingsPage{base: s.page(r, "notify.settings.title", "settings")}
	s.fillNotifySettings(r, &p)
	s.render(w, r, http.StatusOK, "notify_settings", p)
}

func (s *Server) fillNotifySettings(r *http.Request, p *notifySettingsPage) {
	st := stateOf(r)
	ctx := r.Context()
	chans, err := st.tenant.Channels(ctx)
	if err != nil {
		s.Logger.Error("channels", "component", "http", "error", err)
	}
	tests := map[notify.Kind]*jobs.View{}
	if s.Jobs != nil {
		vs, err := s.Jobs.OrgJobs(ctx, st.org.ID, 20)
		if err != nil {
			s.Logger.Error("jobs", "component", "http", "error", err)
		}
		for i := range vs {
			if v := vs[i]; v.Kind == (jobs.TestMessageArgs{}).Kind() && (tests[v.Channel] == nil || tests[v.Channel].ID < v.ID) {
				tests[v.Channel] = &vs[i]
			}
		}
	}
	p.Channels = p.Channels[:0]
	for _, c := range chans {
		p.Channels = append(p.Channels, channelView{Channel: c, HasSecret: c.Secret != "", Test: tests[c.Kind]})
	}
	ds, err := st.tenant.Deliveries(ctx, 20)
	if err != nil {
		s.Logger.Error("deliveries", "component", "http", "error", err)
	}
	for _, d := range ds {
		v := deliveryView{UserName: d.UserName, Day: p.Day(d.Day.String()), Kind: p.T(d.Kind.Label()), Status: p.T("notify.delivery." + d.Status),
			Items: d.Items, Attempts: d.Attempts, Error: d.Error}
		if d.Error != "" {
			v.Reason = p.T(notify.Reason(d.Error))
		}
		p.Deliveries = append(p.Deliveries, v)
	}
}

// notifyKind reads the {channel} of the path.
func notifyKind(r *http.Request) (notify.Kind, bool) {
	k := notify.Kind(r.PathValue("channel"))
	return k, k.Valid()
}

func (s *Server) notifySave(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	k, ok := notifyKind(r)
	if !ok {
		s.fail(w, r, problem.ErrNotFound)
		return
	}
	p := notifySettingsPage{base: s.page(r, "notify.settings.title", "settings"), Kind: k}
	if err := parseForm(r); err != nil {
		s.fillNotifySettings(r, &p)
		s.formError(w, r, err, "notify_settings", &p, &p.base)
		return
	}
	f := r.PostFormValue
	c := notify.Channel{Kind: k, Enabled: f("enabled") == "on", Host: strings.TrimSpace(f("host")), StartTLS: f("starttls") == "on",
		Username: strings.TrimSpace(f("username")), Sender: strings.TrimSpace(f("sender")), Room: strings.TrimSpace(f("room")), Bot: strings.TrimSpace(f("bot"))}
	fail := func(err error) {
		s.fillNotifySettings(r, &p)
		s.formError(w, r, err, "notify_settings", &p, &p.base)
	}
	if k == notify.Email {
		port, err := strconv.Atoi(strings.TrimSpace(f("port")))
		if err != nil {
			fail(problem.Field("port", "notify.port_invalid"))
			return
		}
		c.Port = port
	}
	if secret := strings.TrimSpace(f("secret")); secret != "" {
		if k == notify.Slack || k == notify.Teams || k == notify.GoogleChat {
			if err := notify.CheckWebhook(secret); err != nil {
				fail(err)
				return
			}
		}
		c.Secret = s.Box.Seal([]byte(secret), notify.SealContext(st.org.ID, k))
	}
	if err := st.tenant.SaveChannel(r.Context(), st.actor(r), c, f("clear_secret") == "on"); err != nil {
		fail(err)
		return
	}
	redirect(w, r, p.OrgURL("/settings/notify#"+string(k)), "saved")
}

func (s *Server) notifyTest(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	k, ok := notifyKind(r)
	if !ok || s.Jobs == nil {
		s.fail(w, r, problem.ErrNotFound)
		return
	}
	if err := s.Jobs.SendTest(r.Context(), st.actor(r), st.org.ID, st.user.ID, k); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/settings/notify#"+string(k), "notify_test_queued")
}

// apiNotifyTest queues a test message on the channel named in a JSON or
// form body, to the token's user, as the settings page's button does.
func (s *Server) apiNotifyTest(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if s.Jobs == nil {
		s.fail(w, r, problem.ErrNotFound)
		return
	}
	var body struct {
		Channel string `json:"channel"`
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/json" {
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			s.fail(w, r, problem.New(problem.Invalid, "error.bad_form"))
			return
		}
	} else if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	} else {
		body.Channel = r.PostFormValue("channel")
	}
	k := notify.ParseKind(body.Channel)
	if !k.Valid() {
		s.fail(w, r, problem.Field("channel", "notify.kind_invalid"))
		return
	}
	chans, err := st.tenant.Channels(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	configured := false
	for _, c := range chans {
		configured = configured || (c.Kind == k && c.Enabled)
	}
	if !configured {
		s.fail(w, r, problem.Field("channel", "notify.test_not_configured", s.Catalogue.T(apiLocale(r), k.Label()), st.org.Slug))
		return
	}
	if err := s.Jobs.SendTest(r.Context(), st.actor(r), st.org.ID, st.user.ID, k); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"queued": true, "channel": k})
}

type jobView struct {
	jobs.View
	KindLabel, StateLabel, ReasonText, Who, Channel string
}

type jobsPage struct {
	base
	Jobs []jobView
	// Unavailable says this server runs no queue client.
	Unavailable bool
}

func (s *Server) jobsList(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := jobsPage{base: s.page(r, "jobspage.title", "jobs")}
	if s.Jobs == nil {
		p.Unavailable = true
		s.render(w, r, http.StatusOK, "jobs", p)
		return
	}
	vs, err := s.Jobs.OrgJobs(r.Context(), st.org.ID, 20)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names := map[int64]string{}
	if ms, err := st.tenant.Members(r.Context()); err == nil {
		for _, m := range ms {
			names[m.ID] = m.Name
		}
	}
	for _, v := range vs {
		jv := jobView{View: v, KindLabel: v.Kind, StateLabel: v.State, Who: names[v.UserID]}
		if k := "jobspage.kind." + v.Kind; s.Catalogue.Has(k) {
			jv.KindLabel = p.T(k)
		}
		if k := "jobspage.state." + v.State; s.Catalogue.Has(k) {
			jv.StateLabel = p.T(k)
		}
		if v.Reason != "" {
			jv.ReasonText = p.T(v.Reason)
		}
		if v.Channel != "" {
			jv.Channel = p.T(v.Channel.Label())
		}
		p.Jobs = append(p.Jobs, jv)
	}
	s.render(w, r, http.StatusOK, "jobs", p)
}

func (s *Server) jobRetry(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || s.Jobs == nil {
		s.fail(w, r, problem.ErrNotFound)
		return
	}
	if err := s.Jobs.Retry(r.Context(), st.actor(r), st.org.ID, id); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/jobs", "job_retried")
}

type myNotifyPage struct {
	base
	Kinds  []notify.Kind
	Prefs  notify.Prefs
	Start  string
	End    string
	Wanted map[notify.Kind]bool
}

func (s *Server) myNotify(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := myNotifyPage{base: s.page(r, "notify.mine.title", "account"), Kinds: notify.Kinds}
	prefs, err := s.DB.NotifyPrefs(r.Context(), st.user.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.fill(prefs)
	s.render(w, r, http.StatusOK, "notify_mine", p)
}

func (p *myNotifyPage) fill(prefs notify.Prefs) {
	p.Prefs, p.Start, p.End = prefs, hhmm(prefs.Hours.Start), hhmm(prefs.Hours.End)
	p.Wanted = map[notify.Kind]bool{}
	for _, k := range prefs.Kinds {
		p.Wanted[k] = true
	}
}

func hhmm(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// minutes reads "HH:MM" (an <input type="time">) as minutes after midnight.
func minutes(s string) (int, bool) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 || hh == 24 && mm != 0 {
		return 0, false
	}
	return hh*60 + mm, true
}

func (s *Server) myNotifySave(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := myNotifyPage{base: s.page(r, "notify.mine.title", "account"), Kinds: notify.Kinds}
	if err := parseForm(r); err != nil {
		p.fill(notify.DefaultPrefs)
		s.formError(w, r, err, "notify_mine", &p, &p.base)
		return
	}
	var prefs notify.Prefs
	for _, v := range r.PostForm["channel"] {
		prefs.Kinds = append(prefs.Kinds, notify.Kind(v))
	}
	start, ok1 := minutes(r.PostFormValue("start"))
	end, ok2 := minutes(r.PostFormValue("end"))
	prefs.Hours = notify.Hours{Start: start, End: end}
	p.fill(prefs)
	p.Start, p.End = r.PostFormValue("start"), r.PostFormValue("end")
	if !ok1 || !ok2 {
		s.formError(w, r, problem.Field("start", "notify.hours_invalid"), "notify_mine", &p, &p.base)
		return
	}
	if err := s.DB.SetNotifyPrefs(r.Context(), st.actor(r), st.user.ID, prefs); err != nil {
		s.formError(w, r, err, "notify_mine", &p, &p.base)
		return
	}
	redirect(w, r, "/account/notify", "saved")
}
