package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"net/http"
	"strconv"
	"time"

	"rsc.io/qr"

	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/nearmiss"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

// The public channel's limits, in memory (see nearmiss.Limiter): reports
// per organisation and per client, and receipt-code look-ups that found
// nothing per client and per organisation.
const (
	publicReportsPerOrg    = 60
	publicReportsPerClient = 5
	publicReportWindow     = time.Hour
	receiptMissesPerClient = 10
	receiptMissesPerOrg    = 100
	receiptWindow          = time.Hour
	// maxPublicForm bounds what the public form reads: three texts of
	// nearmiss.MaxText characters of up to 4 bytes, and the rest.
	maxPublicForm = 3*4*nearmiss.MaxText + 4096
)

// publicLimits are the public channel's counters. Clients are kept as a
// keyed hash of their address, never the address, and only in memory.
type publicLimits struct {
	salt           []byte
	reportsOrg     nearmiss.Limiter
	reportsClient  nearmiss.Limiter
	receiptsClient nearmiss.Limiter
	receiptsOrg    nearmiss.Limiter
}

func newPublicLimits() *publicLimits {
	salt := make([]byte, 32)
	if _, err := rand.Read(salt); err != nil {
		panic(err)
	}
	return &publicLimits{salt: salt,
		reportsOrg:     nearmiss.Limiter{Max: publicReportsPerOrg, Window: publicReportWindow},
		reportsClient:  nearmiss.Limiter{Max: publicReportsPerClient, Window: publicReportWindow},
		receiptsClient: nearmiss.Limiter{Max: receiptMissesPerClient, Window: receiptWindow},
		receiptsOrg:    nearmiss.Limiter{Max: receiptMissesPerOrg, Window: receiptWindow},
	}
}

// client names the request's client for the counters of organisation o.
func (l *publicLimits) client(r *http.Request, o org.Org) string {
	m := hmac.New(sha256.New, l.salt)
	m.Write([]byte(strconv.FormatInt(o.ID, 10) + "\x00" + auth.ThrottleClient(clientIP(r))))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

type categoryOption struct {
	Value, Label string
	Selected     bool
}

type nearMissFormPage struct {
	base
	Action     string // where the form posts
	Public     bool   // the anonymous form of the public link
	Categories []categoryOption
	Report     nearmiss.Report
	PublicLink string // on the signed-in form: the anonymous alternative
}

func (s *Server) nearMissForm(r *http.Request, action string, public bool, rep nearmiss.Report) nearMissFormPage {
	p := nearMissFormPage{base: s.page(r, "nearmiss.new_title", "me"), Action: action, Public: public, Report: rep}
	for _, c := range nearmiss.Categories {
		p.Categories = append(p.Categories, categoryOption{Value: string(c), Label: p.T(c.Label()), Selected: c == rep.Category})
	}
	return p
}

func reportOf(r *http.Request) nearmiss.Report {
	return nearmiss.Report{Category: nearmiss.Category(r.PostFormValue("category")), Happened: r.PostFormValue("happened"),
		Almost: r.PostFormValue("almost"), Suggestion: r.PostFormValue("suggestion")}
}

// nearMissNew is the signed-in report form, which also offers the
// anonymous link.
func (s *Server) nearMissNew(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := s.nearMissForm(r, "/o/"+st.org.Slug+"/near-misses", false, nearmiss.Report{})
	tok, err := st.tenant.NearMissLink(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if tok != "" {
		p.PublicLink = "/h/" + tok
	}
	s.render(w, r, http.StatusOK, "nearmiss_form", p)
}

// nearMissFile files a signed-in report: the reporter can read it and the
// keeper's reply on their page; the keeper's pages do not show who.
func (s *Server) nearMissFile(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	rep := reportOf(r)
	if _, err := st.tenant.FileNearMiss(r.Context(), st.actor(r), rep, st.user.ID, "", calendar.Of(s.Now())); err != nil {
		p := s.nearMissForm(r, "/o/"+st.org.Slug+"/near-misses", false, rep)
		s.formError(w, r, err, "nearmiss_form", &p, &p.base)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/me", "nearmiss_filed")
}

// publicOrg resolves the organisation of a public link; an unknown or
// rotated token is a plain 404.
func (s *Server) publicOrg(w http.ResponseWriter, r *http.Request) (org.Org, bool) {
	o, err := s.DB.OrgByNearMissLink(r.Context(), r.PathValue("token"))
	if err != nil {
		s.fail(w, r, problem.New(problem.NotFound, "nearmiss.link_invalid"))
		return o, false
	}
	noStore(w)
	return o, true
}

// noStore keeps the public pages out of caches and referrers: a receipt
// code shown once must not be kept by a shared browser or proxy.
func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
}

func publicPath(r *http.Request) string { return "/h/" + r.PathValue("token") }

// publicForm is the anonymous form behind the organisation's link and QR
// code: no account needed, nothing identifying kept.
func (s *Server) publicForm(w http.ResponseWriter, r *http.Request) {
	o, ok := s.publicOrg(w, r)
	if !ok {
		return
	}
	p := s.nearMissForm(r, publicPath(r), true, nearmiss.Report{})
	p.Org.Name = o.Name
	s.render(w, r, http.StatusOK, "nearmiss_form", p)
}

type receiptPage struct {
	base
	OrgName string
	Code    string // shown once, after filing
	Back    string // the public link
	Report  *store.NearMiss
	Labels  nearMissLabels
}

type nearMissLabels struct {
	Category, Triage string
}

// publicFile files an anonymous report and shows its receipt code once.
func (s *Server) publicFile(w http.ResponseWriter, r *http.Request) {
	o, ok := s.publicOrg(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxPublicForm)
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	rep := reportOf(r)
	p := s.nearMissForm(r, publicPath(r), true, rep)
	p.Org.Name = o.Name
	if err := rep.Check(); err != nil {
		s.formError(w, r, err, "nearmiss_form", &p, &p.base)
		return
	}
	now := s.Now()
	client := s.public.client(r, o)
	if held, wait := s.public.reportsClient.Blocked(client, now); held {
		s.publicBusy(w, r, wait, "nearmiss_form", &p, &p.base)
		return
	}
	if ok, wait := s.public.reportsOrg.Allow(strconv.FormatInt(o.ID, 10), now); !ok {
		s.publicBusy(w, r, wait, "nearmiss_form", &p, &p.base)
		return
	}
	if ok, wait := s.public.reportsClient.Allow(client, now); !ok {
		s.publicBusy(w, r, wait, "nearmiss_form", &p, &p.base)
		return
	}
	code, hash := nearmiss.NewReceipt()
	if _, err := s.DB.Tenant(o.ID).FileNearMiss(r.Context(), store.Anonymous, rep, 0, hash, calendar.Of(now)); err != nil {
		s.formError(w, r, err, "nearmiss_form", &p, &p.base)
		return
	}
	s.render(w, r, http.StatusOK, "nearmiss_receipt", receiptPage{base: s.page(r, "nearmiss.receipt_title", ""), OrgName: o.Name, Code: code, Back: publicPath(r)})
}

// publicBusy answers a flood with 429 and a plain sentence.
func (s *Server) publicBusy(w http.ResponseWriter, r *http.Request, wait time.Duration, page string, data any, b *base) {
	mins := int(math.Ceil(wait.Minutes()))
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	s.formError(w, r, problem.New(problem.TooMany, "nearmiss.too_many", max(mins, 1)), page, data, b)
}

// receiptForm asks for a receipt code.
func (s *Server) receiptForm(w http.ResponseWriter, r *http.Request) {
	o, ok := s.publicOrg(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "nearmiss_receipt", receiptPage{base: s.page(r, "nearmiss.receipt_title", ""), OrgName: o.Name, Back: publicPath(r)})
}

// receiptLookup shows the report of a receipt code with the keeper's
// reply, and, when a note is posted with it, adds the note first. An
// unknown code and a wrong one get the same answer; look-ups that find
// nothing are counted per client and per organisation, and past the
// limit no code is checked at all until the window ends.
func (s *Server) receiptLookup(w http.ResponseWriter, r *http.Request) {
	o, ok := s.publicOrg(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxPublicForm)
	p := receiptPage{base: s.page(r, "nearmiss.receipt_title", ""), OrgName: o.Name, Back: publicPath(r)}
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	now, client, orgKey := s.Now(), s.public.client(r, o), strconv.FormatInt(o.ID, 10)
	if held, wait := s.public.receiptsClient.Blocked(client, now); held {
		s.publicBusy(w, r, wait, "nearmiss_receipt", &p, &p.base)
		return
	}
	if held, wait := s.public.receiptsOrg.Blocked(orgKey, now); held {
		s.publicBusy(w, r, wait, "nearmiss_receipt", &p, &p.base)
		return
	}
	t := s.DB.Tenant(o.ID)
	n, err := t.NearMissByReceipt(r.Context(), nearmiss.HashReceipt(r.PostFormValue("code")))
	if err != nil {
		if problem.CodeOf(err) != problem.NotFound {
			s.fail(w, r, err)
			return
		}
		s.public.receiptsClient.Allow(client, now)
		s.public.receiptsOrg.Allow(orgKey, now)
		s.formError(w, r, problem.Field("code", "nearmiss.receipt_unknown"), "nearmiss_receipt", &p, &p.base)
		return
	}
	code := nearmiss.NormaliseReceipt(r.PostFormValue("code"))
	if note := r.PostFormValue("note"); r.PostFormValue("add") != "" {
		if err := t.AddNearMissNote(r.Context(), store.Anonymous, n.ID, note, false, true, calendar.Of(now)); err != nil {
			p.Report, p.Code = &n, code
			p.Labels = nearMissLabels{Category: p.T(n.Category.Label()), Triage: p.T(n.Triage.Label())}
			s.formError(w, r, err, "nearmiss_receipt", &p, &p.base)
			return
		}
		if n, err = t.NearMiss(r.Context(), n.ID); err != nil {
			s.fail(w, r, err)
			return
		}
		p.Flash = "flash.nearmiss_note_added"
	}
	p.Report, p.Code = &n, code
	p.Labels = nearMissLabels{Category: p.T(n.Category.Label()), Triage: p.T(n.Triage.Label())}
	s.render(w, r, http.StatusOK, "nearmiss_receipt", p)
}

type nearMissListPage struct {
	base
	Reports    []nearMissRow
	NearMiss   nearMissMonth
	PublicLink string
	CanEdit    bool
}

type nearMissRow struct {
	store.NearMiss
	DayText, CategoryText, TriageText string
}

type categoryCount struct {
	Label string
	N     int
}

// nearMissMonth is this month's count of near misses by category, on the
// keeper's dashboard and the near-miss list (partial "nearmiss-month").
type nearMissMonth struct {
	base
	Month  string
	Counts []categoryCount
}

// nearMissList is the keeper's list: reports without their reporters,
// this month's count by category, and the public link with its QR code.
func (s *Server) nearMissList(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := nearMissListPage{base: s.page(r, "nearmiss.list_title", "nearmiss"), CanEdit: st.can(org.EditProgramme)}
	ctx := r.Context()
	list, err := st.tenant.NearMisses(ctx, 500)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, n := range list {
		p.Reports = append(p.Reports, nearMissRow{NearMiss: n, DayText: p.Day(n.Day.String()), CategoryText: p.T(n.Category.Label()), TriageText: p.T(n.Triage.Label())})
	}
	if p.NearMiss, err = s.monthCounts(r, st.tenant, p.base); err != nil {
		s.fail(w, r, err)
		return
	}
	tok, err := st.tenant.NearMissLink(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if tok != "" {
		p.PublicLink = "/h/" + tok
	}
	s.render(w, r, http.StatusOK, "nearmiss_list", p)
}

// monthCounts counts this month's reports by category, every category
// named (a zero is a figure too).
func (s *Server) monthCounts(r *http.Request, t store.Tenant, b base) (nearMissMonth, error) {
	today := calendar.Of(s.Now())
	counts, err := readMonthCounts(r.Context(), t, today)
	if err != nil {
		return nearMissMonth{}, err
	}
	return nearMissMonthOf(b, today, counts), nil
}

// readMonthCounts counts the reports of today's month by category.
func readMonthCounts(ctx context.Context, t store.Tenant, today calendar.Day) (map[nearmiss.Category]int, error) {
	_, _, d := today.Date()
	from := today.AddDays(1 - d)
	return t.NearMissCounts(ctx, from, from.AddDate(0, 1, 0))
}

// nearMissMonthOf words the month's counts for b's reader.
func nearMissMonthOf(b base, today calendar.Day, counts map[nearmiss.Category]int) nearMissMonth {
	y, m, _ := today.Date()
	out := nearMissMonth{base: b, Month: b.T("nearmiss.month", y, int(m))}
	for _, c := range nearmiss.Categories {
		out.Counts = append(out.Counts, categoryCount{Label: b.T(c.Label()), N: counts[c]})
	}
	return out
}

type nearMissPage struct {
	base
	Report  nearMissRow
	Triages []categoryOption
	CanEdit bool
	// The one-off task "needs action" made, or the fields to make it.
	Task     *routineRow
	Members  []store.Member
	Due      string // the form's due day, ISO
	Assignee int64
	// The incident "escalated" opened, for whoever may open it.
	Incident    string
	IncidentURL string
	// The departments the keeper may send the answering lesson to.
	Departments []string
	Department  string
}

// nearMissShow is one report for the keeper, with the triage form.
func (s *Server) nearMissShow(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, problem.ErrNotFound)
		return
	}
	n, err := st.tenant.NearMiss(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.nearMissPageOf(r, n)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "nearmiss_show", p)
}

func (s *Server) nearMissPageOf(r *http.Request, n store.NearMiss) (nearMissPage, error) {
	st := stateOf(r)
	p := nearMissPage{base: s.page(r, "nearmiss.show_title", "nearmiss"), CanEdit: st.can(org.EditProgramme)}
	p.Report = nearMissRow{NearMiss: n, DayText: p.Day(n.Day.String()), CategoryText: p.T(n.Category.Label()), TriageText: p.T(n.Triage.Label())}
	for _, t := range nearmiss.Triages {
		p.Triages = append(p.Triages, categoryOption{Value: string(t), Label: p.T(t.Label()), Selected: t == n.Triage})
	}
	ctx := r.Context()
	if n.IncidentID != 0 {
		inc, err := st.tenant.Incident(ctx, n.IncidentID)
		if err != nil {
			return p, err
		}
		p.Incident = inc.Title
		if link := p.OrgURL("/incidents/" + strconv.FormatInt(inc.ID, 10)); s.links.mayOpen(st.role, link) {
			p.IncidentURL = link
		}
	}
	if p.CanEdit {
		var err error
		if p.Departments, err = st.tenant.Departments(ctx); err != nil {
			return p, err
		}
	}
	if n.RoutineID != 0 {
		rt, err := st.tenant.Routine(ctx, n.RoutineID)
		if err != nil {
			return p, err
		}
		row := p.routineRow(rt)
		p.Task = &row
	} else if p.CanEdit {
		var err error
		if p.Members, err = st.tenant.Members(ctx); err != nil {
			return p, err
		}
		p.Due = calendar.Of(s.Now()).AddDays(14).String() // a default the keeper changes
	}
	return p, nil
}

// nearMissTriage records the keeper's answer.
func (s *Server) nearMissTriage(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, problem.ErrNotFound)
		return
	}
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	in := store.NearMissTriage{Triage: nearmiss.Triage(r.PostFormValue("triage")), Reply: r.PostFormValue("reply"),
		Lesson: r.PostFormValue("lesson"), Action: r.PostFormValue("action")}
	in.Due, _ = calendar.ParseISO(r.PostFormValue("due"))
	in.AssigneeID, _ = strconv.ParseInt(r.PostFormValue("assignee"), 10, 64)
	in.Department = r.PostFormValue("department")
	if err := st.tenant.TriageNearMiss(r.Context(), st.actor(r), id, in, calendar.Of(s.Now())); err != nil {
		n, gerr := st.tenant.NearMiss(r.Context(), id)
		if gerr != nil {
			s.fail(w, r, gerr)
			return
		}
		n.Triage, n.Reply, n.Lesson, n.Action = in.Triage, in.Reply, in.Lesson, in.Action
		p, perr := s.nearMissPageOf(r, n)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		p.Due, p.Assignee, p.Department = r.PostFormValue("due"), in.AssigneeID, in.Department
		s.formError(w, r, err, "nearmiss_show", &p, &p.base)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/near-misses/"+strconv.FormatInt(id, 10), "nearmiss_triaged")
}

// nearMissRotate makes a new public link; the old one stops answering.
func (s *Server) nearMissRotate(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if _, err := st.tenant.RotateNearMissLink(r.Context(), st.actor(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/near-misses", "nearmiss_link")
}

// nearMissQR draws the public link as a QR code, to print for the office.
func (s *Server) nearMissQR(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	tok, err := st.tenant.NearMissLink(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if tok == "" {
		s.fail(w, r, problem.ErrNotFound)
		return
	}
	code, err := qr.Encode(s.absURL(r, "/h/"+tok), qr.M)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	code.Scale = 8
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(code.PNG())
}

// absURL is path on this server as the browser reached it.
func (s *Server) absURL(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil || s.BehindTLSProxy {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}
