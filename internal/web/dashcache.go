package web

import (
	"context"
	"sync"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
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
	open    []store.FindingCount
}

type dashCache struct {
	mu      sync.Mutex
	entries map[int64]dashData
}

func (c *dashCache) get(ctx context.Context, db *store.DB, t store.Tenant, now time.Time) (dashData, error) {
	v, err := db.Version(ctx)
	if err != nil {
		return dashData{}, err
	}
	day := now.In(jst).Format(time.DateOnly)
	c.mu.Lock()
	d, ok := c.entries[t.OrgID()]
	c.mu.Unlock()
	if ok && d.version == v && d.day == day {
		return d, nil
	}
	d = dashData{version: v, day: day}
	if d.summary, err = t.Summary(ctx); err != nil {
		return d, err
	}
	// Computed for every role and cached once; the handler shows only what
	// the viewer may see.
	if d.recent, err = t.Audit(ctx, store.AuditFilter{Limit: 8}); err != nil {
		return d, err
	}
	if d.open, err = t.OpenByCheck(ctx); err != nil {
		return d, err
	}
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[int64]dashData{}
	}
	c.entries[t.OrgID()] = d
	c.mu.Unlock()
	return d, nil
}
