package posture

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/store"
)

// Runner re-evaluates organisations in the background: shortly after their
// inventory changes (changes in a burst, like an import, cause one
// evaluation) and once a day for all, so that time-based findings (an
// account unused for 90 days, an accepted risk that expires) appear on
// their own.
type Runner struct {
	db    *store.DB
	log   *slog.Logger
	now   func() time.Time
	delay time.Duration

	mu      sync.Mutex
	pending map[int64]time.Time // org → when to evaluate
	wake    chan struct{}
}

// NewRunner returns a runner that waits delay after the last change.
func NewRunner(db *store.DB, log *slog.Logger, now func() time.Time, delay time.Duration) *Runner {
	if now == nil {
		now = time.Now
	}
	return &Runner{db: db, log: log.With("component", "posture"), now: now, delay: delay, pending: map[int64]time.Time{}, wake: make(chan struct{}, 1)}
}

// Touch asks for an evaluation of the organisation soon.
func (r *Runner) Touch(orgID int64) {
	r.mu.Lock()
	r.pending[orgID] = r.now().Add(r.delay)
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run evaluates until ctx ends: every organisation at start and daily,
// touched ones after their delay.
func (r *Runner) Run(ctx context.Context) {
	r.touchAll(ctx)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	day := time.NewTicker(24 * time.Hour)
	defer day.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-day.C:
			r.touchAll(ctx)
		case <-tick.C:
		case <-r.wake:
		}
		for _, id := range r.due() {
			if ctx.Err() != nil {
				return
			}
			res, err := Evaluate(ctx, r.db.Tenant(id), audit.System, r.now())
			if err != nil {
				r.log.Error("evaluate", "org_id", id, "error", err)
				continue
			}
			r.log.Info("evaluated", "org_id", id, "findings", res.Findings, "opened", res.Sync.Opened, "resolved", res.Sync.Resolved, "score", res.Score.Value, "duration_ms", res.Took.Milliseconds())
		}
	}
}

func (r *Runner) touchAll(ctx context.Context) {
	orgs, err := r.db.Orgs(ctx)
	if err != nil {
		if ctx.Err() == nil {
			r.log.Error("list organisations", "error", err)
		}
		return
	}
	r.mu.Lock()
	now := r.now()
	for _, o := range orgs {
		if _, ok := r.pending[o.ID]; !ok {
			r.pending[o.ID] = now
		}
	}
	r.mu.Unlock()
}

func (r *Runner) due() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	var out []int64
	for id, at := range r.pending {
		if !at.After(now) {
			out = append(out, id)
			delete(r.pending, id)
		}
	}
	return out
}
