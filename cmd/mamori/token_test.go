package main

import (
	"context"
	"testing"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

// TestUserCommandsRevokeTokens: `user passwd` and `user disable` end the
// user's API tokens, and `user disable --enable` brings none back.
func TestUserCommandsRevokeTokens(t *testing.T) {
	dir := t.TempDir()
	env := envOf("LANG", "C", "MAMORI_DATA", dir, "MAMORI_PASSWORD", "a fine long passphrase")
	run := func(args ...string) {
		t.Helper()
		if out, line, code := runCmd(t, env, args...); code != 0 {
			t.Fatalf("%v: got exit %d %q %q, want 0", args, code, out, line)
		}
	}
	run("migrate")
	run("org", "add", "--slug", "kaisha", "--name", "株式会社かいしゃ")
	run("user", "add", "--email", "ken@kaisha.example", "--name", "健", "--org", "kaisha", "--role", "keeper")

	ctx := context.Background()
	// live issues a token with the store closed again afterwards (the
	// commands open the data directory themselves) and returns a check of
	// whether it still works.
	live := func(token string) func() bool {
		t.Helper()
		db, err := store.Open(ctx, "", dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		u, err := db.UserByEmail(ctx, "ken@kaisha.example")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateAPIToken(ctx, audit.CLI(), u.ID, "script", auth.HashToken(token), 0); err != nil {
			t.Fatal(err)
		}
		return func() bool {
			db, err := store.Open(ctx, "", dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			_, _, err = db.UserByAPIToken(ctx, auth.HashToken(token))
			if err != nil && problem.CodeOf(err) != problem.NotFound {
				t.Fatal(err)
			}
			return err == nil
		}
	}

	works := live("mamori_before_passwd")
	if !works() {
		t.Fatal("a fresh token does not work")
	}
	run("user", "passwd", "--email", "ken@kaisha.example")
	if works() {
		t.Fatal("got the token working after user passwd, want it revoked")
	}

	works = live("mamori_before_disable")
	run("user", "disable", "--email", "ken@kaisha.example")
	run("user", "disable", "--email", "ken@kaisha.example", "--enable")
	if works() {
		t.Fatal("got the token working after disable and re-enable, want it revoked for good")
	}
	run("audit", "verify")
}
