package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/policy"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/routine"
	"github.com/mamori-sec/mamori/internal/store"
)

// The policy set (issue 10): versions generated from the templates and
// edited, approved and published by the owner, shown on a public page and
// acknowledged by every member; and the executive's sign-off.

// versionRow is a version as the lists show it.
type versionRow struct {
	store.PolicyVersion
	StatusLabel string
	URL         string
}

func (b base) versionRow(v store.PolicyVersion) versionRow {
	return versionRow{PolicyVersion: v, StatusLabel: b.T(v.Status.Label()), URL: b.OrgURL("/policy/version?n=" + strconv.Itoa(v.Number))}
}

type policyPage struct {
	base
	Current    *versionRow
	Draft      *versionRow
	Versions   []versionRow
	Acked      int
	People     int
	Rate       int
	PublicURL  string
	CanEdit    bool
	CanApprove bool
	Audiences  []policy.Audience
}

// policyHome is the policy set's page: what is published, the draft, the
// versions and how many acknowledged.
func (s *Server) policyHome(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := policyPage{base: s.page(r, "policy.title", "policy"), CanEdit: st.can(org.EditProgramme), CanApprove: st.can(org.ApprovePolicy),
		Audiences: policy.Audiences, PublicURL: "/p/" + st.org.Slug + "/policy"}
	vs, err := st.tenant.PolicyVersions(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, v := range vs {
		row := p.versionRow(v)
		switch v.Status {
		case policy.Published:
			p.Current = &row
		case policy.Draft:
			p.Draft = &row
		}
		p.Versions = append(p.Versions, row)
	}
	if p.Current != nil {
		_, acks, err := st.tenant.PolicyAcks(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Acked, p.People = countAcked(acks)
		p.Rate = policy.Rate(p.Acked, p.People)
	}
	s.render(w, r, http.StatusOK, "policy", p)
}

func countAcked(acks []store.PolicyAck) (acked, people int) {
	for _, a := range acks {
		if !a.AckedAt.IsZero() {
			acked++
		}
	}
	return acked, len(acks)
}

// policyDraft starts a draft: generated from the templates with the
// company's facts, or (from=current) a copy of the latest version to
// change a little.
func (s *Server) policyDraft(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	var texts store.PolicyTexts
	if r.PostFormValue("from") == "latest" {
		vs, err := st.tenant.PolicyVersions(r.Context())
		if err != nil || len(vs) == 0 {
			s.fail(w, r, problem.New(problem.Conflict, "policy.nothing_to_copy"))
			return
		}
		texts = store.PolicyTexts{BasicJA: vs[0].BasicJA, BasicEN: vs[0].BasicEN, RulesJA: vs[0].RulesJA, RulesEN: vs[0].RulesEN}
	} else {
		var err error
		if texts, err = s.generatePolicy(r, st.tenant); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	n, err := st.tenant.CreatePolicyDraft(r.Context(), st.actor(r), texts)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/policy/edit?n="+strconv.Itoa(n), "policy_drafted")
}

// generatePolicy writes both languages of the set from the templates.
func (s *Server) generatePolicy(r *http.Request, t store.Tenant) (store.PolicyTexts, error) {
	f, err := t.PolicyFacts(r.Context())
	if err != nil {
		return store.PolicyTexts{}, err
	}
	g, err := policy.GenerateAll(f, s.Now())
	return store.PolicyTexts(g), err
}

type policyVersionPage struct {
	base
	Ver         versionRow
	Lang        string
	LangName    string
	OtherLang   string
	Basic       []policy.Block
	Rules       []policy.Block
	Previous    int
	DiffBasic   []policy.Line
	DiffRules   []policy.Line
	Changed     bool
	CanEdit     bool
	CanApprove  bool
	Publishable bool
}

// versionNumber reads ?n= or the form's n; 0 when absent.
func versionNumber(v string) int {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// latestVersion is version n, or the newest when n is 0.
func latestVersion(r *http.Request, t store.Tenant, n int) (store.PolicyVersion, error) {
	if n > 0 {
		return t.PolicyVersion(r.Context(), n)
	}
	vs, err := t.PolicyVersions(r.Context())
	if err != nil {
		return store.PolicyVersion{}, err
	}
	if len(vs) == 0 {
		return store.PolicyVersion{}, problem.ErrNotFound
	}
	return vs[0], nil
}

// policyVersion shows one version in one language, with what changed
// since the version before it.
func (s *Server) policyVersion(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	v, err := latestVersion(r, st.tenant, versionNumber(r.URL.Query().Get("n")))
	if errors.Is(err, problem.ErrNotFound) && r.URL.Query().Get("n") == "" {
		redirect(w, r, "/o/"+st.org.Slug+"/policy", "")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := policyVersionPage{base: s.page(r, "policy.version_title", "policy"), CanEdit: st.can(org.EditProgramme), CanApprove: st.can(org.ApprovePolicy)}
	p.Ver = p.versionRow(v)
	p.Publishable = v.Status == policy.Draft || v.Status == policy.Withdrawn
	p.Lang = string(st.locale)
	if l := r.URL.Query().Get("lang"); l == "ja" || l == "en" {
		p.Lang = l
	}
	p.OtherLang = "en"
	if p.Lang == "en" {
		p.OtherLang = "ja"
	}
	p.LangName = s.Catalogue.T(i18n.Locale(p.Lang), "language.name")
	p.Basic, p.Rules = policy.Blocks(v.Basic(p.Lang)), policy.Blocks(v.Rules(p.Lang))
	if v.Number > 1 {
		if prev, err := st.tenant.PolicyVersion(r.Context(), v.Number-1); err == nil {
			p.Previous = prev.Number
			p.DiffBasic = policy.Diff(prev.Basic(p.Lang), v.Basic(p.Lang), 2)
			p.DiffRules = policy.Diff(prev.Rules(p.Lang), v.Rules(p.Lang), 2)
			p.Changed = policy.Changed(p.DiffBasic) || policy.Changed(p.DiffRules)
		}
	}
	s.render(w, r, http.StatusOK, "policy_version", p)
}

type policyEditPage struct {
	base
	Ver   versionRow
	Texts store.PolicyTexts
	Max   int
}

// policyEdit is the draft's form: the four texts.
func (s *Server) policyEdit(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	v, err := s.draftVersion(r, st, versionNumber(r.URL.Query().Get("n")))
	if errors.Is(err, problem.ErrNotFound) && r.URL.Query().Get("n") == "" {
		redirect(w, r, "/o/"+st.org.Slug+"/policy", "")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := policyEditPage{base: s.page(r, "policy.edit_title", "policy"), Max: policy.MaxText,
		Texts: store.PolicyTexts{BasicJA: v.BasicJA, BasicEN: v.BasicEN, RulesJA: v.RulesJA, RulesEN: v.RulesEN}}
	p.Ver = p.versionRow(v)
	s.render(w, r, http.StatusOK, "policy_edit", p)
}

// draftVersion is draft n, or the draft when n is 0.
func (s *Server) draftVersion(r *http.Request, st *state, n int) (store.PolicyVersion, error) {
	if n > 0 {
		v, err := st.tenant.PolicyVersion(r.Context(), n)
		if err == nil && v.Status != policy.Draft {
			return v, problem.New(problem.Conflict, "policy.not_draft")
		}
		return v, err
	}
	vs, err := st.tenant.PolicyVersions(r.Context())
	if err != nil {
		return store.PolicyVersion{}, err
	}
	for _, v := range vs {
		if v.Status == policy.Draft {
			return v, nil
		}
	}
	return store.PolicyVersion{}, problem.ErrNotFound
}

func (s *Server) policySave(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	n := versionNumber(r.PostFormValue("n"))
	if n == 0 {
		s.fail(w, r, problem.New(problem.Invalid, "policy.version_missing"))
		return
	}
	texts := store.PolicyTexts{BasicJA: r.PostFormValue("basic_ja"), BasicEN: r.PostFormValue("basic_en"), RulesJA: r.PostFormValue("rules_ja"), RulesEN: r.PostFormValue("rules_en")}
	if err := st.tenant.UpdatePolicyDraft(r.Context(), st.actor(r), n, texts); err != nil {
		v, verr := st.tenant.PolicyVersion(r.Context(), n)
		if verr != nil {
			s.fail(w, r, verr)
			return
		}
		p := policyEditPage{base: s.page(r, "policy.edit_title", "policy"), Texts: texts, Max: policy.MaxText}
		p.Ver = p.versionRow(v)
		s.formError(w, r, err, "policy_edit", &p, &p.base)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/policy/version?n="+strconv.Itoa(n), "policy_saved")
}

// policyPublish is the owner's approval: version n becomes the current one.
func (s *Server) policyPublish(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	n := versionNumber(r.PostFormValue("n"))
	if n == 0 {
		s.fail(w, r, problem.New(problem.Invalid, "policy.version_missing"))
		return
	}
	if err := st.tenant.PublishPolicy(r.Context(), st.actor(r), n); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/policy", "policy_published")
}

func (s *Server) policyUnpublish(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if err := st.tenant.UnpublishPolicy(r.Context(), st.actor(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/policy", "policy_unpublished")
}

// ackRow is one member's standing with the current version.
type ackRow struct {
	store.PolicyAck
	State      policy.AckState
	StateLabel string
	Days       int // since publication, while waiting
}

type policyAcksPage struct {
	base
	Ver    versionRow
	Rows   []ackRow
	Acked  int
	People int
	Rate   int
}

// policyAcks lists who has and who has not acknowledged the current
// version, and since when.
func (s *Server) policyAcks(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := policyAcksPage{base: s.page(r, "policy.acks_title", "policy")}
	v, acks, err := st.tenant.PolicyAcks(r.Context())
	if errors.Is(err, problem.ErrNotFound) {
		s.render(w, r, http.StatusOK, "policy_acks", p)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Ver = p.versionRow(v)
	now := s.Now()
	for _, a := range acks {
		state := policy.StateOf(v.PublishedAt, a.AckedAt, now)
		p.Rows = append(p.Rows, ackRow{PolicyAck: a, State: state, StateLabel: p.T(state.Label()), Days: int(now.Sub(v.PublishedAt) / (24 * time.Hour))})
	}
	p.Acked, p.People = countAcked(acks)
	p.Rate = policy.Rate(p.Acked, p.People)
	s.render(w, r, http.StatusOK, "policy_acks", p)
}

type policySheetPage struct {
	base
	Audience  policy.Audience
	Audiences []policy.Audience
	Blocks    []policy.Block
}

// policySheet is a one-page "three rules" sheet for an audience, written
// from the templates with today's facts, to print on A4.
func (s *Server) policySheet(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	a := policy.Audience(r.URL.Query().Get("for"))
	if a == "" {
		a = policy.Staff
	}
	if !a.Valid() {
		s.fail(w, r, problem.ErrNotFound)
		return
	}
	f, err := st.tenant.PolicyFacts(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	text, err := policy.Sheet(string(st.locale), a, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "policy_sheet", policySheetPage{base: s.page(r, "policy.sheet_title", "policy"), Audience: a, Audiences: policy.Audiences, Blocks: policy.Blocks(text)})
}

type rulesPage struct {
	base
	Ver     versionRow
	Basic   []policy.Block
	Rules   []policy.Block
	AckedAt time.Time
	None    bool
}

// rules is a member's reading of the published set, on a phone if need be,
// with the button that acknowledges it.
func (s *Server) rules(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := rulesPage{base: s.page(r, "rules.title", "rules")}
	v, err := st.tenant.CurrentPolicy(r.Context())
	if errors.Is(err, problem.ErrNotFound) {
		p.None = true
		s.render(w, r, http.StatusOK, "rules", p)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Ver = p.versionRow(v)
	l := string(st.locale)
	p.Basic, p.Rules = policy.Blocks(v.Basic(l)), policy.Blocks(v.Rules(l))
	pending, err := st.tenant.PoliciesToAcknowledge(r.Context(), st.user.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(pending) == 0 {
		_, acks, err := st.tenant.PolicyAcks(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, a := range acks {
			if a.UserID == st.user.ID {
				p.AckedAt = a.AckedAt
			}
		}
	}
	s.render(w, r, http.StatusOK, "rules", p)
}

func (s *Server) rulesAcknowledge(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := st.tenant.AcknowledgePolicy(r.Context(), st.actor(r), st.user.ID, versionNumber(r.PostFormValue("n"))); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/rules", "policy_acknowledged")
}

type publicPolicyPage struct {
	base
	Japanese, English []policy.Block
	Published         string
}

// publicPolicy is the page a company links from its website: its
// published basic policy in Japanese and English, and nothing else of it.
// It is never cached, so that unpublishing takes it down at once.
func (s *Server) publicPolicy(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	pp, err := s.DB.PublicPolicy(r.Context(), r.PathValue("org"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := publicPolicyPage{base: s.page(r, "public_policy.title", ""), Japanese: policy.Blocks(pp.BasicJA), English: policy.Blocks(pp.BasicEN)}
	p.Published = p.Date(pp.PublishedAt)
	s.render(w, r, http.StatusOK, "public_policy", p)
}

// The executive sign-off.

type markRow struct {
	policy.Mark
	Label   string
	Kind    string // principle or action
	DoneDay string
	FileURL string
}

type roleRow struct {
	Role     policy.Role
	Label    string
	PersonID int64
	Name     string
}

type contactRow struct {
	policy.Contact
	Label string
}

type signoffPage struct {
	base
	Marks       []markRow
	Done        int
	Roles       []roleRow
	People      []personOption
	Contacts    []contactRow
	CanMark     bool
	CanEdit     bool
	Allowed     string
	MaxMB       int
	Published   bool
	PublishedOn string
}

type personOption struct {
	ID   int64
	Name string
}

func (s *Server) signoffData(r *http.Request, title string) (signoffPage, error) {
	st := stateOf(r)
	p := signoffPage{base: s.page(r, title, "policy"), CanMark: st.can(org.ApprovePolicy), CanEdit: st.can(org.EditProgramme),
		Allowed: routine.AllowedEvidence, MaxMB: routine.MaxEvidenceBytes >> 20}
	ctx := r.Context()
	marks, err := st.tenant.SignoffMarks(ctx)
	if err != nil {
		return p, err
	}
	for _, m := range marks {
		row := markRow{Mark: m, Label: p.T("signoff.item." + string(m.Item)), Kind: "action"}
		if strings.HasPrefix(string(m.Item), "principle") {
			row.Kind = "principle"
		}
		if m.DoneOn != "" {
			row.DoneDay = p.Day(m.DoneOn)
			p.Done++
		}
		if m.File != "" {
			row.FileURL = p.OrgURL("/signoff/evidence?item=" + url.QueryEscape(string(m.Item)))
		}
		p.Marks = append(p.Marks, row)
	}
	roles, err := st.tenant.PolicyRoles(ctx)
	if err != nil {
		return p, err
	}
	for _, r := range policy.Roles {
		h := roles[r]
		p.Roles = append(p.Roles, roleRow{Role: r, Label: p.T("signoff.role." + string(r)), PersonID: h.PersonID, Name: h.Name})
	}
	people, _, err := st.tenant.People(ctx, store.PeopleQuery{Current: true, Limit: 1000})
	if err != nil {
		return p, err
	}
	for _, x := range people {
		p.People = append(p.People, personOption{ID: x.ID, Name: x.Name})
	}
	contacts, err := st.tenant.EmergencyContacts(ctx)
	if err != nil {
		return p, err
	}
	for _, c := range contacts {
		p.Contacts = append(p.Contacts, contactRow{Contact: c, Label: p.T("signoff.contact." + string(c.Kind))})
	}
	published, at, err := st.tenant.PublishedBasicPolicy(ctx)
	if err != nil {
		return p, err
	}
	p.Published = published
	if published {
		p.PublishedOn = p.Date(at)
	}
	return p, nil
}

// signoff is the executive's page: the checklist, the roles, the
// emergency contacts.
func (s *Server) signoff(w http.ResponseWriter, r *http.Request) {
	p, err := s.signoffData(r, "signoff.title")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "signoff", p)
}

// signoffSheet is all of the sign-off on one A4 sheet.
func (s *Server) signoffSheet(w http.ResponseWriter, r *http.Request) {
	p, err := s.signoffData(r, "signoff.sheet_title")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "signoff_sheet", p)
}

// signoffMark records one checklist item: the day, a note, a link, a file.
func (s *Server) signoffMark(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	err := s.saveMark(w, r, st)
	if err != nil {
		p, perr := s.signoffData(r, "signoff.title")
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		s.formError(w, r, err, "signoff", &p, &p.base)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/signoff", "signoff_saved")
}

func (s *Server) saveMark(w http.ResponseWriter, r *http.Request, st *state) error {
	if r.ContentLength > evidenceUploadLimit {
		return tooLargeEvidence()
	}
	r.Body = http.MaxBytesReader(w, r.Body, evidenceUploadLimit)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(evidenceUploadLimit); err != nil {
			var mb *http.MaxBytesError
			if errors.As(err, &mb) {
				return tooLargeEvidence()
			}
			return problem.New(problem.Invalid, "error.bad_form")
		}
	} else if err := parseForm(r); err != nil {
		return err
	}
	m := policy.Mark{Item: policy.Item(r.PostFormValue("item")), Note: r.PostFormValue("note"), Link: r.PostFormValue("link")}
	if d := strings.TrimSpace(r.PostFormValue("done_on")); d != "" {
		day, err := calendar.Parse(d)
		if err != nil {
			return problem.Field("done_on", "signoff.day_invalid")
		}
		m.DoneOn = day.String()
	}
	if err := m.Validate(); err != nil {
		return err
	}
	var file *store.SignoffFile
	if r.MultipartForm != nil && len(r.MultipartForm.File["file"]) > 0 {
		fh := r.MultipartForm.File["file"][0]
		if fh.Filename != "" {
			f, err := fh.Open()
			if err != nil {
				return problem.New(problem.Invalid, "error.bad_form")
			}
			data, err := io.ReadAll(io.LimitReader(f, routine.MaxEvidenceBytes+1))
			f.Close()
			if err != nil {
				return problem.New(problem.Invalid, "error.bad_form")
			}
			name := fileName(fh.Filename)
			mt, key := routine.CheckFile(name, data)
			if key != "" {
				if key == "routines.evidence_too_large" {
					return tooLargeEvidence()
				}
				return problem.Field("file", key, routine.AllowedEvidence)
			}
			sum := sha256.Sum256(data)
			file = &store.SignoffFile{Name: name, MIME: mt, SHA256: hex.EncodeToString(sum[:]), Data: data}
			if s.Box != nil {
				file.Data, file.Sealed = s.Box.SealBytes(data, store.SignoffSealContext(st.org.ID, m.Item, file.SHA256)), true
			}
		}
	}
	return st.tenant.SaveSignoffMark(r.Context(), st.actor(r), m, file)
}

// signoffEvidence sends an item's evidence file as an attachment.
func (s *Server) signoffEvidence(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	item := policy.Item(r.URL.Query().Get("item"))
	if item == "" {
		redirect(w, r, "/o/"+st.org.Slug+"/signoff", "")
		return
	}
	if !item.Valid() {
		s.fail(w, r, problem.ErrNotFound)
		return
	}
	f, err := st.tenant.SignoffFileData(r.Context(), item)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := f.Data
	if f.Sealed {
		if s.Box == nil {
			s.fail(w, r, errors.New("evidence sealed, no key"))
			return
		}
		if data, err = s.Box.OpenBytes(data, store.SignoffSealContext(st.org.ID, item, f.SHA256)); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	h := w.Header()
	h.Set("Content-Type", f.MIME)
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(f.Name))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(data)
}

// signoffRoles assigns the guideline roles (role_<role> = person id).
func (s *Server) signoffRoles(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	roles := map[policy.Role]int64{}
	for _, role := range policy.Roles {
		v, ok := r.PostForm["role_"+string(role)]
		if !ok {
			continue
		}
		id, err := strconv.ParseInt(v[0], 10, 64)
		if err != nil && v[0] != "" {
			id = -1
		}
		roles[role] = id
	}
	if err := st.tenant.SetPolicyRoles(r.Context(), st.actor(r), roles); err != nil {
		s.signoffFormError(w, r, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/signoff", "signoff_saved")
}

// signoffContacts saves the emergency contacts (contact_<kind>_<field>).
func (s *Server) signoffContacts(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	var cs []policy.Contact
	for _, k := range policy.ContactKinds {
		f := func(name string) string { return r.PostFormValue("contact_" + string(k) + "_" + name) }
		if _, ok := r.PostForm["contact_"+string(k)+"_name"]; !ok {
			continue
		}
		cs = append(cs, policy.Contact{Kind: k, Name: f("name"), Phone: f("phone"), Email: f("email"), URL: f("url"), Note: f("note")})
	}
	if err := st.tenant.SaveContacts(r.Context(), st.actor(r), cs); err != nil {
		p, perr := s.signoffData(r, "signoff.title")
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		// The form again with what was typed, so nothing has to be retyped.
		typed := map[policy.ContactKind]policy.Contact{}
		for _, c := range cs {
			typed[c.Kind] = c
		}
		for i, c := range p.Contacts {
			if x, ok := typed[c.Kind]; ok {
				p.Contacts[i].Contact = x
			}
		}
		s.formError(w, r, err, "signoff", &p, &p.base)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/signoff", "signoff_saved")
}

func (s *Server) signoffFormError(w http.ResponseWriter, r *http.Request, err error) {
	p, perr := s.signoffData(r, "signoff.title")
	if perr != nil {
		s.fail(w, r, perr)
		return
	}
	s.formError(w, r, err, "signoff", &p, &p.base)
}

// policyFigure is the dashboard's figure for the policy set: the share of
// members who acknowledged the published version, and for the reader
// whether they have it to acknowledge.
type policyFigure struct {
	Published bool
	Version   int
	Rate      int
	Acked     int
	People    int
	Pending   bool // the reader has the published version to acknowledge
}

// dashPolicy is the published policy's acknowledgement, kept with the
// dashboard's figures: the figure, and who has yet to acknowledge (the
// reader's own reminder).
type dashPolicy struct {
	figure  policyFigure
	waiting map[int64]bool
}

func readDashPolicy(ctx context.Context, t store.Tenant) (dashPolicy, error) {
	var d dashPolicy
	v, acks, err := t.PolicyAcks(ctx)
	if errors.Is(err, problem.ErrNotFound) {
		return d, nil
	}
	if err != nil {
		return d, err
	}
	f := &d.figure
	f.Published, f.Version = true, v.Number
	f.Acked, f.People = countAcked(acks)
	f.Rate = policy.Rate(f.Acked, f.People)
	d.waiting = map[int64]bool{}
	for _, a := range acks {
		if a.AckedAt.IsZero() {
			d.waiting[a.UserID] = true
		}
	}
	return d, nil
}

// of is the figure as userID reads it.
func (d dashPolicy) of(userID int64) policyFigure {
	f := d.figure
	f.Pending = d.waiting[userID]
	return f
}
