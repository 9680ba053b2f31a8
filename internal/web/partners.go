package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/partner"
	"github.com/mamori-sec/mamori/internal/problem"
)

// The partners register (取引先・委託先): one list of the companies the
// organisation corresponds with or entrusts work to, whether the mail
// guard is on or not. The mail guard reads their names and domains; the
// self-diagnosis reads whether the contracts of those entrusted with
// important information hold confidentiality terms (question 22).

// partnerForm is the register's form as typed: dates stay as text so a
// refused form shows what was entered.
type partnerForm struct {
	ID                         int64
	Name, Domains, Terms, Note string
	AgreedOn, EndsOn           string
	Entrusted                  bool
}

// partnerRow is one partner in the list, in words.
type partnerRow struct {
	ID               int64
	Name, Domains    string
	Entrusted        bool
	Terms            string
	TermsMissing     bool // entrusted, and no terms known
	AgreedOn, EndsOn string
	Ended            bool
	Note             string
}

type termsChoice struct{ Value, Label string }

type partnersPage struct {
	base
	Partners []partnerRow
	Form     partnerForm
	Terms    []termsChoice
	CanEdit  bool
	// Entrusted and WithTerms count the partners entrusted with important
	// information and those of them with confidentiality terms.
	Entrusted, WithTerms int
	MailGuard            bool
}

func (s *Server) partnersPageData(r *http.Request, title string) (*partnersPage, error) {
	st := stateOf(r)
	ctx := r.Context()
	p := &partnersPage{base: s.page(r, title, "partners"), CanEdit: st.can(org.EditProgramme)}
	for _, t := range partner.TermsChoices {
		p.Terms = append(p.Terms, termsChoice{Value: string(t), Label: p.T(t.Key())})
	}
	list, err := st.tenant.Partners(ctx)
	if err != nil {
		return nil, err
	}
	today := calendar.Of(s.Now())
	for _, pt := range list {
		row := partnerRow{ID: pt.ID, Name: pt.Name, Domains: strings.Join(pt.Domains, ", "), Entrusted: pt.Entrusted,
			Terms: p.T(pt.Terms.Key()), TermsMissing: pt.Entrusted && pt.Terms != partner.TermsYes, Note: pt.Note}
		if pt.AgreedOn != 0 {
			row.AgreedOn = p.Day(pt.AgreedOn.String())
		}
		if pt.EndsOn != 0 {
			row.EndsOn, row.Ended = p.Day(pt.EndsOn.String()), pt.EndsOn < today
		}
		if pt.Entrusted {
			p.Entrusted++
			if pt.Terms == partner.TermsYes {
				p.WithTerms++
			}
		}
		p.Partners = append(p.Partners, row)
	}
	p.MailGuard, err = st.tenant.MailguardEnabled(ctx)
	return p, err
}

func (s *Server) partnersList(w http.ResponseWriter, r *http.Request) {
	p, err := s.partnersPageData(r, "partner.title")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "partners", p)
}

// readPartnerForm reads the posted form into the record; a day that
// cannot be read (和暦 accepted) is refused naming its field.
func readPartnerForm(r *http.Request) (partnerForm, partner.Partner, error) {
	f := r.PostFormValue
	form := partnerForm{Name: f("name"), Domains: f("domains"), Terms: f("terms"), Note: f("note"),
		AgreedOn: strings.TrimSpace(f("agreed_on")), EndsOn: strings.TrimSpace(f("ends_on")), Entrusted: f("entrusted") == "on"}
	pt := partner.Partner{Name: form.Name, Domains: partner.SplitDomains(form.Domains), Entrusted: form.Entrusted,
		Terms: partner.Terms(form.Terms), Note: form.Note}
	for _, d := range []struct {
		field, text string
		day         *calendar.Day
	}{{"agreed_on", form.AgreedOn, &pt.AgreedOn}, {"ends_on", form.EndsOn, &pt.EndsOn}} {
		if d.text == "" {
			continue
		}
		day, err := calendar.Parse(d.text)
		if err != nil {
			return form, pt, problem.Field(d.field, "partner.day_invalid", d.text)
		}
		*d.day = day
	}
	return form, pt, nil
}

func (s *Server) partnerAdd(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	err := parseForm(r)
	var form partnerForm
	if err == nil {
		var pt partner.Partner
		if form, pt, err = readPartnerForm(r); err == nil {
			_, err = st.tenant.AddPartner(r.Context(), st.actor(r), pt)
		}
	}
	if err != nil {
		p, perr := s.partnersPageData(r, "partner.title")
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		p.Form = form
		s.formError(w, r, err, "partners", p, &p.base)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/partners", "partner_added")
}

func (s *Server) partnerEdit(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pt, err := st.tenant.Partner(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.partnersPageData(r, "partner.edit_title")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Form = partnerForm{ID: pt.ID, Name: pt.Name, Domains: strings.Join(pt.Domains, " "), Terms: string(pt.Terms), Note: pt.Note, Entrusted: pt.Entrusted}
	if pt.AgreedOn != 0 {
		p.Form.AgreedOn = pt.AgreedOn.String()
	}
	if pt.EndsOn != 0 {
		p.Form.EndsOn = pt.EndsOn.String()
	}
	s.render(w, r, http.StatusOK, "partner", p)
}

func (s *Server) partnerSave(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := st.tenant.Partner(r.Context(), id); err != nil {
		s.fail(w, r, err) // another organisation's partner is not found
		return
	}
	err = parseForm(r)
	var form partnerForm
	if err == nil {
		var pt partner.Partner
		if form, pt, err = readPartnerForm(r); err == nil {
			pt.ID = id
			err = st.tenant.UpdatePartner(r.Context(), st.actor(r), pt)
		}
	}
	if err != nil {
		if errors.Is(err, problem.ErrNotFound) {
			s.fail(w, r, err)
			return
		}
		p, perr := s.partnersPageData(r, "partner.edit_title")
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		form.ID = id
		p.Form = form
		s.formError(w, r, err, "partner", p, &p.base)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/partners", "partner_saved")
}

func (s *Server) partnerRemove(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := st.tenant.RemovePartner(r.Context(), st.actor(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/partners", "partner_removed")
}

// partnersHubLine is the register's line on the 現状把握 hub: how many
// partners are entrusted with important information and how many of
// their contracts hold confidentiality terms.
func (s *Server) partnersHubLine(r *http.Request, b base) (hubLine, error) {
	l := hubLine{ID: "hub-partners", Title: b.T("partner.title"), Link: b.OrgURL("/partners"), Hint: b.T("hub.posture.partners_hint")}
	list, err := stateOf(r).tenant.Partners(r.Context())
	if err != nil {
		return l, err
	}
	entrusted, with := 0, 0
	for _, pt := range list {
		if pt.Entrusted {
			entrusted++
			if pt.Terms == partner.TermsYes {
				with++
			}
		}
	}
	switch {
	case len(list) == 0:
		l.Status = b.T("partner.none")
	case entrusted == 0:
		l.Status = b.T("hub.posture.partners_status_none_entrusted", len(list))
	default:
		l.Status, l.Alert = b.T("hub.posture.partners_status", len(list), entrusted, with), with < entrusted
	}
	return l, nil
}
