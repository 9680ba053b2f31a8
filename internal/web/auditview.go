package web

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/store"
)

// auditRow is an audit entry as people read it: the action in words, the
// record by its name and only the fields that changed, labelled.
type auditRow struct {
	Seq     int64
	At      time.Time
	Actor   string
	Action  string // translated when the catalogue knows it
	Code    string // the action code, e.g. person.update
	Target  string
	Changes []fieldChange
}

type fieldChange struct {
	Field, Before, After string
}

// refFields are the fields of audit entries that hold the id of another
// record, and the kind of that record.
var refFields = map[string]string{"service_id": "service", "person_id": "person", "asset_id": "asset", "services": "service", "devices": "device", "checklist": "checklist"}

// auditWant notes every record the entries name: their targets, the
// records their fields refer to, and the subjects of findings.
func auditWant(w inventory.Want, entries []audit.Entry) {
	for _, e := range entries {
		w.AddTarget(e.Target)
		for _, side := range []string{e.Before, e.After} {
			if side == "" || side == "null" {
				continue
			}
			var m map[string]any
			if json.Unmarshal([]byte(side), &m) != nil {
				continue
			}
			for field, v := range m {
				if field == "subject" {
					if s, ok := v.(string); ok {
						w.AddTarget(s)
					}
					continue
				}
				if field == "shares" {
					if s, ok := v.(string); ok {
						for _, m := range strings.Fields(s) {
							if r, _, ok := shareMark(m); ok {
								w.Add(r.Kind, r.ID)
							}
						}
					}
					continue
				}
				kind, ok := refFields[field]
				if !ok {
					continue
				}
				switch x := v.(type) {
				case float64:
					w.Add(kind, int64(x))
				case []any:
					for _, y := range x {
						if f, ok := y.(float64); ok {
							w.Add(kind, int64(f))
						}
					}
				}
			}
		}
	}
}

// names looks up, in one query per kind, the names behind what a page
// shows. Names are words around records the page already has: when the
// lookup fails the page still renders, naming records as unknown.
func (s *Server) names(ctx context.Context, t store.Tenant, want inventory.Want) inventory.Names {
	if len(want) == 0 {
		return inventory.Names{}
	}
	n, err := t.Names(ctx, want)
	if err != nil {
		s.Logger.Error("names", "component", "http", "error", err)
		return inventory.Names{}
	}
	return n
}

// auditNames are the names an audit table of entries needs.
func (s *Server) auditNames(ctx context.Context, t store.Tenant, entries []audit.Entry) inventory.Names {
	w := inventory.Want{}
	auditWant(w, entries)
	return s.names(ctx, t, w)
}

// auditRows prepares entries for display in the page's language, naming
// records with names (see auditNames).
func (b base) auditRows(entries []audit.Entry, names inventory.Names) []auditRow {
	rows := make([]auditRow, len(entries))
	for i, e := range entries {
		r := auditRow{Seq: e.Seq, At: e.At, Actor: b.actorLabel(e), Code: e.Action, Action: b.actionLabel(e.Action)}
		r.Target = b.entryTarget(e, names)
		r.Changes = diff(e.Before, e.After)
		kind, _, _ := strings.Cut(e.Target, ":")
		for j, c := range r.Changes {
			r.Changes[j].Before, r.Changes[j].After = b.fieldValue(kind, c.Field, c.Before, names), b.fieldValue(kind, c.Field, c.After, names)
			r.Changes[j].Field = b.fieldLabel(c.Field)
		}
		rows[i] = r
	}
	return rows
}

// actorLabel is who made a change: a person by the label they signed in
// with, mamori's own work (the evaluation, the command line, the demo) in
// words.
func (b base) actorLabel(e audit.Entry) string {
	if k := "actor." + e.Actor; e.ActorID == 0 && b.cat.Has(k) {
		return b.T(k)
	}
	return e.Actor
}

// fieldLabel is a field of an audit entry in words; a field the catalogue
// does not know (none should: TestAuditLabels) shows as it is stored.
func (b base) fieldLabel(field string) string {
	if k := "af." + field; b.cat.Has(k) {
		return b.T(k)
	}
	return field
}

// actionLabel is an audit action in words, or its code when the catalogue
// has no label for it.
func (b base) actionLabel(action string) string {
	if k := "action." + action; b.cat.Has(k) {
		return b.T(k)
	}
	return action
}

// fieldValue is one value of an audit entry's field in words: an
// enumerated value by its label, a record by its name, a check by its
// title.
func (b base) fieldValue(kind, field, value string, names inventory.Names) string {
	if value == "" {
		return value
	}
	if rk, ok := refFields[field]; ok {
		var ids []int64
		if json.Unmarshal([]byte(value), &ids) != nil {
			if id, err := strconv.ParseInt(value, 10, 64); err == nil {
				ids = []int64{id}
			}
		}
		if ids != nil {
			var words []string
			for _, id := range ids {
				if id > 0 {
					words = append(words, b.recordName(inventory.Ref{Kind: rk, ID: id}, names))
				}
			}
			return strings.Join(words, b.T("intake.list_sep"))
		}
	}
	switch field {
	case "subject":
		if r, ok := inventory.ParseRef(value); ok {
			return b.recordName(r, names)
		}
	case "shares":
		// A share review's marks: "share:12:kept share:13:closed".
		var words []string
		for _, m := range strings.Fields(value) {
			if r, verdict, ok := shareMark(m); ok {
				words = append(words, b.T("name.with_type", b.recordName(r, names), b.T("routines.mark."+verdict)))
			}
		}
		if words != nil {
			return strings.Join(words, b.T("intake.list_sep"))
		}
	case "categories":
		// A day's anonymous near misses: "mis_send mis_send other".
		var words []string
		for _, c := range strings.Fields(value) {
			words = append(words, b.T("av.category."+c))
		}
		return strings.Join(words, b.T("intake.list_sep"))
	case "check":
		if k := "check." + value + ".title"; b.cat.Has(k) {
			return b.T(k)
		}
	case "status":
		if k := "findings.status." + value; kind == "finding" && b.cat.Has(k) {
			return b.T(k)
		}
	case "employment_type":
		if k := "employment." + value; b.cat.Has(k) {
			return b.T(k)
		}
	case "role":
		if k := "role." + value; b.cat.Has(k) {
			return b.T(k)
		}
	case "locale":
		if k := "locale." + value; b.cat.Has(k) {
			return b.T(k)
		}
	case "kind", "format":
		if k := "intake." + field + "." + value; kind == "import" && b.cat.Has(k) {
			return b.T(k)
		}
	case "amr":
		words := strings.Fields(value)
		for i, w := range words {
			if k := "av.amr." + w; b.cat.Has(k) {
				words[i] = b.T(k)
			}
		}
		return strings.Join(words, "・")
	case "paper":
		var ls []string
		if json.Unmarshal([]byte(value), &ls) == nil {
			return strings.Join(ls, b.T("intake.list_sep"))
		}
	}
	return b.valueLabel(kind, field, value)
}

// valueLabel translates an enumerated value of a record's field (e.g. a
// service's category "cloud") when the catalogue has a label for it, and
// writes a day (2026-04-01) as the reader's language does.
func (b base) valueLabel(kind, field, value string) string {
	if value == "" {
		return value
	}
	if k := "inv." + kind + "." + field + "." + value; b.cat.Has(k) {
		return b.T(k)
	}
	if k := "inv.tri." + value; (value == "yes" || value == "no" || value == "unknown") && b.cat.Has(k) {
		return b.T(k)
	}
	if k := "av." + field + "." + value; b.cat.Has(k) {
		return b.T(k)
	}
	return b.Day(value) // a calendar day the reader's way; other text as it is
}

// recordName names a record in the page's language: by the words names
// holds for it, or as "a deleted person" when it has none.
func (b base) recordName(r inventory.Ref, names inventory.Names) string {
	n, ok := names[r]
	if !ok {
		n = inventory.Name{Kind: r.Kind}
	}
	return n.Label(b.T)
}

// entryTarget names what an audit entry is about: a record by its name —
// when the record is gone, by the name its entry recorded — and anything
// else (a route, an address, an import) by its label.
func (b base) entryTarget(e audit.Entry, names inventory.Names) string {
	r, ok := inventory.ParseRef(e.Target)
	if !ok {
		return b.targetLabel(e.Target)
	}
	if _, known := names[r]; known || !b.cat.Has("kind."+r.Kind) {
		if known {
			return b.recordName(r, names)
		}
		return b.targetLabel(e.Target)
	}
	// Not found: the record's own entry keeps the words it was known by.
	for _, side := range []string{e.Before, e.After} {
		var m map[string]any
		if json.Unmarshal([]byte(side), &m) != nil {
			continue
		}
		for _, f := range []string{"name", "login_id", "path", "email"} {
			if s, ok := m[f].(string); ok && s != "" {
				return b.T("name.gone", s)
			}
		}
	}
	return b.recordName(r, names)
}

// targetLabel is the label of an audit target that is not a record with a
// name (a route, an e-mail address, an import).
func (b base) targetLabel(target string) string {
	kind, id, ok := strings.Cut(target, ":")
	if !ok || !b.cat.Has("target."+kind) {
		return target
	}
	if !strings.Contains(b.cat.Raw(b.Locale, "target."+kind), "%") {
		return b.T("target." + kind) // a kind named without its id (a near miss: no number to trace)
	}
	return b.T("target."+kind, id)
}

// diff lists the fields of two JSON objects whose values differ; for a
// creation it lists every non-empty field.
func diff(before, after string) []fieldChange {
	var bm, am map[string]any
	json.Unmarshal([]byte(before), &bm)
	json.Unmarshal([]byte(after), &am)
	keys := map[string]bool{}
	for k := range bm {
		keys[k] = true
	}
	for k := range am {
		keys[k] = true
	}
	var out []fieldChange
	for k := range keys {
		bv, av := show(bm[k]), show(am[k])
		if bv == av || (bm == nil && av == "") {
			continue
		}
		out = append(out, fieldChange{Field: k, Before: bv, After: av})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

func show(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "✓"
		}
		return "—"
	case float64:
		return fmt.Sprint(x)
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// shareMark reads one mark of a share review, "share:12:kept".
func shareMark(m string) (inventory.Ref, string, bool) {
	i := strings.LastIndexByte(m, ':')
	if i < 0 {
		return inventory.Ref{}, "", false
	}
	r, ok := inventory.ParseRef(m[:i])
	return r, m[i+1:], ok && r.Kind == "share"
}
