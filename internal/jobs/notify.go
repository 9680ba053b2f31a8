package jobs

import (
	"context"
	"crypto/tls"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/notify"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/routine"
	"github.com/mamori-sec/mamori/internal/seal"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/workflow"
)

// DigestEvery is how often the scheduler looks for people whose hours
// have begun; a digest goes out within this long of the start of a
// person's hours.
const DigestEvery = 15 * time.Minute

// digestAttempts bounds a digest's retries: River's back-off (attempt⁴
// seconds) spreads eight attempts over about an hour and a half, then the
// job is discarded and shown as failed on the jobs page.
const digestAttempts = 8

// batch is how many jobs one InsertMany carries: River on SQLite inserts
// a job per transaction when inserted one by one.
const batch = 500

// Notify is what sending reminders needs; without Box and Catalogue the
// queue sends nothing (CLI commands that only insert).
type Notify struct {
	Box       *seal.Box
	Catalogue *i18n.Catalogue
	// BaseURL is mamori's address as people reach it, for the links back.
	BaseURL string
	// Now is the clock schedules are computed with (tests travel in time).
	Now       func() time.Time
	Endpoints notify.Endpoints
	HTTP      *http.Client
	// TLS overrides the smarthost's TLS configuration (tests trust their
	// own certificate authority).
	TLS *tls.Config
	// Routines lists a person's due routine occurrences; nil means the
	// organisation's own routines (store.Tenant.DueOccurrences).
	Routines RoutineSource
	// Every overrides DigestEvery.
	Every time.Duration
}

// DueLister lists a person's waiting routine occurrences in one
// organisation: store.Tenant.DueOccurrences.
type DueLister interface {
	DueOccurrences(ctx context.Context, assigneeUserID int64, through calendar.Day) ([]routine.Due, error)
}

// RoutineSource opens the due-occurrence lister of one organisation;
// tests give a fake.
type RoutineSource func(t store.Tenant) DueLister

// Source gathers one kind of digest item for a person.
type Source interface {
	Items(ctx context.Context, t store.Tenant, r store.Recipient, day calendar.Day, l i18n.Locale) ([]notify.Item, error)
}

// TopFindings is how many open findings a keeper's digest lists.
const TopFindings = 5

// findingsSource lists the organisation's most severe open findings to
// the people who act on them: owners, advisors and keepers.
type findingsSource struct {
	cat  *i18n.Catalogue
	base string
}

func (s findingsSource) Items(ctx context.Context, t store.Tenant, r store.Recipient, _ calendar.Day, l i18n.Locale) ([]notify.Item, error) {
	if r.Role != org.Owner && r.Role != org.Advisor && r.Role != org.Keeper {
		return nil, nil
	}
	o, err := t.Org(ctx)
	if err != nil {
		return nil, err
	}
	recs, _, err := t.Findings(ctx, store.FindingQuery{Status: findings.Open, Limit: TopFindings})
	if err != nil {
		return nil, err
	}
	out := make([]notify.Item, 0, len(recs))
	for _, f := range recs {
		tr := func(key string, args ...any) string { return s.cat.T(l, key, args...) }
		title := f.CheckID
		if c, ok := findings.Lookup(f.CheckID); ok {
			title = tr(c.TitleKey())
		}
		if d := f.Detail.Render(tr); d != "" {
			title += " — " + d
		}
		out = append(out, notify.Item{Kind: notify.FindingItem, Title: title, URL: fmt.Sprintf("%s/o/%s/findings/%d", s.base, o.Slug, f.ID)})
	}
	return out, nil
}

// routinesSource lists the routine occurrences assigned to the person
// that are due on or before the digest's day, not done and not paused.
type routinesSource struct {
	open RoutineSource
	cat  *i18n.Catalogue
	base string
}

func (s routinesSource) Items(ctx context.Context, t store.Tenant, r store.Recipient, day calendar.Day, l i18n.Locale) ([]notify.Item, error) {
	if s.open == nil {
		return nil, nil
	}
	due, err := s.open(t).DueOccurrences(ctx, r.ID, day)
	if err != nil {
		return nil, err
	}
	o, err := t.Org(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]notify.Item, 0, len(due))
	for _, d := range due {
		title := s.cat.T(l, "routine."+d.Chore.ID+".title")
		if d.Service != "" {
			title += " — " + d.Service
		}
		out = append(out, notify.Item{Kind: notify.RoutineItem, Title: title, Due: d.On, Overdue: d.DaysOverdue(day),
			URL: fmt.Sprintf("%s/o/%s/occurrences/%d", s.base, o.Slug, d.OccurrenceID)})
	}
	return out, nil
}

// leaversSource escalates to owners and keepers the organisation's leaver
// checklists still open past their due day (store.Tenant.OverdueChecklists),
// each linking to the leaver's page.
type leaversSource struct {
	cat  *i18n.Catalogue
	base string
}

func (s leaversSource) Items(ctx context.Context, t store.Tenant, r store.Recipient, day calendar.Day, l i18n.Locale) ([]notify.Item, error) {
	if r.Role != org.Owner && r.Role != org.Keeper {
		return nil, nil
	}
	lists, err := t.OverdueChecklists(ctx, day)
	if err != nil || len(lists) == 0 {
		return nil, err
	}
	o, err := t.Org(ctx)
	if err != nil {
		return nil, err
	}
	var out []notify.Item
	for _, c := range lists {
		if c.Kind != workflow.Leaver {
			continue
		}
		p, err := t.Person(ctx, c.PersonID)
		if err != nil {
			return nil, err
		}
		out = append(out, notify.Item{Kind: notify.LeaverItem, Title: s.cat.T(l, "notify.item.leaver_overdue", p.Name, c.OpenItems(), c.Due.Slashed()),
			Due: c.Due, Overdue: max(0, int(day-c.Due)), URL: fmt.Sprintf("%s/o/%s/people/%d", s.base, o.Slug, c.PersonID)})
	}
	return out, nil
}

// DigestAllArgs is the periodic job that queues the digest of everyone
// whose hours have begun on a working day.
type DigestAllArgs struct{}

// Kind names the job in River's table.
func (DigestAllArgs) Kind() string { return "digest_all" }

// DigestArgs asks for one person's digest of one day. It is unique by its
// arguments even once completed, so a person gets one digest per day.
type DigestArgs struct {
	OrgID  int64  `json:"org_id"`
	UserID int64  `json:"user_id"`
	Day    string `json:"day"`
}

// Kind names the job in River's table.
func (DigestArgs) Kind() string { return "digest" }

// InsertOpts bounds the retries and keeps one job per person and day.
func (DigestArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: digestAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateScheduled,
		rivertype.JobStateRetryable, rivertype.JobStateCompleted,
	}}}
}

// TestMessageArgs asks for a test message on one channel, to the person
// who pressed the button. One attempt: the page shows its result.
type TestMessageArgs struct {
	OrgID   int64       `json:"org_id"`
	UserID  int64       `json:"user_id"`
	Channel notify.Kind `json:"channel"`
}

// Kind names the job in River's table.
func (TestMessageArgs) Kind() string { return "notify_test" }

// InsertOpts makes a test a single attempt.
func (TestMessageArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 1} }

func (q *Queue) now() time.Time {
	if q.notify.Now != nil {
		return q.notify.Now()
	}
	return time.Now()
}

func (q *Queue) sources() []Source {
	return []Source{
		routinesSource{open: q.notify.Routines, cat: q.notify.Catalogue, base: q.notify.BaseURL},
		leaversSource{cat: q.notify.Catalogue, base: q.notify.BaseURL},
		findingsSource{cat: q.notify.Catalogue, base: q.notify.BaseURL},
		policySource{cat: q.notify.Catalogue, base: q.notify.BaseURL, now: q.now},
	}
}

func (q *Queue) items(ctx context.Context, t store.Tenant, r store.Recipient, day calendar.Day) ([]notify.Item, error) {
	var all []notify.Item
	for _, s := range q.sources() {
		its, err := s.Items(ctx, t, r, day, i18n.UserLocale(r.User.Locale))
		if err != nil {
			return nil, err
		}
		all = append(all, its...)
	}
	return all, nil
}

func (q *Queue) digestAll(ctx context.Context, _ *river.Job[DigestAllArgs]) error {
	n, err := q.QueueDigests(ctx)
	if n > 0 {
		q.log.Info("digests queued", "count", n)
	}
	return err
}

// QueueDigests queues, in batches, the digest of every person whose hours
// have begun today (a working day), who has something due and an enabled
// channel they want, and whose digest of today has not started. It
// returns how many it queued (a digest already queued today is not
// queued again).
func (q *Queue) QueueDigests(ctx context.Context) (int, error) {
	now := q.now()
	orgs, err := q.db.Orgs(ctx)
	if err != nil {
		return 0, err
	}
	var params []river.InsertManyParams
	queued := 0
	flush := func() error {
		if len(params) == 0 {
			return nil
		}
		res, err := q.client.InsertMany(ctx, params)
		for _, r := range res {
			if !r.UniqueSkippedAsDuplicate {
				queued++
			}
		}
		params = params[:0]
		return err
	}
	for _, o := range orgs {
		t := q.db.Tenant(o.ID)
		chans, err := t.Channels(ctx)
		if err != nil {
			return queued, err
		}
		enabled := map[notify.Kind]bool{}
		for _, c := range chans {
			enabled[c.Kind] = c.Enabled
		}
		rs, err := t.Recipients(ctx)
		if err != nil {
			return queued, err
		}
		var started map[int64]bool
		for _, r := range rs {
			if !reachable(r.Prefs, enabled) {
				continue
			}
			day, in, err := notify.DueNow(now, r.Prefs.Hours)
			if err != nil {
				return queued, err
			}
			if !in {
				continue
			}
			if started == nil {
				if started, err = t.DigestStarted(ctx, day); err != nil {
					return queued, err
				}
			}
			if started[r.ID] {
				continue
			}
			its, err := q.items(ctx, t, r, day)
			if err != nil {
				return queued, err
			}
			if len(its) == 0 {
				continue
			}
			params = append(params, river.InsertManyParams{Args: DigestArgs{OrgID: o.ID, UserID: r.ID, Day: day.String()}})
			if len(params) >= batch {
				if err := flush(); err != nil {
					return queued, err
				}
			}
		}
	}
	err = flush()
	return queued, err
}

func reachable(p notify.Prefs, enabled map[notify.Kind]bool) bool {
	for _, k := range p.Kinds {
		if enabled[k] {
			return true
		}
	}
	return false
}

// recipient finds a member of t by user id.
func recipient(ctx context.Context, t store.Tenant, userID int64) (store.Recipient, bool, error) {
	rs, err := t.Recipients(ctx)
	if err != nil {
		return store.Recipient{}, false, err
	}
	for _, r := range rs {
		if r.ID == userID {
			return r, true, nil
		}
	}
	return store.Recipient{}, false, nil
}

// digestWorker sends one person's digest of one day on each channel they
// want, skipping channels whose delivery is already recorded as sent (a
// retry, or a run after a crash, sends only what is missing).
type digestWorker struct {
	river.WorkerDefaults[DigestArgs]
	q *Queue
}

// Timeout bounds one attempt: a digest is a few messages.
func (w *digestWorker) Timeout(*river.Job[DigestArgs]) time.Duration { return 5 * time.Minute }

func (w *digestWorker) Work(ctx context.Context, job *river.Job[DigestArgs]) error {
	q := w.q
	t := q.db.Tenant(job.Args.OrgID)
	day, err := calendar.ParseISO(job.Args.Day)
	if err != nil {
		return river.JobCancel(err)
	}
	r, ok, err := recipient(ctx, t, job.Args.UserID)
	if err != nil || !ok {
		return err // no longer a member: nothing to send
	}
	// On its own day (or before it), a digest waits for the person's
	// hours: a retry in the evening goes out the next working morning. A
	// digest of a past day is late already and goes now.
	if now := q.now(); calendar.Of(now) <= day {
		at, err := notify.NextWindow(now, r.Prefs.Hours)
		if err != nil {
			return err
		}
		if at.After(now) {
			return river.JobSnooze(at.Sub(now))
		}
	}
	its, err := q.items(ctx, t, r, day)
	if err != nil || len(its) == 0 {
		return err
	}
	return q.deliver(ctx, t, r, notify.Digest{Day: day, Recipient: r.Name, Items: its}, r.Prefs.Kinds, true)
}

// deliver sends d to r on each kind that is enabled, recording each
// delivery when record is set (digests; a test message is not recorded).
func (q *Queue) deliver(ctx context.Context, t store.Tenant, r store.Recipient, d notify.Digest, kinds []notify.Kind, record bool) error {
	o, err := t.Org(ctx)
	if err != nil {
		return err
	}
	d.Org, d.URL = o.Name, q.notify.BaseURL+"/o/"+o.Slug+"/"
	l := i18n.UserLocale(r.User.Locale)
	tr := func(key string, args ...any) string { return q.notify.Catalogue.T(l, key, args...) }
	var errs []error
	for _, k := range kinds {
		ch, err := t.Channel(ctx, k)
		if err != nil {
			return err
		}
		if !ch.Enabled {
			if !record {
				errs = append(errs, fmt.Errorf("%s: %w", k, notify.ErrIncomplete))
			}
			continue
		}
		key := notify.IdempotencyKey(t.OrgID(), r.ID, d.Day, k)
		if record {
			need, err := t.ClaimDelivery(ctx, r.ID, d.Day, k, key, len(d.Items))
			if err != nil {
				return err
			}
			if !need {
				continue
			}
		}
		sendErr := q.send(ctx, t.OrgID(), ch, r, d, tr, key)
		if record {
			if err := t.FinishDelivery(ctx, key, sendErr); err != nil {
				return err
			}
		}
		if sendErr != nil {
			q.log.Warn("notify failed", "org_id", t.OrgID(), "user_id", r.ID, "channel", k, "error", sendErr)
			errs = append(errs, fmt.Errorf("%s: %w", k, sendErr))
		}
	}
	return errors.Join(errs...)
}

// send delivers one message on one channel, opening its sealed secret.
func (q *Queue) send(ctx context.Context, orgID int64, ch notify.Channel, r store.Recipient, d notify.Digest, tr notify.T, key string) error {
	if q.notify.Box == nil || q.notify.Catalogue == nil {
		return errors.New("notify: this process cannot send (no key)")
	}
	secret := ""
	if ch.Secret != "" {
		b, err := q.notify.Box.Open(ch.Secret, notify.SealContext(orgID, ch.Kind))
		if err != nil {
			return fmt.Errorf("notify: open secret: %w", err)
		}
		secret = string(b)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if ch.Kind == notify.Email {
		m := notify.EmailOf(d, tr)
		to := (&mailAddr{r.Name, r.Email}).String()
		msg, err := notify.Message(ch.Sender, to, m, q.now(), key)
		if err != nil {
			return err
		}
		sh := notify.Smarthost{Host: ch.Host, Port: ch.Port, StartTLS: ch.StartTLS, Username: ch.Username, Password: secret, From: addrOnly(ch.Sender), TLS: q.notify.TLS}
		return sh.Send(ctx, r.Email, msg)
	}
	tg := notify.Target{Kind: ch.Kind, Room: ch.Room, Bot: ch.Bot}
	switch ch.Kind {
	case notify.Slack, notify.Teams, notify.GoogleChat:
		tg.URL = secret
	default:
		tg.Token = secret
	}
	req, err := notify.Request(ctx, tg, q.notify.Endpoints, d, tr)
	if err != nil {
		return err
	}
	c := q.notify.HTTP
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Second}
	}
	return notify.Post(c, req)
}

// testWorker sends a test message on one channel.
type testWorker struct {
	river.WorkerDefaults[TestMessageArgs]
	q *Queue
}

func (w *testWorker) Work(ctx context.Context, job *river.Job[TestMessageArgs]) error {
	t := w.q.db.Tenant(job.Args.OrgID)
	r, ok, err := recipient(ctx, t, job.Args.UserID)
	if err != nil || !ok {
		return err
	}
	d := notify.Digest{Day: calendar.Of(w.q.now()), Recipient: r.Name, Test: true}
	return w.q.deliver(ctx, t, r, d, []notify.Kind{job.Args.Channel}, false)
}

// SendTest queues a test message on channel k to the user, recorded in the
// organisation's audit trail with the enqueue.
func (q *Queue) SendTest(ctx context.Context, actor audit.Actor, orgID, userID int64, k notify.Kind) error {
	if !k.Valid() {
		return problem.Field("channel", "notify.kind_invalid")
	}
	ev := audit.Event{Action: "notify.test", Target: "notify_channel:" + string(k)}
	return q.db.Tenant(orgID).QueueAction(ctx, actor, ev, func(ctx context.Context, tx *sql.Tx) error {
		_, err := q.client.InsertTx(ctx, tx, TestMessageArgs{OrgID: orgID, UserID: userID, Channel: k}, nil)
		return err
	})
}

// View is one job as the jobs page shows it.
type View struct {
	ID          int64
	Kind        string
	State       string
	Attempt     int
	MaxAttempts int
	CreatedAt   time.Time
	ScheduledAt time.Time
	AttemptedAt time.Time // the last attempt's start; zero before the first
	FinalizedAt time.Time
	// Error is the last attempt's error ("" when none); Reason its
	// catalogue key in words (notify.Reason).
	Error  string
	Reason string
	UserID int64
	// Channel is a test message's channel.
	Channel notify.Kind
	Day     string
}

// Retryable reports whether the page offers a retry.
func (v View) Retryable() bool {
	return v.State == string(rivertype.JobStateDiscarded) || v.State == string(rivertype.JobStateRetryable) || v.State == string(rivertype.JobStateCancelled)
}

// orgFilter limits River's job list to jobs whose arguments carry the
// organisation's id; the same SQL reads JSON on both engines.
const orgFilter = "CAST(args ->> 'org_id' AS BIGINT) = @org_id"

// OrgJobs lists the organisation's jobs not yet done — queued, scheduled,
// running, waiting to retry — and those that failed for good, newest
// first, then the last few completed.
func (q *Queue) OrgJobs(ctx context.Context, orgID int64, completed int) ([]View, error) {
	open := river.NewJobListParams().Where(orgFilter, river.NamedArgs{"org_id": orgID}).
		States(rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateScheduled,
			rivertype.JobStateRetryable, rivertype.JobStateDiscarded, rivertype.JobStateCancelled).
		OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(200)
	res, err := q.client.JobList(ctx, open)
	if err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}
	rows := res.Jobs
	if completed > 0 {
		done := river.NewJobListParams().Where(orgFilter, river.NamedArgs{"org_id": orgID}).
			States(rivertype.JobStateCompleted).OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(completed)
		res, err := q.client.JobList(ctx, done)
		if err != nil {
			return nil, fmt.Errorf("list jobs: %w", err)
		}
		rows = append(rows, res.Jobs...)
	}
	out := make([]View, 0, len(rows))
	for _, j := range rows {
		out = append(out, viewOf(j))
	}
	return out, nil
}

func viewOf(j *rivertype.JobRow) View {
	v := View{ID: j.ID, Kind: j.Kind, State: string(j.State), Attempt: j.Attempt, MaxAttempts: j.MaxAttempts, CreatedAt: j.CreatedAt, ScheduledAt: j.ScheduledAt}
	if j.FinalizedAt != nil {
		v.FinalizedAt = *j.FinalizedAt
	}
	if j.AttemptedAt != nil {
		v.AttemptedAt = *j.AttemptedAt
	}
	if n := len(j.Errors); n > 0 {
		v.Error = j.Errors[n-1].Error
		v.Reason = notify.Reason(v.Error)
	}
	var a struct {
		UserID  int64       `json:"user_id"`
		Channel notify.Kind `json:"channel"`
		Day     string      `json:"day"`
	}
	_ = json.Unmarshal(j.EncodedArgs, &a)
	v.UserID, v.Channel, v.Day = a.UserID, a.Channel, a.Day
	return v
}

// Retry runs a failed or waiting job of the organisation again now,
// recorded in its audit trail. A job of another organisation is not found.
func (q *Queue) Retry(ctx context.Context, actor audit.Actor, orgID, jobID int64) error {
	j, err := q.client.JobGet(ctx, jobID)
	if errors.Is(err, river.ErrNotFound) {
		return problem.ErrNotFound
	}
	if err != nil {
		return err
	}
	var a struct {
		OrgID int64 `json:"org_id"`
	}
	if json.Unmarshal(j.EncodedArgs, &a) != nil || a.OrgID != orgID {
		return problem.ErrNotFound
	}
	ev := audit.Event{Action: "job.retry", Target: "job:" + strconv.FormatInt(jobID, 10), Before: map[string]any{"state": string(j.State)}, After: map[string]any{"state": "available"}}
	return q.db.Tenant(orgID).QueueAction(ctx, actor, ev, func(ctx context.Context, tx *sql.Tx) error {
		_, err := q.client.JobRetryTx(ctx, tx, jobID)
		return err
	})
}

// mailAddr formats a display name and address.
type mailAddr struct{ name, addr string }

func (m *mailAddr) String() string {
	if m.name == "" {
		return m.addr
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(m.name) + `" <` + m.addr + ">"
}

// addrOnly is the bare address of "Name <addr>".
func addrOnly(s string) string {
	if i, j := strings.LastIndex(s, "<"), strings.LastIndex(s, ">"); i >= 0 && j > i {
		return s[i+1 : j]
	}
	return strings.TrimSpace(s)
}
