package jobs_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/incident"
	"github.com/mamori-sec/mamori/internal/notify"
	"github.com/mamori-sec/mamori/internal/notify/notifytest"
	"github.com/mamori-sec/mamori/internal/org"
)

// TestIncidentAlertReachesOwnerAndKeeper: a reported incident is told at
// once — outside working hours too — to the owner and the keeper, by
// e-mail and chat as each wants, and not to a member.
func TestIncidentAlertReachesOwnerAndKeeper(t *testing.T) {
	ctx := context.Background()
	w := newNotifyWorld(t, "sqlite", true)
	slack := &hook{}
	srv := httptest.NewServer(slack)
	defer srv.Close()
	w.channel(t, w.smarthost(w.sink.Port), notifytest.Password)
	w.channel(t, notify.Channel{Kind: notify.Slack, Enabled: true}, srv.URL+"/services/T/B/X")
	sys := audit.Actor{Label: "test"}
	if err := w.db.SetNotifyPrefs(ctx, sys, w.user, notify.Prefs{Kinds: []notify.Kind{notify.Email, notify.Slack}, Hours: notify.DefaultHours}); err != nil {
		t.Fatal(err)
	}
	add := func(email, name string, role org.Role) int64 {
		id, err := w.db.CreateUser(ctx, sys, auth.User{Email: email, Name: name, PasswordHash: "x", Locale: "ja"})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.db.AddMember(ctx, sys, w.orgID, id, role); err != nil {
			t.Fatal(err)
		}
		return id
	}
	add("tanaka@example.jp", "田中 一郎", org.Keeper)
	member := add("yamada@example.jp", "山田 太郎", org.Member)
	w.clock.set(jstAt(2026, 5, 9, 23, 30)) // a Saturday night
	now := w.clock.now()
	id, err := w.db.Tenant(w.orgID).OpenIncident(ctx, audit.Actor{UserID: member, Label: "yamada@example.jp"}, incident.Intake{Type: incident.LostDevice,
		Title: "ノートPCを紛失", OccurredAt: now.Add(-time.Hour), FoundAt: now.Add(-time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.q.AlertIncident(ctx, sys, w.orgID, id); err != nil {
		t.Fatal(err)
	}
	w.start(t)
	waitFor(t, "the alerts", func() bool { return len(w.sink.Messages()) == 2 && slack.count() == 1 })
	to := map[string]bool{}
	for _, m := range w.sink.Messages() {
		r, err := mail.CreateReader(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		subj, _ := r.Header.Subject()
		if !strings.Contains(subj, "至急") || !strings.Contains(subj, "株式会社デモ") {
			t.Errorf("subject: got %q", subj)
		}
		addrs, _ := r.Header.AddressList("To")
		for _, a := range addrs {
			to[a.Address] = true
		}
		if !strings.Contains(string(m.Data), "/o/demo/incidents/") {
			t.Errorf("the message has no link to the incident:\n%s", m.Data)
		}
	}
	if !to["sato@example.jp"] || !to["tanaka@example.jp"] || to["yamada@example.jp"] {
		t.Errorf("got mail to %v, want the owner and the keeper only", to)
	}
	if !strings.Contains(slack.bodies[0], "ノートPCを紛失") {
		t.Errorf("slack: got %s", slack.bodies[0])
	}
}
