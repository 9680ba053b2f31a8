package web

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
)

// dashData is what the dashboard reads from the database. It is cached per
// organisation and thrown away as soon as anything in the install changes
// (the audit head moves) or the day turns, so it is never stale; the
// dashboard is the page people open most.
type dashData struct {
	version int64
	day     string
	summary store.Summary
	recent  []audit.Entry
	names   inventory.Names // of the records the recent entries name
	open    []findings.OpenCount
	risks   riskFigure
	// incidents are the incident figures (issue 12).
	incidents store.IncidentFigures
}

// dashCache keeps each organisation's dashData; dashMods keeps the
// figures of the later modules beside it (dashModFigures), which the
// findings page, the other reader of dashData, does not need.
type dashCache struct {
	flight[dashKey, dashData]
}

type dashMods struct {
	flight[dashKey, dashModFigures]
	mail flight[dashKey, [2]mailguard.Day]
}

// dashKey is what cached figures depend on besides the organisation: the
// audit head (every audited change moves it), the day, and for the mail
// guard's figures the organisation's mail version (0 where not used).
type dashKey struct {
	version, mail int64
	day           string
}

func (c *dashCache) get(ctx context.Context, db *store.DB, t store.Tenant, now time.Time) (dashData, error) {
	v, err := db.Version(ctx)
	if err != nil {
		return dashData{}, err
	}
	return c.at(ctx, t, dashKey{version: v, day: calendar.Of(now).String()})
}

// at is get with the version already read.
func (c *dashCache) at(ctx context.Context, t store.Tenant, k dashKey) (dashData, error) {
	k.mail = 0
	return c.flight.get(ctx, t.OrgID(), k, func(ctx context.Context) (dashData, error) { return readDash(ctx, t, k.version, k.day) })
}

// at reads the figures keyed by the audit head and the day, and the mail
// guard's apart, keyed by the mail version as well (a cancelled message is
// audited, an accepted one is not): mail accepted moves the mail version
// alone, and in a busy company it moves often.
func (c *dashMods) at(ctx context.Context, t store.Tenant, k dashKey, open []findings.OpenCount) (dashModFigures, error) {
	d, err := c.flight.get(ctx, t.OrgID(), dashKey{version: k.version, day: k.day}, func(ctx context.Context) (dashModFigures, error) {
		return readDashMods(ctx, t, k.day, open)
	})
	if err != nil {
		return d, err
	}
	d.mail, err = c.mail.get(ctx, t.OrgID(), k, func(ctx context.Context) ([2]mailguard.Day, error) {
		today, err := calendar.ParseISO(k.day)
		if err != nil {
			return [2]mailguard.Day{}, err
		}
		return readMailFigures(ctx, t, today)
	})
	return d, err
}

// flight keeps one value per organisation for a key, read once: the
// requests that arrive while it is being read wait for that reading rather
// than each reading it again — in a large organisation that takes a second,
// and a change makes every open dashboard and findings page ask at once.
type flight[K comparable, T any] struct {
	mu      sync.Mutex
	entries map[int64]flightEntry[K, T]
	filling map[int64]*flightFill[K, T] // per organisation, the entry being read now
}

type flightEntry[K comparable, T any] struct {
	key K
	d   T
}

type flightFill[K comparable, T any] struct {
	key  K
	done chan struct{}
	d    T
	err  error
}

func (c *flight[K, T]) get(ctx context.Context, orgID int64, k K, read func(context.Context) (T, error)) (T, error) {
	var zero T
	c.mu.Lock()
	e, ok := c.entries[orgID]
	if ok && e.key == k {
		c.mu.Unlock()
		return e.d, nil
	}
	if f := c.filling[orgID]; f != nil && f.key == k {
		c.mu.Unlock()
		select {
		case <-f.done:
			if f.err != nil && ctx.Err() == nil && (errors.Is(f.err, context.Canceled) || errors.Is(f.err, context.DeadlineExceeded)) {
				return c.get(ctx, orgID, k, read) // the request reading it went away; this one reads
			}
			return f.d, f.err
		case <-ctx.Done():
			return zero, ctx.Err()
		}
	}
	f := &flightFill[K, T]{key: k, done: make(chan struct{})}
	if c.filling == nil {
		c.filling = map[int64]*flightFill[K, T]{}
	}
	c.filling[orgID] = f
	c.mu.Unlock()

	f.d, f.err = read(ctx)
	c.mu.Lock()
	if c.filling[orgID] == f {
		delete(c.filling, orgID)
	}
	if f.err == nil {
		if c.entries == nil {
			c.entries = map[int64]flightEntry[K, T]{}
		}
		c.entries[orgID] = flightEntry[K, T]{key: k, d: f.d}
	}
	c.mu.Unlock()
	close(f.done)
	return f.d, f.err
}

// readDash reads an organisation's figures for the cache.
func readDash(ctx context.Context, t store.Tenant, version int64, day string) (dashData, error) {
	d := dashData{version: version, day: day}
	var err error
	if d.summary, err = t.Summary(ctx); err != nil {
		return d, err
	}
	// Computed for every role and cached once; the handler shows only what
	// the viewer may see.
	if d.recent, err = t.Audit(ctx, store.AuditFilter{Limit: 8}); err != nil {
		return d, err
	}
	want := inventory.Want{}
	auditWant(want, d.recent)
	if d.names, err = t.Names(ctx, want); err != nil {
		return d, err
	}
	if d.open, err = t.OpenByCheck(ctx); err != nil {
		return d, err
	}
	if d.risks, err = readRiskFigure(ctx, t, day); err != nil {
		return d, err
	}
	if d.incidents, err = t.IncidentFigures(ctx); err != nil {
		return d, err
	}
	return d, nil
}

// dashPageKey is everything a rendered dashboard depends on: the viewer and
// their organisation as read for this request (whole records, so that a
// renamed user, a second factor enrolled or a changed setting is another
// key), their role, the language, the figures' version and day, the
// address (flash messages, the language switch's return path) and the
// block rendered.
type dashPageKey struct {
	user    auth.User
	org     org.Org
	role    org.Role
	locale  i18n.Locale
	version int64
	day     string
	uri     string
	block   string
	// mail is the organisation's mail version: accepted mail and
	// downloads do not move the audit head.
	mail int64
}

// dashPages keeps the last dashboard rendered for each user and
// organisation. The figures only change with a write (which moves the
// audit head, and so the version in the key) or with the day; between
// them, the page is the same bytes, and rendering it was most of a
// dashboard request's cost.
type dashPages struct {
	mu      sync.Mutex
	entries map[[2]int64]dashPage
}

type dashPage struct {
	key  dashPageKey
	body []byte
}

const dashPagesMax = 4096

func (c *dashPages) get(k dashPageKey) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[[2]int64{k.user.ID, k.org.ID}]
	if !ok || e.key != k {
		return nil, false
	}
	return e.body, true
}

func (c *dashPages) put(k dashPageKey, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= dashPagesMax {
		c.entries = map[[2]int64]dashPage{}
	}
	c.entries[[2]int64{k.user.ID, k.org.ID}] = dashPage{key: k, body: body}
}

// portfolios keeps each user's organisations with their summaries and
// figures, read in four queries whatever their number, until anything in the install changes (the audit head moves:
// a membership, a person, a second factor) or the day turns. An advisor
// opens the portfolio of hundreds of companies again and again between
// changes.
type portfolios struct {
	mu      sync.Mutex
	entries map[int64]portfolioData
}

type portfolioData struct {
	version int64
	day     string
	orgs    []store.MemberOrgSummary
	figs    map[int64]*store.OrgFigures // by organisation
}

func (c *portfolios) get(ctx context.Context, db *store.DB, userID int64, now time.Time) (portfolioData, error) {
	v, err := db.Version(ctx)
	if err != nil {
		return portfolioData{}, err
	}
	today := calendar.Of(now)
	day := today.String()
	c.mu.Lock()
	e, ok := c.entries[userID]
	c.mu.Unlock()
	if ok && e.version == v && e.day == day {
		return e, nil
	}
	e = portfolioData{version: v, day: day}
	if e.orgs, err = db.UserOrgSummaries(ctx, userID); err != nil {
		return e, err
	}
	if e.figs, err = db.UserOrgFigures(ctx, userID, today); err != nil {
		return e, err
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= dashPagesMax {
		c.entries = map[int64]portfolioData{}
	}
	c.entries[userID] = e
	c.mu.Unlock()
	return e, nil
}
