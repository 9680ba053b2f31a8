package web

import (
	"net/http"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
)

// navHubs gathers the pages of the top navigation under a few hubs, so
// that the keeper sees about ten entries rather than twenty: a page's
// navigation key (base.Nav) names its hub, which the menu highlights.
// A key not listed is its own entry (dashboard, findings, routines …).
var navHubs = map[string]string{
	"people":     "inventory",
	"services":   "posture",
	"selfdiag":   "posture",
	"risks":      "posture",
	"policy":     "posture",
	"partners":   "posture",
	"lessons":    "staff",
	"nearmiss":   "staff",
	"staffnotes": "staff",
	"members":    "admin",
	"settings":   "admin",
	"jobs":       "admin",
}

// NavHub is the entry of the top navigation the page belongs to.
func (b base) NavHub() string {
	if h, ok := navHubs[b.Nav]; ok {
		return h
	}
	return b.Nav
}

// hubLine is one page of a hub: its name, one line of where things stand,
// and what the page is for. Link is empty when the reader's role may not
// open the page; the hub then leaves the line out.
type hubLine struct {
	ID, Title, Link, Status, Hint string
	Alert                         bool
}

type navHubPage struct {
	base
	Lead  string
	Lines []hubLine
}

// hubRender keeps the lines the reader may open and renders the hub.
func (s *Server) hubRender(w http.ResponseWriter, r *http.Request, p navHubPage, lines []hubLine) {
	st := stateOf(r)
	for _, l := range lines {
		if s.links.mayOpen(st.role, l.Link) {
			p.Lines = append(p.Lines, l)
		}
	}
	s.render(w, r, http.StatusOK, "hub", p)
}

// postureHub (現状把握) is where the company stands: the self-diagnosis,
// SECURITY ACTION, the risks, the policy with the executive's sign-off and
// the cloud-service checks, each with its one-line status.
func (s *Server) postureHub(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	ctx := r.Context()
	p := navHubPage{base: s.page(r, "hub.posture.title", "posture")}
	p.Lead = p.T("hub.posture.lead")
	d, m, err := s.hubFigures(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sd := dashSelfdiag(p.base, m.selfdiag)
	pol := m.policy.of(st.user.ID)
	marks, err := st.tenant.SignoffMarks(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data, err := st.tenant.ForChecks(ctx, calendar.Of(s.Now()).String())
	if err != nil {
		s.fail(w, r, err)
		return
	}

	diag := hubLine{ID: "hub-selfdiag", Title: p.T("selfdiag.title"), Link: p.OrgURL("/selfdiag"), Hint: p.T("hub.posture.selfdiag_hint")}
	if sd.HasSitting {
		diag.Status = p.T("hub.posture.selfdiag_status", sd.Total, sd.Band, sd.Taken)
	} else {
		diag.Status, diag.Alert = p.T("selfdiag.none_yet"), true
	}

	sa := hubLine{ID: "hub-sa", Title: p.T("sa.title"), Link: p.OrgURL("/security-action"), Hint: p.T("hub.posture.sa_hint")}
	one, two := p.T("sa.ready"), p.T("sa.ready")
	if !sd.Readiness.OneStar {
		one = p.T("sa.missing", sd.Readiness.MissingOne)
	}
	if !sd.Readiness.TwoStars {
		two = p.T("sa.missing", sd.Readiness.MissingTwo)
	}
	sa.Status = p.T("hub.posture.sa_status", one, two)
	sa.Alert = !sd.Readiness.TwoStars

	risks := hubLine{ID: "hub-risks", Title: p.T("risk.title"), Link: p.OrgURL("/risks"), Hint: p.T("hub.posture.risks_hint")}
	switch {
	case d.risks.Total == 0:
		risks.Status, risks.Alert = p.T("dashboard.risk_none"), true
	default:
		risks.Status, risks.Alert = p.T("hub.posture.risks_status", d.risks.Total, d.risks.Overdue), d.risks.Overdue > 0
	}

	polLine := hubLine{ID: "hub-policy", Title: p.T("policy.title"), Link: p.OrgURL("/policy"), Hint: p.T("hub.posture.policy_hint")}
	if pol.Published {
		polLine.Status = p.T("hub.posture.policy_status", pol.Version, p.T("policy.ack_rate", pol.Rate, pol.Acked, pol.People))
	} else {
		polLine.Status, polLine.Alert = p.T("hub.posture.policy_none"), true
	}

	done := 0
	for _, m := range marks {
		if m.DoneOn != "" {
			done++
		}
	}
	signoff := hubLine{ID: "hub-signoff", Title: p.T("signoff.title"), Link: p.OrgURL("/signoff"), Hint: p.T("hub.posture.signoff_hint"),
		Status: p.T("hub.posture.signoff_status", done, len(marks)), Alert: done < len(marks)}

	cloud := hubLine{ID: "hub-cloud", Title: p.T("cloudcheck.title"), Link: p.OrgURL("/selfdiag") + "#cloud", Hint: p.T("hub.posture.cloud_hint")}
	total, checked := 0, 0
	for _, svc := range data.Services {
		if svc.Category == inventory.Cloud {
			total++
			if svc.CloudCheckDone != "" {
				checked++
			}
		}
	}
	if total == 0 {
		cloud.Status = p.T("cloudcheck.no_services")
	} else {
		cloud.Status, cloud.Alert = p.T("hub.posture.cloud_status", checked, total), checked < total
	}
	partners, err := s.partnersHubLine(r, p.base)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.hubRender(w, r, p, []hubLine{diag, sa, risks, polLine, signoff, cloud, partners})
}

// staffHub (従業員の取り組み) gathers what the keeper does with the staff:
// lessons, near misses, the notes staff leave on their records, and who
// has acknowledged the policy.
func (s *Server) staffHub(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	ctx := r.Context()
	p := navHubPage{base: s.page(r, "hub.staff.title", "staff")}
	p.Lead = p.T("hub.staff.lead")
	_, m, err := s.hubFigures(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ld := &lessonsDash{base: p.base, Rate: m.lessons, Link: p.OrgURL("/lessons")}
	month, err := s.monthCounts(r, st.tenant, p.base)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	notes, err := st.tenant.StaffNotes(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pol := m.policy.of(st.user.ID)
	lessons := hubLine{ID: "hub-lessons", Title: p.T("nav.lessons"), Link: p.OrgURL("/lessons"), Hint: p.T("hub.staff.lessons_hint")}
	if ld.Rate.Assigned == 0 {
		lessons.Status = p.T("hub.staff.lessons_none")
	} else {
		lessons.Status = p.T("lesson.rate", ld.Rate.Percent(), ld.Rate.Done, ld.Rate.Assigned)
	}
	n := 0
	for _, c := range month.Counts {
		n += c.N
	}
	near := hubLine{ID: "hub-nearmiss", Title: p.T("nearmiss.list_title"), Link: p.OrgURL("/near-misses"), Hint: p.T("hub.staff.nearmiss_hint"),
		Status: p.T("hub.staff.nearmiss_status", month.Month, n)}
	noteLine := hubLine{ID: "hub-staffnotes", Title: p.T("staffnotes.title"), Link: p.OrgURL("/staff-notes"), Hint: p.T("hub.staff.notes_hint")}
	if len(notes) == 0 {
		noteLine.Status = p.T("staffnotes.none")
	} else {
		noteLine.Status, noteLine.Alert = p.T("hub.staff.notes_status", len(notes)), true
	}
	acks := hubLine{ID: "hub-acks", Title: p.T("policy.acks_title"), Link: p.OrgURL("/policy/acknowledgements"), Hint: p.T("hub.staff.acks_hint")}
	if pol.Published {
		acks.Status, acks.Alert = p.T("policy.ack_rate", pol.Rate, pol.Acked, pol.People), pol.Acked < pol.People
	} else {
		acks.Status = p.T("hub.posture.policy_none")
	}
	s.hubRender(w, r, p, []hubLine{lessons, near, noteLine, acks})
}

// adminHub (設定) gathers the organisation's administration: members,
// settings, notifications and background jobs, as far as the role may.
func (s *Server) adminHub(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := navHubPage{base: s.page(r, "hub.admin.title", "admin")}
	p.Lead = p.T("hub.admin.lead")
	members, err := st.tenant.Members(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	noTOTP := 0
	for _, m := range members {
		if !m.HasTOTP() {
			noTOTP++
		}
	}
	mem := hubLine{ID: "hub-members", Title: p.T("members.title"), Link: p.OrgURL("/members"), Hint: p.T("hub.admin.members_hint"),
		Status: p.T("hub.admin.members_status", len(members), noTOTP), Alert: noTOTP > 0}
	set := hubLine{ID: "hub-settings", Title: p.T("settings.title"), Link: p.OrgURL("/settings"), Hint: p.T("hub.admin.settings_hint")}
	if st.org.RequireTOTP {
		set.Status = p.T("hub.admin.totp_required")
	} else {
		set.Status, set.Alert = p.T("hub.admin.totp_optional"), true
	}
	notify := hubLine{ID: "hub-notify", Title: p.T("notify.settings.title"), Link: p.OrgURL("/settings/notify"), Hint: p.T("hub.admin.notify_hint")}
	jobs := hubLine{ID: "hub-jobs", Title: p.T("jobspage.title"), Link: p.OrgURL("/jobs"), Hint: p.T("jobspage.intro")}
	s.hubRender(w, r, p, []hubLine{mem, set, notify, jobs})
}

// hubFigures are the dashboard's figures, from the same caches: a hub's
// status lines cost no more than the dashboard's.
func (s *Server) hubFigures(r *http.Request) (dashData, dashModFigures, error) {
	st := stateOf(r)
	v, mv, err := s.DB.Versions(r.Context(), st.tenant.OrgID())
	if err != nil {
		return dashData{}, dashModFigures{}, err
	}
	k := dashKey{version: v, mail: mv, day: calendar.Of(s.Now()).String()}
	d, err := s.dash.at(r.Context(), st.tenant, k)
	if err != nil {
		return dashData{}, dashModFigures{}, err
	}
	m, err := s.dashMods.at(r.Context(), st.tenant, k, d.open)
	return d, m, err
}
