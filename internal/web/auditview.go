package web

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
)

// auditRow is an audit entry as people read it: the action in words and
// only the fields that changed.
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

// auditRows prepares entries for display in the page's language.
func (b base) auditRows(entries []audit.Entry) []auditRow {
	rows := make([]auditRow, len(entries))
	for i, e := range entries {
		r := auditRow{Seq: e.Seq, At: e.At, Actor: e.Actor, Code: e.Action, Action: b.actionLabel(e.Action), Target: b.targetLabel(e.Target)}
		r.Changes = diff(e.Before, e.After)
		kind, _, _ := strings.Cut(e.Target, ":")
		for j, c := range r.Changes {
			r.Changes[j].Before, r.Changes[j].After = b.valueLabel(kind, c.Field, c.Before), b.valueLabel(kind, c.Field, c.After)
			if k := "af." + c.Field; b.cat.Has(k) {
				r.Changes[j].Field = b.T(k)
			}
		}
		rows[i] = r
	}
	return rows
}

// actionLabel is an audit action in words, or its code when the catalogue
// has no label for it.
func (b base) actionLabel(action string) string {
	if k := "action." + action; b.cat.Has(k) {
		return b.T(k)
	}
	return action
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
	if k := "inv.tri." + value; (value == "yes" || value == "no") && b.cat.Has(k) {
		return b.T(k)
	}
	return b.Day(value) // a calendar day the reader's way; other text as it is
}

func (b base) targetLabel(target string) string {
	kind, id, ok := strings.Cut(target, ":")
	if !ok || !b.cat.Has("target."+kind) {
		return target
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
