package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

const peoplePageSize = 50

type peoplePage struct {
	base
	People      []inventory.Person
	Total       int
	Over        bool // there are more than Total
	Query       store.PeopleQuery
	Departments []string
	PrevOffset  int
	NextOffset  int
	HasPrev     bool
	HasNext     bool
	ShowLeft    bool
}

func (s *Server) peopleList(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	q := r.URL.Query()
	p := peoplePage{base: s.page(r, "people.title", "people")}
	p.Query = store.PeopleQuery{Search: q.Get("q"), Department: q.Get("dept"), Current: q.Get("all") != "1", Limit: peoplePageSize}
	p.ShowLeft = !p.Query.Current
	p.Query.Offset, _ = strconv.Atoi(q.Get("offset"))
	if p.Query.Offset < 0 {
		p.Query.Offset = 0
	}
	p.Query.CountUpTo = countUpTo(p.Query.Offset, peoplePageSize, strings.TrimSpace(p.Query.Search))
	var err error
	if p.People, p.Total, err = st.tenant.People(r.Context(), p.Query); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Departments, err = st.tenant.Departments(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	p.HasPrev, p.PrevOffset = p.Query.Offset > 0, max(0, p.Query.Offset-peoplePageSize)
	p.HasNext, p.NextOffset = p.Query.Offset+peoplePageSize < p.Total, p.Query.Offset+peoplePageSize
	if p.Total > p.Query.CountUpTo {
		p.Total, p.Over = p.Query.CountUpTo, true
	}
	w.Header().Add("Vary", "HX-Request")
	if r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Target") == "people-table" {
		s.render(w, r, http.StatusOK, "people_table", p)
		return
	}
	s.render(w, r, http.StatusOK, "people", p)
}

func (s *Server) personFromPath(r *http.Request) (inventory.Person, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return inventory.Person{}, problem.ErrNotFound
	}
	return stateOf(r).tenant.Person(r.Context(), id)
}

type personPage struct {
	base
	Person    inventory.Person
	Reach     personReach
	AuditRows []auditRow
	// LeavingIn is the days to a leave date within
	// inventory.LeavingSoonDays; Leaving is false otherwise.
	LeavingIn int
	Leaving   bool
	// Checklists are the person's joiner / mover / leaver checklists,
	// newest first; ErrorItem is the item a refused mark was about.
	Checklists []checklistView
	ErrorItem  int64
}

func (s *Server) personShow(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	person, err := s.personFromPath(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := personPage{base: s.page(r, "person.title", "people"), Person: person}
	p.LeavingIn, p.Leaving = person.LeavingIn(calendar.Of(s.Now()).String())
	if p.Reach, err = s.reachOf(r.Context(), p.base, st.tenant, person, s.Now()); err != nil {
		s.fail(w, r, err)
		return
	}
	history, err := st.tenant.History(r.Context(), "person:"+strconv.FormatInt(person.ID, 10))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.AuditRows = p.auditRows(history, s.auditNames(r.Context(), st.tenant, history))
	if err := s.personChecklists(r, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "person", p)
}

type personFormPage struct {
	base
	Person inventory.Person
	Types  []inventory.EmploymentType
	New    bool
}

func (s *Server) personNew(w http.ResponseWriter, r *http.Request) {
	p := personFormPage{base: s.page(r, "person.new", "people"), Types: inventory.EmploymentTypes, New: true,
		Person: inventory.Person{EmploymentType: inventory.FullTime}}
	s.render(w, r, http.StatusOK, "person_form", p)
}

func (s *Server) personEdit(w http.ResponseWriter, r *http.Request) {
	person, err := s.personFromPath(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := personFormPage{base: s.page(r, "person.edit", "people"), Types: inventory.EmploymentTypes, Person: person}
	s.render(w, r, http.StatusOK, "person_form", p)
}

func personFromForm(r *http.Request) inventory.Person {
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return inventory.Person{Name: f("name"), Kana: f("kana"), Email: f("email"), Department: f("department"),
		EmploymentType: inventory.EmploymentType(f("employment_type")), JoinDate: f("join_date"), LeaveDate: f("leave_date"),
		ManagerEmail: f("manager_email")}
}

func (s *Server) personCreate(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := personFormPage{base: s.page(r, "person.new", "people"), Types: inventory.EmploymentTypes, New: true}
	if err := parseForm(r); err != nil {
		s.formError(w, r, err, "person_form", &p, &p.base)
		return
	}
	p.Person = personFromForm(r)
	if err := st.tenant.AddPeople(r.Context(), st.actor(r), []inventory.Person{p.Person}); err != nil {
		s.formError(w, r, err, "person_form", &p, &p.base)
		return
	}
	redirect(w, r, p.OrgURL("/people"), "saved")
}

func (s *Server) personUpdate(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	current, err := s.personFromPath(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := personFormPage{base: s.page(r, "person.edit", "people"), Types: inventory.EmploymentTypes, Person: current}
	if err := parseForm(r); err != nil {
		s.formError(w, r, err, "person_form", &p, &p.base)
		return
	}
	p.Person = personFromForm(r)
	p.Person.ID = current.ID
	if err := st.tenant.UpdatePerson(r.Context(), st.actor(r), p.Person); err != nil {
		s.formError(w, r, err, "person_form", &p, &p.base)
		return
	}
	redirect(w, r, p.OrgURL("/people/"+strconv.FormatInt(current.ID, 10)), "saved")
}
