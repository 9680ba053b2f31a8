package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/workflow"
)

// The joiner / mover / leaver checklists: on the person's page, and the
// list of open ones. The store generates and closes them on the job path;
// these handlers show them and take a person's marks.

// checklistView is a checklist as a page shows it.
type checklistView struct {
	workflow.Checklist
	Overdue bool
	Person  inventory.Person
	Items   []itemView
	// Open and Total count the checklist's items (Items, in words, is
	// filled only where the page lists them).
	Open, Total int
}

// itemView is an item in words, with a link to its record.
type itemView struct {
	workflow.Item
	Text   string
	Link   string
	Closer string // who closed it, "" for the data
}

// namer resolves the records items are about, once per page.
type namer struct {
	ctx      context.Context
	t        store.Tenant
	services map[int64]string
	members  map[int64]store.Member
}

func newNamer(ctx context.Context, t store.Tenant) (*namer, error) {
	n := &namer{ctx: ctx, t: t, services: map[int64]string{}, members: map[int64]store.Member{}}
	ms, err := t.Members(ctx)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		n.members[m.ID] = m
	}
	return n, nil
}

func (n *namer) service(id int64) string {
	if name, ok := n.services[id]; ok {
		return name
	}
	name := ""
	if s, err := n.t.Service(n.ctx, id); err == nil {
		name = s.Name
	}
	n.services[id] = name
	return name
}

// item words an item for b's reader: the record by its name (account login
// and service, device name, share path), never by its number unless the
// record is gone.
func (n *namer) item(b base, it workflow.Item) itemView {
	v := itemView{Item: it}
	key := "workflow.item." + string(it.Kind)
	gone := func(kind string) string { return b.T("target."+kind, strconv.FormatInt(it.Subject.ID, 10)) }
	switch it.Subject.Kind {
	case workflow.AccountSubject:
		a, err := n.t.Account(n.ctx, it.Subject.ID)
		if err != nil {
			v.Text = b.T(key, gone("account"), "", b.T("inv.account.privilege.edit"))
			break
		}
		v.Text = b.T(key, a.LoginID, n.service(a.ServiceID), b.T("inv.account.privilege."+string(a.Privilege)))
		v.Link = b.OrgURL("/accounts/" + strconv.FormatInt(a.ID, 10))
	case workflow.DeviceSubject:
		d, err := n.t.Device(n.ctx, it.Subject.ID)
		if err != nil {
			v.Text = b.T(key, gone("device"))
			break
		}
		v.Text, v.Link = b.T(key, d.Name), b.OrgURL("/devices/"+strconv.FormatInt(d.ID, 10))
	case workflow.ShareSubject:
		s, err := n.t.Share(n.ctx, it.Subject.ID)
		if err != nil {
			v.Text = b.T(key, gone("share"))
			break
		}
		v.Text, v.Link = b.T(key, s.Path), b.OrgURL("/shares/"+strconv.FormatInt(s.ID, 10))
	case workflow.ServiceSubject:
		name := n.service(it.Subject.ID)
		if name == "" {
			name = gone("service")
		} else {
			v.Link = b.OrgURL("/services/" + strconv.FormatInt(it.Subject.ID, 10))
		}
		v.Text = b.T(key, name)
	case workflow.UserSubject:
		name := gone("user")
		if m, ok := n.members[it.Subject.ID]; ok {
			name = m.Email
		}
		v.Text = b.T(key, name)
	default:
		if it.Kind == workflow.Manual {
			v.Text = it.Label
		} else {
			v.Text = b.T(key)
		}
	}
	if m, ok := n.members[it.ClosedBy]; ok && it.ClosedBy != 0 {
		v.Closer = m.Name
	}
	return v
}

func (n *namer) views(b base, lists []workflow.Checklist, today calendar.Day) []checklistView {
	out := make([]checklistView, len(lists))
	for i, c := range lists {
		out[i] = checklistView{Checklist: c, Overdue: c.Overdue(today), Open: c.OpenItems(), Total: len(c.Items)}
		for _, it := range c.Items {
			out[i].Items = append(out[i].Items, n.item(b, it))
		}
	}
	return out
}

// personChecklists fills the person page's checklists.
func (s *Server) personChecklists(r *http.Request, p *personPage) error {
	st := stateOf(r)
	lists, err := st.tenant.PersonChecklists(r.Context(), p.Person.ID)
	if err != nil || len(lists) == 0 {
		return err
	}
	n, err := newNamer(r.Context(), st.tenant)
	if err != nil {
		return err
	}
	p.Checklists = n.views(p.base, lists, calendar.Of(s.Now()))
	return nil
}

type checklistsPage struct {
	base
	Checklists []checklistView
}

// checklistList shows every open checklist, leavers first, overdue ones in
// red.
func (s *Server) checklistList(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := checklistsPage{base: s.page(r, "workflow.list.title", "people")}
	lists, err := st.tenant.OpenChecklists(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ids := make([]int64, 0, len(lists))
	for _, c := range lists {
		ids = append(ids, c.PersonID)
	}
	people, err := st.tenant.PeopleByID(r.Context(), ids)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	byID := make(map[int64]inventory.Person, len(people))
	for _, pp := range people {
		byID[pp.ID] = pp
	}
	today := calendar.Of(s.Now())
	for _, c := range lists {
		p.Checklists = append(p.Checklists, checklistView{Checklist: c, Overdue: c.Overdue(today), Person: byID[c.PersonID], Open: c.OpenItems(), Total: len(c.Items)})
	}
	s.render(w, r, http.StatusOK, "checklists", p)
}

// checklistItemMark marks an item done or not needed (with a reason), or
// opens it again, and goes back to the person's page.
func (s *Server) checklistItemMark(w http.ResponseWriter, r *http.Request) {
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
	m := workflow.Mark{Status: workflow.Status(r.PostFormValue("status")), Note: r.PostFormValue("note")}
	it, err := st.tenant.MarkItem(r.Context(), st.actor(r), id, m)
	if err != nil {
		s.checklistError(w, r, it.PersonID, id, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/people/"+strconv.FormatInt(it.PersonID, 10)+"?ok=checklist_saved#checklist-"+strconv.FormatInt(it.ChecklistID, 10), "")
}

// checklistItemAdd adds the keeper's own item to a checklist.
func (s *Server) checklistItemAdd(w http.ResponseWriter, r *http.Request) {
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
	it, err := st.tenant.AddItem(r.Context(), st.actor(r), id, r.PostFormValue("label"))
	if err != nil {
		s.checklistError(w, r, it.PersonID, 0, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/people/"+strconv.FormatInt(it.PersonID, 10)+"?ok=checklist_item_added#checklist-"+strconv.FormatInt(id, 10), "")
}

// checklistError shows a refused mark or item on the person's page, with
// the reason above the checklist; anything else goes to the error page.
func (s *Server) checklistError(w http.ResponseWriter, r *http.Request, personID, itemID int64, err error) {
	e, ok := problem.As(err)
	if !ok || personID == 0 || (e.Code != problem.Invalid && e.Code != problem.Conflict) {
		s.fail(w, r, err)
		return
	}
	st := stateOf(r)
	person, perr := st.tenant.Person(r.Context(), personID)
	if perr != nil {
		s.fail(w, r, err)
		return
	}
	p := personPage{base: s.page(r, "person.title", "people"), Person: person}
	if err := s.personChecklists(r, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	p.ErrorItem = itemID
	s.formError(w, r, err, "person", &p, &p.base)
}
