package jobs

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/riverqueue/river"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/notify"
	"github.com/mamori-sec/mamori/internal/org"
)

// IncidentAlertArgs asks for the owners and keepers of an organisation to
// be told at once, on every channel they want, that an incident was
// reported.
type IncidentAlertArgs struct {
	OrgID      int64 `json:"org_id"`
	IncidentID int64 `json:"incident_id"`
}

// Kind names the job in River's table.
func (IncidentAlertArgs) Kind() string { return "incident_alert" }

// AlertIncident queues the alert for a reported incident, recorded in the
// organisation's audit trail with the enqueue.
func (q *Queue) AlertIncident(ctx context.Context, actor audit.Actor, orgID, incidentID int64) error {
	ev := audit.Event{Action: "incident.alert", Target: "incident:" + strconv.FormatInt(incidentID, 10)}
	return q.db.Tenant(orgID).QueueAction(ctx, actor, ev, func(ctx context.Context, tx *sql.Tx) error {
		_, err := q.client.InsertTx(ctx, tx, IncidentAlertArgs{OrgID: orgID, IncidentID: incidentID}, nil)
		return err
	})
}

// alertTx is the store's incident alert: it inserts the alert in the
// transaction that opens the incident (store.SetIncidentAlert).
func (q *Queue) alertTx(ctx context.Context, tx *sql.Tx, orgID, incidentID int64) error {
	_, err := q.client.InsertTx(ctx, tx, IncidentAlertArgs{OrgID: orgID, IncidentID: incidentID}, nil)
	return err
}

// incidentWorker sends an incident alert.
type incidentWorker struct {
	river.WorkerDefaults[IncidentAlertArgs]
	q *Queue
}

// Work tells each owner and keeper (and advisor) on the enabled channels
// they want, whatever their hours: an incident does not wait.
func (w *incidentWorker) Work(ctx context.Context, job *river.Job[IncidentAlertArgs]) error {
	t := w.q.db.Tenant(job.Args.OrgID)
	inc, err := t.Incident(ctx, job.Args.IncidentID)
	if err != nil {
		return err
	}
	rs, err := t.Recipients(ctx)
	if err != nil {
		return err
	}
	o, err := t.Org(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, r := range rs {
		if r.Role != org.Owner && r.Role != org.Keeper && r.Role != org.Advisor {
			continue
		}
		var kinds []notify.Kind
		for _, k := range r.Prefs.Kinds {
			ch, err := t.Channel(ctx, k)
			if err != nil {
				return err
			}
			if ch.Enabled {
				kinds = append(kinds, k)
			}
		}
		l := i18n.UserLocale(r.User.Locale)
		d := notify.Digest{Day: calendar.Of(w.q.now()), Recipient: r.Name,
			Alert: w.q.notify.Catalogue.T(l, "notify.msg.incident_intro", r.Name, w.q.notify.Catalogue.T(l, inc.Type.Key())),
			Items: []notify.Item{{Kind: notify.IncidentItem, Title: inc.Title,
				URL: w.q.notify.BaseURL + "/o/" + o.Slug + "/incidents/" + strconv.FormatInt(inc.ID, 10)}}}
		if err := w.q.deliver(ctx, t, r, d, kinds, false); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
