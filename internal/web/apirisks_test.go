package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/org"
)

type riskListJSON struct {
	Line  int `json:"acceptance_line"`
	Count int `json:"count"`
	Risks []struct {
		ID            int64  `json:"id"`
		Asset         string `json:"asset"`
		Threat        string `json:"threat"`
		ThreatName    string `json:"threat_name"`
		ThreatLevel   int    `json:"threat_level"`
		Vulnerability int    `json:"vulnerability"`
		Importance    int    `json:"importance"`
		Likelihood    int    `json:"likelihood"`
		RiskValue     int    `json:"risk_value"`
		Above         bool   `json:"above_line"`
		Due           string `json:"due"`
	} `json:"risks"`
}

// TestRiskAPI lists the register with its computed columns, refuses a
// submission with a bad entry whole (naming the entry and the key, saving
// nothing), saves a good one in JSON and in CSV, and keeps the roles.
func TestRiskAPI(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		ten := w.db.Tenant(w.orgA.ID)
		call := func(role org.Role, method, path, ctype, body string) (int, string) {
			t.Helper()
			auth := w.apiClient(w.users[role], "en").hdr.Get("Authorization")
			req, _ := http.NewRequest(method, w.ts.URL+path, strings.NewReader(body))
			req.Header.Set("Authorization", auth)
			req.Header.Set("Accept-Language", "en")
			if ctype != "" {
				req.Header.Set("Content-Type", ctype)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res.StatusCode, string(b)
		}
		path := "/api/v1/orgs/" + w.orgA.Slug + "/risks"
		count := func() int {
			rs, err := ten.Risks(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return len(rs)
		}

		code, body := call(org.Auditor, "GET", path, "", "")
		var list riskListJSON
		if code != http.StatusOK || json.Unmarshal([]byte(body), &list) != nil || list.Count != 1 || len(list.Risks) != 1 {
			t.Fatalf("list: got %d %s, want the harness's one risk", code, body)
		}
		rk := list.Risks[0]
		if rk.Asset != "アルファの顧客名簿" || rk.Threat != "share_leak" || rk.ThreatName == "" || rk.Importance == 0 || rk.Likelihood == 0 || rk.RiskValue != rk.Importance*rk.Likelihood || list.Line == 0 {
			t.Errorf("list entry without its computed columns: %+v (line %d)", rk, list.Line)
		}
		if strings.Contains(body, "極秘") || strings.Contains(body, "ベータ") {
			t.Error("another organisation's register in the list")
		}

		// One good entry, one with an impossible level: nothing is saved,
		// the refusal names entry 2 and its key.
		before := count()
		bad := `[{"asset": "アルファの顧客名簿", "threat": "ransomware", "threat_level": 2, "vulnerability": 2},
			{"asset": "アルファの顧客名簿", "threat": "insider", "threat_level": 5, "vulnerability": 1}]`
		code, body = call(org.Keeper, "POST", path, "application/json", bad)
		var e apiErr
		if code != http.StatusBadRequest && code != http.StatusUnprocessableEntity || json.Unmarshal([]byte(body), &e) != nil || e.Error.Row != 2 || e.Error.Column != "threat_level" {
			t.Errorf("bad entry: got %d %s, want entry 2, threat_level", code, body)
		}
		if count() != before {
			t.Fatal("a refused submission saved risks")
		}
		code, body = call(org.Keeper, "POST", path, "application/json", `[{"asset": "アルファの顧客名簿", "threat": "ransomware", "threat_level": 2, "vulnerability": 2, "colour": "red"}]`)
		if code == http.StatusOK || !strings.Contains(body, "colour") {
			t.Errorf("unknown key: got %d %s, want it named", code, body)
		}
		code, body = call(org.Keeper, "POST", path, "application/json", `[{"asset": "存在しない資産", "threat": "ransomware", "threat_level": 2, "vulnerability": 2}]`)
		if json.Unmarshal([]byte(body), &e) != nil || e.Error.Row != 1 || e.Error.Column != "asset" {
			t.Errorf("unknown asset: got %d %s, want entry 1, asset", code, body)
		}

		// An auditor reads but does not write; nothing changes.
		if code, _ := call(org.Auditor, "POST", path, "application/json", `[{"asset": "アルファの顧客名簿", "threat": "ransomware", "threat_level": 2, "vulnerability": 2}]`); code != http.StatusForbidden {
			t.Errorf("auditor POST: got %d, want 403", code)
		}
		if count() != before {
			t.Fatal("a refused role saved risks")
		}

		// A good JSON submission, then the same register as CSV.
		code, body = call(org.Keeper, "POST", path, "application/json", `{"risks": [{"asset": "アルファの顧客名簿", "threat": "ransomware", "threat_level": 2, "vulnerability": 2, "due": "令和8年12月31日"}]}`)
		if code != http.StatusOK || json.Unmarshal([]byte(body), &list) != nil || count() != before+1 {
			t.Fatalf("JSON submission: got %d %s, %d risks", code, body, count())
		}
		var saved bool
		for _, r := range list.Risks {
			saved = saved || r.Threat == "ransomware" && r.Due == "2026-12-31" && r.Likelihood > 0
		}
		if !saved {
			t.Errorf("the saved risk is not in the answer with its due day: %s", body)
		}
		csv := "情報資産名称,脅威,脅威の起こりやすさ,脆弱性のつけ込みやすさ\nアルファの顧客名簿,内部不正,1,2\n"
		if code, body = call(org.Keeper, "POST", path, "text/csv", csv); code != http.StatusOK || count() != before+2 {
			t.Errorf("CSV submission: got %d %s, %d risks", code, body, count())
		}
	})
}
