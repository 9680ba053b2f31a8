package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/mamori-sec/mamori/internal/incident"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func urlPathEscape(s string) string { return url.PathEscape(s) }

// draftRow is one of an incident's drafts: its latest version, or a first
// text drawn from the incident's data.
type draftRow struct {
	Kind    string
	Label   string
	Version int
	Text    string
}

// latestDrafts returns each draft's latest version from the timeline.
func latestDrafts(b base, es []incident.Entry) []draftRow {
	latest := map[string]draftRow{}
	for _, e := range es {
		if e.Kind != incident.Draft {
			continue
		}
		var d struct {
			Draft   string `json:"draft"`
			Version int    `json:"version"`
			Text    string `json:"text"`
		}
		if json.Unmarshal([]byte(e.Body), &d) == nil {
			latest[d.Draft] = draftRow{Kind: d.Draft, Version: d.Version, Text: d.Text}
		}
	}
	var out []draftRow
	for _, k := range incident.DraftKinds {
		d := latest[k]
		d.Kind, d.Label = k, b.T("incident.draft."+k)
		out = append(out, d)
	}
	return out
}

// draftText is a first draft from the incident's data and its latest
// ruling, in the reader's language.
func draftText(p *incidentPage, kind string) string {
	inc := p.Inc
	people, deadline := "—", "—"
	if p.Ruling != nil {
		people = p.Facts.People
		if p.Ruling.FinalReportDeadline != "" {
			deadline = p.Day(p.Ruling.FinalReportDeadline)
		}
	}
	affected := strings.Join(p.Affected, p.T("incident.list_sep"))
	if affected == "" {
		affected = "—"
	}
	return p.T("incident.draft_text."+kind, p.Org.Name, inc.Title, p.DateTime(inc.OccurredAt), p.DateTime(inc.FoundAt), people, affected, deadline, p.TypeLabel)
}

// incidentDraftsPage shows one draft to edit (or print on A4).
func (s *Server) incidentDraft(w http.ResponseWriter, r *http.Request) {
	p, err := s.incidentView(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	kind := r.PathValue("draft")
	if !slices.Contains(incident.DraftKinds, kind) {
		s.fail(w, r, problem.ErrNotFound)
		return
	}
	dp := struct {
		*incidentPage
		Draft draftRow
	}{incidentPage: p}
	for _, d := range p.Drafts {
		if d.Kind == kind {
			dp.Draft = d
		}
	}
	if dp.Draft.Version == 0 {
		dp.Draft.Text = draftText(p, kind)
	}
	s.render(w, r, http.StatusOK, "incident_draft", dp)
}

// incidentDraftSave keeps a new version of a draft in the timeline.
func (s *Server) incidentDraftSave(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	kind := r.PathValue("draft")
	if !slices.Contains(incident.DraftKinds, kind) {
		s.fail(w, r, problem.ErrNotFound)
		return
	}
	text := strings.TrimSpace(r.PostFormValue("text"))
	if text == "" || len([]rune(text)) > 4*incident.MaxText {
		s.incidentFormFail(w, r, problem.Field("text", "incident.error.draft"))
		return
	}
	es, err := st.tenant.Timeline(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	version := 1
	for _, d := range latestDrafts(s.page(r, "", ""), es) {
		if d.Kind == kind {
			version = d.Version + 1
		}
	}
	a := store.Append{Kind: incident.Draft, Body: map[string]any{"draft": kind, "version": version, "text": text}}
	if _, err := st.tenant.AppendIncident(r.Context(), st.actor(r), id, a); err != nil {
		s.incidentFormFail(w, r, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/incidents/"+strconv.FormatInt(id, 10)+"/drafts/"+kind, "incident_saved")
}

// incidentFlowchart is the one-page initial-response chart, with the
// company's own names and numbers, to print on A4 and pin on the wall.
func (s *Server) incidentFlowchart(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	ms, err := st.tenant.Members(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := struct {
		base
		Keepers  []string
		Contacts []incident.Contact
	}{base: s.page(r, "incident.flowchart_title", "incidents")}
	for _, m := range ms {
		if m.Role == "keeper" || m.Role == "owner" || m.Role == "advisor" {
			p.Keepers = append(p.Keepers, p.T("incident.on_service", m.Name, p.T("role."+string(m.Role))))
		}
	}
	p.Contacts = s.incidentContacts(r)
	s.render(w, r, http.StatusOK, "incident_flowchart", p)
}

// incidentDrillStart starts a tabletop exercise on one of the scenarios:
// an incident marked as a drill, never counted with real ones.
func (s *Server) incidentDrillStart(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	sc := r.PostFormValue("scenario")
	typ := incident.ScenarioType(sc)
	if typ == "" {
		s.fail(w, r, problem.Field("scenario", "incident.error.scenario"))
		return
	}
	now := s.Now()
	l := st.locale
	in := incident.Intake{Type: typ, Title: s.Catalogue.T(l, "incident.scenario."+sc), Description: s.Catalogue.T(l, "incident.scenario_text."+sc),
		OccurredAt: now, FoundAt: now, FoundBy: st.user.Name, Drill: true, Scenario: sc}
	id, err := st.tenant.OpenIncident(r.Context(), st.actor(r), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/incidents/"+strconv.FormatInt(id, 10), "drill_started")
}

// incidentShare makes a read-only link for an outside expert and shows it
// once.
func (s *Server) incidentShare(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	days, _ := strconv.Atoi(r.PostFormValue("days"))
	token, err := st.tenant.ShareIncident(r.Context(), st.actor(r), id, days)
	if err != nil {
		s.incidentFormFail(w, r, err)
		return
	}
	p, err := s.incidentView(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.ShareURL = s.publicBase(r) + "/shared/incidents/" + token
	p.Flash = "flash.incident_shared"
	s.render(w, r, http.StatusOK, "incident", p)
}

// incidentShareRevoke ends the incident's links.
func (s *Server) incidentShareRevoke(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := st.tenant.RevokeIncidentShares(r.Context(), st.actor(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/incidents/"+strconv.FormatInt(id, 10), "incident_saved")
}

// publicBase is the address links are built on.
func (s *Server) publicBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// sharedIncident is the read-only view an outside expert opens with a
// link: the incident and its timeline, nothing else; each opening is in
// the audit trail.
func (s *Server) sharedIncident(w http.ResponseWriter, r *http.Request) {
	t, id, err := s.DB.OpenIncidentShare(r.Context(), r.PathValue("token"), clientIP(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	inc, err := t.Incident(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	es, err := t.Timeline(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := struct {
		base
		Inc       store.Incident
		TypeLabel string
		Timeline  []entryRow
	}{base: s.page(r, "incident.shared_title", ""), Inc: inc}
	p.TypeLabel = p.T(inc.Type.Key())
	for _, e := range es {
		var body map[string]any
		_ = json.Unmarshal([]byte(e.Body), &body)
		p.Timeline = append(p.Timeline, entryRow{Entry: e, Label: p.T("incident.entry." + string(e.Kind)), Text: entryText(p.base, e, body)})
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Robots-Tag", "noindex")
	s.render(w, r, http.StatusOK, "incident_shared", p)
}

// incidentPlaybook shows a type's playbook as the company runs it — its
// own, or the built-in one — with the steps in words, and (for those who
// may) the form to change it.
func (s *Server) incidentPlaybook(w http.ResponseWriter, r *http.Request) {
	s.renderPlaybook(w, r, http.StatusOK, "", nil)
}

func (s *Server) renderPlaybook(w http.ResponseWriter, r *http.Request, status int, body string, err error) {
	st := stateOf(r)
	typ := incident.Type(r.PathValue("type"))
	if !typ.Valid() {
		s.fail(w, r, problem.ErrNotFound)
		return
	}
	pb, own, perr := st.tenant.IncidentPlaybook(r.Context(), typ)
	if perr != nil {
		s.fail(w, r, perr)
		return
	}
	p := struct {
		base
		Type      string
		TypeLabel string
		Own       bool
		JSON      string
		Steps     []stepRow
		CanEdit   bool
	}{base: s.page(r, "incident.playbook_title", "incidents"), Type: string(typ), Own: own}
	p.TypeLabel = p.T(typ.Key())
	p.CanEdit = p.Can("edit_programme")
	raw, _ := json.MarshalIndent(pb, "", "  ")
	p.JSON = string(raw)
	if body != "" {
		p.JSON = body
	}
	for _, sp := range incident.Fill(pb, nil, nil) {
		p.Steps = append(p.Steps, stepRow{ID: sp.ID, Phase: sp.Phase, Text: p.T(sp.Key, sp.Args...)})
	}
	if err != nil {
		s.formError(w, r, err, "incident_playbook", p, &p.base)
		return
	}
	s.render(w, r, status, "incident_playbook", p)
}

// incidentPlaybookSave keeps the company's own playbook for a type.
func (s *Server) incidentPlaybookSave(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	typ := incident.Type(r.PathValue("type"))
	if !typ.Valid() {
		s.fail(w, r, problem.ErrNotFound)
		return
	}
	body := strings.TrimSpace(r.PostFormValue("playbook"))
	if err := st.tenant.SaveIncidentPlaybook(r.Context(), st.actor(r), typ, []byte(body)); err != nil {
		s.renderPlaybook(w, r, http.StatusBadRequest, body, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/incident-playbooks/"+string(typ), "incident_saved")
}
