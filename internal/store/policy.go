package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/policy"
	"github.com/mamori-sec/mamori/internal/problem"
)

// PolicyVersion is one version of an organisation's policy set: the basic
// policy and the rules, each in Japanese and English.
type PolicyVersion struct {
	ID                   int64
	Number               int
	Status               policy.Status
	BasicJA, BasicEN     string
	RulesJA, RulesEN     string
	CreatedAt, UpdatedAt time.Time
	ApprovedBy           int64
	ApprovedByName       string
	PublishedAt          time.Time // when it was (last) published
	EndedAt              time.Time // when it was retired or withdrawn
}

// Basic returns the basic policy in language l.
func (v PolicyVersion) Basic(l string) string {
	if l == "ja" {
		return v.BasicJA
	}
	return v.BasicEN
}

// Rules returns the rules in language l.
func (v PolicyVersion) Rules(l string) string {
	if l == "ja" {
		return v.RulesJA
	}
	return v.RulesEN
}

const policyColumns = "v.id, v.number, v.status, v.basic_ja, v.basic_en, v.rules_ja, v.rules_en, v.created_at, v.updated_at, v.approved_by, COALESCE(u.name, ''), v.published_at, v.ended_at"

const policyFrom = " FROM policy_versions v LEFT JOIN users u ON u.id = v.approved_by"

func scanPolicy(s interface{ Scan(...any) error }) (PolicyVersion, error) {
	var v PolicyVersion
	var created, updated, published, ended int64
	err := s.Scan(&v.ID, &v.Number, &v.Status, &v.BasicJA, &v.BasicEN, &v.RulesJA, &v.RulesEN, &created, &updated, &v.ApprovedBy, &v.ApprovedByName, &published, &ended)
	v.CreatedAt, v.UpdatedAt, v.PublishedAt, v.EndedAt = fromMicros(created), fromMicros(updated), fromMicros(published), fromMicros(ended)
	return v, err
}

// PolicyVersions lists the organisation's versions, newest first.
func (t Tenant) PolicyVersions(ctx context.Context) ([]PolicyVersion, error) {
	rows, err := t.db.query(ctx, "SELECT "+policyColumns+policyFrom+" WHERE v.org_id = ? ORDER BY v.number DESC", t.org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PolicyVersion
	for rows.Next() {
		v, err := scanPolicy(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// PolicyVersion returns version number n.
func (t Tenant) PolicyVersion(ctx context.Context, n int) (PolicyVersion, error) {
	v, err := scanPolicy(t.db.queryRow(ctx, "SELECT "+policyColumns+policyFrom+" WHERE v.org_id = ? AND v.number = ?", t.org, n))
	return v, notFound(err)
}

// CurrentPolicy returns the published version; not found when none is.
func (t Tenant) CurrentPolicy(ctx context.Context) (PolicyVersion, error) {
	v, err := scanPolicy(t.db.queryRow(ctx, "SELECT "+policyColumns+policyFrom+" WHERE v.org_id = ? AND v.status = ?", t.org, policy.Published))
	return v, notFound(err)
}

// PolicyTexts are the four texts of a version.
type PolicyTexts struct {
	BasicJA, BasicEN, RulesJA, RulesEN string
}

func (p *PolicyTexts) validate() error {
	for _, x := range []struct {
		field string
		s     *string
	}{{"basic_ja", &p.BasicJA}, {"basic_en", &p.BasicEN}, {"rules_ja", &p.RulesJA}, {"rules_en", &p.RulesEN}} {
		*x.s = strings.ReplaceAll(strings.ReplaceAll(*x.s, "\r\n", "\n"), "\r", "\n")
		if err := policy.ValidText(x.field, *x.s); err != nil {
			return err
		}
	}
	return nil
}

func (p PolicyTexts) size() int {
	return len([]rune(p.BasicJA)) + len([]rune(p.BasicEN)) + len([]rune(p.RulesJA)) + len([]rune(p.RulesEN))
}

// CreatePolicyDraft starts the next version as a draft holding texts. There
// is one draft at a time: a second is refused.
func (t Tenant) CreatePolicyDraft(ctx context.Context, actor audit.Actor, texts PolicyTexts) (int, error) {
	if err := texts.validate(); err != nil {
		return 0, err
	}
	var number int
	err := t.change(ctx, actor, func(tx *Tx) error {
		var drafts int
		if err := tx.queryRow(ctx, "SELECT count(*) FROM policy_versions WHERE org_id = ? AND status = ?", t.org, policy.Draft).Scan(&drafts); err != nil {
			return err
		}
		if drafts > 0 {
			return problem.New(problem.Conflict, "policy.draft_exists")
		}
		if err := tx.queryRow(ctx, "SELECT COALESCE(MAX(number), 0) + 1 FROM policy_versions WHERE org_id = ?", t.org).Scan(&number); err != nil {
			return err
		}
		now := micros(t.db.Now())
		if _, err := tx.exec(ctx, `INSERT INTO policy_versions (org_id, number, status, basic_ja, basic_en, rules_ja, rules_en, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.org, number, policy.Draft, texts.BasicJA, texts.BasicEN, texts.RulesJA, texts.RulesEN, actor.UserID, now, now); err != nil {
			if isUniqueViolation(err) {
				return problem.New(problem.Conflict, "policy.draft_exists")
			}
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "policy.draft", Target: t.orgTarget(), After: map[string]any{"version": number, "size": texts.size()}})
	})
	return number, err
}

func (t Tenant) orgTarget() string { return "org:" + strconv.FormatInt(t.org, 10) }

// UpdatePolicyDraft replaces the texts of draft n. A published, retired or
// withdrawn version is never changed: a change is a new version.
func (t Tenant) UpdatePolicyDraft(ctx context.Context, actor audit.Actor, n int, texts PolicyTexts) error {
	if err := texts.validate(); err != nil {
		return err
	}
	return t.change(ctx, actor, func(tx *Tx) error {
		var id int64
		var status policy.Status
		var before PolicyTexts
		if err := tx.queryRow(ctx, "SELECT id, status, basic_ja, basic_en, rules_ja, rules_en FROM policy_versions WHERE org_id = ? AND number = ?", t.org, n).
			Scan(&id, &status, &before.BasicJA, &before.BasicEN, &before.RulesJA, &before.RulesEN); err != nil {
			return notFound(err)
		}
		if status != policy.Draft {
			return problem.New(problem.Conflict, "policy.not_draft")
		}
		if before == texts {
			tx.unchanged++
			return nil
		}
		if _, err := tx.exec(ctx, "UPDATE policy_versions SET basic_ja = ?, basic_en = ?, rules_ja = ?, rules_en = ?, updated_at = ? WHERE id = ? AND org_id = ?",
			texts.BasicJA, texts.BasicEN, texts.RulesJA, texts.RulesEN, micros(t.db.Now()), id, t.org); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "policy.edit", Target: t.orgTarget(),
			Before: map[string]any{"version": n, "size": before.size()}, After: map[string]any{"version": n, "size": texts.size()}})
	})
}

// PublishPolicy approves version n (a draft, or a version withdrawn
// earlier) and publishes it: it becomes the current version, the one
// published before it retires, and everyone has it to acknowledge (a
// version withdrawn and published again keeps its acknowledgements).
func (t Tenant) PublishPolicy(ctx context.Context, actor audit.Actor, n int) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		var id int64
		var status policy.Status
		if err := tx.queryRow(ctx, "SELECT id, status FROM policy_versions WHERE org_id = ? AND number = ?", t.org, n).Scan(&id, &status); err != nil {
			return notFound(err)
		}
		if status != policy.Draft && status != policy.Withdrawn {
			return problem.New(problem.Conflict, "policy.not_publishable")
		}
		now := micros(t.db.Now())
		var prev int
		err := tx.queryRow(ctx, "SELECT number FROM policy_versions WHERE org_id = ? AND status = ?", t.org, policy.Published).Scan(&prev)
		if err == nil {
			if _, err := tx.exec(ctx, "UPDATE policy_versions SET status = ?, ended_at = ? WHERE org_id = ? AND status = ?", policy.Retired, now, t.org, policy.Published); err != nil {
				return err
			}
		} else if notFound(err) != problem.ErrNotFound {
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE policy_versions SET status = ?, approved_by = ?, published_at = ?, ended_at = 0 WHERE id = ? AND org_id = ?", policy.Published, actor.UserID, now, id, t.org); err != nil {
			return err
		}
		before := map[string]any{"version": n, "policy_status": string(status)}
		if prev != 0 {
			before["previous"] = prev
		}
		return t.record(ctx, tx, audit.Event{Action: "policy.publish", Target: t.orgTarget(), Before: before, After: map[string]any{"version": n, "policy_status": string(policy.Published)}})
	})
}

// UnpublishPolicy withdraws the published version: the public page shows
// nothing from this moment, and nobody has anything to acknowledge.
func (t Tenant) UnpublishPolicy(ctx context.Context, actor audit.Actor) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, "SELECT number FROM policy_versions WHERE org_id = ? AND status = ?", t.org, policy.Published).Scan(&n); err != nil {
			if notFound(err) == problem.ErrNotFound {
				return problem.New(problem.Conflict, "policy.nothing_published")
			}
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE policy_versions SET status = ?, ended_at = ? WHERE org_id = ? AND number = ?", policy.Withdrawn, micros(t.db.Now()), t.org, n); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "policy.unpublish", Target: t.orgTarget(),
			Before: map[string]any{"version": n, "policy_status": string(policy.Published)}, After: map[string]any{"version": n, "policy_status": string(policy.Withdrawn)}})
	})
}

// AcknowledgePolicy records that user read and accepts version n, which
// must be the published one (a page left open over a new publication
// acknowledges nothing). A second acknowledgement changes nothing.
func (t Tenant) AcknowledgePolicy(ctx context.Context, actor audit.Actor, userID int64, n int) error {
	if _, err := t.db.Membership(ctx, t.org, userID); err != nil {
		return err
	}
	return t.change(ctx, actor, func(tx *Tx) error {
		var id int64
		if err := tx.queryRow(ctx, "SELECT id FROM policy_versions WHERE org_id = ? AND number = ? AND status = ?", t.org, n, policy.Published).Scan(&id); err != nil {
			if notFound(err) == problem.ErrNotFound {
				return problem.New(problem.Conflict, "policy.not_current")
			}
			return err
		}
		res, err := tx.exec(ctx, "INSERT INTO policy_acks (org_id, version_id, user_id, acked_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", t.org, id, userID, micros(t.db.Now()))
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			tx.unchanged++
			return nil
		}
		return t.record(ctx, tx, audit.Event{Action: "policy.acknowledge", Target: "user:" + strconv.FormatInt(userID, 10), After: map[string]any{"version": n}})
	})
}

// PolicyAck is one member's standing with the current version.
type PolicyAck struct {
	UserID  int64
	Name    string
	Email   string
	AckedAt time.Time // zero: not yet
}

// PolicyAcks lists every member of the organisation (enabled users) with
// when they acknowledged the published version; not found when nothing is
// published.
func (t Tenant) PolicyAcks(ctx context.Context) (PolicyVersion, []PolicyAck, error) {
	v, err := t.CurrentPolicy(ctx)
	if err != nil {
		return v, nil, err
	}
	rows, err := t.db.query(ctx, `SELECT u.id, u.name, u.email, COALESCE(a.acked_at, 0) FROM memberships m JOIN users u ON u.id = m.user_id
		LEFT JOIN policy_acks a ON a.version_id = ? AND a.user_id = u.id AND a.org_id = m.org_id
		WHERE m.org_id = ? AND u.disabled = 0 ORDER BY u.name, u.id`, v.ID, t.org)
	if err != nil {
		return v, nil, err
	}
	defer rows.Close()
	var out []PolicyAck
	for rows.Next() {
		var a PolicyAck
		var at int64
		if err := rows.Scan(&a.UserID, &a.Name, &a.Email, &at); err != nil {
			return v, nil, err
		}
		a.AckedAt = fromMicros(at)
		out = append(out, a)
	}
	return v, out, rows.Err()
}

// PoliciesToAcknowledge lists what userID has yet to acknowledge: the
// published version, if they have not (for the staff's own page).
func (t Tenant) PoliciesToAcknowledge(ctx context.Context, userID int64) ([]policy.Pending, error) {
	rows, err := t.db.query(ctx, `SELECT v.number, v.published_at FROM policy_versions v JOIN memberships m ON m.org_id = v.org_id AND m.user_id = ?
		WHERE v.org_id = ? AND v.status = ? AND NOT EXISTS (SELECT 1 FROM policy_acks a WHERE a.version_id = v.id AND a.user_id = ?)`, userID, t.org, policy.Published, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []policy.Pending
	for rows.Next() {
		var p policy.Pending
		var at int64
		if err := rows.Scan(&p.Version, &at); err != nil {
			return nil, err
		}
		p.PublishedAt = fromMicros(at)
		out = append(out, p)
	}
	return out, rows.Err()
}

// PublishedBasicPolicy reports whether the organisation has a basic policy
// published (SECURITY ACTION ★★ asks for one published outside the
// company), and since when.
func (t Tenant) PublishedBasicPolicy(ctx context.Context) (published bool, at time.Time, err error) {
	var micro int64
	err = t.db.queryRow(ctx, "SELECT published_at FROM policy_versions WHERE org_id = ? AND status = ?", t.org, policy.Published).Scan(&micro)
	if notFound(err) == problem.ErrNotFound {
		return false, time.Time{}, nil
	}
	if err != nil {
		return false, time.Time{}, err
	}
	return true, fromMicros(micro), nil
}

// PublicPolicy is all the public page may show: the published basic
// policy in both languages and since when it is published.
type PublicPolicy struct {
	BasicJA, BasicEN string
	PublishedAt      time.Time
}

// PublicPolicy returns the basic policy the organisation with slug has
// published, and nothing else of it; not found for an unknown slug and
// for an organisation with nothing published.
func (db *DB) PublicPolicy(ctx context.Context, slug string) (PublicPolicy, error) {
	var p PublicPolicy
	var at int64
	err := db.queryRow(ctx, `SELECT v.basic_ja, v.basic_en, v.published_at FROM policy_versions v JOIN orgs o ON o.id = v.org_id
		WHERE o.slug = ? AND v.status = ?`, slug, policy.Published).Scan(&p.BasicJA, &p.BasicEN, &at)
	p.PublishedAt = fromMicros(at)
	return p, notFound(err)
}

// SignoffMarks returns the executive's checklist as it stands: a mark for
// every item, in order (an item never marked has no day).
func (t Tenant) SignoffMarks(ctx context.Context) ([]policy.Mark, error) {
	rows, err := t.db.query(ctx, "SELECT item, done_on, note, link, file_name, updated_at FROM policy_signoff WHERE org_id = ?", t.org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	by := map[policy.Item]policy.Mark{}
	for rows.Next() {
		var m policy.Mark
		var at int64
		if err := rows.Scan(&m.Item, &m.DoneOn, &m.Note, &m.Link, &m.File, &at); err != nil {
			return nil, err
		}
		m.UpdatedAt = fromMicros(at)
		by[m.Item] = m
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []policy.Mark
	for _, i := range policy.Items() {
		m, ok := by[i]
		if !ok {
			m = policy.Mark{Item: i}
		}
		out = append(out, m)
	}
	return out, nil
}

// SignoffFile is an evidence file attached to a checklist item.
type SignoffFile struct {
	Name, MIME, SHA256 string
	Sealed             bool
	Data               []byte
}

// SignoffSealContext binds a sealed evidence file to its organisation and
// item, so that a file copied elsewhere does not open.
func SignoffSealContext(org int64, item policy.Item, sum string) string {
	return fmt.Sprintf("signoff:%d:%s:%s", org, item, sum)
}

// SaveSignoffMark records the day, note and evidence link of one item; a
// file, when given, replaces the item's file (nil keeps it).
func (t Tenant) SaveSignoffMark(ctx context.Context, actor audit.Actor, m policy.Mark, file *SignoffFile) error {
	if err := m.Validate(); err != nil {
		return err
	}
	return t.change(ctx, actor, func(tx *Tx) error {
		var before policy.Mark
		err := tx.queryRow(ctx, "SELECT done_on, note, link, file_name FROM policy_signoff WHERE org_id = ? AND item = ?", t.org, m.Item).Scan(&before.DoneOn, &before.Note, &before.Link, &before.File)
		if err != nil && notFound(err) != problem.ErrNotFound {
			return err
		}
		exists := err == nil
		m.File = before.File
		if file != nil {
			m.File = file.Name
		}
		if exists && before.DoneOn == m.DoneOn && before.Note == m.Note && before.Link == m.Link && file == nil {
			tx.unchanged++
			return nil
		}
		now := micros(t.db.Now())
		if !exists {
			if _, err := tx.exec(ctx, "INSERT INTO policy_signoff (org_id, item, updated_at) VALUES (?, ?, ?)", t.org, m.Item, now); err != nil {
				return err
			}
		}
		if _, err := tx.exec(ctx, "UPDATE policy_signoff SET done_on = ?, note = ?, link = ?, updated_by = ?, updated_at = ? WHERE org_id = ? AND item = ?",
			m.DoneOn, m.Note, m.Link, actor.UserID, now, t.org, m.Item); err != nil {
			return err
		}
		if file != nil {
			if _, err := tx.exec(ctx, "UPDATE policy_signoff SET file_name = ?, file_mime = ?, file_sha256 = ?, file_sealed = ?, file_data = ? WHERE org_id = ? AND item = ?",
				file.Name, file.MIME, file.SHA256, boolInt(file.Sealed), file.Data, t.org, m.Item); err != nil {
				return err
			}
		}
		return t.record(ctx, tx, audit.Event{Action: "policy.signoff", Target: t.orgTarget(), Before: signoffAudit(before), After: signoffAudit(m)})
	})
}

func signoffAudit(m policy.Mark) map[string]any {
	return map[string]any{"item": string(m.Item), "done_on": m.DoneOn, "note": m.Note, "link": m.Link, "file": m.File}
}

// SignoffFileData returns the evidence file of an item as stored (sealed
// or not); not found when the item has none.
func (t Tenant) SignoffFileData(ctx context.Context, item policy.Item) (SignoffFile, error) {
	var f SignoffFile
	var sealed int
	err := t.db.queryRow(ctx, "SELECT file_name, file_mime, file_sha256, file_sealed, file_data FROM policy_signoff WHERE org_id = ? AND item = ? AND file_name <> ''", t.org, item).
		Scan(&f.Name, &f.MIME, &f.SHA256, &sealed, &f.Data)
	f.Sealed = sealed != 0
	return f, notFound(err)
}

// RoleHolder is the person holding a guideline role.
type RoleHolder struct {
	PersonID int64
	Name     string
}

// PolicyRoles returns who holds each guideline role (roles nobody holds
// are absent).
func (t Tenant) PolicyRoles(ctx context.Context) (map[policy.Role]RoleHolder, error) {
	rows, err := t.db.query(ctx, "SELECT r.role, r.person_id, p.name FROM policy_roles r JOIN people p ON p.id = r.person_id AND p.org_id = r.org_id WHERE r.org_id = ?", t.org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[policy.Role]RoleHolder{}
	for rows.Next() {
		var r policy.Role
		var h RoleHolder
		if err := rows.Scan(&r, &h.PersonID, &h.Name); err != nil {
			return nil, err
		}
		out[r] = h
	}
	return out, rows.Err()
}

// SetPolicyRoles assigns the guideline roles to people of the ledger (0:
// nobody). Each person must be in the organisation and not have left.
func (t Tenant) SetPolicyRoles(ctx context.Context, actor audit.Actor, roles map[policy.Role]int64) error {
	for r := range roles {
		if !r.Valid() {
			return problem.Field("role", "signoff.role_invalid")
		}
	}
	today := calendar.Of(t.db.Now()).String()
	return t.change(ctx, actor, func(tx *Tx) error {
		current, err := t.PolicyRoles(ctx)
		if err != nil {
			return err
		}
		for _, r := range policy.Roles {
			id, ok := roles[r]
			if !ok || current[r].PersonID == id {
				continue
			}
			if id == 0 {
				if _, err := tx.exec(ctx, "DELETE FROM policy_roles WHERE org_id = ? AND role = ?", t.org, r); err != nil {
					return err
				}
			} else {
				var name, leave string
				if err := tx.queryRow(ctx, "SELECT name, leave_date FROM people WHERE org_id = ? AND id = ?", t.org, id).Scan(&name, &leave); err != nil {
					if notFound(err) == problem.ErrNotFound {
						return problem.Field("role_"+string(r), "signoff.person_unknown")
					}
					return err
				}
				if leave != "" && leave < today {
					return problem.Field("role_"+string(r), "signoff.person_left", name)
				}
				if _, err := tx.exec(ctx, "INSERT INTO policy_roles (org_id, role, person_id) VALUES (?, ?, ?) ON CONFLICT (org_id, role) DO UPDATE SET person_id = excluded.person_id", t.org, r, id); err != nil {
					return err
				}
			}
			before := map[string]any{"guideline_role": string(r)}
			if h, ok := current[r]; ok {
				before["person_id"] = h.PersonID
			}
			after := map[string]any{"guideline_role": string(r)}
			if id != 0 {
				after["person_id"] = id
			}
			if err := t.record(ctx, tx, audit.Event{Action: "policy.role", Target: t.orgTarget(), Before: before, After: after}); err != nil {
				return err
			}
		}
		if tx.events == 0 {
			tx.unchanged++
		}
		return nil
	})
}

// StoredContacts returns the contacts the company wrote itself.
func (t Tenant) StoredContacts(ctx context.Context) ([]policy.Contact, error) {
	rows, err := t.db.query(ctx, "SELECT kind, name, phone, email, url, note FROM policy_contacts WHERE org_id = ?", t.org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []policy.Contact
	for rows.Next() {
		var c policy.Contact
		if err := rows.Scan(&c.Kind, &c.Name, &c.Phone, &c.Email, &c.URL, &c.Note); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// EmergencyContacts returns every emergency contact in order: the
// company's own, and the public defaults for the desks it has not filled
// in (incident response reads them).
func (t Tenant) EmergencyContacts(ctx context.Context) ([]policy.Contact, error) {
	stored, err := t.StoredContacts(ctx)
	if err != nil {
		return nil, err
	}
	return policy.WithDefaults(stored), nil
}

// SaveContacts stores the contacts given (all validated first: nothing is
// half saved). A contact left wholly empty is removed, and its public
// default shows again.
func (t Tenant) SaveContacts(ctx context.Context, actor audit.Actor, cs []policy.Contact) error {
	for i := range cs {
		if err := cs[i].Validate(); err != nil {
			return err
		}
	}
	stored, err := t.StoredContacts(ctx)
	if err != nil {
		return err
	}
	old := map[policy.ContactKind]policy.Contact{}
	for _, c := range stored {
		old[c.Kind] = c
	}
	return t.change(ctx, actor, func(tx *Tx) error {
		for _, c := range cs {
			c.Default = false
			b, had := old[c.Kind]
			empty := c == policy.Contact{Kind: c.Kind}
			if (had && b == c) || (!had && empty) {
				continue
			}
			if empty {
				if _, err := tx.exec(ctx, "DELETE FROM policy_contacts WHERE org_id = ? AND kind = ?", t.org, c.Kind); err != nil {
					return err
				}
			} else if _, err := tx.exec(ctx, `INSERT INTO policy_contacts (org_id, kind, name, phone, email, url, note) VALUES (?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (org_id, kind) DO UPDATE SET name = excluded.name, phone = excluded.phone, email = excluded.email, url = excluded.url, note = excluded.note`,
				t.org, c.Kind, c.Name, c.Phone, c.Email, c.URL, c.Note); err != nil {
				return err
			}
			if err := t.record(ctx, tx, audit.Event{Action: "policy.contact", Target: t.orgTarget(), Before: contactAudit(b, had), After: contactAudit(c, !empty)}); err != nil {
				return err
			}
		}
		if tx.events == 0 {
			tx.unchanged++
		}
		return nil
	})
}

func contactAudit(c policy.Contact, set bool) map[string]any {
	if !set {
		return map[string]any{"contact": string(c.Kind)}
	}
	return map[string]any{"contact": string(c.Kind), "name": c.Name, "phone": c.Phone, "email": c.Email, "url": c.URL, "note": c.Note}
}

// PolicyFacts gathers what a generated draft says about the company: its
// name, services, devices, role holders and contacts.
func (t Tenant) PolicyFacts(ctx context.Context) (policy.Facts, error) {
	var f policy.Facts
	o, err := t.Org(ctx)
	if err != nil {
		return f, err
	}
	f.Company = o.Name
	svcs, _, err := t.Services(ctx, ListQuery{Sort: "name", Limit: 1000})
	if err != nil {
		return f, err
	}
	for _, s := range svcs {
		f.Services = append(f.Services, s.Name)
		if s.Category == inventory.Cloud {
			f.Cloud = append(f.Cloud, s.Name)
		}
		if policy.MailOrChat(s.CatalogueKey, s.Name) {
			f.Chat = append(f.Chat, s.Name)
		}
	}
	if err := t.db.queryRow(ctx, "SELECT count(*) FROM devices WHERE org_id = ? AND kind = ? AND disposed_on = ''", t.org, inventory.PC).Scan(&f.PCs); err != nil {
		return f, err
	}
	if err := t.db.queryRow(ctx, "SELECT count(*) FROM devices WHERE org_id = ? AND kind = ? AND disposed_on = ''", t.org, inventory.Smartphone).Scan(&f.Phones); err != nil {
		return f, err
	}
	roles, err := t.PolicyRoles(ctx)
	if err != nil {
		return f, err
	}
	f.Roles = map[policy.Role]string{}
	for r, h := range roles {
		f.Roles[r] = h.Name
	}
	f.Contacts, err = t.EmergencyContacts(ctx)
	return f, err
}

// PolicyWaiting lists the people of the ledger who, as members, have the
// published version to acknowledge, with the whole days since it was
// published as of now. A member is matched to a person by e-mail address
// (folded), among the people who have not left.
func (t Tenant) PolicyWaiting(ctx context.Context, now time.Time) ([]findings.PolicyWaiting, error) {
	v, err := t.CurrentPolicy(ctx)
	if err == problem.ErrNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	_, acks, err := t.PolicyAcks(ctx)
	if err != nil {
		return nil, err
	}
	waiting := map[string]bool{}
	for _, a := range acks {
		if a.AckedAt.IsZero() {
			waiting[inventory.Fold(a.Email)] = true
		}
	}
	if len(waiting) == 0 {
		return nil, nil
	}
	days := int(now.Sub(v.PublishedAt) / (24 * time.Hour))
	today := calendar.Of(now).String()
	rows, err := t.db.query(ctx, "SELECT id, email, leave_date FROM people WHERE org_id = ? AND email <> '' ORDER BY id", t.org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []findings.PolicyWaiting
	for rows.Next() {
		var id int64
		var email, leave string
		if err := rows.Scan(&id, &email, &leave); err != nil {
			return nil, err
		}
		if waiting[inventory.Fold(email)] && (leave == "" || leave >= today) {
			out = append(out, findings.PolicyWaiting{PersonID: id, Version: v.Number, Days: days})
		}
	}
	return out, rows.Err()
}
