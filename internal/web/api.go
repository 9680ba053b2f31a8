package web

import (
	"encoding/json"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"unicode"

	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/importer"
	"github.com/mamori-sec/mamori/internal/intake"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/posture"
	"github.com/mamori-sec/mamori/internal/problem"
)

// The JSON API under /api/v1 is for advisors' scripts, signed in with a
// personal API token (Authorization: Bearer …). Its routes go through the
// same table, roles and organisation scope as the pages; errors are JSON
// and never redirects. A token works here and nowhere else (withSession,
// sessionOnly): the account and the pages need a signed-in person.

// isAPI reports a request to the JSON API.
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// apiLocale is the language of an API message: the request's
// Accept-Language when it sends one, else the usual rule.
func apiLocale(r *http.Request) i18n.Locale {
	if h := r.Header.Get("Accept-Language"); h != "" {
		return i18n.Negotiate("", "", h)
	}
	return stateOf(r).locale
}

type apiError struct {
	Code    problem.Code `json:"code"`
	Message string       `json:"message"`
	Row     int          `json:"row,omitempty"`
	Column  string       `json:"column,omitempty"`
	Field   string       `json:"field,omitempty"`
	// Errors lists every bad cell of a refused import (the first
	// importer.MaxRowErrors); More counts those not listed.
	Errors []importer.Described `json:"errors,omitempty"`
	More   int                  `json:"more,omitempty"`
	// Reason is, for a refused cell, the refusal the web form gives for the
	// same value: the inventory's message key, its field and its message.
	Reason *apiReason `json:"reason,omitempty"`
}

type apiReason struct {
	Key     string `json:"key"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// apiFail is fail for the API: the same codes and statuses, the message in
// JSON, with the row and column of a bad cell.
func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	code := problem.CodeOf(err)
	body := apiError{Code: code, Message: s.Catalogue.T(apiLocale(r), "error.internal")}
	if e, ok := problem.As(err); ok {
		body.Message = s.Catalogue.T(apiLocale(r), e.Key, e.Args...)
		if e.Field != "" && e.Field != "file" {
			body.Field = e.Field
		}
		if e.Code == problem.Internal && e.Err != nil {
			s.Logger.Error("request failed", "component", "api", "path", r.URL.Path, "error", err)
		}
	} else {
		body.Code = problem.Internal
		s.Logger.Error("request failed", "component", "api", "path", r.URL.Path, "error", err)
	}
	if all, ok := importer.AllRowErrors(err); ok {
		if all.Total == 1 {
			re := all.Errors[0]
			body.Row, body.Column = re.Line, re.Column
			if re.Reason != nil {
				body.Reason = &apiReason{Key: re.Reason.Key, Field: re.Reason.Field, Message: s.Catalogue.T(apiLocale(r), re.Reason.Key, re.Reason.Args...)}
			}
		}
		body.Errors = all.Describe(func(key string, args ...any) string { return s.Catalogue.T(apiLocale(r), key, args...) })
		body.More = all.More()
	}
	writeJSON(w, statusOf[body.Code], map[string]apiError{"error": body})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// apiFindings is the organisation's findings, as `mamori findings --json`
// prints them.
func (s *Server) apiFindings(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	status := r.URL.Query().Get("status")
	switch status {
	case "", "open", "accepted", "resolved":
	default:
		s.fail(w, r, problem.Field("status", "error.bad_form"))
		return
	}
	l := apiLocale(r)
	rep, err := posture.BuildReport(r.Context(), st.tenant, st.org.Slug, status, func(key string, args ...any) string { return s.Catalogue.T(l, key, args...) })
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// apiInventory lists every record of one kind, with the names of the
// records each refers to.
func (s *Server) apiInventory(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	k, ok := intake.ParseKind(r.PathValue("kind"))
	if !ok {
		s.notFound(w, r)
		return
	}
	d, err := st.tenant.Inventory(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items := inventoryJSON(k, d)
	writeJSON(w, http.StatusOK, map[string]any{"org": st.org.Slug, "kind": k, "count": len(items), "items": items})
}

// inventoryJSON turns records into objects with snake_case keys, adding
// the names behind their ids.
func inventoryJSON(k importer.Kind, d inventory.Data) []map[string]any {
	n := intake.NamesOf(d)
	email, service, device, asset := n.Email, n.Service, n.Device, n.Asset
	names := func(ids []int64, by map[int64]string) []string {
		out := []string{}
		for _, id := range ids {
			out = append(out, by[id])
		}
		return out
	}
	out := []map[string]any{}
	switch k {
	case importer.People:
		for _, p := range d.People {
			out = append(out, fieldsOf(p))
		}
	case importer.Services:
		for _, s := range d.Services {
			out = append(out, fieldsOf(s))
		}
	case importer.Accounts:
		for _, a := range d.Accounts {
			m := fieldsOf(a)
			m["service"], m["person_email"] = service[a.ServiceID], email[a.PersonID]
			out = append(out, m)
		}
	case importer.Devices:
		for _, x := range d.Devices {
			m := fieldsOf(x)
			m["user_email"] = email[x.PersonID]
			out = append(out, m)
		}
	case importer.Assets:
		for _, a := range d.Assets {
			m := fieldsOf(a)
			m["service_names"], m["device_names"] = names(a.ServiceIDs, service), names(a.DeviceIDs, device)
			if a.PaperLocations == nil {
				m["paper_locations"] = []string{}
			}
			if a.ServiceIDs == nil {
				m["service_ids"] = []int64{}
			}
			if a.DeviceIDs == nil {
				m["device_ids"] = []int64{}
			}
			m["importance"] = a.Importance()
			out = append(out, m)
		}
	case importer.Shares:
		for _, s := range d.Shares {
			m := fieldsOf(s)
			m["service"], m["asset"] = service[s.ServiceID], asset[s.AssetID]
			out = append(out, m)
		}
	}
	return out
}

// fieldsOf lists the exported fields of a record struct under snake_case
// names (ServiceIDs → service_ids), leaving out the organisation.
func fieldsOf(v any) map[string]any {
	rv := reflect.ValueOf(v)
	rt := rv.Type()
	m := make(map[string]any, rt.NumField())
	for i := range rt.NumField() {
		f := rt.Field(i)
		if !f.IsExported() || f.Name == "OrgID" {
			continue
		}
		m[snake(f.Name)] = rv.Field(i).Interface()
	}
	return m
}

func snake(name string) string {
	name = strings.ReplaceAll(strings.ReplaceAll(name, "IDs", "Ids"), "ID", "Id")
	rs := []rune(name)
	var b strings.Builder
	for i, r := range rs {
		if unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1])) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// apiImport previews an import, or applies it with apply=1. The file is
// the request body, or the "file" part of a multipart form.
func (s *Server) apiImport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var u upload
	var ok bool
	if u.kind, ok = intake.ParseKind(q.Get("kind")); !ok && q.Get("kind") != "" {
		s.fail(w, r, problem.Field("kind", "intake.bad_kind", q.Get("kind")))
		return
	}
	if u.format, ok = intake.ParseFormat(q.Get("format")); !ok {
		s.fail(w, r, problem.Field("format", "intake.bad_format", q.Get("format")))
		return
	}
	u.service, u.name = strings.TrimSpace(q.Get("service")), fileName(q.Get("name"))
	apply := q.Get("apply") == "1" || q.Get("apply") == "true"
	release, err := s.importSlot()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer release()
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		form, err := readUpload(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		u.data = form.data
		if u.name == "" {
			u.name = form.name
		}
	} else {
		if r.ContentLength > uploadLimit {
			s.fail(w, r, tooLarge())
			return
		}
		data, err := readLimited(http.MaxBytesReader(w, r.Body, uploadLimit), importer.DefaultMaxBytes)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		u.data = data
	}
	if u.name == "" {
		u.name = "upload"
	}
	pv, err := s.runImport(r, &u, apply)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pv.Translate(func(key string, args ...any) string { return s.Catalogue.T(apiLocale(r), key, args...) })
	writeJSON(w, http.StatusOK, pv)
}
