package main

import (
	"flag"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/jobs"
	"github.com/mamori-sec/mamori/internal/notify"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

// cmdNotifyTest queues a test message on one channel of an organisation,
// as the settings page's button does, to --user or else to an owner.
func cmdNotifyTest(e *env, args []string) error {
	var slug, channel, email string
	return withStore(e, "notify test", args, func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "org", "", e.cat.T(e.locale, "cli.flag.org_id"))
		fs.StringVar(&channel, "channel", "", e.cat.T(e.locale, "cli.notify.flag_channel"))
		fs.StringVar(&email, "user", "", e.cat.T(e.locale, "cli.notify.flag_user"))
	}, func(cfg config, db *store.DB) error {
		if slug == "" || channel == "" {
			return usageError{e.cat.T(e.locale, "cli.need_flags", "--org --channel")}
		}
		o, err := db.OrgBySlug(e.ctx, slug)
		if err != nil {
			return problem.New(problem.NotFound, "cli.org_not_found", slug)
		}
		k := notify.ParseKind(channel)
		if !k.Valid() {
			return problem.Field("channel", "notify.kind_invalid")
		}
		t := db.Tenant(o.ID)
		chans, err := t.Channels(e.ctx)
		if err != nil {
			return err
		}
		configured := false
		for _, c := range chans {
			configured = configured || (c.Kind == k && c.Enabled)
		}
		if !configured {
			return problem.New(problem.Invalid, "notify.test_not_configured", e.cat.T(e.locale, k.Label()), slug)
		}
		rs, err := t.Recipients(e.ctx)
		if err != nil {
			return err
		}
		var to *store.Recipient
		for i, r := range rs {
			if (email != "" && r.Email == store.NormaliseEmail(email)) || (email == "" && r.Role == org.Owner && to == nil) {
				to = &rs[i]
			}
		}
		if to == nil {
			if email != "" {
				return problem.New(problem.NotFound, "cli.notify.not_member", email, slug)
			}
			return problem.New(problem.NotFound, "cli.notify.no_owner", slug)
		}
		q, err := jobs.Open(db, jobs.Config{})
		if err != nil {
			return err
		}
		if err := q.SendTest(e.ctx, audit.CLI(), o.ID, to.ID, k); err != nil {
			return err
		}
		e.say("cli.notify.test_queued", e.cat.T(e.locale, k.Label()), to.Email)
		return nil
	})
}
