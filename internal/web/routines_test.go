package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/routine"
	"github.com/mamori-sec/mamori/internal/store"
)

// addRoutines syncs the organisation's routines and returns the sign-in
// review's routine, its waiting occurrence, and a file of evidence of a
// completed occurrence of another routine.
func (w *world) addRoutines(t store.Tenant, tag string) (routineID, waiting, evidence int64) {
	w.t.Helper()
	ctx, sys := context.Background(), audit.Actor{Label: "test"}
	if _, err := t.SyncRoutines(ctx, sys, calendar.Of(w.clock.Now())); err != nil {
		w.t.Fatal(err)
	}
	rs, err := t.Routines(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	var done int64
	for _, r := range rs {
		os, _ := t.Occurrences(ctx, store.OccurrenceQuery{RoutineID: r.ID, AnyAssignee: true})
		switch r.Chore.ID {
		case "weekly.signin_review":
			routineID, waiting = r.ID, os[0].ID
		case "yearly.policy_review":
			done = os[0].ID
		}
	}
	body := []byte(tag + "の規程を見直しました\n")
	sum := sha256.Sum256(body)
	sealed := w.box.SealBytes(body, store.EvidenceSealContext(t.OrgID(), done, hex.EncodeToString(sum[:])))
	if err := t.CompleteOccurrence(ctx, sys, done, routine.Completion{Note: tag + "の規程"}, &store.EvidenceFile{Name: "policy.txt",
		MIME: "text/plain; charset=utf-8", Size: int64(len(body)), SHA256: hex.EncodeToString(sum[:]), Data: sealed, Sealed: true}); err != nil {
		w.t.Fatal(err)
	}
	ev, _ := t.OccurrenceEvidence(ctx, done)
	for _, e := range ev {
		if e.Kind == routine.EvidenceFile {
			evidence = e.ID
		}
	}
	return routineID, waiting, evidence
}

// multipartForm builds a completing form with a note and a file.
func multipartForm(t *testing.T, note, name string, data []byte) (string, *bytes.Buffer) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("note", note)
	if name != "" {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	return mw.FormDataContentType(), &b
}

// postMultipart posts a multipart body as the client.
func (c *client) postMultipart(t *testing.T, path, ctype string, body io.Reader) response {
	t.Helper()
	req, err := http.NewRequest("POST", c.w.ts.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Accept-Language", c.lang)
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, body: string(b), location: res.Header.Get("Location"), header: res.Header}
}

// TestCompleteWithEvidenceFile: the keeper completes an occurrence with a
// file; its SHA-256 is kept, the bytes are sealed at rest, and people who
// may view the programme download it — members may not, and another
// organisation cannot reach it. A file too large or of a refused type gets
// a clear message and nothing is stored.
func TestCompleteWithEvidenceFile(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		occ := w.inv["occurrence"][0]
		path := "/o/alpha/occurrences/" + strconv.FormatInt(occ, 10) + "/complete"
		before := w.auditCount()
		for _, bad := range []struct {
			name string
			data []byte
			want string
		}{
			{"tool.exe", []byte("MZ\x90\x00"), "この種類のファイルは受け付けていません"},
			{"fake.pdf", []byte("MZ\x90\x00 not a pdf"), "この種類のファイルは受け付けていません"},
			{"huge.txt", bytes.Repeat([]byte("a"), routine.MaxEvidenceBytes+1), "ファイルが大きすぎます"},
			{"huge.txt", bytes.Repeat([]byte("a"), routine.MaxEvidenceBytes+512<<10), "ファイルが大きすぎます"},
		} {
			ct, body := multipartForm(t, "見ました", bad.name, bad.data)
			r := keeper.postMultipart(t, path, ct, body)
			if r.status != http.StatusBadRequest || !strings.Contains(r.body, bad.want) || !strings.Contains(r.body, "何も保存していません") {
				t.Fatalf("%s (%d bytes): got %d, want 400 saying %q", bad.name, len(bad.data), r.status, bad.want)
			}
		}
		if after := w.auditCount(); after != before {
			t.Fatalf("refused files: got %d audit entries, want %d (nothing stored)", after, before)
		}
		if ev, _ := w.db.Tenant(w.orgA.ID).OccurrenceEvidence(context.Background(), occ); len(ev) != 0 {
			t.Fatalf("refused files: got %d pieces of evidence, want none", len(ev))
		}
		pdf := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
		ct, body := multipartForm(t, "海外からのサインインはありませんでした。", "サインイン記録.pdf", pdf)
		if r := keeper.postMultipart(t, path, ct, body); r.status != http.StatusSeeOther {
			t.Fatalf("complete with a PDF: got %d, want 303\n%s", r.status, r.body)
		}
		ten := w.db.Tenant(w.orgA.ID)
		ev, _ := ten.OccurrenceEvidence(context.Background(), occ)
		var file store.Evidence
		for _, e := range ev {
			if e.Kind == routine.EvidenceFile {
				file = e
			}
		}
		sum := sha256.Sum256(pdf)
		if file.SHA256 != hex.EncodeToString(sum[:]) || !file.Sealed || file.Size != int64(len(pdf)) || file.MIME != "application/pdf" {
			t.Fatalf("got %+v, want the PDF's SHA-256, size and type, sealed", file)
		}
		_, stored, _ := ten.EvidenceFileData(context.Background(), file.ID)
		if bytes.Contains(stored, []byte("%PDF")) {
			t.Fatal("the file is stored in the clear, want it sealed")
		}
		page := keeper.get("/o/alpha/occurrences/" + strconv.FormatInt(occ, 10))
		if !strings.Contains(page.body, hex.EncodeToString(sum[:])) || !strings.Contains(page.body, "海外からのサインインはありませんでした。") {
			t.Fatalf("occurrence page: want the note and the SHA-256 shown")
		}
		dl := "/o/alpha/evidence/" + strconv.FormatInt(file.ID, 10)
		for role, want := range map[org.Role]int{org.Auditor: 200, org.Keeper: 200, org.Owner: 200, org.Member: 403} {
			c := w.client("en")
			c.signIn(w.users[role].Email)
			r := c.get(dl)
			if r.status != want {
				t.Fatalf("download as %s: got %d, want %d", role, r.status, want)
			}
			if want == 200 && (r.body != string(pdf) || !strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment")) {
				t.Fatalf("download as %s: got %q, want the PDF as an attachment", role, r.body)
			}
		}
		other := w.client("en")
		other.signIn(w.userB.Email)
		if r := other.get("/o/bravo/evidence/" + strconv.FormatInt(file.ID, 10)); r.status != http.StatusNotFound {
			t.Fatalf("organisation B downloading A's file: got %d, want 404", r.status)
		}
		ct, body = multipartForm(t, "もう一度", "サインイン記録.pdf", pdf)
		if r := keeper.postMultipart(t, path, ct, body); r.status != http.StatusConflict {
			t.Fatalf("completing twice: got %d, want 409", r.status)
		}
	})
}

// TestRoutinePages: the week, the month grid, the year, by person and the
// list render with the company's chores; a keeper changes a schedule with
// the domain's validation; the one-click completion from the week works.
func TestRoutinePages(t *testing.T) {
	w := newWorld(t, "sqlite")
	keeper := w.client("ja")
	keeper.signIn(w.users[org.Keeper].Email)
	keeper.mustShow("/o/alpha/routines", "今週の定期業務", "サインイン記録の確認")
	keeper.mustShow("/o/alpha/routines/calendar", `class="month-grid"`)
	keeper.mustShow("/o/alpha/routines/calendar?year="+strconv.Itoa(w.clock.Now().Year()+1), "の定期業務", "規程")
	keeper.mustShow("/o/alpha/routines/people", "情シス担当")
	keeper.mustShow("/o/alpha/routines/all", "サインイン記録の確認", "定期業務を追加する")
	rid := strconv.FormatInt(w.inv["routine"][0], 10)
	keeper.mustShow("/o/alpha/routines/"+rid, "なぜ必要か", "手順", "実施履歴")
	if r := keeper.post("/o/alpha/routines/"+rid, url.Values{"cadence": {"monthly"}, "day": {"31"}, "escalate_after": {"7"}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "日は1〜28日で入力してください") {
		t.Fatalf("day 31: got %d, want 400 with the domain's message", r.status)
	}
	if r := keeper.post("/o/alpha/routines/"+rid, url.Values{"cadence": {"monthly"}, "day": {"10"}, "escalate_after": {"3"}, "assignee": {strconv.FormatInt(w.users[org.Keeper].ID, 10)}}); r.status != http.StatusSeeOther {
		t.Fatalf("change to monthly: got %d, want 303\n%s", r.status, r.body)
	}
	rt, _ := w.db.Tenant(w.orgA.ID).Routine(context.Background(), w.inv["routine"][0])
	if rt.Schedule.Cadence != routine.Monthly || rt.Schedule.Day != 10 || rt.AssigneeID != w.users[org.Keeper].ID {
		t.Fatalf("got %+v, want monthly on the 10th, assigned to the keeper", rt)
	}
	keeper.mustShow("/o/alpha/routines/people", w.users[org.Keeper].Name)
	// One click from the week's list.
	waiting, _ := w.db.Tenant(w.orgA.ID).Occurrences(context.Background(), store.OccurrenceQuery{RoutineID: rt.ID, AnyAssignee: true, Waiting: true})
	if len(waiting) == 0 {
		t.Fatal("no waiting occurrence after the change")
	}
	r := keeper.post("/o/alpha/occurrences/"+strconv.FormatInt(waiting[0].ID, 10)+"/complete", url.Values{"note": {"実施しました。"}, "back": {"week"}})
	if r.status != http.StatusSeeOther || r.location != "/o/alpha/routines?ok=routine_done" {
		t.Fatalf("one-click completion: got %d → %q, want 303 to the week", r.status, r.location)
	}
	keeper.mustShow("/o/alpha/", "今週やること")
	// The audit trail has words for every action and field the routines record.
	cat, _ := i18n.Load()
	tn := w.db.Tenant(w.orgA.ID)
	entries, _ := tn.Audit(context.Background(), store.AuditFilter{Action: "routine."})
	seen := map[string]bool{}
	for _, e := range entries {
		seen[e.Action] = true
		kind, _, _ := strings.Cut(e.Target, ":")
		if !cat.Has("action."+e.Action) || !cat.Has("target."+kind) {
			t.Errorf("%s on %s: no words for the action or the target", e.Action, e.Target)
		}
		for _, side := range []string{e.Before, e.After} {
			var fields map[string]any
			json.Unmarshal([]byte(side), &fields)
			for f := range fields {
				if !cat.Has("af." + f) {
					t.Errorf("%s: af.%s missing", e.Action, f)
				}
			}
		}
	}
	for _, a := range []string{"routine.create", "routine.update", "routine.complete", "routine.schedule"} {
		if !seen[a] {
			t.Errorf("no %s entry in the trail", a)
		}
	}
}

// TestCalendarFeed: a user's secret address gives an iCalendar file of
// their chores to a calendar program without a session; the token is kept
// hashed, a new one replaces it, and revoking ends it.
func TestCalendarFeed(t *testing.T) {
	w := newWorld(t, "sqlite")
	keeper := w.client("ja")
	keeper.signIn(w.users[org.Keeper].Email)
	r := keeper.post("/o/alpha/routines/feed", url.Values{})
	m := regexp.MustCompile(`/ical/([0-9a-f]{40})\.ics`).FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil {
		t.Fatalf("create feed: got %d, want the address shown", r.status)
	}
	anon := w.client("en")
	feed := anon.get("/ical/" + m[1] + ".ics")
	if feed.status != 200 || !strings.HasPrefix(feed.header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("feed: got %d %s, want text/calendar", feed.status, feed.header.Get("Content-Type"))
	}
	unfolded := strings.ReplaceAll(feed.body, "\r\n ", "")
	for _, want := range []string{"BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:", "SUMMARY:サインイン記録の確認"} {
		if !strings.Contains(unfolded, want) {
			t.Fatalf("feed lacks %q:\n%s", want, feed.body)
		}
	}
	for _, l := range strings.Split(feed.body, "\r\n") {
		if len(l) > 75 {
			t.Fatalf("line of %d octets: %q", len(l), l)
		}
	}
	if strings.Contains(feed.body, "極秘部") {
		t.Fatal("the feed shows organisation B's chores")
	}
	// A new address ends the old one; revoking ends the new one.
	r2 := keeper.post("/o/alpha/routines/feed", url.Values{})
	m2 := regexp.MustCompile(`/ical/([0-9a-f]{40})\.ics`).FindStringSubmatch(r2.body)
	if anon.get("/ical/"+m[1]+".ics").status != 404 || anon.get("/ical/"+m2[1]+".ics").status != 200 {
		t.Fatal("after renewing: want the old address 404 and the new one 200")
	}
	keeper.post("/o/alpha/routines/feed/revoke", url.Values{})
	if anon.get("/ical/"+m2[1]+".ics").status != 404 {
		t.Fatal("after revoking: want 404")
	}
	if anon.get("/ical/nope").status != 404 {
		t.Fatal("junk token: want 404")
	}
}

// TestRoutinesAPI: list routines and occurrences and complete one through
// the JSON API with a token.
func TestRoutinesAPI(t *testing.T) {
	w := newWorld(t, "sqlite")
	c := w.client("en")
	c.signIn(w.users[org.Keeper].Email)
	c.hdr.Set("Accept", "application/json")
	r := c.get("/api/v1/orgs/alpha/routines")
	var rs struct {
		Routines []struct {
			ID    int64             `json:"id"`
			Chore string            `json:"chore"`
			Title map[string]string `json:"title"`
		} `json:"routines"`
	}
	if err := json.Unmarshal([]byte(r.body), &rs); err != nil || len(rs.Routines) == 0 || rs.Routines[0].Title["ja"] == "" {
		t.Fatalf("routines: got %d %s (%v), want a list with titles", r.status, r.body, err)
	}
	r = c.get("/api/v1/orgs/alpha/occurrences")
	var os struct {
		Occurrences []struct {
			ID     int64  `json:"id"`
			Due    string `json:"due"`
			Status string `json:"status"`
		} `json:"occurrences"`
	}
	if err := json.Unmarshal([]byte(r.body), &os); err != nil || len(os.Occurrences) == 0 {
		t.Fatalf("occurrences: got %d %s (%v), want the waiting ones", r.status, r.body, err)
	}
	id := strconv.FormatInt(os.Occurrences[0].ID, 10)
	if r = c.post("/api/v1/orgs/alpha/occurrences/"+id+"/complete", url.Values{}); r.status != http.StatusBadRequest || !strings.Contains(r.body, `"code":"invalid"`) {
		t.Fatalf("complete without evidence: got %d %s, want 400", r.status, r.body)
	}
	if r = c.post("/api/v1/orgs/alpha/occurrences/"+id+"/complete", url.Values{"note": {"checked by script"}}); r.status != 200 || !strings.Contains(r.body, `"status":"done"`) {
		t.Fatalf("complete: got %d %s, want done", r.status, r.body)
	}
}

// TestEscalationReachesTheOwner travels in time: a weekly chore left
// undone past its routine's limit is escalated by the routines job, shows
// on the owner's dashboard (not the keeper's, who sees it in the week's
// list), and puts the company first on the advisor's portfolio with its
// overdue count.
func TestEscalationReachesTheOwner(t *testing.T) {
	w := newWorld(t, "sqlite")
	owner, keeper, advisor := w.client("ja"), w.client("ja"), w.client("ja")
	owner.signIn(w.users[org.Owner].Email)
	if r := owner.get("/o/alpha/"); strings.Contains(r.body, "期限を大きく過ぎた定期業務があります") {
		t.Fatal("escalation shown before anything is overdue")
	}
	sync := func() store.RoutineSync {
		res, err := w.db.Tenant(w.orgA.ID).SyncRoutines(context.Background(), audit.System, calendar.Of(w.clock.Now()))
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	w.clock.Add(16 * 24 * time.Hour) // the first weekly sign-in review is now 9 days or more overdue
	if res := sync(); res.Escalated == 0 {
		t.Fatalf("got %+v, want the overdue review escalated", res)
	}
	for c, role := range map[*client]org.Role{owner: org.Owner, keeper: org.Keeper, advisor: org.Advisor} {
		c.signIn(w.users[role].Email) // the sessions of 16 days ago have lapsed
	}
	owner.mustShow("/o/alpha/", "期限を大きく過ぎた定期業務があります", "経営者に報告済み")
	if r := keeper.get("/o/alpha/"); strings.Contains(r.body, "期限を大きく過ぎた定期業務があります") || !strings.Contains(r.body, "経営者に報告済み") {
		t.Fatal("keeper's dashboard: want the escalated chore in the week's list, without the owner's notice")
	}
	p := advisor.get("/portfolio")
	if !strings.Contains(p.body, "期限超過の定期業務") || !strings.Contains(p.body, `<a href="/o/alpha/routines">`) {
		t.Fatalf("portfolio: want the overdue routines counted and linked\n%s", p.body)
	}
}
