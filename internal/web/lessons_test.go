package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
)

// lessonAnswers returns the form that answers every question of a
// built-in lesson rightly (or wrongly), read from the page itself: the
// right answers are not on the page, so they come from the store.
func (w *world) lessonAnswers(id string, right bool) url.Values {
	w.t.Helper()
	l, err := w.db.Tenant(w.orgA.ID).Lesson(w.t.Context(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	form := url.Values{}
	for i, q := range l.In("ja").Quiz {
		for j, c := range q.Choices {
			if c.Correct == right {
				form.Set("q"+strconv.Itoa(i+1), strconv.Itoa(j))
			}
		}
	}
	return form
}

// TestMemberTakesLesson: a member whose address is on the staff list sees
// the lesson assigned to them, reads it with its picture, answers the quiz
// as a plain form and gets the explanations; passed, it moves to "done"
// and the keeper's figures and dashboard change.
func TestMemberTakesLesson(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx := t.Context()
		ten := w.db.Tenant(w.orgA.ID)
		member := w.users[org.Member]
		if err := ten.AddPeople(ctx, audit.Actor{Label: "test"}, []inventory.Person{{Name: "受講 花子", Email: strings.ToUpper(member.Email), Department: "営業部", EmploymentType: inventory.FullTime, JoinDate: "2018-04-01"}}); err != nil {
			t.Fatal(err)
		}
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		dash := keeper.get("/o/" + w.orgA.Slug + "/")
		if !strings.Contains(dash.body, `id="dash-lessons"`) || !strings.Contains(dash.body, "受講率 0%") {
			t.Fatalf("dashboard: want the lesson figure at 0%%: %s", excerpt(dash.body, "dash-lessons"))
		}
		r := keeper.post("/o/"+w.orgA.Slug+"/lessons/mis-send/assign", url.Values{"department": {"営業部"}, "due": {calendar.Of(w.clock.Now()).AddDays(7).String()}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("assign: got %d %s", r.status, excerpt(r.body, "error"))
		}

		c := w.client("ja")
		c.signIn(member.Email)
		list := c.get("/o/" + w.orgA.Slug + "/learn")
		todo, _, _ := strings.Cut(list.body, `id="done"`)
		if list.status != http.StatusOK || !strings.Contains(todo, "メールの宛先とTo・Cc・Bcc") || !strings.Contains(todo, "担当者から") {
			t.Fatalf("my lessons: got %d, want mis-send to do: %s", list.status, excerpt(list.body, "todo"))
		}
		page := c.get("/o/" + w.orgA.Slug + "/learn/mis-send")
		if !strings.Contains(page.body, `src="/lessons/pictures/mis-send.svg"`) || !strings.Contains(page.body, `type="radio" name="q1"`) || !strings.Contains(page.body, "<h2>いちばん多い事故は「宛先まちがい」です</h2>") {
			t.Fatalf("lesson page lacks its picture, quiz or text: %s", excerpt(page.body, "<article"))
		}
		pic := c.get("/lessons/pictures/mis-send.svg")
		if pic.status != http.StatusOK || pic.header.Get("Content-Type") != "image/svg+xml" || pic.header.Get("Content-Security-Policy") == "" {
			t.Fatalf("picture: got %d %q, want an SVG under the CSP", pic.status, pic.header.Get("Content-Type"))
		}
		if r := c.post("/o/"+w.orgA.Slug+"/learn/mis-send", url.Values{"q1": {"0"}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "すべての問題に答えてください") {
			t.Fatalf("half-answered: got %d, want 400 asking for every answer", r.status)
		}
		failed := c.post("/o/"+w.orgA.Slug+"/learn/mis-send", w.lessonAnswers("mis-send", false))
		if failed.status != http.StatusOK || !strings.Contains(failed.body, "3問中0問正解") || !strings.Contains(failed.body, "もう一度挑戦する") {
			t.Fatalf("wrong answers: got %d, want 0 of 3 with a second try", failed.status)
		}
		passed := c.post("/o/"+w.orgA.Slug+"/learn/mis-send", w.lessonAnswers("mis-send", true))
		if passed.status != http.StatusOK || !strings.Contains(passed.body, "3問中3問正解") || !strings.Contains(passed.body, "Bcc を使います") {
			t.Fatalf("right answers: got %d, want 3 of 3 with the explanations", passed.status)
		}
		list = c.get("/o/" + w.orgA.Slug + "/learn")
		_, done, _ := strings.Cut(list.body, `id="done"`)
		if !strings.Contains(done, "メールの宛先とTo・Cc・Bcc") {
			t.Fatal("after passing, the lesson is not listed as done")
		}
		dash = keeper.get("/o/" + w.orgA.Slug + "/")
		if !strings.Contains(dash.body, "受講率 100%（1件中1件）") {
			t.Fatalf("dashboard after the completion: %s", excerpt(dash.body, "dash-lessons"))
		}
		overview := keeper.get("/o/" + w.orgA.Slug + "/lessons")
		if !strings.Contains(overview.body, "営業部") || !strings.Contains(overview.body, "100%") {
			t.Fatal("keeper's overview lacks the department's completion")
		}
	})
}

// TestLessonEditIsSafe: a keeper's lesson with markup is refused where it
// starts a line (naming the line) and escaped where it sits in the text;
// the CSV export neutralises a title a spreadsheet would run.
func TestLessonEditIsSafe(t *testing.T) {
	w := newWorld(t, "sqlite")
	c := w.client("ja")
	c.signIn(w.users[org.Keeper].Email)
	src := "---\nid: own-rules\ntitle: =HYPERLINK(\"http://evil.example\")\nminutes: 3\n---\n本文 **<img src=x onerror=alert(1)>** [x](javascript:alert(1))\n\n<script>alert(1)</script>\n=== quiz\n? 問\n+ はい\n- いいえ\n> 解説\n? 問\n+ はい\n- いいえ\n> 解説\n? 問\n+ はい\n- いいえ\n> 解説\n"
	r := c.post("/o/"+w.orgA.Slug+"/lessons", url.Values{"source_ja": {src}})
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "8行目：HTMLのタグは使えません") {
		t.Fatalf("raw HTML: got %d, want 400 naming line 8: %s", r.status, excerpt(r.body, "error"))
	}
	src = strings.Replace(src, "<script>alert(1)</script>\n", "", 1)
	if r = c.post("/o/"+w.orgA.Slug+"/lessons", url.Values{"source_ja": {src}}); r.status != http.StatusSeeOther || r.location != "/o/"+w.orgA.Slug+"/lessons/own-rules?ok=lesson_saved" {
		t.Fatalf("save: got %d → %q", r.status, r.location)
	}
	page := c.get("/o/" + w.orgA.Slug + "/learn/own-rules")
	if strings.Contains(page.body, "<img src=x") || strings.Contains(page.body, "javascript:") || !strings.Contains(page.body, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Fatalf("lesson text not escaped: %s", excerpt(page.body, "lesson-body"))
	}
	// Editing keeps versions.
	if r = c.post("/o/"+w.orgA.Slug+"/lessons/own-rules", url.Values{"source_ja": {strings.Replace(src, "本文", "改訂した本文", 1)}}); r.status != http.StatusSeeOther {
		t.Fatalf("edit: got %d", r.status)
	}
	admin := c.get("/o/" + w.orgA.Slug + "/lessons/own-rules")
	if !strings.Contains(admin.body, "第2版") || !strings.Contains(admin.body, "第1版") {
		t.Fatal("lesson page does not list both versions")
	}
	csv := c.get("/o/" + w.orgA.Slug + "/lessons/export")
	if csv.status != http.StatusOK || !strings.Contains(csv.body, `'=HYPERLINK`) || !strings.Contains(csv.body, "メールの宛先とTo・Cc・Bcc") {
		t.Fatalf("export: got %d, want the titles with the formula neutralised:\n%s", csv.status, csv.body)
	}
}

// excerpt returns the text around marker, for failure messages.
func excerpt(body, marker string) string {
	i := strings.Index(body, marker)
	if i < 0 {
		return "(no " + marker + ")"
	}
	return body[max(0, i-200):min(len(body), i+600)]
}

// TestLessonInEnglish: a reader who chose English reads our lessons, the
// quiz and the result in English; an organisation's lesson written only
// in Japanese falls back to Japanese.
func TestLessonInEnglish(t *testing.T) {
	w := newWorld(t, "sqlite")
	c := w.client("en")
	c.signIn(w.users[org.Member].Email)
	page := c.get("/o/" + w.orgA.Slug + "/learn/phishing-bec")
	if page.status != http.StatusOK || !strings.Contains(page.body, "Suspicious mail and invoice fraud") || !strings.Contains(page.body, "Check my answers") {
		t.Fatalf("got %d, want the English lesson and quiz", page.status)
	}
	res := c.post("/o/"+w.orgA.Slug+"/learn/phishing-bec", w.lessonAnswers("phishing-bec", true))
	if !strings.Contains(res.body, "4 of 4 right") || !strings.Contains(res.body, "stock phrases of impersonation") {
		t.Fatalf("result: got %d, want 4 of 4 with English explanations", res.status)
	}
	if own := c.get("/o/" + w.orgA.Slug + "/learn/9001"); !strings.Contains(own.body, "自社の決まり") {
		t.Fatalf("a Japanese-only lesson: got %d, want the Japanese shown", own.status)
	}
}
