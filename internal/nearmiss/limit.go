package nearmiss

import (
	"sync"
	"time"
)

// Limiter counts events per key in a fixed window and refuses once a key
// has had Max of them. It lives in memory: the public channel must not
// write who tried what, and a restart forgetting the counts only gives a
// guesser a fresh window, not a useful number of tries (a receipt code
// has 100 bits).
type Limiter struct {
	Max    int
	Window time.Duration
	mu     sync.Mutex
	seen   map[string]*window
}

type window struct {
	start time.Time
	n     int
}

// limiterMax bounds the keys kept; past it, windows already over are
// dropped, and if that is not enough, all are (a bound, not a policy).
const limiterMax = 100_000

// Allow counts one event of key at now and reports whether it is within
// the limit, and when not, how long until the window ends.
func (l *Limiter) Allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = map[string]*window{}
	}
	w := l.seen[key]
	if w == nil || now.Sub(w.start) >= l.Window {
		if len(l.seen) >= limiterMax {
			l.sweep(now)
		}
		w = &window{start: now}
		l.seen[key] = w
	}
	if w.n >= l.Max {
		return false, w.start.Add(l.Window).Sub(now)
	}
	w.n++
	return true, 0
}

// Blocked reports whether key has used up its window, without counting.
func (l *Limiter) Blocked(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.seen[key]
	if w == nil || now.Sub(w.start) >= l.Window || w.n < l.Max {
		return false, 0
	}
	return true, w.start.Add(l.Window).Sub(now)
}

func (l *Limiter) sweep(now time.Time) {
	for k, w := range l.seen {
		if now.Sub(w.start) >= l.Window {
			delete(l.seen, k)
		}
	}
	if len(l.seen) >= limiterMax {
		l.seen = map[string]*window{}
	}
}
