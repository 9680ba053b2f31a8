package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/routine"
	"github.com/mamori-sec/mamori/internal/store"
)

// calItem is one chore on a calendar day: an occurrence (with its page) or
// a due day still ahead, worked out from the routine's schedule.
type calItem struct {
	Title  string
	URL    string // "" for a day still ahead
	Status routine.Status
	Day    calendar.Day
}

type calDay struct {
	Day      calendar.Day
	Num      int
	InMonth  bool
	Today    bool
	DayOff   bool
	Items    []calItem
	Weekday  string
	DateText string
}

type calMonth struct {
	Label string
	Items []calItem
}

type calendarPage struct {
	base
	Month      string // YYYY-MM
	Label      string
	Prev, Next string
	Weeks      [][]calDay
	Weekdays   []string
	Year       int
	Months     []calMonth // the year view
	YearView   bool
}

// calendarItems lists what falls due in [from, to]: the occurrences that
// exist, and the due days of the active routines that have none yet.
func calendarItems(b base, rs []store.Routine, os []store.Occurrence, from, to, today calendar.Day) []calItem {
	var out []calItem
	have := map[[2]int64]bool{}
	for _, o := range os {
		have[[2]int64{o.RoutineID, int64(o.On)}] = true
		out = append(out, calItem{Title: b.choreTitle(o.Chore, o.Service), URL: b.OrgURL("/occurrences/" + strconv.FormatInt(o.ID, 10)),
			Status: o.Status(today), Day: o.On})
	}
	for _, r := range rs {
		if !r.Active() {
			continue
		}
		days, err := r.Schedule.Due(max(from, r.StartsOn), to)
		if err != nil {
			continue // beyond the holiday table: not shown rather than guessed
		}
		for _, d := range days {
			if d <= today || have[[2]int64{r.ID, int64(d)}] {
				continue
			}
			out = append(out, calItem{Title: b.choreTitle(r.Chore, r.Service), Status: routine.StatusOf(d, false, today), Day: d})
		}
	}
	return out
}

func (s *Server) calendarData(r *http.Request, from, to calendar.Day) ([]calItem, error) {
	ctx, st := r.Context(), stateOf(r)
	rs, err := st.tenant.Routines(ctx)
	if err != nil {
		return nil, err
	}
	os, err := st.tenant.Occurrences(ctx, store.OccurrenceQuery{From: from, Through: to, AnyAssignee: true})
	if err != nil {
		return nil, err
	}
	b := s.page(r, "", "")
	return calendarItems(b, rs, os, from, to, calendar.Of(s.Now())), nil
}

// routinesCalendar is the month grid (?month=2026-04), or the year on one
// A4 page (?year=2026), rendered on the server.
func (s *Server) routinesCalendar(w http.ResponseWriter, r *http.Request) {
	p := calendarPage{base: s.page(r, "routines.calendar", "routines")}
	today := calendar.Of(s.Now())
	ty, tm, _ := today.Date()
	q := r.URL.Query()
	if y := q.Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 2000 || n > 2100 {
			s.fail(w, r, problem.Field("year", "error.bad_form"))
			return
		}
		p.YearView, p.Year = true, n
		from, to := calendar.Date(n, 1, 1), calendar.Date(n, 12, 31)
		items, err := s.calendarData(r, from, to)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		sortItems(items)
		for m := 1; m <= 12; m++ {
			cm := calMonth{Label: p.T("routines.month_label", n, m)}
			for _, it := range items {
				if _, im, _ := it.Day.Date(); int(im) == m {
					cm.Items = append(cm.Items, it)
				}
			}
			p.Months = append(p.Months, cm)
		}
		s.render(w, r, http.StatusOK, "routines_calendar", p)
		return
	}
	y, m := ty, tm
	if v := q.Get("month"); v != "" {
		d, err := calendar.ParseISO(v + "-01")
		if err != nil {
			s.fail(w, r, problem.Field("month", "error.bad_form"))
			return
		}
		y, m, _ = d.Date()
	}
	first := calendar.Date(y, m, 1)
	last := first.AddDate(0, 1, -1)
	p.Month, p.Label = first.String()[:7], p.T("routines.month_label", y, int(m))
	p.Prev, p.Next = first.AddDate(0, -1, 0).String()[:7], first.AddDate(0, 1, 0).String()[:7]
	p.Year = y
	start := first
	for start.Weekday() != time.Monday {
		start = start.AddDays(-1)
	}
	end := last
	for end.Weekday() != time.Sunday {
		end = end.AddDays(1)
	}
	items, err := s.calendarData(r, start, end)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sortItems(items)
	byDay := map[calendar.Day][]calItem{}
	for _, it := range items {
		byDay[it.Day] = append(byDay[it.Day], it)
	}
	for _, wd := range []int{1, 2, 3, 4, 5, 6, 0} {
		p.Weekdays = append(p.Weekdays, p.T("weekday.short."+strconv.Itoa(wd)))
	}
	var week []calDay
	for d := start; d <= end; d = d.AddDays(1) {
		_, dm, dd := d.Date()
		wd := d.Weekday()
		week = append(week, calDay{Day: d, Num: dd, InMonth: dm == m, Today: d == today, DayOff: wd == time.Saturday || wd == time.Sunday,
			Items: byDay[d], Weekday: p.T("weekday.short." + strconv.Itoa(int(wd))), DateText: p.Day(d.String())})
		if len(week) == 7 {
			p.Weeks = append(p.Weeks, week)
			week = nil
		}
	}
	s.render(w, r, http.StatusOK, "routines_calendar", p)
}

func sortItems(items []calItem) {
	for i := 1; i < len(items); i++ {
		for j := i; j > 0 && (items[j].Day < items[j-1].Day || (items[j].Day == items[j-1].Day && items[j].Title < items[j-1].Title)); j-- {
			items[j], items[j-1] = items[j-1], items[j]
		}
	}
}

// feedCreate gives the signed-in user a new secret calendar address
// (ending the old one) and shows it once.
func (s *Server) feedCreate(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	token, err := st.tenant.CreateCalendarFeed(r.Context(), st.actor(r), st.user.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.routinesBase(r, "week")
	if err := s.fillWeek(r, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	p.FeedURL = feedURL(r, token)
	p.Flash = "flash.feed_created"
	s.render(w, r, http.StatusOK, "routines", p)
}

func feedURL(r *http.Request, token string) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/ical/" + token + ".ics"
}

func (s *Server) feedRevoke(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if err := st.tenant.RevokeCalendarFeed(r.Context(), st.actor(r), st.user.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/routines", "feed_revoked")
}

// icalFeed serves a user's due chores as an iCalendar file to whoever
// holds the secret address: a calendar program, without a session. An
// unknown, revoked or malformed token is a plain 404.
func (s *Server) icalFeed(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutSuffix(r.PathValue("token"), ".ics")
	if !ok || len(token) != 40 {
		http.NotFound(w, r)
		return
	}
	ctx := r.Context()
	orgID, userID, err := s.DB.CalendarFeed(ctx, token)
	if err != nil {
		if problem.CodeOf(err) == problem.NotFound {
			http.NotFound(w, r)
			return
		}
		s.Logger.Error("calendar feed", "component", "http", "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	ten := s.DB.Tenant(orgID)
	o, err := ten.Org(ctx)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	u, err := s.DB.User(ctx, userID)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	// Without a setting of their own, the feed is in Japanese, as pages are.
	locale := i18n.Negotiate(u.Locale, "", "ja")
	today := calendar.Of(s.Now())
	// The user's own chores and the keepers' (assignee 0) when the user
	// runs the programme.
	role, _ := s.DB.Membership(ctx, orgID, userID)
	os, err := ten.Occurrences(ctx, store.OccurrenceQuery{Through: today.AddDays(400), Waiting: true, AnyAssignee: true})
	if err != nil {
		s.Logger.Error("calendar feed", "component", "http", "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	base := "http://" + r.Host
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		base = "https://" + r.Host
	}
	var events []routine.Event
	for _, x := range os {
		if x.AssigneeID != userID && !(x.AssigneeID == 0 && role.Can("edit_programme")) {
			continue
		}
		title := s.Catalogue.T(locale, x.Chore.TitleKey())
		if x.Service != "" {
			title = s.Catalogue.T(locale, "routines.title_service", title, x.Service)
		}
		events = append(events, routine.Event{UID: "occurrence-" + strconv.FormatInt(x.ID, 10) + "@" + r.Host, On: x.On,
			Summary: title, Description: s.Catalogue.T(locale, x.Chore.WhyKey()),
			URL: base + "/o/" + o.Slug + "/occurrences/" + strconv.FormatInt(x.ID, 10)})
	}
	var buf bytes.Buffer
	if err := routine.WriteICS(&buf, "mamori "+o.Name, events, s.Now()); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}
