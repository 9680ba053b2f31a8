package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/selfdiag"
	"github.com/mamori-sec/mamori/internal/store"
)

// The SECURITY ACTION readiness page and the cloud-service check.

// readiness works out where the organisation stands for ★ and ★★: from
// the findings named by record (the readiness page), or, when counts are
// given, from the open findings counted per check (the dashboard, which
// has them already).
func (s *Server) readiness(r *http.Request, t store.Tenant, counts []findings.OpenCount) (selfdiag.Readiness, error) {
	return readinessOn(r.Context(), t, calendar.Of(s.Now()), counts)
}

// readinessOn is readiness on the given day.
func readinessOn(ctx context.Context, t store.Tenant, today calendar.Day, counts []findings.OpenCount) (selfdiag.Readiness, error) {
	in := selfdiag.ReadinessInput{Today: today, Open: counts}
	if counts == nil {
		open, err := t.NamedFindings(ctx)
		if err != nil {
			return selfdiag.Readiness{}, err
		}
		in.Findings = open
	}
	if last, err := t.LatestSitting(ctx); err == nil {
		in.LastSitting = last.TakenOn
	} else if problem.CodeOf(err) != problem.NotFound {
		return selfdiag.Readiness{}, err
	}
	published, at, err := t.PublishedBasicPolicy(ctx)
	if err != nil {
		return selfdiag.Readiness{}, err
	}
	in.PolicyPublished = published
	if published {
		in.PolicyOn = calendar.Of(at)
	}
	return selfdiag.ReadinessOf(in), nil
}

type ruleRow struct {
	N        int
	Title    string
	Practice string
	State    string
	Label    string
	Count    int
	Findings []evidenceLine
	More     int // open findings beyond those listed
}

type readinessPage struct {
	base
	R         selfdiag.Readiness
	Rules     []ruleRow
	SittingOn string
	PolicyOn  string
}

func (s *Server) securityAction(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	rd, err := s.readiness(r, st.tenant, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &readinessPage{base: s.page(r, "sa.title", "selfdiag"), R: rd}
	for _, rule := range rd.Rules {
		row := ruleRow{N: rule.N, Title: p.T(rule.Key("title")), Practice: p.T(rule.Key("practice")),
			State: rule.State.Code(), Label: p.T("sa.state." + rule.State.Code()), Count: rule.Count,
			Findings: evidenceLines(p.base, rule.Findings)}
		if rule.State == selfdiag.RuleFindings {
			row.Label = p.T("sa.state.findings", rule.Count)
			row.More = rule.Count - len(row.Findings)
		}
		p.Rules = append(p.Rules, row)
	}
	if rd.Sitting {
		p.SittingOn = p.Day(rd.SittingOn.String())
	}
	if rd.Policy {
		p.PolicyOn = p.Day(rd.PolicyOn.String())
	}
	s.render(w, r, http.StatusOK, "security_action", p)
}

type cloudItemRow struct {
	N          int
	GroupStart string
	Title      string
	Help       string
	Mark       string
	Note       string
}

type cloudCheckRow struct {
	Day      string
	By       string
	Complete bool
	Counts   string
	Items    []cloudItemRow
}

type cloudCheckPage struct {
	base
	Service   string
	ServiceID int64
	URL       string
	Items     []cloudItemRow
	Marks     []selfdiag.CloudMark
	CheckedOn string
	History   []cloudCheckRow
	CanEdit   bool
	IsCloud   bool
	DoneOn    string
}

func (s *Server) cloudCheckPage(r *http.Request, sheet *selfdiag.CloudSheet, day string) (*cloudCheckPage, error) {
	st := stateOf(r)
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	svc, err := st.tenant.Service(r.Context(), id)
	if err != nil {
		return nil, err
	}
	hist, err := st.tenant.CloudChecks(r.Context(), id)
	if err != nil {
		return nil, err
	}
	p := &cloudCheckPage{base: s.page(r, "cloudcheck.title", "services"), Service: svc.Name, ServiceID: svc.ID, Marks: selfdiag.CloudMarks,
		CanEdit: st.can(org.EditProgramme), IsCloud: svc.Category == inventory.Cloud, CheckedOn: day}
	p.URL = p.OrgURL("/services/" + strconv.FormatInt(svc.ID, 10) + "/cloud-check")
	if svc.CloudCheckDone != "" {
		p.DoneOn = p.Day(svc.CloudCheckDone)
	}
	if p.CheckedOn == "" {
		p.CheckedOn = calendar.Of(s.Now()).String()
	}
	// The form starts from the last check, so a yearly review changes
	// only what changed.
	if sheet == nil && len(hist) > 0 {
		sheet = &hist[0].Sheet
	}
	p.Items = p.cloudItems(sheet)
	for _, c := range hist {
		checked, issue, na, open := c.Sheet.Counts()
		p.History = append(p.History, cloudCheckRow{Day: p.Day(c.CheckedOn.String()), By: c.By, Complete: c.Complete,
			Counts: p.T("cloudcheck.counts", checked, issue, na, open), Items: p.cloudItems(&c.Sheet)})
	}
	return p, nil
}

func (p base) cloudItems(sheet *selfdiag.CloudSheet) []cloudItemRow {
	var out []cloudItemRow
	for n := 1; n <= selfdiag.CloudItems; n++ {
		row := cloudItemRow{N: n, Title: p.T(selfdiag.CloudItemKey(n, "title")), Help: p.T(selfdiag.CloudItemKey(n, "help"))}
		for _, g := range selfdiag.CloudGroups {
			if g.From == n {
				row.GroupStart = p.T(g.Key())
			}
		}
		if sheet != nil {
			row.Mark, row.Note = string(sheet[n-1].Mark), sheet[n-1].Note
		}
		out = append(out, row)
	}
	return out
}

func (s *Server) cloudCheckShow(w http.ResponseWriter, r *http.Request) {
	p, err := s.cloudCheckPage(r, nil, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "cloud_check", p)
}

func (s *Server) cloudCheckSave(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	st := stateOf(r)
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var sheet selfdiag.CloudSheet
	for n := 1; n <= selfdiag.CloudItems; n++ {
		sheet[n-1] = selfdiag.CloudAnswer{Mark: selfdiag.CloudMark(r.PostForm.Get("mark_" + strconv.Itoa(n))), Note: r.PostForm.Get("note_" + strconv.Itoa(n))}
	}
	dayText := strings.TrimSpace(r.PostForm.Get("checked_on"))
	day, derr := calendar.Parse(dayText) // 和暦 too, as other date fields
	if derr != nil {
		err = problem.Field("checked_on", "cloudcheck.day_invalid")
	} else {
		_, err = st.tenant.SaveCloudCheck(r.Context(), st.actor(r), id, day, sheet)
	}
	if err != nil {
		p, perr := s.cloudCheckPage(r, &sheet, dayText)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		s.formError(w, r, err, "cloud_check", p, &p.base)
		return
	}
	flash := "cloudcheck_saved"
	if sheet.Complete() {
		flash = "cloudcheck_complete"
	}
	redirect(w, r, "/o/"+st.org.Slug+"/services/"+strconv.FormatInt(id, 10)+"/cloud-check", flash)
}

// selfdiagDash is the dashboard's self-diagnosis card: the latest total
// and band, the recent totals, and the SECURITY ACTION readiness.
type selfdiagDash struct {
	Total      int
	Band       string
	BandCode   string
	Taken      string
	Trend      []int
	Readiness  selfdiag.Readiness
	HasSitting bool
}

// dashSelfdiagData is what the dashboard's self-diagnosis card reads,
// kept with the dashboard's other figures.
type dashSelfdiagData struct {
	totals    []store.SittingTotal
	readiness selfdiag.Readiness
}

func readDashSelfdiag(ctx context.Context, t store.Tenant, today calendar.Day, open []findings.OpenCount) (dashSelfdiagData, error) {
	var d dashSelfdiagData
	var err error
	if d.totals, err = t.SelfdiagTotals(ctx, 6); err != nil {
		return d, err
	}
	if open == nil {
		open = []findings.OpenCount{}
	}
	d.readiness, err = readinessOn(ctx, t, today, open)
	return d, err
}

// dashSelfdiag words the card for b's reader.
func dashSelfdiag(b base, data dashSelfdiagData) *selfdiagDash {
	d := &selfdiagDash{Readiness: data.readiness}
	if totals := data.totals; len(totals) > 0 {
		last := totals[len(totals)-1]
		band := selfdiag.BandOf(last.Total)
		d.HasSitting, d.Total, d.Band, d.BandCode, d.Taken = true, last.Total, b.T(band.Key()), band.Code(), b.Day(last.TakenOn.String())
		for _, x := range totals {
			d.Trend = append(d.Trend, x.Total)
		}
	}
	return d
}
