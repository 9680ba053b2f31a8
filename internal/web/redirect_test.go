package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/org"
)

// redirectAttacks are return paths that a browser would follow to
// another host if they were sent back as they are.
var redirectAttacks = []string{
	"/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/\\evil.example", "/\t\\evil.example",
	"/%2F%2Fevil.example", "/%5Cevil.example", "/.//evil.example", "//evil.example", "http:evil.example",
	"https://evil.example/", "javascript:alert(1)", " //evil.example",
}

// stayOnSite fails unless a browser following location from the test
// server stays on it: browsers drop tab, LF and CR, trim C0 and spaces and
// read backslashes as slashes before resolving.
func stayOnSite(t *testing.T, w *world, what, location string) {
	t.Helper()
	s := strings.TrimFunc(location, func(r rune) bool { return r <= ' ' })
	s = strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(s)
	base, _ := url.Parse(w.ts.URL + "/signin")
	ref, err := url.Parse(s)
	if err != nil {
		t.Fatalf("%s: Location %q does not parse: %v", what, location, err)
	}
	if got := base.ResolveReference(ref); got.Host != base.Host || got.Scheme != base.Scheme {
		t.Fatalf("%s: Location %q sends the browser to %s, want %s", what, location, got, base.Host)
	}
}

func TestSignInNextStaysOnSite(t *testing.T) {
	w := newWorld(t, "sqlite")
	email := w.users[org.Keeper].Email
	for _, next := range redirectAttacks {
		c := w.client("en")
		r := c.post("/signin", url.Values{"email": {email}, "password": {testPassword}, "next": {next}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("sign in with next=%q: got %d, want 303", next, r.status)
		}
		stayOnSite(t, w, "POST /signin next="+next, r.location)
		if r.location != "/" {
			t.Errorf("sign in with next=%q: got Location %q, want /", next, r.location)
		}
		// Already signed in, the sign-in page sends the browser on at once.
		r = c.get("/signin?next=" + url.QueryEscape(next))
		stayOnSite(t, w, "GET /signin next="+next, r.location)
		// The language switch returns to the page it was on.
		r = c.post("/locale", url.Values{"locale": {"ja"}, "back": {next}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("locale with back=%q: got %d, want 303", next, r.status)
		}
		stayOnSite(t, w, "POST /locale back="+next, r.location)
	}
	// A path of this site is kept.
	c := w.client("en")
	r := c.post("/signin", url.Values{"email": {email}, "password": {testPassword}, "next": {"/o/alpha/people?q=a"}})
	if r.location != "/o/alpha/people?q=a" {
		t.Fatalf("next=/o/alpha/people?q=a: got %q, want it kept", r.location)
	}
}

// TestSignInOTPNextStaysOnSite follows next through the second factor:
// password → /signin/otp?next=… → the page.
func TestSignInOTPNextStaysOnSite(t *testing.T) {
	w := newWorld(t, "sqlite")
	email := w.users[org.Owner].Email
	c := w.client("en")
	c.signIn(email)
	secret, _ := c.enrolTOTP()
	c.post("/signout", nil)
	for i, next := range redirectAttacks[:4] {
		w.clock.Add(30 * time.Second) // a fresh time step: codes are single use
		b := w.client("en")
		r := b.post("/signin", url.Values{"email": {email}, "password": {testPassword}, "next": {next}})
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/signin/otp") {
			t.Fatalf("%d: password step: got %d → %q, want 303 to /signin/otp", i, r.status, r.location)
		}
		stayOnSite(t, w, "POST /signin next="+next, r.location)
		carried, _ := url.Parse(r.location)
		if got := carried.Query().Get("next"); got != "/" {
			t.Errorf("next=%q carried to the second step as %q, want /", next, got)
		}
		// The attacker can also post next to the second step directly.
		code, _ := auth.TOTPCode(secret, w.clock.Now())
		r = b.post("/signin/otp", url.Values{"code": {code}, "next": {next}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("%d: second factor: got %d, want 303\n%s", i, r.status, r.body)
		}
		stayOnSite(t, w, "POST /signin/otp next="+next, r.location)
		if r.location != "/" {
			t.Errorf("second factor with next=%q: got Location %q, want /", next, r.location)
		}
	}
}
