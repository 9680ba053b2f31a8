package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/store"
)

// Failures recorded before migration 0006 (one row per key in
// signin_failures) still count after it, against the account and against
// the client address.
func TestSignInFailuresCarriedOverByMigration(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		at := c.now().Add(-time.Minute).UnixMicro()
		// Back to the schema before 0006, with an old failure in it.
		for _, q := range []string{
			"DROP TABLE known_devices",
			"DROP TABLE signin_failed",
			"CREATE TABLE signin_failures (key TEXT NOT NULL, at BIGINT NOT NULL)",
			"INSERT INTO signin_failures (key, at) VALUES ('acct:victim@example.jp', " + strconv.FormatInt(at, 10) + ")",
			"INSERT INTO signin_failures (key, at) VALUES ('ip:198.51.100.4', " + strconv.FormatInt(at, 10) + ")",
		} {
			if err := rawExec(db, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		// Then 0006 itself, whatever later migrations exist.
		m, err := os.ReadFile(filepath.Join("migrations", string(db.Engine()), "0006_signin_throttle.sql"))
		if err != nil {
			t.Fatal(err)
		}
		if err := rawExec(db, string(m)); err != nil {
			t.Fatal(err)
		}
		since := c.now().Add(-time.Hour)
		f, err := db.SignInFailures(ctx, store.SignInClient{Account: "victim@example.jp", Client: "198.51.100.4"}, since, since)
		if err != nil {
			t.Fatal(err)
		}
		if f.AccountClients != 1 || f.ClientAccounts != 1 || f.AccountLast.UnixMicro() != at || f.ClientLast.UnixMicro() != at {
			t.Fatalf("got %+v, want the old failure counted once for the account and once for the address", f)
		}
	})
}

// The store counts pairs, distinct clients and distinct accounts, keeps a
// known device's failures apart from its address's, and a success clears
// only its own pair.
func TestSignInFailureCounts(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		rec := func(who store.SignInClient) {
			t.Helper()
			if err := db.RecordSignInFailure(ctx, actor, who.Account, who); err != nil {
				t.Fatal(err)
			}
		}
		a := store.SignInClient{Account: "owner@example.jp", Client: "198.51.100.1"}
		dev := store.SignInClient{Account: "owner@example.jp", Client: "198.51.100.1", Device: auth.HashToken("device")}
		for range 3 {
			rec(a)
		}
		rec(dev)
		rec(store.SignInClient{Account: "owner@example.jp", Client: "198.51.100.2"})
		rec(store.SignInClient{Account: "other@example.jp", Client: "198.51.100.1"})
		since := c.now().Add(-time.Hour)
		count := func(who store.SignInClient) auth.Failures {
			t.Helper()
			f, err := db.SignInFailures(ctx, who, since, since)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		if f := count(a); f.Pair != 3 || f.AccountClients != 2 || f.ClientAccounts != 2 {
			t.Fatalf("address pair: got %+v, want pair 3, 2 clients for the account, 2 accounts for the client", f)
		}
		if f := count(dev); f.Pair != 1 {
			t.Fatalf("device pair: got %d, want 1", f.Pair)
		}
		if err := db.ClearSignInFailures(ctx, dev); err != nil {
			t.Fatal(err)
		}
		if f := count(a); f.Pair != 3 {
			t.Fatalf("address pair after the device's success: got %d, want 3", f.Pair)
		}
		if err := db.ClearSignInFailures(ctx, a); err != nil {
			t.Fatal(err)
		}
		if f := count(a); f.Pair != 0 || f.AccountClients != 1 {
			t.Fatalf("after the pair's success: got %+v, want pair 0 and the other client still counted", f)
		}
		c.add(25 * time.Hour)
		if err := db.PruneSessions(ctx); err != nil {
			t.Fatal(err)
		}
		since = c.now().Add(-48 * time.Hour)
		if f := count(store.SignInClient{Account: "owner@example.jp", Client: "198.51.100.2"}); f.Pair != 0 {
			t.Fatalf("after pruning: got %d failures, want 0", f.Pair)
		}
	})
}

// Known devices: found while live, gone after sign-out everywhere, a new
// password or disabling, and after they expire.
func TestKnownDevices(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		uid := mustUser(t, db, "d@example.jp")
		remember := func() string {
			t.Helper()
			_, hash := auth.NewToken()
			if err := db.RememberDevice(ctx, actor, uid, hash); err != nil {
				t.Fatal(err)
			}
			if id, email, err := db.KnownDevice(ctx, hash); err != nil || id != uid || email != "d@example.jp" {
				t.Fatalf("got %d %q %v, want the device's user", id, email, err)
			}
			return hash
		}
		gone := func(what, hash string) {
			t.Helper()
			if _, _, err := db.KnownDevice(ctx, hash); err == nil {
				t.Fatalf("device still known after %s", what)
			}
		}
		h := remember()
		if _, err := db.EndAllSessions(ctx, actor, uid); err != nil {
			t.Fatal(err)
		}
		gone("sign-out everywhere", h)
		h = remember()
		if err := db.SetPassword(ctx, actor, uid, "y"); err != nil {
			t.Fatal(err)
		}
		gone("a new password", h)
		h = remember()
		if err := db.SetDisabled(ctx, actor, uid, true); err != nil {
			t.Fatal(err)
		}
		gone("disabling", h)
		if err := db.SetDisabled(ctx, actor, uid, false); err != nil {
			t.Fatal(err)
		}
		h = remember()
		c.add(auth.DeviceLifetime - time.Hour)
		if err := db.TouchDevice(ctx, h); err != nil {
			t.Fatal(err)
		}
		c.add(2 * time.Hour)
		if _, _, err := db.KnownDevice(ctx, h); err != nil {
			t.Fatalf("device used within its lifetime: got %v, want still known", err)
		}
		c.add(auth.DeviceLifetime)
		gone("its lifetime", h)
		if err := db.PruneSessions(ctx); err != nil {
			t.Fatal(err)
		}
		if n, err := db.KnownDeviceCount(ctx, uid); err != nil || n != 0 {
			t.Fatalf("after pruning: got %d (%v), want 0", n, err)
		}
	})
}
