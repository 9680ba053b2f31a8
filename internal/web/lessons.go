package web

import (
	"context"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/lesson"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/safecsv"
	"github.com/mamori-sec/mamori/internal/store"
)

// Three-minute lessons: each person's own list, lesson and quiz (ViewOwn),
// and the keeper's completion figures, assignment and editing
// (ViewProgramme, EditProgramme). The lessons and their rules live in
// package lesson; the store keeps versions, assignments and completions.

// lessonPicture serves one of our lesson illustrations (hand-written SVG,
// no script or style) to every reader: they are product artwork, not an
// organisation's data.
func (s *Server) lessonPicture(w http.ResponseWriter, r *http.Request) {
	b, ok := lesson.Picture(r.PathValue("file"))
	if !ok {
		s.notFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Write(b)
}

// lessonOf reads the lesson named in the path, or not-found.
func (s *Server) lessonOf(r *http.Request) (lesson.Lesson, error) {
	id := r.PathValue("id")
	if !lesson.ValidID(id) {
		return lesson.Lesson{}, problem.ErrNotFound
	}
	return stateOf(r).tenant.Lesson(r.Context(), id)
}

// lessonLine is a lesson in a list, in the reader's language.
type lessonLine struct {
	ID      string
	Title   string
	Minutes int
	Custom  bool
	Due     string
	Overdue bool
	Reason  string
	Rate    lesson.Rate
	Score   string
	Passed  bool
}

type learnPage struct {
	base
	ToDo     []lessonLine
	Done     []lessonLine
	Others   []lessonLine
	NoPerson bool
}

// learnList is a person's own lessons: to do, done, and the rest to read
// any time.
func (s *Server) learnList(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	ctx := r.Context()
	p := learnPage{base: s.page(r, "lesson.my_title", "learn")}
	loc := string(p.Locale)
	all, err := st.tenant.Lessons(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	me, err := st.tenant.LearnerOf(ctx, st.user.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.NoPerson = me.PersonID == 0
	due, err := st.tenant.LessonsDue(ctx, st.user.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	done, err := st.tenant.LessonsDone(ctx, st.user.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	listed := map[string]bool{}
	titles := map[string]lesson.Lesson{}
	for _, l := range all {
		titles[l.ID] = l
	}
	for _, d := range due {
		listed[d.Lesson] = true
		p.ToDo = append(p.ToDo, lessonLine{ID: d.Lesson, Title: d.Title(loc), Minutes: d.Minutes, Due: p.Day(d.Due.String()), Overdue: d.Overdue, Reason: p.T("lesson.reason." + string(d.Reason))})
	}
	for _, c := range done {
		l, ok := titles[c.Lesson]
		if !ok || listed[c.Lesson] || !c.Passed {
			continue
		}
		listed[c.Lesson] = true
		p.Done = append(p.Done, lessonLine{ID: c.Lesson, Title: l.In(loc).Title, Minutes: l.Minutes, Due: p.Day(c.On.String()), Score: p.T("lesson.score", c.Score, c.Total), Passed: true})
	}
	for _, l := range all {
		if !listed[l.ID] {
			p.Others = append(p.Others, lessonLine{ID: l.ID, Title: l.In(loc).Title, Minutes: l.Minutes})
		}
	}
	s.render(w, r, http.StatusOK, "learn", p)
}

// questionView is a quiz question as the form shows it.
type questionView struct {
	N           int
	Text        string
	Choices     []choiceView
	Explanation string
	Right       bool
	Answered    bool
}

type choiceView struct {
	Index   int
	Text    string
	Chosen  bool
	Correct bool
}

type lessonPage struct {
	base
	ID        string
	Lesson    lesson.Text
	Minutes   int
	Body      template.HTML
	Picture   string
	Questions []questionView
	Result    *lesson.Result
	Passed    bool
}

func (s *Server) lessonView(r *http.Request, l lesson.Lesson) lessonPage {
	p := lessonPage{base: s.page(r, "lesson.my_title", "learn"), ID: l.ID, Minutes: l.Minutes}
	p.Lesson = l.In(string(p.Locale))
	p.Body = lesson.Render(p.Lesson.Body)
	if l.Picture != "" {
		p.Picture = "/lessons/pictures/" + l.Picture
	}
	for i, q := range p.Lesson.Quiz {
		qv := questionView{N: i + 1, Text: q.Text}
		for j, c := range q.Choices {
			qv.Choices = append(qv.Choices, choiceView{Index: j, Text: c.Text})
		}
		p.Questions = append(p.Questions, qv)
	}
	return p
}

// learnShow is a lesson to read, with its quiz as a plain form.
func (s *Server) learnShow(w http.ResponseWriter, r *http.Request) {
	l, err := s.lessonOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "lesson", s.lessonView(r, l))
}

// learnAnswer scores the quiz, keeps the completion and shows each
// answer with its explanation.
func (s *Server) learnAnswer(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	l, err := s.lessonOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.lessonView(r, l)
	answers := make([]int, len(p.Questions))
	missing := false
	for i := range answers {
		v := r.PostFormValue("q" + strconv.Itoa(i+1))
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n >= len(p.Lesson.Quiz[i].Choices) {
			n, missing = -1, true
		}
		answers[i] = n
	}
	if missing {
		p.Error = p.T("lesson.answer_all")
		for i := range p.Questions {
			for j := range p.Questions[i].Choices {
				p.Questions[i].Choices[j].Chosen = answers[i] == j
			}
		}
		s.render(w, r, http.StatusBadRequest, "lesson", p)
		return
	}
	res, err := st.tenant.CompleteLesson(r.Context(), st.actor(r), st.user.ID, l.ID, string(p.Locale), answers)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Result, p.Passed = &res, res.Passed
	for i, a := range res.Answers {
		q := &p.Questions[i]
		q.Answered, q.Right, q.Explanation = true, a.Right, a.Explanation
		for j := range q.Choices {
			q.Choices[j].Chosen = a.Chosen == j
			q.Choices[j].Correct = a.Choices[j].Correct
		}
	}
	s.render(w, r, http.StatusOK, "lesson_result", p)
}

// lessonsPage is the keeper's overview.
type lessonsPage struct {
	base
	Overall     lesson.Rate
	Lessons     []lessonLine
	Departments []deptRate
}

type deptRate struct {
	Name string
	Rate lesson.Rate
}

// lessonRates reads the organisation's lessons with their completion.
// Every department of the current staff has a rate, 0 of 0 where nothing
// was assigned yet, so a department left out shows.
func (s *Server) lessonRates(r *http.Request) ([]lesson.Lesson, lesson.Rates, error) {
	st := stateOf(r)
	all, err := st.tenant.Lessons(r.Context())
	if err != nil {
		return nil, lesson.Rates{}, err
	}
	prog, err := st.tenant.LessonProgress(r.Context())
	if err != nil {
		return nil, lesson.Rates{}, err
	}
	rates := prog.Rates()
	today := calendar.Of(s.Now())
	for _, p := range prog.People {
		if _, ok := rates.ByDepartment[p.Department]; !ok && p.Active(today) {
			rates.ByDepartment[p.Department] = lesson.Rate{}
		}
	}
	return all, rates, nil
}

func deptRates(b base, rates lesson.Rates) []deptRate {
	var out []deptRate
	for d, r := range rates.ByDepartment {
		if d == "" {
			d = b.T("lesson.no_department")
		}
		out = append(out, deptRate{Name: d, Rate: r})
	}
	slices.SortFunc(out, func(a, b deptRate) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// lessonsOverview is the keeper's page: completion per lesson and per
// department.
func (s *Server) lessonsOverview(w http.ResponseWriter, r *http.Request) {
	p := lessonsPage{base: s.page(r, "lesson.title", "lessons")}
	all, rates, err := s.lessonRates(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Overall = rates.Overall
	for _, l := range all {
		p.Lessons = append(p.Lessons, lessonLine{ID: l.ID, Title: l.In(string(p.Locale)).Title, Minutes: l.Minutes, Custom: l.Custom, Rate: rates.ByLesson[l.ID]})
	}
	p.Departments = deptRates(p.base, rates)
	s.render(w, r, http.StatusOK, "lessons", p)
}

// lessonsExport writes the completion figures as CSV: one row per lesson,
// then one per department.
func (s *Server) lessonsExport(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	b := s.page(r, "lesson.title", "lessons")
	all, rates, err := s.lessonRates(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="mamori-lessons-`+st.org.Slug+`.csv"`)
	cw := safecsv.NewWriter(w, true)
	cw.Write([]string{b.T("lesson.col.kind"), b.T("lesson.col.name"), b.T("lesson.col.done"), b.T("lesson.col.assigned"), b.T("lesson.col.rate")})
	row := func(kind, name string, rt lesson.Rate) {
		cw.Write([]string{kind, name, strconv.Itoa(rt.Done), strconv.Itoa(rt.Assigned), strconv.Itoa(rt.Percent()) + "%"})
	}
	row(b.T("lesson.col.overall"), st.org.Name, rates.Overall)
	for _, l := range all {
		row(b.T("lesson.col.lesson"), l.In(string(b.Locale)).Title, rates.ByLesson[l.ID])
	}
	for _, d := range deptRates(b, rates) {
		row(b.T("lesson.col.department"), d.Name, d.Rate)
	}
	if err := cw.Flush(); err != nil {
		s.Logger.Error("lessons export", "component", "http", "error", err)
	}
}

type lessonAdminPage struct {
	base
	ID          string
	Title       string
	Lesson      lesson.Lesson
	Rate        lesson.Rate
	Versions    []store.LessonVersion
	People      []inventory.Person
	Departments []string
	Due         string
	Categories  []string
	Audience    string
}

// lessonAdmin is one lesson for the keeper: its completion, assignment by
// hand, and its versions.
func (s *Server) lessonAdmin(w http.ResponseWriter, r *http.Request) {
	p := lessonAdminPage{base: s.page(r, "lesson.title", "lessons")}
	if err := s.fillLessonAdmin(r, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "lesson_admin", p)
}

func (s *Server) fillLessonAdmin(r *http.Request, p *lessonAdminPage) error {
	st := stateOf(r)
	l, err := s.lessonOf(r)
	if err != nil {
		return err
	}
	p.ID, p.Lesson, p.Title = l.ID, l, l.In(string(p.Locale)).Title
	for _, c := range l.Categories {
		p.Categories = append(p.Categories, p.T("lesson.category."+c))
	}
	p.Audience = p.T("lesson.audience." + l.Audience)
	_, rates, err := s.lessonRates(r)
	if err != nil {
		return err
	}
	p.Rate = rates.ByLesson[l.ID]
	if p.Versions, err = st.tenant.LessonVersions(r.Context(), l.ID); err != nil {
		return err
	}
	people, _, err := st.tenant.People(r.Context(), store.PeopleQuery{Current: true, Limit: 2000})
	if err != nil {
		return err
	}
	p.People = people
	// Every department, not only those of the people listed: a large
	// company has more people than the list shows. The index walk costs a
	// few lookups however many people there are.
	if p.Departments, err = st.tenant.Departments(r.Context()); err != nil {
		return err
	}
	if p.Due == "" {
		p.Due = calendar.Of(s.Now()).AddDays(lesson.ManualDays).String()
	}
	return nil
}

// lessonAssign assigns the lesson by hand to chosen people and a
// department.
func (s *Server) lessonAssign(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	l, err := s.lessonOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var ids []int64
	for _, v := range r.PostForm["person"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	var due calendar.Day
	if v := r.PostFormValue("due"); v != "" {
		if due, err = calendar.ParseISO(v); err != nil {
			err = problem.Field("due", "lesson.due_invalid")
		}
	}
	if err == nil {
		_, err = st.tenant.AssignLesson(r.Context(), st.actor(r), l.ID, ids, r.PostFormValue("department"), due)
	}
	if err != nil {
		p := lessonAdminPage{base: s.page(r, "lesson.title", "lessons"), Due: r.PostFormValue("due")}
		if ferr := s.fillLessonAdmin(r, &p); ferr != nil {
			s.fail(w, r, ferr)
			return
		}
		s.formError(w, r, err, "lesson_admin", &p, &p.base)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/lessons/"+l.ID, "lesson_assigned")
}

type lessonFormPage struct {
	base
	ID      string // "" for a new lesson
	Sources map[string]string
	Help    string
}

// lessonNew is the form for a lesson of the organisation's own, started
// from a small example.
func (s *Server) lessonNew(w http.ResponseWriter, r *http.Request) {
	p := lessonFormPage{base: s.page(r, "lesson.new_title", "lessons")}
	p.Sources = map[string]string{string(p.Locale): p.T("lesson.example")}
	s.render(w, r, http.StatusOK, "lesson_form", p)
}

// lessonEdit is the form to edit one of ours or the organisation's.
func (s *Server) lessonEdit(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	l, err := s.lessonOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	src, err := st.tenant.LessonSource(r.Context(), l.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := lessonFormPage{base: s.page(r, "lesson.edit_title", "lessons"), ID: l.ID, Sources: src}
	s.render(w, r, http.StatusOK, "lesson_form", p)
}

// lessonSave keeps a new version (or a new lesson).
func (s *Server) lessonSave(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	if id != "" {
		if _, err := s.lessonOf(r); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	src := map[string]string{"ja": r.PostFormValue("source_ja"), "en": r.PostFormValue("source_en")}
	saved, err := st.tenant.SaveLesson(r.Context(), st.actor(r), id, map[string]string{"ja": src["ja"], "en": src["en"]})
	if err != nil {
		title := "lesson.edit_title"
		if id == "" {
			title = "lesson.new_title"
		}
		p := lessonFormPage{base: s.page(r, title, "lessons"), ID: id, Sources: src}
		s.formError(w, r, err, "lesson_form", &p, &p.base)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/lessons/"+saved, "lesson_saved")
}

// lessonsDash is the dashboard's lesson figure.
type lessonsDash struct {
	base
	Rate lesson.Rate
	Link string
}

// readLessonRate reads the overall completion for the dashboard's cached
// figures, keyed by the audit head, which every assignment and completion
// moves, so the figure is never stale.
func readLessonRate(ctx context.Context, t store.Tenant) (lesson.Rate, error) {
	prog, err := t.LessonProgress(ctx)
	if err != nil {
		return lesson.Rate{}, err
	}
	return prog.Rates().Overall, nil
}
