package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/jobs"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
)

// startQueue runs the job queue beside the test server, as mamori serve
// does, polling often so the tests wait little.
func (w *world) startQueue(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	if _, err := jobs.Migrate(ctx, w.db); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.Open(w.db, jobs.Config{Work: true, Delay: -1, PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := q.Stop(sctx); err != nil {
			t.Errorf("stop queue: %v", err)
		}
	})
}

// findingStatus is the status of the finding of check about subject
// ("person:3"), "" when there is none.
func (w *world) findingStatus(t *testing.T, check, subject string) findings.Status {
	t.Helper()
	for _, status := range []findings.Status{findings.Open, findings.Resolved} {
		found, _, err := w.db.Tenant(w.orgA.ID).Findings(t.Context(), store.FindingQuery{Status: status, CheckID: check, Subject: subject, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(found) > 0 {
			return status
		}
	}
	return ""
}

// waitFinding waits, up to a bound that is not a timing assertion, until
// the background evaluation gives the finding the wanted status.
func (w *world) waitFinding(t *testing.T, check, subject string, want findings.Status) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		got := w.findingStatus(t, check, subject)
		ev, err := w.db.Tenant(w.orgA.ID).Evaluation(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if got == want && !ev.Busy() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s on %s: got status %q (evaluation %+v), want %q after the edit's evaluation job", check, subject, got, ev, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestEditReevaluatesEveryKind: an edit through the web of any inventory
// kind enqueues the organisation's evaluation in the edit's transaction,
// and the worker brings the findings up to date. No handler asks for it
// (the person handler used to forget, so a departed person's finding
// waited for the next daily run).
func TestEditReevaluatesEveryKind(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		c := w.client("ja")
		c.signIn(w.users[org.Keeper].Email)
		w.startQueue(t)
		inv := func(kind string) string { return itoa(w.inv[kind][0]) }
		yesterday := w.clock.Now().AddDate(0, 0, -1).Format(time.DateOnly)
		for _, tc := range []struct {
			kind, path     string
			form           url.Values
			check, subject string
			before, after  findings.Status
		}{
			{"person", "/o/alpha/people/" + itoa(w.personA.ID),
				url.Values{"name": {"山田花子"}, "kana": {"ヤマダハナコ"}, "employment_type": {"full_time"}, "department": {"総務部"}, "leave_date": {yesterday}},
				"people.departed_active", "person:" + itoa(w.personA.ID), "", findings.Open},
			{"account", "/o/alpha/accounts/" + inv("account"),
				url.Values{"service_id": {inv("service")}, "login_id": {"user@アルファ.example"}, "person_id": {itoa(w.personA.ID)},
					"kind": {"personal"}, "privilege": {"admin"}, "mfa": {"on"}, "status": {"active"}},
				"accounts.admin_no_mfa", "account:" + inv("account"), findings.Open, findings.Resolved},
			{"device", "/o/alpha/devices/" + inv("device"),
				url.Values{"name": {"アルファPC-01"}, "kind": {"pc"}, "person_id": {itoa(w.personA.ID)}, "ownership": {"company"},
					"network": {"internal"}, "disk_encryption": {"yes"}},
				"devices.encryption_unknown", "device:" + inv("device"), findings.Open, findings.Resolved},
			{"service", "/o/alpha/services/" + inv("service"),
				url.Values{"name": {"アルファストレージ"}, "category": {"cloud"}, "mfa": {"available"}, "internet_facing": {"1"}, "owner_department": {"総務部"}},
				"services.no_owner_department", "service:" + inv("service"), findings.Open, findings.Resolved},
			{"asset", "/o/alpha/assets/" + inv("asset"),
				url.Values{"name": {"アルファの顧客名簿"}, "personal_info": {"1"}, "confidentiality": {"3"}, "service_ids": {inv("service")},
					"device_ids": {inv("device")}, "paper_locations": {"アルファキャビネット"}, "retention_until": {"退職後7年"}},
				"assets.no_retention", "asset:" + inv("asset"), findings.Open, findings.Resolved},
			{"share", "/o/alpha/shares/" + inv("share"),
				url.Values{"service_id": {inv("service")}, "path": {"/アルファ/顧客"}, "scope": {"organisation"}, "permission": {"view"}, "asset_id": {inv("asset")}},
				"shares.open_important", "share:" + inv("share"), findings.Open, findings.Resolved},
		} {
			if got := w.findingStatus(t, tc.check, tc.subject); got != tc.before {
				t.Fatalf("%s before the edit: got %q, want %q", tc.check, got, tc.before)
			}
			r := c.post(tc.path, tc.form)
			if r.status != http.StatusSeeOther {
				t.Fatalf("edit %s: got %d, want 303\n%s", tc.kind, r.status, r.body)
			}
			w.waitFinding(t, tc.check, tc.subject, tc.after)
		}
	})
}

// TestEvaluationNoticeUntilDone: the dashboard says an evaluation is
// pending while one is, polls for it with htmx (and offers a reload link
// without JavaScript), and the notice's endpoint gives the result once
// the job has run.
func TestEvaluationNoticeUntilDone(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		c := w.client("ja")
		c.signIn(w.users[org.Keeper].Email)
		// A change without a worker running: the evaluation waits.
		r := c.post("/o/alpha/services/"+itoa(w.inv["service"][0]), url.Values{"name": {"アルファストレージ"}, "category": {"cloud"}, "mfa": {"available"}, "internet_facing": {"1"}, "owner_department": {"経理部"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("edit: got %d\n%s", r.status, r.body)
		}
		for _, path := range []string{"/o/alpha/", "/o/alpha/findings"} {
			page := c.get(path).body
			if !strings.Contains(page, "評価を実行中です…") || !strings.Contains(page, `hx-get="/o/alpha/evaluation"`) || !strings.Contains(page, `hx-trigger="every 2s"`) {
				t.Fatalf("%s: want the running-evaluation notice with htmx polling", path)
			}
		}
		w.startQueue(t)
		w.waitFinding(t, "services.no_owner_department", "service:"+itoa(w.inv["service"][0]), findings.Resolved)
		c.hdr.Set("HX-Request", "true")
		done := c.get("/o/alpha/evaluation").body
		c.hdr.Del("HX-Request")
		if !strings.Contains(done, "評価が終わりました。") || strings.Contains(done, "hx-trigger") || strings.Contains(done, "<html") {
			t.Fatalf("notice after the job: got %s, want the result fragment without polling", done)
		}
		if page := c.get("/o/alpha/").body; strings.Contains(page, "評価を実行中です…") {
			t.Fatal("dashboard still shows the running notice after the evaluation")
		}
	})
}

// TestImportReturnsBeforeEvaluation: applying an import commits the rows
// and the evaluation job together and returns; the list it lands on says
// the evaluation is running, and the worker then resolves what the file
// fixed (here an administrator without MFA, now a viewer).
func TestImportReturnsBeforeEvaluation(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		c := w.client("ja")
		c.signIn(w.users[org.Keeper].Email)
		acct := "account:" + itoa(w.inv["account"][0])
		r := c.upload("/o/alpha/import/preview", "アカウント.csv", accountsCSV("アルファストレージ,user@アルファ.example,,個人,閲覧,無効,有効"), map[string]string{"kind": "accounts"})
		m := applyID.FindStringSubmatch(r.body)
		if r.status != http.StatusOK || m == nil {
			t.Fatalf("preview: got %d\n%s", r.status, r.body)
		}
		r = c.post("/o/alpha/import/apply", url.Values{"id": {m[1]}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("apply: got %d", r.status)
		}
		if list := c.get(r.location).body; !strings.Contains(list, "取り込みました。検出事項の評価を始めました。") || !strings.Contains(list, "評価を実行中です…") {
			t.Fatal("list after the import: want the confirmation and the running-evaluation notice")
		}
		if got := w.findingStatus(t, "accounts.admin_no_mfa", acct); got != findings.Open {
			t.Fatalf("before the job: got %q, want the finding still open (the import did not evaluate)", got)
		}
		w.startQueue(t)
		w.waitFinding(t, "accounts.admin_no_mfa", acct, findings.Resolved)
	})
}
