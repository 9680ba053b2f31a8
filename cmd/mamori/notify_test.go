package main

import (
	"context"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/jobs"
	"github.com/mamori-sec/mamori/internal/notify"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
)

// TestNotifyTestCommand: `notify test` queues the same test-message job
// the settings page's button queues, with its audit entry, and refuses an
// unknown organisation, an unknown channel and a channel not set up.
func TestNotifyTestCommand(t *testing.T) {
	dir := t.TempDir()
	env := envOf("LANG", "C", "MAMORI_DATA", dir)
	ja := envOf("LANG", "ja_JP.UTF-8", "MAMORI_DATA", dir)
	for _, args := range [][]string{{"migrate"}, {"org", "add", "--slug", "kaisha", "--name", "株式会社かいしゃ"}} {
		if out, line, code := runCmd(t, env, args...); code != 0 {
			t.Fatalf("%v: exit %d %s %s", args, code, out, line)
		}
	}
	ctx := context.Background()
	sys := audit.Actor{Label: "test"}
	db, err := store.Open(ctx, "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	o, err := db.OrgBySlug(ctx, "kaisha")
	if err != nil {
		t.Fatal(err)
	}
	uid, err := db.CreateUser(ctx, sys, auth.User{Email: "keeper@kaisha.example", Name: "情シス担当", PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AddMember(ctx, sys, o.ID, uid, org.Keeper); err != nil {
		t.Fatal(err)
	}
	ch := notify.Channel{Kind: notify.Email, Enabled: true, Host: "smtp.kaisha.example", Port: 587, StartTLS: true, Sender: "mamori@kaisha.example"}
	if err := db.Tenant(o.ID).SaveChannel(ctx, sys, ch, false); err != nil {
		t.Fatal(err)
	}
	db.Close()

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--org", "nope", "--channel", "email"}, "nope not found"},
		{[]string{"--org", "kaisha", "--channel", "pigeon"}, "Unknown notification channel"},
		{[]string{"--org", "kaisha", "--channel", "google_chat", "--user", "keeper@kaisha.example"}, "not set up"},
		{[]string{"--org", "kaisha", "--channel", "email", "--user", "nobody@kaisha.example"}, "not an active member"},
	} {
		if out, line, code := runCmd(t, env, append([]string{"notify", "test"}, c.args...)...); code == 0 || !strings.Contains(line, c.want) {
			t.Fatalf("notify test %v: got exit %d %q %q, want an error saying %q", c.args, code, out, line, c.want)
		}
	}
	if out, line, code := runCmd(t, ja, "notify", "test", "--org", "kaisha", "--channel", "email", "--user", "Keeper@kaisha.example"); code != 0 || !strings.Contains(out, "テストメッセージを送信待ちにしました") {
		t.Fatalf("notify test: got exit %d %q %q", code, out, line)
	}

	db, err = store.Open(ctx, "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q, err := jobs.Open(db, jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := q.OrgJobs(ctx, o.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var tests []jobs.View
	for _, v := range vs {
		if v.Kind == (jobs.TestMessageArgs{}).Kind() {
			tests = append(tests, v)
		}
	}
	if len(tests) != 1 || tests[0].Channel != notify.Email || tests[0].UserID != uid {
		t.Fatalf("jobs of the organisation: got %+v, want one e-mail test message to the keeper", vs)
	}
	es, err := db.Tenant(o.ID).Audit(ctx, store.AuditFilter{Action: "notify.test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].Actor != "cli" || es[0].Target != "notify_channel:email" {
		t.Fatalf("audit: got %+v, want one notify.test entry by the CLI", es)
	}
}
