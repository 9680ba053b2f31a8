package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/org"
)

func TestFindingsPagesAndRiskAcceptance(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		r := keeper.get("/o/alpha/findings")
		if r.status != http.StatusOK || !strings.Contains(r.body, "セキュリティスコア") || !strings.Contains(r.body, "スコアの計算方法") || !strings.Contains(r.body, "<svg") {
			t.Fatalf("findings page: got %d, want score, calculation and trend", r.status)
		}
		if strings.Contains(r.body, "極秘部") {
			t.Fatal("findings page shows organisation B's records")
		}
		id := strconv.FormatInt(w.inv["finding"][0], 10)
		d := keeper.get("/o/alpha/findings/" + id)
		if d.status != http.StatusOK || !strings.Contains(d.body, "なぜ問題なのか") || !strings.Contains(d.body, "対応の手順") {
			t.Fatalf("finding page: got %d, want explanation and remediation", d.status)
		}
		if strings.Contains(d.body, "リスク受容を記録する") {
			t.Fatal("a keeper sees the risk acceptance form; only owners and advisors may accept risks")
		}
		dash := keeper.get("/o/alpha/")
		if !strings.Contains(dash.body, "今週やること") || !strings.Contains(dash.body, "/o/alpha/findings?check=") {
			t.Fatal("dashboard lacks the week's list with the most important actions")
		}

		owner := w.client("ja")
		owner.signIn(w.users[org.Owner].Email)
		today := w.clock.Now().Format(time.DateOnly)
		if r := owner.post("/o/alpha/findings/"+id+"/accept", url.Values{"reason": {""}, "until": {today}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, `id="reason" name="reason" required maxlength="500" aria-invalid="true"`) {
			t.Fatalf("accept without a reason: got %d, want 400 marking the reason", r.status)
		}
		until := w.clock.Now().AddDate(0, 1, 0).Format(time.DateOnly)
		if r := owner.post("/o/alpha/findings/"+id+"/accept", url.Values{"reason": {"来月の入れ替えまで使用する"}, "until": {until}}); r.status != http.StatusSeeOther {
			t.Fatalf("accept: got %d, want 303", r.status)
		}
		f, err := w.db.Tenant(w.orgA.ID).Finding(t.Context(), w.inv["finding"][0])
		if err != nil || f.Status != findings.Accepted || f.AcceptedBy != w.users[org.Owner].Email || f.AcceptedUntil != until {
			t.Fatalf("got %+v (%v), want accepted by the owner until %s", f, err, until)
		}
		if r := owner.get("/o/alpha/findings/" + id); !strings.Contains(r.body, "来月の入れ替えまで使用する") || !strings.Contains(r.body, "リスク受容") {
			t.Fatal("finding page: want the reason and the acceptance in the history")
		}
		// After the date the next evaluation reopens it.
		w.clock.Add(40 * 24 * time.Hour)
		keeper.signIn(w.users[org.Keeper].Email) // the old session has expired meanwhile
		if r := keeper.post("/o/alpha/findings/evaluate", nil); r.status != http.StatusSeeOther {
			t.Fatalf("evaluate: got %d, want 303", r.status)
		}
		if f, _ := w.db.Tenant(w.orgA.ID).Finding(t.Context(), w.inv["finding"][0]); f.Status != findings.Open {
			t.Fatalf("after the acceptance expired: got %s, want open", f.Status)
		}
		owner.signIn(w.users[org.Owner].Email)
		if r := owner.get("/o/alpha/findings/checks"); r.status != http.StatusOK || strings.Count(r.body, `class="card check"`) < 40 {
			t.Fatalf("checks catalogue: got %d, want every check listed", r.status)
		}
	})
}
