package mailrelay

import (
	"sync"
	"time"
)

// throttle counts failed sign-ins per remote address: after max failures
// within window the address is refused (454) until the window has passed
// since its first failure. It lives in memory: a restart forgives, which
// an attacker cannot trigger.
type throttle struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	now    func() time.Time
	seen   map[string]*failures
}

type failures struct {
	n     int
	first time.Time
}

func newThrottle(max int, window time.Duration) *throttle {
	return &throttle{max: max, window: window, now: time.Now, seen: map[string]*failures{}}
}

func (t *throttle) allowed(addr string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.seen[addr]
	if f == nil {
		return true
	}
	if t.now().Sub(f.first) > t.window {
		delete(t.seen, addr)
		return true
	}
	return f.n < t.max
}

func (t *throttle) fail(addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.seen[addr]
	if f == nil || t.now().Sub(f.first) > t.window {
		f = &failures{first: t.now()}
		t.seen[addr] = f
	}
	f.n++
	if len(t.seen) > 100000 { // bound memory under a spray of addresses
		for k, v := range t.seen {
			if t.now().Sub(v.first) > t.window {
				delete(t.seen, k)
			}
		}
	}
}
