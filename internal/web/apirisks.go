package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/importer"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/risk"
	"github.com/mamori-sec/mamori/internal/store"
)

// The risk register's JSON API: GET lists the register with the computed
// columns (重要度, 被害発生可能性, リスク値, above the acceptance line,
// untreated, overdue); POST takes a risk sheet (CSV or any file the
// importer reads) or JSON entries keyed by the sheet's column keys, and
// saves it through the importer's risk path: all or nothing, a refusal
// naming every bad row and column.

type apiRisk struct {
	ID            int64  `json:"id"`
	AssetID       int64  `json:"asset_id"`
	Asset         string `json:"asset"`
	Medium        string `json:"medium"`
	Threat        string `json:"threat"`
	ThreatName    string `json:"threat_name"`
	ThreatLevel   int    `json:"threat_level"`
	Vulnerability int    `json:"vulnerability"`
	Importance    int    `json:"importance"`
	Likelihood    int    `json:"likelihood"`
	RiskValue     int    `json:"risk_value"`
	Above         bool   `json:"above_line"`
	Untreated     bool   `json:"untreated"`
	Overdue       bool   `json:"overdue"`
	Treatment     string `json:"treatment"`
	Plan          string `json:"plan"`
	OwnerID       int64  `json:"owner_id,omitempty"`
	Owner         string `json:"owner,omitempty"`
	Due           string `json:"due,omitempty"`
	Status        string `json:"status"`
	Note          string `json:"note"`
	UpdatedAt     string `json:"updated_at"`
}

// apiRisks lists the register as the risk page sorts it.
func (s *Server) apiRisks(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	list, err := s.riskJSON(r, st.tenant)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	line, err := st.tenant.RiskLine(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"org": st.org.Slug, "acceptance_line": line, "count": len(list), "risks": list})
}

func (s *Server) riskJSON(r *http.Request, t store.Tenant) ([]apiRisk, error) {
	ctx := r.Context()
	list, err := t.Risks(ctx)
	if err != nil {
		return nil, err
	}
	line, err := t.RiskLine(ctx)
	if err != nil {
		return nil, err
	}
	assets, _, err := t.Assets(ctx, store.ListQuery{Limit: 1 << 30})
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]inventory.Asset, len(assets))
	for _, a := range assets {
		byID[a.ID] = a
	}
	owners, err := s.riskOwners(ctx, t)
	if err != nil {
		return nil, err
	}
	today := calendar.Of(s.Now())
	entries := make([]risk.Entry, 0, len(list))
	for _, rk := range list {
		entries = append(entries, risk.Assess(rk, byID[rk.AssetID].Importance(), line, today))
	}
	risk.Sort(entries)
	l := apiLocale(r)
	out := make([]apiRisk, 0, len(entries))
	for _, e := range entries {
		a := byID[e.AssetID]
		name := e.Threat
		if th, ok := risk.LookupThreat(e.Threat); ok {
			name = s.Catalogue.T(l, th.NameKey())
		}
		v := apiRisk{ID: e.ID, AssetID: e.AssetID, Asset: a.Name, Medium: a.Medium, Threat: e.Threat, ThreatName: name,
			ThreatLevel: e.ThreatLevel, Vulnerability: e.Vulnerability, Importance: e.Importance, Likelihood: e.Likelihood,
			RiskValue: e.Value, Above: e.Above, Untreated: e.Untreated, Overdue: e.Overdue, Treatment: string(e.Treatment),
			Plan: e.Plan, OwnerID: e.OwnerID, Owner: owners[e.OwnerID].Name, Status: string(e.Status), Note: e.Note,
			UpdatedAt: e.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z")}
		if e.Due != 0 {
			v.Due = e.Due.String()
		}
		out = append(out, v)
	}
	return out, nil
}

// apiRisksSubmit saves a risk sheet: the body is a file the importer reads
// (CSV, TSV, Excel), or, with a JSON content type, a list of entries
// (or {"risks": [...]}) keyed by the sheet's column keys. It answers 200
// with what was done and the register as it now stands.
func (s *Server) apiRisksSubmit(w http.ResponseWriter, r *http.Request) {
	release, err := s.importSlot()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer release()
	if r.ContentLength > uploadLimit {
		s.fail(w, r, tooLarge())
		return
	}
	data, err := readLimited(http.MaxBytesReader(w, r.Body, uploadLimit), importer.DefaultMaxBytes)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := upload{kind: importer.Risks, name: "risks.csv", data: data}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	isJSON := mt == "application/json"
	if isJSON {
		if u.data, err = riskSheetFromJSON(data); err != nil {
			s.fail(w, r, err)
			return
		}
	} else if name := fileName(r.URL.Query().Get("name")); name != "" {
		u.name = name
	}
	pv, err := s.runImport(r, &u, true)
	if err != nil {
		if isJSON {
			jsonRows(err)
		}
		s.fail(w, r, err)
		return
	}
	pv.Translate(func(key string, args ...any) string { return s.Catalogue.T(apiLocale(r), key, args...) })
	list, err := s.riskJSON(r, stateOf(r).tenant)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"import": pv, "count": len(list), "risks": list})
}

// riskHeader is the header a JSON entry's key stands for: the column's
// English name, which the importer reads back.
func riskHeader() (keys []string, header map[string]string) {
	header = map[string]string{}
	for _, c := range importer.RiskColumns() {
		keys = append(keys, c.Key)
		header[c.Key] = c.EN
	}
	return keys, header
}

// riskSheetFromJSON writes JSON entries as a risk sheet in CSV, one row an
// entry in order, so that the importer's rules and messages apply. An
// unknown key or a value that is not a string, number or null is refused,
// naming the entry.
func riskSheetFromJSON(data []byte) ([]byte, error) {
	var entries []map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&entries); err != nil {
		var wrapped struct {
			Risks []map[string]any `json:"risks"`
		}
		dec = json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&wrapped); err != nil || wrapped.Risks == nil {
			return nil, problem.Field("file", "risk.api_bad_json")
		}
		entries = wrapped.Risks
	}
	if len(entries) == 0 {
		return nil, problem.Field("file", "risk.api_empty")
	}
	keys, header := riskHeader()
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	row := make([]string, len(keys))
	for i, k := range keys {
		row[i] = header[k]
	}
	cw.Write(row)
	for n, e := range entries {
		for k := range e {
			if _, ok := header[k]; !ok {
				return nil, problem.Field("file", "risk.api_unknown_key", n+1, k)
			}
		}
		row = make([]string, len(keys))
		for i, k := range keys {
			switch v := e[k].(type) {
			case nil:
			case string:
				row[i] = v
			case json.Number:
				row[i] = v.String()
			case bool:
				row[i] = strconv.FormatBool(v)
			default:
				return nil, problem.Field("file", "risk.api_bad_value", n+1, k)
			}
		}
		cw.Write(row)
	}
	cw.Flush()
	return b.Bytes(), cw.Error()
}

// jsonRows renames a refusal's rows and columns for JSON entries: the
// sheet's row 2 is entry 1, and a column is the entry's key.
func jsonRows(err error) {
	all, ok := importer.AllRowErrors(err)
	if !ok {
		return
	}
	_, header := riskHeader()
	key := make(map[string]string, len(header))
	for k, h := range header {
		key[strings.ToLower(h)] = k
	}
	for _, re := range all.Errors {
		if re.Line > 1 {
			re.Line--
		}
		if k, ok := key[strings.ToLower(re.Column)]; ok {
			re.Column = k
		}
	}
}
