package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/org"
)

// TestCatalogueWordsFromMessages: the service catalogue's descriptions,
// and the names of entries that are kinds of thing rather than products,
// are shown in the reader's language from the message catalogues.
func TestCatalogueWordsFromMessages(t *testing.T) {
	w := newWorld(t, "sqlite")
	for _, tt := range []struct {
		lang string
		want []string
	}{
		{"ja", []string{`value="インターネット回線・ルーター"`, "光回線と事務所のルーター", ">UTM・ファイアウォール<", "Outlook・Teams"}},
		{"en", []string{`value="Internet line and router"`, "The fibre line and the office router", ">UTM and firewall<", "Outlook, Teams"}},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			c := w.client(tt.lang)
			c.signIn(w.users[org.Keeper].Email)
			c.mustShow("/o/alpha/services/new?from=internet_router", tt.want[:3]...)
			c.mustShow("/o/alpha/services/new?from=microsoft_365", tt.want[3])
		})
	}
}

// TestLanguageMenuFromCatalogues: the account page offers every language
// there is a catalogue for, each by its own name.
func TestLanguageMenuFromCatalogues(t *testing.T) {
	w := newWorld(t, "sqlite")
	c := w.client("en")
	c.signIn(w.users[org.Keeper].Email)
	c.mustShow("/account", `<option value="ja" lang="ja">日本語</option>`, `<option value="en" lang="en">English</option>`)
}

// TestAcceptUntilReadsWrittenDays: the date a risk is accepted until is
// read like every other day a person types (和暦 included) and stored as
// YYYY-MM-DD; a day outside its era is refused.
func TestAcceptUntilReadsWrittenDays(t *testing.T) {
	w := newWorld(t, "sqlite")
	owner := w.client("ja")
	owner.signIn(w.users[org.Owner].Email)
	id := w.inv["finding"][0]
	path := "/o/alpha/findings/" + strconv.FormatInt(id, 10) + "/accept"
	if r := owner.post(path, url.Values{"reason": {"入れ替えまで"}, "until": {"平成32年1月1日"}}); r.status != http.StatusBadRequest {
		t.Fatalf("accept until 平成32年: got %d, want 400", r.status)
	}
	until := calendar.Of(w.clock.Now()).AddDays(40)
	if r := owner.post(path, url.Values{"reason": {"入れ替えまで"}, "until": {until.Wareki()}}); r.status != http.StatusSeeOther {
		t.Fatalf("accept until %s: got %d, want 303\n%s", until.Wareki(), r.status, r.body)
	}
	f, err := w.db.Tenant(w.orgA.ID).Finding(t.Context(), id)
	if err != nil || f.AcceptedUntil != until.String() {
		t.Fatalf("accepted until %q (%v), want %s", f.AcceptedUntil, err, until)
	}
}
