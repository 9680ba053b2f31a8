package intake

import (
	"context"
	"errors"
	"strconv"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/importer"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/risk"
	"github.com/mamori-sec/mamori/internal/store"
)

// The risk register through the importer: a risk sheet's rows resolved
// against the ledger (assets by name and medium) and the people (owners by
// name or address), checked by the register's rules, and saved in one
// transaction; the export writes the same columns with the computed ones.

// riskWorld is what a risk sheet is resolved against.
type riskWorld struct {
	assets   []inventory.Asset
	byID     map[int64]inventory.Asset
	people   []inventory.Person
	personOf map[int64]inventory.Person
	existing []risk.Risk
	line     int
	cat      *i18n.Catalogue
}

func readRiskWorld(ctx context.Context, t store.Tenant) (*riskWorld, error) {
	w := &riskWorld{byID: map[int64]inventory.Asset{}, personOf: map[int64]inventory.Person{}}
	var err error
	if w.cat, err = i18n.Load(); err != nil {
		return nil, err
	}
	if w.assets, _, err = t.Assets(ctx, store.ListQuery{Limit: 1 << 30}); err != nil {
		return nil, err
	}
	for _, a := range w.assets {
		w.byID[a.ID] = a
	}
	if w.people, _, err = t.People(ctx, store.PeopleQuery{Limit: 1 << 30}); err != nil {
		return nil, err
	}
	for _, p := range w.people {
		w.personOf[p.ID] = p
	}
	if w.existing, err = t.Risks(ctx); err != nil {
		return nil, err
	}
	w.line, err = t.RiskLine(ctx)
	return w, err
}

// names lists a catalogue message in every language, for reading a
// threat's name back from a file in either.
func (w *riskWorld) names(key string) []string {
	var out []string
	for _, l := range i18n.Locales {
		out = append(out, w.cat.Raw(l, key))
	}
	return out
}

// riskPlan is what a risk sheet would do.
type riskPlan struct {
	pv    Preview
	save  []risk.Risk
	lines []int // the row of each of save
}

func riskKey(assetID int64, threat string) string {
	return strconv.FormatInt(assetID, 10) + "\x00" + fold(threat)
}

// planRisks resolves and checks every row; a refusal lists every bad row
// with its column (up to importer.MaxRowErrors).
func planRisks(ctx context.Context, t store.Tenant, parsed importer.Parsed) (riskPlan, error) {
	w, err := readRiskWorld(ctx, t)
	if err != nil {
		return riskPlan{}, err
	}
	pl := riskPlan{pv: Preview{Kind: importer.Risks, Format: importer.Mamori, Rows: len(parsed.Risks)}}
	errs := &importer.RowErrors{}
	bad := func(line int, col, field, key string, args ...any) {
		errs.Total++
		if len(errs.Errors) < importer.MaxRowErrors {
			value := ""
			if len(args) > 0 {
				value, _ = args[0].(string)
			}
			errs.Errors = append(errs.Errors, &importer.RowError{Line: line, Column: col, Field: field, Key: key, Args: args, Value: value})
		}
	}
	existing := map[string]risk.Risk{}
	for _, r := range w.existing {
		existing[riskKey(r.AssetID, r.Threat)] = r
	}
	seen := map[string]int{}
	for _, row := range parsed.Risks {
		r, line := row.Record, row.Line
		col := func(key string) string {
			if h := r.Columns[key]; h != "" {
				return h
			}
			for _, c := range importer.RiskColumns() {
				if c.Key == key {
					return c.JA
				}
			}
			return key
		}
		a, ok := w.asset(r.AssetName, r.Medium)
		if !ok {
			bad(line, col("asset"), "asset", "intake.risk_asset_unknown", r.AssetName)
			continue
		}
		rk := risk.Risk{AssetID: a.ID, Threat: r.Threat, ThreatLevel: r.Level, Vulnerability: r.Vulnerable,
			Treatment: risk.Treatment(r.Treatment), Plan: r.Plan, Status: risk.Status(r.Status), Note: r.Note}
		if th, ok := risk.ThreatByName(r.Threat, w.names); ok {
			rk.Threat = th.ID
		}
		if r.Owner != "" {
			p, ok := w.person(r.Owner)
			if !ok {
				bad(line, col("owner"), "owner", "intake.risk_owner_unknown", r.Owner)
				continue
			}
			rk.OwnerID = p.ID
		}
		if r.Due != "" {
			rk.Due, _ = calendar.ParseISO(r.Due)
		}
		rk = rk.Normal()
		imp := a.Importance()
		for _, c := range []struct {
			key       string
			got, want int
		}{{"importance", r.Importance, imp}, {"likelihood", r.Likelihood, rk.Likelihood()}, {"risk_value", r.Value, rk.ValueFor(imp)}} {
			if c.got != 0 && c.want != 0 && c.got != c.want {
				bad(line, col(c.key), c.key, "intake.risk_computed", strconv.Itoa(c.got), c.want)
			}
		}
		key := riskKey(rk.AssetID, rk.Threat)
		if first, dup := seen[key]; dup {
			bad(line, col("threat"), "threat", "import.row_duplicate", r.Threat, first)
			continue
		}
		seen[key] = line
		if cur, ok := existing[key]; ok {
			rk.ID, rk.UpdatedAt = cur.ID, cur.UpdatedAt
			delete(existing, key)
			if rk == cur {
				pl.pv.Unchanged++
				continue
			}
		}
		if err := risk.Validate(rk, imp, w.line); err != nil {
			var p *problem.Error
			if errors.As(err, &p) {
				bad(line, col(riskColumnOf(p.Field)), p.Field, "import.row_refused", p)
				continue
			}
			return riskPlan{}, err
		}
		label := assetLabel(a) + " — " + w.threatWords(rk.Threat)
		if rk.ID == 0 {
			pl.pv.Added++
			if len(pl.pv.Examples.Added) < maxExamples {
				pl.pv.Examples.Added = append(pl.pv.Examples.Added, Example{Line: line, Label: label})
			}
		} else {
			pl.pv.Changed++
			if len(pl.pv.Examples.Changed) < maxExamples {
				pl.pv.Examples.Changed = append(pl.pv.Examples.Changed, Example{Line: line, ID: rk.ID, Label: label})
			}
		}
		pl.save = append(pl.save, rk)
		pl.lines = append(pl.lines, line)
	}
	if errs.Total > 0 {
		return riskPlan{}, errs
	}
	pl.pv.NotInFile = len(existing)
	return pl, nil
}

// riskColumnOf maps a field the register's rules name to its column.
func riskColumnOf(field string) string {
	if field == "due" || field == "owner" || field == "plan" || field == "treatment" || field == "threat" || field == "threat_level" || field == "vulnerability" || field == "status" {
		return field
	}
	return "asset"
}

func (w *riskWorld) threatWords(threat string) string {
	if th, ok := risk.LookupThreat(threat); ok {
		return w.cat.T(i18n.Japanese, th.NameKey())
	}
	return threat
}

// asset finds the ledger's asset a row names: by name and, when the file
// gives it or the name is not unique, by medium.
func (w *riskWorld) asset(name, medium string) (inventory.Asset, bool) {
	var found []inventory.Asset
	for _, a := range w.assets {
		if fold(a.Name) == fold(name) && (medium == "" || fold(a.Medium) == fold(medium)) {
			found = append(found, a)
		}
	}
	if len(found) != 1 {
		return inventory.Asset{}, false
	}
	return found[0], true
}

// person finds an owner by e-mail address or by name.
func (w *riskWorld) person(s string) (inventory.Person, bool) {
	if isEmail(s) {
		for _, p := range w.people {
			if lowerEmail(p.Email) == lowerEmail(s) {
				return p, true
			}
		}
		return inventory.Person{}, false
	}
	var found []inventory.Person
	for _, p := range w.people {
		if foldTight(p.Name) == foldTight(s) {
			found = append(found, p)
		}
	}
	if len(found) != 1 {
		return inventory.Person{}, false
	}
	return found[0], true
}

// applyRisks saves what planRisks decided in one transaction, each risk
// with its audit entry; a refusal names the row.
func applyRisks(ctx context.Context, t store.Tenant, actor audit.Actor, parsed importer.Parsed) (Preview, error) {
	pl, err := planRisks(ctx, t, parsed)
	if err != nil {
		return Preview{}, err
	}
	if len(pl.save) > 0 {
		if err := t.SaveRisks(ctx, actor, pl.save); err != nil {
			var re *store.RiskRowError
			if errors.As(err, &re) && re.Index < len(pl.lines) {
				return Preview{}, rowError(importer.Risks, pl.lines[re.Index], re.Err)
			}
			return Preview{}, err
		}
	}
	pl.pv.Applied = true
	return pl.pv, nil
}

// riskRows writes the register in the risk sheet's columns, in lang.
func riskRows(ctx context.Context, t store.Tenant, lang string) ([][]string, error) {
	w, err := readRiskWorld(ctx, t)
	if err != nil {
		return nil, err
	}
	l := i18n.Japanese
	if lang == "en" {
		l = i18n.English
	}
	yes := func(b bool) string {
		switch {
		case b && l == i18n.English:
			return "yes"
		case b:
			return "○"
		}
		return ""
	}
	num := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	var entries []risk.Entry
	for _, r := range w.existing {
		entries = append(entries, risk.Assess(r, w.byID[r.AssetID].Importance(), w.line, 0))
	}
	risk.Sort(entries)
	rows := make([][]string, 0, len(entries))
	for _, e := range entries {
		a := w.byID[e.AssetID]
		threat := e.Threat
		if th, ok := risk.LookupThreat(e.Threat); ok {
			threat = w.cat.T(l, th.NameKey())
		}
		cells := map[string]string{
			"business_area": a.BusinessArea, "asset": a.Name, "medium": a.Medium,
			"personal_info":   yes(a.PersonalInfo || a.SensitiveInfo || a.MyNumber),
			"confidentiality": num(a.Confidentiality), "integrity": num(a.Integrity), "availability": num(a.Availability),
			"importance": num(e.Importance), "threat": threat, "threat_level": num(e.ThreatLevel), "vulnerability": num(e.Vulnerability),
			"likelihood": num(e.Likelihood), "risk_value": num(e.Value), "treatment": treatmentWord(w.cat, l, e.Treatment),
			"plan": e.Plan, "owner": w.personOf[e.OwnerID].Name, "due": e.Due.String(), "status": w.cat.T(l, e.Status.Key()), "note": e.Note,
		}
		if e.OwnerID != 0 && cells["owner"] != "" && w.ambiguousName(cells["owner"]) {
			cells["owner"] = w.personOf[e.OwnerID].Email
		}
		row := make([]string, 0, len(importer.RiskColumns()))
		for _, c := range importer.RiskColumns() {
			row = append(row, cells[c.Key])
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// treatmentWord is a treatment as a file writes it: its label, blank for
// none.
func treatmentWord(cat *i18n.Catalogue, l i18n.Locale, t risk.Treatment) string {
	if t == risk.None {
		return ""
	}
	return cat.T(l, t.Key())
}

// ambiguousName reports a name two people share: the export writes the
// address instead, so that the import reads the same person back.
func (w *riskWorld) ambiguousName(name string) bool {
	n := 0
	for _, p := range w.people {
		if foldTight(p.Name) == foldTight(name) {
			n++
		}
	}
	return n > 1
}
