package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/safecsv"
	"github.com/mamori-sec/mamori/internal/store"
)

const auditPageSize = 100

type auditPage struct {
	base
	AuditRows     []auditRow
	Action, Actor string
	From, To      string
	NextBefore    int64
	Query         string
	Anchor        *anchorView
}

// auditFilter reads the filter from the query string: dates are JST days.
func auditFilter(r *http.Request) (store.AuditFilter, error) {
	q := r.URL.Query()
	f := store.AuditFilter{Action: q.Get("action"), Actor: q.Get("actor")}
	for _, d := range []struct {
		field string
		dst   *time.Time
		add   int
	}{{"from", &f.From, 0}, {"to", &f.To, 1}} {
		v := q.Get(d.field)
		if v == "" {
			continue
		}
		day, err := calendar.Parse(v)
		if err != nil {
			return f, problem.Field(d.field, "audit.date_invalid")
		}
		*d.dst = day.AddDays(d.add).Time()
	}
	f.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	return f, nil
}

func (s *Server) auditList(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	q := r.URL.Query()
	p := auditPage{base: s.page(r, "audit.title", "audit"), Action: q.Get("action"), Actor: q.Get("actor"), From: q.Get("from"), To: q.Get("to")}
	f, err := auditFilter(r)
	if err != nil {
		s.formError(w, r, err, "audit", &p, &p.base)
		return
	}
	f.Limit = auditPageSize + 1
	entries, err := st.tenant.Audit(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(entries) > auditPageSize {
		entries = entries[:auditPageSize]
		p.NextBefore = entries[auditPageSize-1].Seq
	}
	p.AuditRows = p.auditRows(entries)
	if p.Anchor, err = s.auditAnchorView(r); err != nil {
		s.fail(w, r, err)
		return
	}
	vals := r.URL.Query()
	vals.Del("before")
	p.Query = vals.Encode()
	s.render(w, r, http.StatusOK, "audit", p)
}

// auditExport writes the filtered trail as CSV (UTF-8 with BOM, so Excel
// opens Japanese text correctly), including the hashes for verification.
// The action is given as its code (what the hash covers) and in words.
// Cells go through safecsv: an actor or target typed by someone must not
// run as a formula in the auditor's spreadsheet.
func (s *Server) auditExport(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	f, err := auditFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	entries, err := st.tenant.Audit(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b := s.page(r, "audit.title", "audit")
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="mamori-audit-`+st.org.Slug+`.csv"`)
	cw := safecsv.NewWriter(w, true)
	cw.Write([]string{"seq", "at", "actor", "ip", "action", "action_label", "target", "before", "after", "prev_hash", "hash"})
	for _, e := range entries {
		cw.Write([]string{strconv.FormatInt(e.Seq, 10), e.At.Format(time.RFC3339Nano), e.Actor, e.IP, e.Action, b.actionLabel(e.Action),
			e.Target, e.Before, e.After, e.PrevHash, e.Hash})
	}
	if err := cw.Flush(); err != nil {
		s.Logger.Warn("audit export", "component", "http", "error", err)
	}
}
