package web_test

import (
	"testing"

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
