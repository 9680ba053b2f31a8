package web

import (
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
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
	Actions       []actionGroup // the action filter's choices, in words
	From, To      string
	NextBefore    int64
	Query         string
	Anchor        *anchorView
}

// actionGroup is the actions about one kind of record, for the filter: the
// group itself ("person.") and each of its actions ("person.update").
type actionGroup struct {
	Label, Value string
	Actions      []actionOption
}

type actionOption struct{ Label, Value string }

// actionGroups lists every action the catalogue labels, grouped by the
// kind of record it is about, groups and actions in the reader's words.
func (b base) actionGroups() []actionGroup {
	var out []actionGroup
	index := map[string]int{}
	for _, k := range b.cat.Keys(b.Locale) {
		code, ok := strings.CutPrefix(k, "action.")
		if !ok {
			continue
		}
		group, _, ok := strings.Cut(code, ".")
		if !ok {
			continue
		}
		i, seen := index[group]
		if !seen {
			label := group
			if gk := "audit.group." + group; b.cat.Has(gk) {
				label = b.T(gk)
			}
			i = len(out)
			index[group] = i
			out = append(out, actionGroup{Label: label, Value: group + "."})
		}
		out[i].Actions = append(out[i].Actions, actionOption{Label: b.T(k), Value: code})
	}
	rank := func(g actionGroup) int {
		if i := slices.Index(actionGroupOrder, strings.TrimSuffix(g.Value, ".")); i >= 0 {
			return i
		}
		return len(actionGroupOrder)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if ri, rj := rank(out[i]), rank(out[j]); ri != rj {
			return ri < rj
		}
		return out[i].Value < out[j].Value
	})
	return out
}

// actionGroupOrder is the order of the filter's groups: the records first,
// then the findings, imports, people with access and sign-ins.
var actionGroupOrder = []string{"person", "account", "device", "share", "asset", "service", "finding", "import", "inventory",
	"member", "invite", "org", "user", "session", "token", "access"}

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
	p.Actions = p.actionGroups()
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
	p.AuditRows = p.auditRows(entries, s.auditNames(r.Context(), st.tenant, entries))
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
// opens Japanese text correctly): first what a person reads — when, who,
// the action, the record by its name and the changes in words, in the
// reader's language — then what a verifier needs, as recorded: the
// sequence, the time in UTC, the address, the action and target codes,
// the before and after states and the hashes the chain covers.
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
	header := []string{}
	for _, c := range []string{"at", "actor", "action", "target", "changes", "seq", "at_utc", "ip", "action_code", "target_code", "before", "after", "prev_hash", "hash"} {
		header = append(header, b.T("audit.col."+c))
	}
	cw.Write(header)
	// Names in batches, so an export of the whole trail makes one query
	// per kind for each thousand entries rather than one per entry.
	for start := 0; start < len(entries); start += 1000 {
		part := entries[start:min(start+1000, len(entries))]
		rows := b.auditRows(part, s.auditNames(r.Context(), st.tenant, part))
		for i, e := range part {
			var changes []string
			for _, c := range rows[i].Changes {
				if c.Before != "" {
					changes = append(changes, b.T("audit.change_from_to", c.Field, c.Before, c.After))
				} else {
					changes = append(changes, b.T("audit.change_to", c.Field, c.After))
				}
			}
			cw.Write([]string{e.At.In(calendar.Japan).Format("2006/01/02 15:04"), rows[i].Actor, rows[i].Action, rows[i].Target, strings.Join(changes, "\n"),
				strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano), e.IP, e.Action, e.Target, e.Before, e.After, e.PrevHash, e.Hash})
		}
	}
	if err := cw.Flush(); err != nil {
		s.Logger.Warn("audit export", "component", "http", "error", err)
	}
}
