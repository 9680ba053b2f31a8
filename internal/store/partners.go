package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/partner"
)

// The partners register lives in the mail guard's partner table
// (mailguard_partners, migrations 0028 and 0034): one record kind the mail
// guard's rules and the self-diagnosis both read.

const partnerColumns = "id, name, domains, entrusted, terms, agreed_on, ends_on, note"

func scanPartner(r rowScanner) (partner.Partner, error) {
	var p partner.Partner
	var domains, terms, agreed, ends string
	var entrusted int
	if err := r.Scan(&p.ID, &p.Name, &domains, &entrusted, &terms, &agreed, &ends, &p.Note); err != nil {
		return p, err
	}
	p.Domains, p.Entrusted, p.Terms = strings.Fields(domains), entrusted != 0, partner.Terms(terms)
	p.AgreedOn, _ = calendar.ParseISO(agreed)
	p.EndsOn, _ = calendar.ParseISO(ends)
	return p, nil
}

func dayText(d calendar.Day) string {
	if d == 0 {
		return ""
	}
	return d.String()
}

// partnerAudit is a partner's state as its audit entries keep it, in
// values the audit page shows in words (inv.partner.* labels).
func partnerAudit(p partner.Partner) map[string]any {
	terms := string(p.Terms)
	if p.Terms == partner.TermsUnchecked {
		terms = "unchecked"
	}
	entrusted := "no"
	if p.Entrusted {
		entrusted = "yes"
	}
	return map[string]any{"name": p.Name, "domains": strings.Join(p.Domains, " "), "entrusted": entrusted, "terms": terms,
		"agreed_on": dayText(p.AgreedOn), "ends_on": dayText(p.EndsOn), "note": p.Note}
}

func partnerTarget(id int64) string { return fmt.Sprintf("partner:%d", id) }

// Partners lists the organisation's partners by name.
func (t Tenant) Partners(ctx context.Context) ([]partner.Partner, error) {
	rows, err := t.db.query(ctx, "SELECT "+partnerColumns+" FROM mailguard_partners WHERE org_id = ? ORDER BY name, id", t.org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []partner.Partner
	for rows.Next() {
		p, err := scanPartner(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Partner returns one partner of the organisation.
func (t Tenant) Partner(ctx context.Context, id int64) (partner.Partner, error) {
	p, err := scanPartner(t.db.queryRow(ctx, "SELECT "+partnerColumns+" FROM mailguard_partners WHERE id = ? AND org_id = ?", id, t.org))
	return p, notFound(err)
}

// AddPartner records a partner in one audited change, after the
// register's one validation.
func (t Tenant) AddPartner(ctx context.Context, actor audit.Actor, p partner.Partner) (int64, error) {
	if err := p.Validate(); err != nil {
		return 0, err
	}
	var id int64
	err := t.change(ctx, actor, func(tx *Tx) error {
		var err error
		id, err = tx.insert(ctx, "INSERT INTO mailguard_partners (org_id, name, domains, entrusted, terms, agreed_on, ends_on, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			t.org, p.Name, strings.Join(p.Domains, " "), boolInt(p.Entrusted), string(p.Terms), dayText(p.AgreedOn), dayText(p.EndsOn), p.Note, micros(t.db.Now()))
		if err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "partner.add", Target: partnerTarget(id), After: partnerAudit(p)})
	})
	return id, err
}

// UpdatePartner changes a partner in one audited change; a partner of
// another organisation is not found.
func (t Tenant) UpdatePartner(ctx context.Context, actor audit.Actor, p partner.Partner) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return t.change(ctx, actor, func(tx *Tx) error {
		before, err := scanPartner(tx.queryRow(ctx, "SELECT "+partnerColumns+" FROM mailguard_partners WHERE id = ? AND org_id = ?", p.ID, t.org))
		if err != nil {
			return notFound(err)
		}
		if _, err := tx.exec(ctx, "UPDATE mailguard_partners SET name = ?, domains = ?, entrusted = ?, terms = ?, agreed_on = ?, ends_on = ?, note = ? WHERE id = ? AND org_id = ?",
			p.Name, strings.Join(p.Domains, " "), boolInt(p.Entrusted), string(p.Terms), dayText(p.AgreedOn), dayText(p.EndsOn), p.Note, p.ID, t.org); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "partner.update", Target: partnerTarget(p.ID), Before: partnerAudit(before), After: partnerAudit(p)})
	})
}

// RemovePartner deletes a partner in one audited change.
func (t Tenant) RemovePartner(ctx context.Context, actor audit.Actor, id int64) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		before, err := scanPartner(tx.queryRow(ctx, "SELECT "+partnerColumns+" FROM mailguard_partners WHERE id = ? AND org_id = ?", id, t.org))
		if err != nil {
			return notFound(err)
		}
		if _, err := tx.exec(ctx, "DELETE FROM mailguard_partners WHERE id = ? AND org_id = ?", id, t.org); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "partner.remove", Target: partnerTarget(id), Before: partnerAudit(before)})
	})
}
