package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store/storetest"
	"github.com/mamori-sec/mamori/internal/web"
)

// behindProxy makes the test server trust the loopback peer as a reverse
// proxy, so that each test client can stand for a different address by
// what the proxy would append to X-Forwarded-For.
func behindProxy(d *web.Deps) {
	d.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")}
}

// eachEngineBehindProxy is eachEngine with behindProxy.
func eachEngineBehindProxy(t *testing.T, fn func(t *testing.T, w *world)) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) { fn(t, newWorldWith(t, e, behindProxy)) })
	}
}

// clientAt is a browser at addr (as the trusted proxy reports it).
func (w *world) clientAt(lang, addr string) *client {
	c := w.client(lang)
	c.hdr.Set("X-Forwarded-For", addr)
	return c
}

// retryAfter is the wait a 429 asks for, in seconds.
func retryAfter(t *testing.T, r response) int {
	t.Helper()
	n, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || n <= 0 {
		t.Fatalf("got Retry-After %q on %d, want a positive number of seconds", r.header.Get("Retry-After"), r.status)
	}
	return n
}

// fail posts a wrong password for email from c until it is counted as a
// failure (401), travelling in time over every wait it is asked to make.
// It returns the longest wait it was asked for.
func (c *client) fail(email, password string) (longest int) {
	c.w.t.Helper()
	for {
		r := c.post("/signin", url.Values{"email": {email}, "password": {password}})
		switch r.status {
		case http.StatusUnauthorized:
			return longest
		case http.StatusTooManyRequests:
			n := retryAfter(c.w.t, r)
			longest = max(longest, n)
			c.w.clock.Add(time.Duration(n) * time.Second)
		default:
			c.w.t.Fatalf("wrong password for %s: got %d, want 401 or 429", email, r.status)
		}
	}
}

// spray is an attacker guessing email's password from n addresses, a few
// guesses from each, waiting out every pause they are given.
func spray(w *world, email string, n int) (longest int) {
	for i := 1; i <= n; i++ {
		a := w.clientAt("en", fmt.Sprintf("198.51.100.%d", i))
		for j := range 2 {
			longest = max(longest, a.fail(email, fmt.Sprintf("guess %d from %d", j, i)))
		}
	}
	return longest
}

// signInTOTP signs c in with the password and a fresh TOTP code.
func (c *client) signInTOTP(email, secret string) response {
	c.w.t.Helper()
	r := c.post("/signin", url.Values{"email": {email}, "password": {testPassword}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/signin/otp") {
		return r
	}
	code, _ := auth.TOTPCode(secret, c.w.clock.Now())
	return c.post("/signin/otp", url.Values{"code": {code}})
}

// An attacker failing 50 times from one address for the owner's e-mail does
// not keep the owner, at another address, out for a moment.
func TestThrottleAttackerElsewhere(t *testing.T) {
	eachEngineBehindProxy(t, func(t *testing.T, w *world) {
		email := w.users[org.Owner].Email
		owner := w.clientAt("en", "192.0.2.10")
		owner.signIn(email)
		secret, _ := owner.enrolTOTP()
		owner.post("/signout", nil)

		attacker := w.clientAt("en", "198.51.100.66")
		longest := 0
		for i := range 50 {
			longest = max(longest, attacker.fail(email, fmt.Sprintf("guess number %d", i)))
		}
		if longest < 60 || longest > int(auth.DefaultThrottle.PairMax.Seconds()) {
			t.Fatalf("attacker's longest wait: got %d s, want between a minute and the cap of %v", longest, auth.DefaultThrottle.PairMax)
		}
		if r := attacker.post("/signin", url.Values{"email": {email}, "password": {testPassword}}); r.status != http.StatusTooManyRequests {
			t.Fatalf("attacker right after its 50th failure, even with the right password: got %d, want 429", r.status)
		}
		w.clock.Add(30 * time.Second) // a fresh TOTP step
		elsewhere := w.clientAt("en", "203.0.113.5")
		if r := elsewhere.signInTOTP(email, secret); r.status != http.StatusSeeOther || strings.HasPrefix(r.location, "/signin") {
			t.Fatalf("owner from another address: got %d → %q, want 303 signed in\n%s", r.status, r.location, r.body)
		}
		if r := elsewhere.get("/o/alpha/"); r.status != http.StatusOK {
			t.Fatalf("owner's dashboard: got %d, want 200", r.status)
		}
	})
}

// An attacker spraying guesses from 40 addresses slows the account down
// for unknown browsers, by minutes at most, and not at all for the owner's
// known device.
func TestThrottleSprayKnownDevice(t *testing.T) {
	eachEngineBehindProxy(t, func(t *testing.T, w *world) {
		email := w.users[org.Owner].Email
		owner := w.clientAt("ja", "192.0.2.10")
		owner.signIn(email)
		secret, _ := owner.enrolTOTP()
		owner.post("/signout", nil)
		w.clock.Add(30 * time.Second)
		if r := owner.signInTOTP(email, secret); r.status != http.StatusSeeOther {
			t.Fatalf("owner's sign-in with TOTP: got %d, want 303", r.status)
		}
		if owner.cookies["mamori_device"] == "" {
			t.Fatal("got no known-device cookie after a full sign-in")
		}
		owner.post("/signout", nil)

		longest := spray(w, email, 40)
		if cap := int(auth.DefaultThrottle.PairMax.Seconds()); longest > cap {
			t.Fatalf("spray: longest wait %d s, want at most %d", longest, cap)
		}
		if r := owner.signInTOTP(email, secret); r.status != http.StatusSeeOther || strings.HasPrefix(r.location, "/signin") {
			t.Fatalf("owner's known device during the spray: got %d → %q, want 303 signed in\n%s", r.status, r.location, r.body)
		}

		// Without the cookie (a new browser, a new address): slowed, not blocked.
		fresh := w.clientAt("ja", "192.0.2.77")
		r := fresh.post("/signin", url.Values{"email": {email}, "password": {testPassword}})
		if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "一時的に遅らせています") {
			t.Fatalf("unknown browser during the spray: got %d, want 429 saying sign-in is slowed", r.status)
		}
		wait := retryAfter(t, r)
		if limit := int(auth.DefaultThrottle.AccountMax.Seconds()); wait > limit {
			t.Fatalf("unknown browser's wait: got %d s, want at most %d", wait, limit)
		}
		w.clock.Add(time.Duration(wait)*time.Second + 30*time.Second)
		if r := fresh.signInTOTP(email, secret); r.status != http.StatusSeeOther || strings.HasPrefix(r.location, "/signin") {
			t.Fatalf("unknown browser after waiting %d s: got %d → %q, want 303 signed in", wait, r.status, r.location)
		}
	})
}

// The pair's back-off doubles from one second after three free failures,
// stops at its cap, and a full sign-in starts it afresh. Another account
// from the same address is not slowed by it.
func TestThrottle(t *testing.T) {
	eachEngineBehindProxy(t, func(t *testing.T, w *world) {
		email := w.users[org.Keeper].Email
		c := w.clientAt("ja", "198.51.100.9")
		wrong := func() response {
			return c.post("/signin", url.Values{"email": {email}, "password": {"wrong password"}})
		}
		for i := range auth.DefaultThrottle.PairFree {
			if r := wrong(); r.status != http.StatusUnauthorized {
				t.Fatalf("free attempt %d: got %d, want 401", i+1, r.status)
			}
		}
		var waits []int
		for range 14 {
			r := wrong()
			if r.status != http.StatusTooManyRequests {
				t.Fatalf("after %d failures: got %d, want 429", auth.DefaultThrottle.PairFree+len(waits), r.status)
			}
			n := retryAfter(t, r)
			waits = append(waits, n)
			w.clock.Add(time.Duration(n-1) * time.Second)
			if r := wrong(); r.status != http.StatusTooManyRequests {
				t.Fatalf("a second before the wait of %d s is over: got %d, want 429", n, r.status)
			}
			w.clock.Add(time.Second)
			if r := wrong(); r.status != http.StatusUnauthorized {
				t.Fatalf("after the wait of %d s: got %d, want 401", n, r.status)
			}
		}
		want := []int{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900}
		if fmt.Sprint(waits) != fmt.Sprint(want) {
			t.Fatalf("waits: got %v, want %v", waits, want)
		}
		r := c.post("/signin", url.Values{"email": {email}, "password": {testPassword}})
		if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "15 分ほど") {
			t.Fatalf("right password while held back: got %d, want 429 asking for about 15 minutes", r.status)
		}
		// Another account from the same address goes straight in.
		if r := w.clientAt("ja", "198.51.100.9").post("/signin", url.Values{"email": {w.users[org.Owner].Email}, "password": {testPassword}}); r.status != http.StatusSeeOther {
			t.Fatalf("other account from the same address: got %d, want 303", r.status)
		}
		w.clock.Add(auth.DefaultThrottle.PairMax)
		c.signIn(email)
		c.post("/signout", nil)
		for i := range auth.DefaultThrottle.PairFree {
			if r := wrong(); r.status != http.StatusUnauthorized {
				t.Fatalf("after a sign-in, free attempt %d again: got %d, want 401", i+1, r.status)
			}
		}
		if r := wrong(); r.status != http.StatusTooManyRequests || retryAfter(t, r) != 1 {
			t.Fatalf("after a sign-in and %d failures: got %d wait %q, want 429 and 1 s", auth.DefaultThrottle.PairFree, r.status, r.header.Get("Retry-After"))
		}
	})
}

// Whether an account exists or not, the throttle answers the same: the same
// status, the same wait, the same page.
func TestThrottleSameForUnknownAccount(t *testing.T) {
	eachEngineBehindProxy(t, func(t *testing.T, w *world) {
		real, ghost := w.users[org.Keeper].Email, "ghost@alpha.example"
		c := w.clientAt("en", "198.51.100.23")
		for range auth.DefaultThrottle.PairFree + 1 {
			c.fail(real, "not the password")
			c.fail(ghost, "not the password")
		}
		a := c.post("/signin", url.Values{"email": {real}, "password": {testPassword}})
		b := c.post("/signin", url.Values{"email": {ghost}, "password": {testPassword}})
		if a.status != http.StatusTooManyRequests || b.status != http.StatusTooManyRequests {
			t.Fatalf("got %d for the account and %d for no account, want 429 for both", a.status, b.status)
		}
		if ra, rb := a.header.Get("Retry-After"), b.header.Get("Retry-After"); ra != rb {
			t.Fatalf("Retry-After: got %q for the account and %q for no account, want the same", ra, rb)
		}
		if pa, pb := strings.ReplaceAll(a.body, real, "X"), strings.ReplaceAll(b.body, ghost, "X"); pa != pb {
			t.Fatalf("the throttled page differs between an account and no account:\n%s\n---\n%s", pa, pb)
		}
	})
}

// X-Forwarded-For is ignored unless the peer is a trusted proxy; then the
// right-most address that is not a trusted proxy is the client.
func TestTrustedProxy(t *testing.T) {
	t.Run("not configured", func(t *testing.T) {
		w := newWorld(t, "sqlite")
		email := w.users[org.Keeper].Email
		// A spoofed header cannot make each guess look like a new client.
		for i := range auth.DefaultThrottle.PairFree {
			c := w.clientAt("en", fmt.Sprintf("203.0.113.%d", i+1))
			if r := c.post("/signin", url.Values{"email": {email}, "password": {"spoofed guess"}}); r.status != http.StatusUnauthorized {
				t.Fatalf("guess %d: got %d, want 401", i+1, r.status)
			}
		}
		c := w.clientAt("en", "203.0.113.200")
		if r := c.post("/signin", url.Values{"email": {email}, "password": {"spoofed guess"}}); r.status != http.StatusTooManyRequests {
			t.Fatalf("guess with yet another spoofed address: got %d, want 429", r.status)
		}
		owner := w.clientAt("en", "203.0.113.9")
		owner.signIn(w.users[org.Owner].Email)
		assertSessionIP(t, w, w.users[org.Owner].ID, "127.0.0.1")
	})
	t.Run("configured", func(t *testing.T) {
		w := newWorldWith(t, "sqlite", func(d *web.Deps) {
			d.TrustedProxies, _ = web.ParseTrustedProxies("127.0.0.1, 10.0.0.0/8")
		})
		// The client wrote the left entry itself; the proxy appended the right one.
		c := w.clientAt("en", "203.0.113.66, 198.51.100.7")
		c.signIn(w.users[org.Owner].Email)
		assertSessionIP(t, w, w.users[org.Owner].ID, "198.51.100.7")
		// An inner proxy that is trusted is skipped.
		c = w.clientAt("en", "203.0.113.66, 198.51.100.8, 10.1.2.3")
		c.signIn(w.users[org.Keeper].Email)
		assertSessionIP(t, w, w.users[org.Keeper].ID, "198.51.100.8")
	})
}

func assertSessionIP(t *testing.T, w *world, userID int64, want string) {
	t.Helper()
	ss, err := w.db.UserSessions(context.Background(), userID)
	if err != nil || len(ss) == 0 {
		t.Fatalf("sessions: got %d (%v), want one", len(ss), err)
	}
	if ss[0].IP != want {
		t.Fatalf("session address: got %q, want %q", ss[0].IP, want)
	}
}

// Signing out everywhere and changing the password revoke known devices:
// the old cookie no longer exempts anyone from the account's slowing.
func TestKnownDeviceRevoked(t *testing.T) {
	eachEngineBehindProxy(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		email := w.users[org.Owner].Email
		owner := w.clientAt("en", "192.0.2.10")
		owner.signIn(email)
		device := owner.cookies["mamori_device"]
		if device == "" {
			t.Fatal("got no known-device cookie after a full sign-in")
		}
		if r := owner.post("/signout/all", nil); r.status != http.StatusSeeOther {
			t.Fatalf("sign out everywhere: got %d, want 303", r.status)
		}
		if _, ok := owner.cookies["mamori_device"]; ok {
			t.Fatal("the known-device cookie survived sign-out everywhere in this browser")
		}
		if _, _, err := w.db.KnownDevice(ctx, auth.HashToken(device)); err == nil {
			t.Fatal("the known device is still stored after sign-out everywhere")
		}
		spray(w, email, 10)
		stolen := w.clientAt("en", "192.0.2.10")
		stolen.cookies["mamori_device"] = device
		if r := stolen.post("/signin", url.Values{"email": {email}, "password": {testPassword}}); r.status != http.StatusTooManyRequests {
			t.Fatalf("revoked device cookie during a spray: got %d, want 429 like any unknown browser", r.status)
		}

		// A new password revokes the device it was changed from as well.
		w.clock.Add(auth.DefaultThrottle.Window + time.Minute)
		owner.signIn(email)
		device = owner.cookies["mamori_device"]
		newPassword := "a new and longer passphrase"
		if r := owner.post("/account/password", url.Values{"current": {testPassword}, "password": {newPassword}, "password_confirm": {newPassword}}); r.status != http.StatusSeeOther {
			t.Fatalf("change password: got %d, want 303\n%s", r.status, r.body)
		}
		if _, _, err := w.db.KnownDevice(ctx, auth.HashToken(device)); err == nil {
			t.Fatal("the known device is still stored after a password change")
		}
	})
}

// A burst of simultaneous guesses gets no more than the free failures: the
// checks of one account run one at a time, the rest are told to come back.
func TestThrottleBurst(t *testing.T) {
	w := newWorldWith(t, "sqlite", behindProxy)
	email := w.users[org.Keeper].Email
	const n = 20
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for i := range n {
		c := w.clientAt("en", "198.51.100.50")
		wg.Go(func() {
			statuses <- c.post("/signin", url.Values{"email": {email}, "password": {fmt.Sprintf("burst guess %d", i)}}).status
		})
	}
	wg.Wait()
	close(statuses)
	counted := 0
	for s := range statuses {
		switch s {
		case http.StatusUnauthorized:
			counted++
		case http.StatusTooManyRequests:
		default:
			t.Fatalf("got %d, want 401 or 429", s)
		}
	}
	if counted > auth.DefaultThrottle.PairFree {
		t.Fatalf("got %d guesses checked out of a burst of %d, want at most %d", counted, n, auth.DefaultThrottle.PairFree)
	}
}
