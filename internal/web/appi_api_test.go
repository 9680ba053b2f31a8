package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
)

// postJSON posts a raw JSON body with the client's headers.
func (c *client) postJSON(path, body string) response {
	c.w.t.Helper()
	req, err := http.NewRequest("POST", c.w.ts.URL+path, strings.NewReader(body))
	if err != nil {
		c.w.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range c.hdr {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.w.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, body: string(b), header: res.Header}
}

// TestAPIAPPIDecide: an advisor's script posts a case and gets the ruling;
// bad facts are refused naming the field; without a token, 401.
func TestAPIAPPIDecide(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		if w.db.Engine() != store.SQLite {
			t.Skip("no database in this handler")
		}
		adv := w.client("en")
		adv.signIn(w.users[org.Advisor].Email)
		script, _ := adv.newToken(url.Values{"name": {"cases"}})
		r := script.postJSON("/api/v1/appi/decide", `{"people": 1000, "encrypted_high_grade": false, "awareness": "2026-01-15"}`)
		var got struct {
			MustReport bool   `json:"must_report"`
			Rule       string `json:"rule_version"`
			Summary    string `json:"summary"`
		}
		if r.status != http.StatusOK || json.Unmarshal([]byte(r.body), &got) != nil {
			t.Fatalf("got %d %s", r.status, r.body)
		}
		if got.MustReport || got.Rule != "APPI-2024-04" || !strings.Contains(got.Summary, "No report") {
			t.Errorf("1,000 people: got %+v, want no report under APPI-2024-04", got)
		}
		r = script.postJSON("/api/v1/appi/decide", `{"people": 1001, "awareness": "2026-01-15"}`)
		if !strings.Contains(r.body, `"must_report":true`) || !strings.Contains(r.body, `"final_report_deadline":"2026-02-13"`) {
			t.Errorf("1,001 people: got %s", r.body)
		}
		r = script.postJSON("/api/v1/appi/decide", `{"people": -1, "awareness": "2026-01-15"}`)
		if r.status != http.StatusBadRequest && r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `"field":"people"`) {
			t.Errorf("negative people: got %d %s, want refused naming people", r.status, r.body)
		}
		r = script.postJSON("/api/v1/appi/decide", `{"people": 1, "colour": "red", "awareness": "2026-01-15"}`)
		if !strings.Contains(r.body, `"field":"colour"`) {
			t.Errorf("unknown field: got %d %s", r.status, r.body)
		}
		if r := w.client("en").postJSON("/api/v1/appi/decide", `{"people": 1, "awareness": "2026-01-15"}`); r.status != http.StatusUnauthorized {
			t.Errorf("no token: got %d, want 401", r.status)
		}
	})
}
