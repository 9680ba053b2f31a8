package auth

import (
	"net/netip"
	"time"
)

// DeviceLifetime is how long a known device stays known after its last
// full sign-in.
const DeviceLifetime = 180 * 24 * time.Hour

// Throttle is the policy for failed sign-ins. It slows guessing down
// without letting anyone lock a person out: nothing here ever refuses for
// longer than its cap, and a known device with the right password and
// second factor is only held back by its own failures.
//
//   - Pair: one account from one client (an address, or a known device).
//     PairFree failures are free, then each further failure doubles the
//     wait from PairBase up to PairMax. A success resets the pair.
//   - Account: when failures for one account come from AccountClients or
//     more clients within Window (a guess spread over many addresses),
//     every attempt that is not from a known device waits from the
//     account's last failure, doubling per further client up to AccountMax.
//   - Client: when one client fails for ClientAccounts or more accounts
//     within Window (password spraying), attempts from it that are not from
//     a known device wait likewise, up to ClientMax.
type Throttle struct {
	PairFree   int
	PairBase   time.Duration
	PairMax    time.Duration
	PairMemory time.Duration // a pair's failures older than this are forgotten

	Window         time.Duration
	AccountClients int
	AccountBase    time.Duration
	AccountMax     time.Duration
	ClientAccounts int
	ClientBase     time.Duration
	ClientMax      time.Duration
}

// DefaultThrottle lets a person mistype a few times unnoticed, holds one
// attacking client to about four guesses an hour per account, and never
// keeps the owner waiting longer than five minutes because of others.
var DefaultThrottle = Throttle{
	PairFree: 3, PairBase: time.Second, PairMax: 15 * time.Minute, PairMemory: 24 * time.Hour,
	Window:         time.Hour,
	AccountClients: 4, AccountBase: time.Second, AccountMax: 5 * time.Minute,
	ClientAccounts: 10, ClientBase: time.Second, ClientMax: time.Minute,
}

// Failures is what was counted for one sign-in attempt, for Throttle.Wait.
type Failures struct {
	Pair           int       // by this client (or known device) for this account
	PairLast       time.Time // the latest of those
	AccountClients int       // distinct clients that failed for this account within Window
	AccountLast    time.Time
	ClientAccounts int // distinct accounts this client failed for within Window
	ClientLast     time.Time
}

// Throttle scopes, as logged.
const (
	ScopePair    = "pair"
	ScopeAccount = "account"
	ScopeClient  = "client"
)

// Wait reports how long the attempt must wait (0: go ahead) and which
// limit holds it. knownDevice exempts the attempt from the account and
// client limits, which others' failures can raise.
func (t Throttle) Wait(f Failures, knownDevice bool, now time.Time) (time.Duration, string) {
	wait, scope := until(f.PairLast, backoff(f.Pair, t.PairFree, t.PairBase, t.PairMax), now), ScopePair
	if knownDevice {
		return wait, scope
	}
	if w := until(f.AccountLast, backoff(f.AccountClients, t.AccountClients, t.AccountBase, t.AccountMax), now); w > wait {
		wait, scope = w, ScopeAccount
	}
	if w := until(f.ClientLast, backoff(f.ClientAccounts, t.ClientAccounts, t.ClientBase, t.ClientMax), now); w > wait {
		wait, scope = w, ScopeClient
	}
	return wait, scope
}

// backoff is 0 below free, then base doubled for each count above it,
// capped at max.
func backoff(n, free int, base, max time.Duration) time.Duration {
	if n < free || base <= 0 {
		return 0
	}
	d := base
	for i := free; i < n && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}

func until(last time.Time, d time.Duration, now time.Time) time.Duration {
	if d == 0 || last.IsZero() {
		return 0
	}
	return max(last.Add(d).Sub(now), 0)
}

// ThrottleClient is the form of a client address the throttle counts by:
// an IPv4 address as it is, an IPv6 address by its /64, which one
// subscriber usually holds whole.
func ThrottleClient(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.WithZone("").Prefix(64)
		return p.String()
	}
	return a.String()
}
