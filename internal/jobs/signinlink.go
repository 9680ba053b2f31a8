package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"html"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/notify"
	"github.com/mamori-sec/mamori/internal/store"
)

// SignInLinkLifetime is how long an e-mailed sign-in link stays usable.
const SignInLinkLifetime = 30 * time.Minute

// SignInLinkArgs asks for a one-time sign-in link to be mailed to a
// member through their organisation's mail settings. The link's token is
// made when the job runs, so it is never kept in the queue's table.
type SignInLinkArgs struct {
	OrgID  int64 `json:"org_id"`
	UserID int64 `json:"user_id"`
}

// Kind names the job in River's table.
func (SignInLinkArgs) Kind() string { return "signin_link" }

// InsertOpts: a few attempts, and one waiting link per person at a time.
func (SignInLinkArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateScheduled, rivertype.JobStateRetryable,
	}}}
}

// SendSignInLink queues a sign-in link for user, recorded in the
// organisation's trail with the enqueue.
func (q *Queue) SendSignInLink(ctx context.Context, actor audit.Actor, orgID, userID int64) error {
	ev := audit.Event{Action: "signin.link_sent", Target: fmt.Sprintf("user:%d", userID)}
	return q.db.Tenant(orgID).QueueAction(ctx, actor, ev, func(ctx context.Context, tx *sql.Tx) error {
		_, err := q.client.InsertTx(ctx, tx, SignInLinkArgs{OrgID: orgID, UserID: userID}, nil)
		return err
	})
}

type signInLinkWorker struct {
	river.WorkerDefaults[SignInLinkArgs]
	q *Queue
}

func (w *signInLinkWorker) Work(ctx context.Context, job *river.Job[SignInLinkArgs]) error {
	q := w.q
	if q.notify.Box == nil || q.notify.Catalogue == nil {
		return river.JobCancel(fmt.Errorf("signin link: this process cannot send"))
	}
	t := q.db.Tenant(job.Args.OrgID)
	r, ok, err := recipient(ctx, t, job.Args.UserID)
	if err != nil || !ok || r.User.Disabled {
		return err
	}
	ch, err := t.Channel(ctx, notify.Email)
	if err != nil {
		return err
	}
	if !ch.Enabled {
		return river.JobCancel(notify.ErrIncomplete)
	}
	token, hash := auth.NewToken()
	if err := q.db.CreateOneTimeToken(ctx, audit.System, store.TokenSignIn, hash, r.ID, SignInLinkLifetime); err != nil {
		return err
	}
	l := i18n.UserLocale(r.User.Locale)
	tr := func(key string, args ...any) string { return q.notify.Catalogue.T(l, key, args...) }
	link := q.notify.BaseURL + "/signin/link/" + token
	mins := int(SignInLinkLifetime.Minutes())
	m := notify.Mail{Subject: tr("signinlink.mail_subject"),
		Text: tr("signinlink.mail_text", r.Name, link, mins),
		HTML: "<p>" + html.EscapeString(tr("signinlink.mail_greeting", r.Name)) + "</p><p><a href=\"" + html.EscapeString(link) + "\">" +
			html.EscapeString(tr("signinlink.mail_button")) + "</a></p><p>" + html.EscapeString(tr("signinlink.mail_note", mins)) + "</p>"}
	key := fmt.Sprintf("signin-%d-%d", job.ID, job.Attempt)
	msg, err := notify.Message(ch.Sender, (&mailAddr{r.Name, r.Email}).String(), m, q.now(), key)
	if err != nil {
		return err
	}
	secret := ""
	if ch.Secret != "" {
		b, err := q.notify.Box.Open(ch.Secret, notify.SealContext(job.Args.OrgID, ch.Kind))
		if err != nil {
			return fmt.Errorf("notify: open secret: %w", err)
		}
		secret = string(b)
	}
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	sh := notify.Smarthost{Host: ch.Host, Port: ch.Port, StartTLS: ch.StartTLS, Username: ch.Username, Password: secret, From: addrOnly(ch.Sender), TLS: q.notify.TLS}
	return sh.Send(sctx, r.Email, msg)
}
