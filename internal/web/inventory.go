package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

const listPageSize = 50

// listCountCap bounds the counting of a list: beyond it a list says "more
// than 1,000", so that a page of a million shares counts a thousand of
// them, not all.
const listCountCap = 1000

// countUpTo is how far a list page from offset counts: at least past its
// last row, so that the pager knows whether another page follows. A search
// matches text no index can find, so it counts only that far and says
// "more than …" beyond the page: the page's own query answers that.
func countUpTo(offset, pageSize int, search string) int {
	if search != "" {
		return offset + pageSize
	}
	return max(listCountCap, offset+pageSize)
}

// kind describes one kind of inventory record (services, accounts,
// devices, information assets, shares) once: its store calls and its
// fields, from which the shared handlers build the list, the detail page
// and the form. Each kind's table lives in the file named after it.
type kind[T any] struct {
	slug    string // URL segment; catalogue keys inv.<slug>.*
	one     string // audit target; catalogue keys inv.<one>.*
	list    func(store.Tenant, context.Context, store.ListQuery) ([]T, int, error)
	get     func(store.Tenant, context.Context, int64) (T, error)
	save    func(store.Tenant, context.Context, audit.Actor, *T) error
	id      func(*T) *int64
	name    func(*T) string // what the record is called on its page
	blank   func(*view) T   // a new record, maybe pre-filled from the URL
	fields  func(*view, *T) []fieldset
	parse   func(*form) T
	columns []string                  // fields shown in the list; the first links to the record
	filters []string                  // fields offered as the list's filters
	related func(*view, *T) []section // linked records on the detail page, may be nil
	starter func(*view) []group       // ready-made records offered above a new form, may be nil
	preload func(*view, []T)          // reads the records a page of the list points to, may be nil
}

// preloadRefs reads the records of one kind that a page of records points
// to, in one query rather than one per row.
func preloadRefs[T, R any](v *view, r *refs[R], recs []T, id func(*T) int64) {
	ids := make([]int64, len(recs))
	for i := range recs {
		ids[i] = id(&recs[i])
	}
	r.preload(v, ids)
}

// section lists records linked to the one shown.
type section struct {
	Title string
	Items []shown
	Empty string
}

// group is a labelled set of options (an optgroup).
type group struct {
	Label   string
	Options []option
}

func (k *kind[T]) url(b base, rec *T) string {
	return b.OrgURL("/" + k.slug + "/" + strconv.FormatInt(*k.id(rec), 10))
}

// byName indexes a record's fields by name.
func byName(sets []fieldset) map[string]field {
	m := map[string]field{}
	for _, s := range sets {
		for _, f := range s.Fields {
			m[f.Name] = f
		}
	}
	return m
}

// listQuery reads a list's search, filters, order and page from its URL,
// keeping only the filters and sort columns the list offers.
func listQuery(q url.Values, filters, sortable []string) store.ListQuery {
	lq := store.ListQuery{Search: strings.TrimSpace(q.Get("q")), Filters: map[string]string{}, Limit: listPageSize}
	for _, f := range filters {
		if v := strings.TrimSpace(q.Get(f)); v != "" {
			lq.Filters[f] = v
		}
	}
	if s := q.Get("sort"); slices.Contains(sortable, strings.TrimPrefix(s, "-")) {
		lq.Sort = s
	}
	lq.Offset, _ = strconv.Atoi(q.Get("offset"))
	lq.Offset = max(lq.Offset, 0)
	lq.CountUpTo = countUpTo(lq.Offset, listPageSize, lq.Search)
	return lq
}

// listURL is the query string of a list page with the same search and
// filters, in the order sort, from offset.
func listURL(lq store.ListQuery, sort string, offset int) string {
	v := url.Values{}
	if lq.Search != "" {
		v.Set("q", lq.Search)
	}
	for k, x := range lq.Filters {
		v.Set(k, x)
	}
	if sort != "" {
		v.Set("sort", sort)
	}
	if offset > 0 {
		v.Set("offset", strconv.Itoa(offset))
	}
	return "?" + v.Encode()
}

type header struct {
	Label   string
	SortURL string // "" when the list cannot be ordered by it
	Dir     string // ascending, descending or ""
}

type cell struct {
	Label string
	Items []shown
	One   *shown // the only item, when there is exactly one
	Link  string // the record's page, on the first column
	Short bool   // a choice, date or flag: kept on one line
}

type listPage struct {
	base
	Slug, One string
	Query     store.ListQuery
	Filters   []field
	Headers   []header
	Rows      [][]cell
	Total     int
	Over      bool // there are more than Total
	PrevURL   string
	NextURL   string
}

// recordList is the list of one kind, with search, filters, order and
// paging; an htmx request for the table gets the table alone.
func recordList[T any](s *Server, k *kind[T]) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := s.newView(r, "inv."+k.slug+".title", filterMode)
		v.wanted = k.filters
		// The filters as chosen, so that a chosen record is offered even
		// when its kind has too many to list.
		chosen := k.parse(&form{vals: v.query})
		meta := byName(k.fields(v, &chosen))
		var sortable []string
		for _, c := range k.columns {
			if meta[c].Sortable() {
				sortable = append(sortable, c)
			}
		}
		p := listPage{Slug: k.slug, One: k.one, Query: listQuery(v.query, k.filters, sortable)}
		for _, name := range k.filters {
			f := filterOf(v, meta[name], p.Query.Filters[name])
			if !f.chosen() {
				delete(p.Query.Filters, name) // not one of the choices: ignored
			}
			p.Filters = append(p.Filters, f)
		}
		for _, c := range k.columns {
			h := header{Label: meta[c].Label}
			if slices.Contains(sortable, c) {
				h.SortURL = listURL(p.Query, c, 0)
				switch p.Query.Sort {
				case c:
					h.Dir, h.SortURL = "ascending", listURL(p.Query, "-"+c, 0)
				case "-" + c:
					h.Dir = "descending"
				}
			}
			p.Headers = append(p.Headers, h)
		}
		recs, total, err := k.list(v.t, v.ctx, p.Query)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.mode = showMode
		if k.preload != nil {
			k.preload(v, recs)
		}
		for i := range recs {
			fields := byName(k.fields(v, &recs[i]))
			row := make([]cell, len(k.columns))
			for j, c := range k.columns {
				f := fields[c]
				row[j] = cell{Label: f.Label, Items: f.Shown(), Short: f.short()}
				if len(row[j].Items) == 1 {
					row[j].One = &row[j].Items[0]
				}
			}
			row[0].Link = k.url(v.base, &recs[i])
			p.Rows = append(p.Rows, row)
		}
		if v.err != nil {
			s.fail(w, r, v.err)
			return
		}
		p.base, p.Total = v.base, total
		if p.Query.Offset > 0 {
			p.PrevURL = listURL(p.Query, p.Query.Sort, max(0, p.Query.Offset-listPageSize))
		}
		if p.Query.Offset+listPageSize < total {
			p.NextURL = listURL(p.Query, p.Query.Sort, p.Query.Offset+listPageSize)
		}
		if total > p.Query.CountUpTo {
			p.Total, p.Over = p.Query.CountUpTo, true
		}
		w.Header().Add("Vary", "HX-Request")
		if r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Target") == "records" {
			s.render(w, r, http.StatusOK, "inventory_table", p)
			return
		}
		s.render(w, r, http.StatusOK, "inventory_list", p)
	}
}

// filterOf turns a field into a list filter: its choices after "all".
func filterOf(v *view, f field, cur string) field {
	out := f
	out.Type = "select"
	out.Options = []option{{Value: "", Label: v.T("inv.all"), Selected: cur == ""}}
	choices := f.Options
	if f.Type == "check" {
		choices = []option{{Value: "1", Label: v.T("inv.yes")}, {Value: "0", Label: v.T("inv.no")}}
	}
	for _, o := range choices {
		if o.Value == "" || o.Value == "0" && f.Type != "check" {
			continue // "unknown" and "none" are not offered: "" means all
		}
		out.Options = append(out.Options, option{Value: o.Value, Label: o.Label, Selected: o.Value == cur})
	}
	return out
}

type recordPage struct {
	base
	Slug, One string
	ID        int64
	Name      string
	Sets      []fieldset
	Related   []section
	Findings  []recordFinding // open, about this record or proven by it
	AuditRows []auditRow
}

// recordShow is one record's page: every field, the records it links to,
// and its change history.
func recordShow[T any](s *Server, k *kind[T]) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := s.newView(r, "inv."+k.one+".title", showMode)
		rec, err := k.fromPath(v, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p := recordPage{Slug: k.slug, One: k.one, ID: *k.id(&rec), Name: k.name(&rec), Sets: k.fields(v, &rec)}
		if k.related != nil {
			p.Related = k.related(v, &rec)
		}
		history, err := v.t.History(v.ctx, k.one+":"+strconv.FormatInt(p.ID, 10))
		if err == nil {
			err = v.err
		}
		if err == nil {
			p.Findings, err = s.recordFindings(v.ctx, v.base, v.t, findings.Kind(k.one), p.ID)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.base = v.base
		p.AuditRows = p.auditRows(history, s.auditNames(v.ctx, v.t, history))
		s.render(w, r, http.StatusOK, "inventory_record", p)
	}
}

func (k *kind[T]) fromPath(v *view, r *http.Request) (T, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		var zero T
		return zero, problem.ErrNotFound
	}
	return k.get(v.t, v.ctx, id)
}

type formPage struct {
	base
	Slug, One string
	ID        int64
	New       bool
	Name      string
	Sets      []fieldset
	Starters  []group
}

// form builds the form page of rec; id 0 is a new record.
func (k *kind[T]) form(v *view, rec *T, id int64) formPage {
	p := formPage{Slug: k.slug, One: k.one, ID: id, New: id == 0, Sets: k.fields(v, rec)}
	if id != 0 {
		p.Name = k.name(rec)
	}
	if p.New && k.starter != nil {
		p.Starters = k.starter(v)
	}
	p.base = v.base
	return p
}

func recordNew[T any](s *Server, k *kind[T]) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := s.newView(r, "inv."+k.one+".new", formMode)
		rec := k.blank(v)
		p := k.form(v, &rec, 0)
		if v.err != nil {
			s.fail(w, r, v.err)
			return
		}
		s.render(w, r, http.StatusOK, "inventory_form", p)
	}
}

func recordEdit[T any](s *Server, k *kind[T]) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := s.newView(r, "inv."+k.one+".edit", formMode)
		rec, err := k.fromPath(v, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p := k.form(v, &rec, *k.id(&rec))
		if v.err != nil {
			s.fail(w, r, v.err)
			return
		}
		s.render(w, r, http.StatusOK, "inventory_form", p)
	}
}

func recordCreate[T any](s *Server, k *kind[T]) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		k.submit(s, w, r, s.newView(r, "inv."+k.one+".new", formMode), 0)
	}
}

func recordUpdate[T any](s *Server, k *kind[T]) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := s.newView(r, "inv."+k.one+".edit", formMode)
		current, err := k.fromPath(v, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		k.submit(s, w, r, v, *k.id(&current))
	}
}

// submit reads a posted record, saves it as record id (0: a new one) and
// goes to its page, or shows the form again with the field at fault.
func (k *kind[T]) submit(s *Server, w http.ResponseWriter, r *http.Request, v *view, id int64) {
	f := &form{}
	if f.err = parseForm(r); f.err == nil {
		f.vals = r.PostForm
	}
	rec := k.parse(f)
	*k.id(&rec) = id
	err := f.err
	if err == nil {
		st := stateOf(r)
		err = k.save(st.tenant, r.Context(), st.actor(r), &rec)
	}
	if err != nil {
		p := k.form(v, &rec, id)
		if v.err != nil {
			err = v.err
		}
		s.formError(w, r, err, "inventory_form", &p, &p.base)
		return
	}
	redirect(w, r, k.url(v.base, &rec), "saved")
}

// hubItem is one kind of record on the inventory's first page.
type hubItem struct {
	Slug, One string
	Count     int
}

type hubPage struct {
	base
	Items  []hubItem
	People int
}

// counter is any kind, for the pages that only count records.
type counter interface {
	total(context.Context, store.Tenant) (int, error)
	names() (slug, one string)
}

func (k *kind[T]) total(ctx context.Context, t store.Tenant) (int, error) {
	_, n, err := k.list(t, ctx, store.ListQuery{Limit: 1})
	return n, err
}

func (k *kind[T]) names() (slug, one string) { return k.slug, k.one }

// inventoryHub is the inventory's first page: how many records of each
// kind there are, and the way to each list and to "where is what".
func (s *Server) inventoryHub(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := hubPage{base: s.page(r, "nav.inventory", "inventory")}
	for _, k := range []counter{serviceKind, accountKind, deviceKind, assetKind, shareKind} {
		n, err := k.total(r.Context(), st.tenant)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		slug, one := k.names()
		p.Items = append(p.Items, hubItem{Slug: slug, One: one, Count: n})
	}
	_, people, err := st.tenant.People(r.Context(), store.PeopleQuery{Current: true, Limit: 1})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.People = people
	s.render(w, r, http.StatusOK, "inventory", p)
}
