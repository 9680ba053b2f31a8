package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

// The choices of each inventory enumeration, in display order. Their labels
// are the catalogue keys prefix + value.

// maxChoices bounds the records offered in one picker.
const maxChoices = 5000

// maxFilterChoices bounds the records a list's filter offers: a kind with
// more (the 5,000 information assets of a large organisation) is not
// offered as a choice on every page view; the filter then shows only the
// record chosen, as reached from that record's page.
const maxFilterChoices = 200

// viewMode says what a page needs from the records that ids point to.
type viewMode int

const (
	showMode   viewMode = iota // names of the chosen records only (lists, detail pages)
	formMode                   // every record, to choose from
	filterMode                 // every record, but only for the list's filters
)

// view is what building an inventory page needs: the page's language, the
// organisation's store and the records that ids point to, each loaded once
// and only when a field asks for it. The first load that fails is kept in
// err and ends the request.
type view struct {
	base
	ctx      context.Context
	t        store.Tenant
	now      time.Time
	query    url.Values
	mode     viewMode
	wanted   []string // in filterMode, the fields whose choices are needed
	err      error
	services *refs[inventory.Service]
	people   *refs[inventory.Person]
	devices  *refs[inventory.Device]
	assets   *refs[inventory.Asset]
}

func (s *Server) newView(r *http.Request, title string, mode viewMode) *view {
	st := stateOf(r)
	v := &view{base: s.page(r, title, "inventory"), ctx: r.Context(), t: st.tenant, now: s.Now(), query: r.URL.Query(), mode: mode}
	ctx, t := v.ctx, v.t
	all := store.ListQuery{Sort: "name", Limit: maxChoices}
	few := store.ListQuery{Limit: 1, CountUpTo: maxFilterChoices} // a count, up to one more
	v.services = &refs[inventory.Service]{path: "/services/",
		all:   func() ([]inventory.Service, int, error) { return t.Services(ctx, all) },
		count: func() (int, error) { _, n, err := t.Services(ctx, few); return n, err },
		one:   func(id int64) (inventory.Service, error) { return t.Service(ctx, id) },
		some:  func(ids []int64) ([]inventory.Service, error) { return t.ServicesByID(ctx, ids) },
		id:    func(x inventory.Service) int64 { return x.ID },
		label: func(x inventory.Service) string { return x.Name }}
	v.people = &refs[inventory.Person]{path: "/people/",
		all: func() ([]inventory.Person, int, error) { return t.People(ctx, store.PeopleQuery{Limit: maxChoices}) },
		count: func() (int, error) {
			_, n, err := t.People(ctx, store.PeopleQuery{Limit: 1, CountUpTo: maxFilterChoices})
			return n, err
		},
		one:   func(id int64) (inventory.Person, error) { return t.Person(ctx, id) },
		some:  func(ids []int64) ([]inventory.Person, error) { return t.PeopleByID(ctx, ids) },
		id:    func(x inventory.Person) int64 { return x.ID },
		label: v.personLabel}
	v.devices = &refs[inventory.Device]{path: "/devices/",
		all:   func() ([]inventory.Device, int, error) { return t.Devices(ctx, all) },
		count: func() (int, error) { _, n, err := t.Devices(ctx, few); return n, err },
		one:   func(id int64) (inventory.Device, error) { return t.Device(ctx, id) },
		some:  func(ids []int64) ([]inventory.Device, error) { return t.DevicesByID(ctx, ids) },
		id:    func(x inventory.Device) int64 { return x.ID },
		label: func(x inventory.Device) string { return x.Name }}
	v.assets = &refs[inventory.Asset]{path: "/assets/",
		all:   func() ([]inventory.Asset, int, error) { return t.Assets(ctx, all) },
		count: func() (int, error) { _, n, err := t.Assets(ctx, few); return n, err },
		one:   func(id int64) (inventory.Asset, error) { return t.Asset(ctx, id) },
		some:  func(ids []int64) ([]inventory.Asset, error) { return t.AssetsByID(ctx, ids) },
		id:    func(x inventory.Asset) int64 { return x.ID },
		label: func(x inventory.Asset) string { return x.Name }}
	return v
}

func (v *view) personLabel(p inventory.Person) string {
	l := p.Name
	if p.Department != "" {
		l += v.T("inv.person_department", p.Department)
	}
	if !p.Active(v.now) {
		l += v.T("inv.person_left")
	}
	return l
}

// keep records the first failure of the page.
func (v *view) keep(err error) {
	if v.err == nil {
		v.err = err
	}
}

// refs are the records of one kind that other records point to.
type refs[T any] struct {
	path    string                   // URL of a record, after the organisation's prefix and before its id
	all     func() ([]T, int, error) // the first maxChoices by label
	count   func() (int, error)      // how many, counted up to maxFilterChoices+1
	one     func(int64) (T, error)
	some    func([]int64) ([]T, error) // those among ids, in one query
	id      func(T) int64
	label   func(T) string
	cache   map[int64]T
	missing map[int64]bool // ids looked up and not found
	listed  []T
	loaded  bool
}

// every lists the records to choose from: up to maxChoices on a form; on a
// list's filters all of them if there are at most maxFilterChoices, else
// none.
func (r *refs[T]) every(v *view) []T {
	if !r.loaded {
		r.loaded = true
		if v.mode == filterMode {
			n, err := r.count()
			if v.keep(err); err != nil || n > maxFilterChoices {
				return nil
			}
		}
		list, _, err := r.all()
		v.keep(err)
		r.listed = list
		r.remember(list)
	}
	return r.listed
}

func (r *refs[T]) remember(list []T) {
	if r.cache == nil {
		r.cache = map[int64]T{}
	}
	for _, x := range list {
		r.cache[r.id(x)] = x
	}
}

// preload reads the records among ids not read yet in one query, so that
// a list page showing a record's name on each row does not ask for each.
func (r *refs[T]) preload(v *view, ids []int64) {
	var want []int64
	seen := map[int64]bool{}
	for _, id := range ids {
		if _, ok := r.cache[id]; id <= 0 || ok || r.missing[id] || seen[id] {
			continue
		}
		seen[id] = true
		want = append(want, id)
	}
	if len(want) == 0 {
		return
	}
	list, err := r.some(want)
	if err != nil {
		v.keep(err)
		return
	}
	r.remember(list)
	if r.missing == nil {
		r.missing = map[int64]bool{}
	}
	for _, id := range want {
		if _, ok := r.cache[id]; !ok {
			r.missing[id] = true
		}
	}
}

// get returns one record by id; one that is gone (or never was) is
// reported as missing rather than failing the page.
func (r *refs[T]) get(v *view, id int64) (T, bool) {
	if x, ok := r.cache[id]; ok {
		return x, true
	}
	var zero T
	if id <= 0 || r.missing[id] {
		return zero, false
	}
	x, err := r.one(id)
	if err != nil {
		if problem.CodeOf(err) != problem.NotFound {
			v.keep(err)
		}
		return zero, false
	}
	if r.cache == nil {
		r.cache = map[int64]T{}
	}
	r.cache[id] = x
	return x, true
}

// choices are the options of a picker for field name: every record on a
// form, only the chosen ones elsewhere. none, when not "", labels a first
// option meaning "no record" (value 0).
func choices[T any](v *view, r *refs[T], name string, chosen []int64, none string) []option {
	var out []option
	if none != "" {
		out = append(out, option{Value: "0", Label: v.T(none), Selected: len(chosen) == 0 || chosen[0] == 0})
	}
	picked := map[int64]bool{}
	for _, id := range chosen {
		picked[id] = true
	}
	opt := func(x T) option {
		id := r.id(x)
		return option{Value: strconv.FormatInt(id, 10), Label: r.label(x), Link: v.OrgURL(r.path + strconv.FormatInt(id, 10)), Selected: picked[id]}
	}
	if v.mode == formMode || (v.mode == filterMode && slices.Contains(v.wanted, name)) {
		for _, x := range r.every(v) {
			out = append(out, opt(x))
			delete(picked, r.id(x))
		}
	}
	// Chosen records not listed (elsewhere, or beyond maxChoices).
	for _, id := range chosen {
		if !picked[id] {
			continue
		}
		if x, ok := r.get(v, id); ok {
			out = append(out, opt(x))
		}
		delete(picked, id)
	}
	return out
}

// option is one choice of a select or of a group of checkboxes.
type option struct {
	Value, Label string
	Link         string // the record it names, if any
	Selected     bool
}

// field is one value of a record: an input on the form, a line of the
// detail page, a cell of the list.
type field struct {
	Name     string // form name, also the column and the list's query parameter
	Label    string
	Type     string // text, textarea, date, number, select, check, checks, hidden, computed
	Value    string // for a check or a computed value, the text shown
	Checked  bool
	Options  []option
	Hint     string
	Required bool
	Max      int    // most characters, from the kind's description; 0 no limit shown
	Class    string // of a computed value: a badge class
	Display  string // of a date: the day as the reader's language writes it
}

// fieldset groups the fields of a form and of a detail page.
type fieldset struct {
	Legend string
	Fields []field
}

// shown is one piece of a field's value as a page shows it.
type shown struct {
	Text, Link, Class string
}

// Shown is the field's value for reading: the chosen options of a choice,
// the text otherwise; nothing when empty.
func (f field) Shown() []shown {
	switch f.Type {
	case "hidden":
		return nil
	case "select", "checks":
		var out []shown
		for _, o := range f.Options {
			if o.Selected {
				out = append(out, shown{Text: o.Label, Link: o.Link})
			}
		}
		return out
	}
	if f.Value == "" {
		return nil
	}
	if f.Display != "" {
		return []shown{{Text: f.Display}}
	}
	return []shown{{Text: f.Value, Class: f.Class}}
}

// chosen reports whether one of the field's options is selected.
func (f field) chosen() bool {
	for _, o := range f.Options {
		if o.Selected {
			return true
		}
	}
	return false
}

// Sortable reports whether a list can be ordered by the field.
func (f field) Sortable() bool {
	return f.Type != "computed" && f.Type != "checks" && f.Type != "hidden"
}

// short reports whether the field's value is a word or a date, kept on
// one line in lists: choices of an enumeration, dates, flags, numbers.
func (f field) short() bool {
	switch f.Type {
	case "date", "check", "number", "computed":
		return true
	case "select":
		return len(f.Options) == 0 || f.Options[len(f.Options)-1].Link == ""
	}
	return false
}

// Input is the field's form control id, unique on the page.
func (f field) Input() string { return "f-" + f.Name }

func (v *view) text(name, value string) field {
	return field{Name: name, Label: v.T("af." + name), Type: "text", Value: value}
}

func (v *view) area(name, value string) field {
	f := v.text(name, value)
	f.Type = "textarea"
	return f
}

func (v *view) date(name, value string) field {
	f := v.text(name, value)
	f.Type, f.Display = "date", v.Day(value)
	return f
}

func (v *view) number(name string, n int) field {
	f := v.text(name, strconv.Itoa(n))
	f.Type = "number"
	if n == 0 {
		f.Value = ""
	}
	return f
}

func (v *view) check(name string, on bool) field {
	f := v.text(name, v.T("inv.no"))
	f.Type, f.Checked = "check", on
	if on {
		f.Value = v.T("inv.yes")
	}
	return f
}

func (v *view) hidden(name, value string) field {
	f := v.text(name, value)
	f.Type = "hidden"
	return f
}

// computed is a value derived from others: shown, never posted.
func (v *view) computed(name, label, value, class string) field {
	return field{Name: name, Label: v.T(label), Type: "computed", Value: value, Class: class}
}

// pick is a select of records of one kind.
func pick[T any](v *view, r *refs[T], name string, chosen int64, none string) field {
	f := v.text(name, "")
	f.Type, f.Options = "select", choices(v, r, name, []int64{chosen}, none)
	return f
}

// pickMany is a group of checkboxes of records of one kind.
func pickMany[T any](v *view, r *refs[T], name string, chosen []int64) field {
	f := v.text(name, "")
	f.Type, f.Options = "checks", choices(v, r, name, chosen, "")
	return f
}

// enum is a select of one enumeration, labelled by prefix + value.
// described is the form field key of a record of kind k as the kind's
// description has it: its label, its input (a line, a text area, a date,
// a select of the values with their catalogue labels), whether it is
// required and its length limit.
func (v *view) described(k *inventory.Kind, key, value string) field {
	d, ok := k.Field(key)
	if !ok {
		panic("web: " + k.Slug + " has no field " + key) // a programming error, caught by every form test
	}
	f := field{Name: key, Label: v.T(d.Label), Type: "text", Value: value, Required: d.Required, Max: d.Max}
	switch d.Type {
	case inventory.LongText:
		f.Type = "textarea"
	case inventory.Date:
		f.Type, f.Max = "date", 0
	case inventory.Email:
		f.Type = "email"
	case inventory.Enum, inventory.TriState:
		f.Type, f.Value, f.Max = "select", "", 0
		for _, x := range d.Values {
			if v.mode == showMode && x.Code != value {
				continue // a page that only shows the value needs only its label: a list builds this for every cell
			}
			f.Options = append(f.Options, option{Value: x.Code, Label: v.T(x.Label), Selected: x.Code == value})
		}
	}
	return f
}

// level is a select of an IPA rating 1–3, 0 meaning not rated yet.
func (v *view) level(name string, n int) field {
	f := v.text(name, "")
	f.Type = "select"
	for i := 0; i <= 3; i++ {
		if v.mode == showMode && i != n {
			continue
		}
		f.Options = append(f.Options, option{Value: strconv.Itoa(i), Label: v.T("inv.level." + strconv.Itoa(i)), Selected: i == n})
	}
	if n < 0 || n > 3 { // shown back as posted, so the error next to it makes sense
		f.Options = append(f.Options, option{Value: strconv.Itoa(n), Label: strconv.Itoa(n), Selected: true})
	}
	return f
}

func (f field) label(l string) field { f.Label = l; return f }
func (f field) hint(h string) field  { f.Hint = h; return f }
func (f field) required() field      { f.Required = true; return f }

// form reads a posted record. A value that cannot be read is remembered
// as the first error, naming its field.
type form struct {
	vals url.Values
	err  error
}

func (f *form) fail(name, value string) {
	if f.err == nil {
		f.err = problem.Field(name, "inventory.number_invalid", value)
	}
}

func (f *form) str(name string) string { return strings.TrimSpace(f.vals.Get(name)) }

func (f *form) flag(name string) bool {
	switch f.str(name) {
	case "1", "on", "yes", "true":
		return true
	}
	return false
}

// id reads a record id: 0 for none, -1 for something that is not one (the
// store then refuses it as a record of another organisation).
func (f *form) id(name string) int64 {
	return parseID(f.str(name))
}

func parseID(s string) int64 {
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

func (f *form) ids(name string) []int64 {
	var out []int64
	for _, s := range f.vals[name] {
		if n := parseID(strings.TrimSpace(s)); n != 0 {
			out = append(out, n)
		}
	}
	return out
}

func (f *form) num(name string) int {
	s := foldDigits(f.str(name))
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		f.fail(name, s)
	}
	return n
}

// lines reads a text area as one value per non-empty line.
func (f *form) lines(name string) []string {
	var out []string
	for _, l := range strings.Split(f.vals.Get(name), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// date reads a day as people write it (calendar.Parse: 2026-04-01,
// 2026/4/1, 2026年4月1日, 令和8年4月1日, R8.4.1 …) and stores it as
// YYYY-MM-DD; what it cannot read is passed on as typed, for validation to
// name.
func (f *form) date(name string) string { return normaliseDay(f.str(name)) }

func normaliseDay(s string) string {
	if d, err := calendar.Parse(s); err == nil {
		return d.String()
	}
	return s
}

// foldDigits turns full-width digits and signs into ASCII.
func foldDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' || r == '－' || r == '／' || r == '．' {
			return r - 0xFEE0
		}
		return r
	}, s)
}
