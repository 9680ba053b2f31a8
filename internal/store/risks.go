package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/risk"
)

// The risk register (internal/risk). The rules — the likelihood table, the
// risk value, what a risk above the acceptance line must have — are the
// risk package's; this file reads and writes risks and the acceptance
// line, each change with an audit entry, and checks a risk against its
// asset's 重要度 inside the transaction that saves it.

const riskColumns = "r.id, r.asset_id, r.threat, r.threat_level, r.vulnerability, r.treatment, r.plan, r.owner_id, r.due_on, r.status, r.note, r.updated_at"

func scanRisk(s rowScanner) (risk.Risk, error) {
	var r risk.Risk
	var due string
	var updated int64
	err := s.Scan(&r.ID, &r.AssetID, &r.Threat, &r.ThreatLevel, &r.Vulnerability, &r.Treatment, &r.Plan, &r.OwnerID, &due, &r.Status, &r.Note, &updated)
	r.Due, _ = calendar.ParseISO(due)
	r.UpdatedAt = fromMicros(updated)
	return r, err
}

// Risks returns the register: every risk whose asset is still in the
// ledger, in id order.
func (t Tenant) Risks(ctx context.Context) ([]risk.Risk, error) {
	rows, err := t.db.query(ctx, "SELECT "+riskColumns+" FROM risks r JOIN assets a ON a.id = r.asset_id AND a.org_id = r.org_id WHERE r.org_id = ? ORDER BY r.id", t.org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []risk.Risk
	for rows.Next() {
		r, err := scanRisk(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Risk returns one risk of the register.
func (t Tenant) Risk(ctx context.Context, id int64) (risk.Risk, error) {
	r, err := scanRisk(t.db.queryRow(ctx, "SELECT "+riskColumns+" FROM risks r JOIN assets a ON a.id = r.asset_id AND a.org_id = r.org_id WHERE r.org_id = ? AND r.id = ?", t.org, id))
	return r, notFound(err)
}

// RiskLine returns the organisation's acceptance line, the guideline's
// default when it has set none.
func (t Tenant) RiskLine(ctx context.Context) (int, error) {
	return riskLine(t.db.queryRow(ctx, "SELECT acceptance_line FROM risk_settings WHERE org_id = ?", t.org))
}

func riskLine(row *sql.Row) (int, error) {
	var line int
	err := row.Scan(&line)
	if errors.Is(err, sql.ErrNoRows) {
		return risk.DefaultLine, nil
	}
	return line, err
}

// SetRiskLine sets the acceptance line: risk values above it need a
// treatment.
func (t Tenant) SetRiskLine(ctx context.Context, actor audit.Actor, line int) error {
	if !risk.ValidLine(line) {
		return problem.Field("line", "risk.line_invalid")
	}
	return t.change(ctx, actor, func(tx *Tx) error {
		before, err := riskLine(tx.queryRow(ctx, "SELECT acceptance_line FROM risk_settings WHERE org_id = ?", t.org))
		if err != nil {
			return err
		}
		if before == line {
			tx.unchanged++
			return nil
		}
		if _, err := tx.exec(ctx, `INSERT INTO risk_settings (org_id, acceptance_line) VALUES (?, ?)
			ON CONFLICT (org_id) DO UPDATE SET acceptance_line = excluded.acceptance_line`, t.org, line); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "risk.line", Target: fmt.Sprintf("org:%d", t.org),
			Before: map[string]any{"acceptance_line": before}, After: map[string]any{"acceptance_line": line}})
	})
}

func riskTarget(id int64) string { return "risk:" + strconv.FormatInt(id, 10) }

// riskContext is what a risk is checked against and named by: its asset's
// name and 重要度, its owner's name, the acceptance line.
type riskContext struct {
	asset      string
	importance int
	owner      string
	line       int
}

func (t Tenant) riskContext(ctx context.Context, tx *Tx, r risk.Risk) (riskContext, error) {
	var c riskContext
	var a inventory.Asset
	var pi, si, mn int
	err := tx.queryRow(ctx, "SELECT name, medium, personal_info, sensitive_info, my_number, confidentiality, integrity, availability FROM assets WHERE org_id = ? AND id = ?", t.org, r.AssetID).
		Scan(&a.Name, &a.Medium, &pi, &si, &mn, &a.Confidentiality, &a.Integrity, &a.Availability)
	if errors.Is(err, sql.ErrNoRows) {
		return c, problem.Field("asset", "risk.asset_unknown")
	}
	if err != nil {
		return c, err
	}
	a.PersonalInfo, a.SensitiveInfo, a.MyNumber = pi != 0, si != 0, mn != 0
	c.asset, c.importance = a.Name, a.Importance()
	if a.Medium != "" {
		c.asset += "（" + a.Medium + "）"
	}
	if r.OwnerID != 0 {
		err := tx.queryRow(ctx, "SELECT name FROM people WHERE org_id = ? AND id = ?", t.org, r.OwnerID).Scan(&c.owner)
		if errors.Is(err, sql.ErrNoRows) {
			return c, problem.Field("owner", "risk.owner_unknown")
		}
		if err != nil {
			return c, err
		}
	}
	c.line, err = riskLine(tx.queryRow(ctx, "SELECT acceptance_line FROM risk_settings WHERE org_id = ?", t.org))
	return c, err
}

// riskAudit is a risk as its audit entry shows it: the asset and the owner
// by name, the computed figures beside the levels.
func riskAudit(r risk.Risk, c riskContext) map[string]any {
	m := map[string]any{"asset": c.asset, "threat": r.Threat, "threat_level": r.ThreatLevel, "vulnerability": r.Vulnerability,
		"importance": c.importance, "likelihood": r.Likelihood(), "risk_value": r.ValueFor(c.importance), "status": string(r.Status)}
	if r.Treatment != risk.None {
		m["treatment"] = string(r.Treatment)
	}
	if r.Plan != "" {
		m["plan"] = r.Plan
	}
	if c.owner != "" {
		m["owner"] = c.owner
	}
	if !r.Due.IsZero() {
		m["due_on"] = r.Due.String()
	}
	if r.Note != "" {
		m["note"] = r.Note
	}
	return m
}

// SaveRisk adds (ID 0) or changes a risk, refusing one the rules refuse
// (risk.Validate) for its asset's 重要度 and the acceptance line.
func (t Tenant) SaveRisk(ctx context.Context, actor audit.Actor, r risk.Risk) (risk.Risk, error) {
	err := t.change(ctx, actor, func(tx *Tx) error {
		var err error
		r, err = t.saveRisk(ctx, tx, r)
		return err
	})
	return r, err
}

// SaveRisks saves many risks in one transaction: all or none. A refusal
// names the position (0-based) of the risk it refuses in *RiskRowError.
func (t Tenant) SaveRisks(ctx context.Context, actor audit.Actor, rs []risk.Risk) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		for i := range rs {
			saved, err := t.saveRisk(ctx, tx, rs[i])
			if err != nil {
				return &RiskRowError{Index: i, Err: err}
			}
			rs[i] = saved
		}
		return nil
	})
}

// RiskRowError is a refusal of one risk of SaveRisks.
type RiskRowError struct {
	Index int
	Err   error
}

func (e *RiskRowError) Error() string { return fmt.Sprintf("risk %d: %v", e.Index, e.Err) }
func (e *RiskRowError) Unwrap() error { return e.Err }

func (t Tenant) saveRisk(ctx context.Context, tx *Tx, r risk.Risk) (risk.Risk, error) {
	r = r.Normal()
	c, err := t.riskContext(ctx, tx, r)
	if err != nil {
		return r, err
	}
	if err := risk.Validate(r, c.importance, c.line); err != nil {
		return r, err
	}
	now := t.db.Now()
	if r.ID == 0 {
		id, err := tx.insert(ctx, `INSERT INTO risks (org_id, asset_id, threat, threat_level, vulnerability, treatment, plan, owner_id, due_on, status, note, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.org, r.AssetID, r.Threat, r.ThreatLevel, r.Vulnerability, r.Treatment, r.Plan, r.OwnerID, r.Due.String(), r.Status, r.Note, micros(now), micros(now))
		if err != nil {
			return r, fmt.Errorf("add risk: %w", err)
		}
		r.ID, r.UpdatedAt = id, now
		return r, t.record(ctx, tx, audit.Event{Action: "risk.add", Target: riskTarget(id), After: riskAudit(r, c)})
	}
	before, err := scanRisk(tx.queryRow(ctx, "SELECT "+riskColumns+" FROM risks r WHERE r.org_id = ? AND r.id = ?", t.org, r.ID))
	if err != nil {
		return r, notFound(err)
	}
	bc, err := t.riskContext(ctx, tx, before)
	if err != nil {
		bc = c
	}
	r.UpdatedAt = before.UpdatedAt
	if r == before {
		tx.unchanged++
		return r, nil
	}
	r.UpdatedAt = now
	if _, err := tx.exec(ctx, `UPDATE risks SET asset_id = ?, threat = ?, threat_level = ?, vulnerability = ?, treatment = ?, plan = ?, owner_id = ?, due_on = ?, status = ?, note = ?, updated_at = ?
		WHERE org_id = ? AND id = ?`, r.AssetID, r.Threat, r.ThreatLevel, r.Vulnerability, r.Treatment, r.Plan, r.OwnerID, r.Due.String(), r.Status, r.Note, micros(now), t.org, r.ID); err != nil {
		return r, fmt.Errorf("change risk: %w", err)
	}
	return r, t.record(ctx, tx, audit.Event{Action: "risk.edit", Target: riskTarget(r.ID), Before: riskAudit(before, bc), After: riskAudit(r, c)})
}

// DeleteRisk removes a risk from the register.
func (t Tenant) DeleteRisk(ctx context.Context, actor audit.Actor, id int64) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		before, err := scanRisk(tx.queryRow(ctx, "SELECT "+riskColumns+" FROM risks r WHERE r.org_id = ? AND r.id = ?", t.org, id))
		if err != nil {
			return notFound(err)
		}
		c, _ := t.riskContext(ctx, tx, before)
		if _, err := tx.exec(ctx, "DELETE FROM risks WHERE org_id = ? AND id = ?", t.org, id); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "risk.delete", Target: riskTarget(id), Before: riskAudit(before, c)})
	})
}
