package web_test

import (
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/org"
)

func TestSignInAndRotation(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		c := w.client("ja")
		email := w.users[org.Keeper].Email
		// A cookie planted before sign-in must not survive it (fixation).
		c.cookies["mamori_session"] = "planted"
		r := c.post("/signin", url.Values{"email": {email}, "password": {testPassword}, "next": {"/o/alpha/people"}})
		if r.status != http.StatusSeeOther || r.location != "/o/alpha/people" {
			t.Fatalf("got %d → %q, want 303 to /o/alpha/people", r.status, r.location)
		}
		first := c.cookies["mamori_session"]
		if first == "" || first == "planted" {
			t.Fatalf("got session cookie %q, want a new one", first)
		}
		if r := c.get("/o/alpha/"); r.status != http.StatusOK || !strings.Contains(r.body, "ダッシュボード") {
			t.Fatalf("dashboard: got %d, want 200 in Japanese", r.status)
		}
		// Signing in again rotates the session: the old token stops working.
		c.signIn(email)
		if c.cookies["mamori_session"] == first {
			t.Fatal("got the same session token after a second sign-in, want rotation")
		}
		old := w.client("ja")
		old.cookies["mamori_session"] = first
		if r := old.get("/o/alpha/"); r.status != http.StatusSeeOther {
			t.Fatalf("old session: got %d, want 303 to sign-in", r.status)
		}
		// An open redirect through next is refused.
		r = c.post("/signin", url.Values{"email": {email}, "password": {testPassword}, "next": {"//evil.example/"}})
		if r.location != "/" {
			t.Fatalf("next=//evil.example: got %q, want /", r.location)
		}
	})
}

func TestSignInNoEnumeration(t *testing.T) {
	w := newWorld(t, "sqlite")
	c := w.client("en")
	wrong := c.post("/signin", url.Values{"email": {w.users[org.Owner].Email}, "password": {"not the password"}})
	unknown := c.post("/signin", url.Values{"email": {"nobody@alpha.example"}, "password": {"not the password"}})
	if wrong.status != http.StatusUnauthorized || unknown.status != http.StatusUnauthorized {
		t.Fatalf("got %d and %d, want 401 for both", wrong.status, unknown.status)
	}
	msg := "The e-mail address or password is not correct."
	if !strings.Contains(wrong.body, msg) || !strings.Contains(unknown.body, msg) {
		t.Fatalf("want the same message %q for a wrong password and an unknown address", msg)
	}
}

func TestTOTPSignIn(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		c := w.client("en")
		email := w.users[org.Owner].Email
		c.signIn(email)
		secret, codes := c.enrolTOTP()
		c.post("/signout", nil)

		w.clock.Add(30 * time.Second)
		r := c.post("/signin", url.Values{"email": {email}, "password": {testPassword}})
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/signin/otp") {
			t.Fatalf("password step: got %d → %q, want 303 to /signin/otp", r.status, r.location)
		}
		// Half-way is not signed in.
		if r := c.get("/o/alpha/"); r.status != http.StatusSeeOther {
			t.Fatalf("dashboard before the second factor: got %d, want 303", r.status)
		}
		if r := c.post("/signin/otp", url.Values{"code": {"000000"}}); r.status != http.StatusBadRequest {
			t.Fatalf("wrong code: got %d, want 400", r.status)
		}
		code, _ := auth.TOTPCode(secret, w.clock.Now())
		if r := c.post("/signin/otp", url.Values{"code": {code}}); r.status != http.StatusSeeOther {
			t.Fatalf("right code: got %d, want 303\n%s", r.status, r.body)
		}
		if r := c.get("/o/alpha/"); r.status != http.StatusOK {
			t.Fatalf("dashboard: got %d, want 200", r.status)
		}
		// The same code cannot be used again, even from another browser.
		other := w.client("en")
		other.post("/signin", url.Values{"email": {email}, "password": {testPassword}})
		if r := other.post("/signin/otp", url.Values{"code": {code}}); r.status != http.StatusBadRequest {
			t.Fatalf("replayed code: got %d, want 400", r.status)
		}
		// A recovery code works once.
		if r := other.post("/signin/otp", url.Values{"code": {codes[0]}}); r.status != http.StatusSeeOther {
			t.Fatalf("recovery code: got %d, want 303", r.status)
		}
		third := w.client("en")
		third.post("/signin", url.Values{"email": {email}, "password": {testPassword}})
		if r := third.post("/signin/otp", url.Values{"code": {codes[0]}}); r.status != http.StatusBadRequest {
			t.Fatalf("used recovery code: got %d, want 400", r.status)
		}
		// Sign out everywhere ends both browsers' sessions.
		if r := c.post("/signout/all", nil); r.status != http.StatusSeeOther {
			t.Fatalf("sign out all: got %d, want 303", r.status)
		}
		if r := other.get("/o/alpha/"); r.status != http.StatusSeeOther {
			t.Fatalf("other browser after sign-out everywhere: got %d, want 303", r.status)
		}
	})
}

func TestTOTPSecretSealedAtRest(t *testing.T) {
	w := newWorld(t, "sqlite")
	c := w.client("en")
	c.signIn(w.users[org.Owner].Email)
	secret, _ := c.enrolTOTP()
	u, err := w.db.User(t.Context(), w.users[org.Owner].ID)
	if err != nil {
		t.Fatal(err)
	}
	if u.TOTPSecret == "" || strings.Contains(u.TOTPSecret, secret) {
		t.Fatalf("got stored secret %q, want it sealed (not containing %q)", u.TOTPSecret, secret)
	}
}

func TestOrgRequiresTOTP(t *testing.T) {
	w := newWorld(t, "sqlite")
	owner := w.client("en")
	owner.signIn(w.users[org.Owner].Email)
	if r := owner.post("/o/alpha/settings", url.Values{"name": {"アルファ株式会社"}, "require_totp": {"on"}}); r.status != http.StatusBadRequest {
		t.Fatalf("requiring TOTP without own TOTP: got %d, want 400", r.status)
	}
	owner.enrolTOTP()
	if r := owner.post("/o/alpha/settings", url.Values{"name": {"アルファ株式会社"}, "require_totp": {"on"}}); r.status != http.StatusSeeOther {
		t.Fatalf("requiring TOTP: got %d, want 303", r.status)
	}
	keeper := w.client("en")
	keeper.signIn(w.users[org.Keeper].Email)
	r := keeper.get("/o/alpha/people")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/account/totp?required=alpha") {
		t.Fatalf("keeper without TOTP: got %d → %q, want 303 to enrolment", r.status, r.location)
	}
	if r := keeper.post("/o/alpha/people", url.Values{"name": {"x"}, "employment_type": {"full_time"}}); r.status != http.StatusForbidden {
		t.Fatalf("keeper without TOTP posting: got %d, want 403", r.status)
	}
	keeper.enrolTOTP()
	if r := keeper.get("/o/alpha/people"); r.status != http.StatusOK {
		t.Fatalf("keeper after enrolment: got %d, want 200", r.status)
	}
}

func TestSetupNeedsTokenAndRunsOnce(t *testing.T) {
	w := newWorld(t, "sqlite")
	c := w.client("en")
	// Users exist in this world: setup is gone whatever the token.
	if r := c.get("/setup?token=anything"); r.status != http.StatusNotFound {
		t.Fatalf("setup after users exist: got %d, want 404", r.status)
	}
	if r := c.post("/setup", url.Values{"token": {"x"}, "org_name": {"Evil"}, "org_slug": {"evil"}, "name": {"E"}, "email": {"e@evil.example"}, "password": {testPassword}, "password_confirm": {testPassword}}); r.status != http.StatusNotFound {
		t.Fatalf("setup post after users exist: got %d, want 404", r.status)
	}
	if _, err := w.db.OrgBySlug(t.Context(), "evil"); err == nil {
		t.Fatal("got an organisation created by a refused setup")
	}
}

func TestTOTPQRCodeIsScannableSize(t *testing.T) {
	w := newWorld(t, "sqlite")
	c := w.client("en")
	c.signIn(w.users[org.Keeper].Email)
	c.post("/account/totp/begin", nil)
	r := c.get("/account/totp/qr.png")
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "image/png" {
		t.Fatalf("got %d %s, want a PNG", r.status, r.header.Get("Content-Type"))
	}
	img, err := png.Decode(strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	// Count dark pixels: the code must fill the image, not a corner of it.
	b := img.Bounds()
	dark := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, _, _, _ := img.At(x, y).RGBA(); r < 0x8000 {
				dark++
			}
		}
	}
	if b.Dx() < 200 || dark < b.Dx()*b.Dy()/5 {
		t.Fatalf("got a %dx%d image with %d dark pixels, want a code of at least 200 px filling it", b.Dx(), b.Dy(), dark)
	}
}
