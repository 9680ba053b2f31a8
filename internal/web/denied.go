package web

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/mamori-sec/mamori/internal/store"
)

// deniedEvery is how often one member's refusals on one route are written
// to the audit trail: the first in each minute is, the rest are not.
const deniedEvery = time.Minute

// deniedLog decides which refused requests reach the audit trail. A member
// could otherwise fill their organisation's trail (which can never be
// shortened) by repeating a forbidden request: at most one entry per user,
// organisation and route per minute is kept, so a member can add at most
// one entry per route per minute — per app server, since the memory is
// each server's own.
type deniedLog struct {
	mu   sync.Mutex
	last map[deniedKey]time.Time
}

type deniedKey struct {
	user, org int64
	route     string
}

// deniedLogMax bounds the memory: past it, entries older than deniedEvery
// are dropped (they no longer hold anything back).
const deniedLogMax = 10000

func newDeniedLog() *deniedLog { return &deniedLog{last: map[deniedKey]time.Time{}} }

// due reports whether the refusal k at now is to be recorded, and if so
// remembers it.
func (l *deniedLog) due(k deniedKey, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t, ok := l.last[k]; ok && now.Sub(t) < deniedEvery && !now.Before(t) {
		return false
	}
	if len(l.last) >= deniedLogMax {
		for key, t := range l.last {
			if now.Sub(t) >= deniedEvery {
				delete(l.last, key)
			}
		}
	}
	l.last[k] = now
	return true
}

// recordDenied writes a member's refused request to the organisation's
// audit trail, at most once a minute per user and route. The refusal
// stands whether or not the write succeeds; a failure is logged.
func (s *Server) recordDenied(r *http.Request) {
	st := stateOf(r)
	method, route, ok := strings.Cut(r.Pattern, " ")
	if !ok {
		method, route = r.Method, r.Pattern
	}
	if !s.denied.due(deniedKey{user: st.user.ID, org: st.org.ID, route: r.Pattern}, s.Now()) {
		return
	}
	err := st.tenant.RecordDenied(r.Context(), st.actor(r), store.Denial{Method: method, Route: route, Path: r.URL.Path})
	if err != nil {
		s.Logger.Error("record refused request", "component", "http", "path", r.URL.Path, "error", err)
	}
}
