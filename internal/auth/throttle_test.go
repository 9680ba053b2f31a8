package auth

import (
	"testing"
	"time"
)

func TestThrottleWait(t *testing.T) {
	p := DefaultThrottle
	now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	tests := []struct {
		name      string
		f         Failures
		known     bool
		want      time.Duration
		wantScope string
	}{
		{"nothing", Failures{}, false, 0, ScopePair},
		{"pair: free failures", Failures{Pair: 2, PairLast: now}, false, 0, ScopePair},
		{"pair: first wait", Failures{Pair: 3, PairLast: now}, false, time.Second, ScopePair},
		{"pair: doubling", Failures{Pair: 6, PairLast: now}, false, 8 * time.Second, ScopePair},
		{"pair: partly waited", Failures{Pair: 6, PairLast: ago(5 * time.Second)}, false, 3 * time.Second, ScopePair},
		{"pair: cap", Failures{Pair: 1000, PairLast: now}, false, p.PairMax, ScopePair},
		{"pair: waited out", Failures{Pair: 1000, PairLast: ago(p.PairMax)}, false, 0, ScopePair},
		{"account: few clients", Failures{AccountClients: 3, AccountLast: now}, false, 0, ScopePair},
		{"account: many clients", Failures{AccountClients: 6, AccountLast: now}, false, 4 * time.Second, ScopeAccount},
		{"account: cap", Failures{AccountClients: 500, AccountLast: now}, false, p.AccountMax, ScopeAccount},
		{"account: known device exempt", Failures{AccountClients: 500, AccountLast: now}, true, 0, ScopePair},
		{"client: spraying", Failures{ClientAccounts: 11, ClientLast: now}, false, 2 * time.Second, ScopeClient},
		{"client: cap", Failures{ClientAccounts: 10000, ClientLast: now}, false, p.ClientMax, ScopeClient},
		{"client: known device exempt", Failures{ClientAccounts: 10000, ClientLast: now}, true, 0, ScopePair},
		{"known device: own pair still applies", Failures{Pair: 4, PairLast: now, AccountClients: 500, AccountLast: now}, true, 2 * time.Second, ScopePair},
		{"longest wait wins", Failures{Pair: 4, PairLast: now, AccountClients: 500, AccountLast: now}, false, p.AccountMax, ScopeAccount},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, scope := p.Wait(tt.f, tt.known, now)
			if got != tt.want || (got > 0 && scope != tt.wantScope) {
				t.Fatalf("got %v (%s), want %v (%s)", got, scope, tt.want, tt.wantScope)
			}
		})
	}
}

// No count of failures, however large, makes any wait longer than its cap.
func TestThrottleNeverBlocks(t *testing.T) {
	p := DefaultThrottle
	now := time.Now()
	for _, n := range []int{0, 1, 10, 63, 64, 65, 1 << 20, 1<<31 - 1} {
		f := Failures{Pair: n, PairLast: now, AccountClients: n, AccountLast: now, ClientAccounts: n, ClientLast: now}
		if got, _ := p.Wait(f, false, now); got > max(p.PairMax, p.AccountMax, p.ClientMax) || got < 0 {
			t.Fatalf("%d failures: got a wait of %v, want at most the largest cap", n, got)
		}
	}
}

func TestThrottleClient(t *testing.T) {
	for in, want := range map[string]string{
		"198.51.100.7":          "198.51.100.7",
		"::ffff:198.51.100.7":   "198.51.100.7",
		"2001:db8:1:2:3:4:5:6":  "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::9":  "2001:db8:1:2::/64",
		"fe80::1%eth0":          "fe80::/64",
		"not an address at all": "not an address at all",
	} {
		if got := ThrottleClient(in); got != want {
			t.Errorf("ThrottleClient(%q): got %q, want %q", in, got, want)
		}
	}
}
