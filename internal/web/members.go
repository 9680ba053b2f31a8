package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

type membersPage struct {
	base
	Members     []store.Member
	Invitations []store.Invitation // pending: address and role only
	Now         time.Time
	Roles       []org.Role
	Email, Name string
	InviteRole  org.Role
	MinPassword int
}

func (s *Server) membersPageData(r *http.Request) (membersPage, error) {
	st := stateOf(r)
	p := membersPage{base: s.page(r, "members.title", "members"), Roles: assignable(st.role), InviteRole: org.Member, MinPassword: auth.MinPasswordLength}
	var err error
	if p.Members, err = st.tenant.Members(r.Context()); err != nil {
		return p, err
	}
	p.Invitations, err = st.tenant.Invitations(r.Context())
	p.Now = s.Now()
	return p, err
}

// assignable lists the roles a member may hand out: nobody grants more
// than they hold, and only owners make owners.
func assignable(r org.Role) []org.Role {
	if r == org.Owner {
		return org.Roles
	}
	return []org.Role{org.Keeper, org.Auditor, org.Member}
}

func canAssign(by, role org.Role) bool {
	for _, x := range assignable(by) {
		if x == role {
			return true
		}
	}
	return false
}

func (s *Server) membersList(w http.ResponseWriter, r *http.Request) {
	p, err := s.membersPageData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "members", p)
}

// memberInvite invites an address. Whether or not it already has an
// account, the inviter sees the same: the initial password is checked and
// hashed every time, the organisation gains only a pending invitation,
// and the reply is the same redirect with the same words. The person
// joins when they accept.
func (s *Server) memberInvite(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p, err := s.membersPageData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := parseForm(r); err != nil {
		s.formError(w, r, err, "members", &p, &p.base)
		return
	}
	p.Email, p.Name = strings.TrimSpace(r.PostFormValue("email")), strings.TrimSpace(r.PostFormValue("name"))
	p.InviteRole = org.Role(r.PostFormValue("role"))
	if !canAssign(st.role, p.InviteRole) {
		s.formError(w, r, problem.Field("role", "member.role_invalid"), "members", &p, &p.base)
		return
	}
	pw := r.PostFormValue("password")
	if err := auth.CheckPasswordPolicy(pw); err != nil {
		s.formError(w, r, err, "members", &p, &p.base)
		return
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := st.tenant.Invite(r.Context(), st.actor(r), p.Email, p.Name, hash, p.InviteRole); err != nil {
		s.formError(w, r, err, "members", &p, &p.base)
		return
	}
	redirect(w, r, p.OrgURL("/members"), "member_invited")
}

func (s *Server) invitationCancel(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, problem.ErrNotFound)
		return
	}
	if err := st.tenant.CancelInvitation(r.Context(), st.actor(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/members", "invitation_cancelled")
}

// invitationAccept makes the signed-in user a member of the organisation
// that invited their own address.
func (s *Server) invitationAccept(w http.ResponseWriter, r *http.Request) {
	s.answerInvitation(w, r, true)
}

func (s *Server) invitationDecline(w http.ResponseWriter, r *http.Request) {
	s.answerInvitation(w, r, false)
}

func (s *Server) answerInvitation(w http.ResponseWriter, r *http.Request, accept bool) {
	st := stateOf(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, problem.ErrNotFound)
		return
	}
	if _, err := s.DB.AnswerInvitation(r.Context(), st.actor(r), st.user.ID, id, accept); err != nil {
		s.fail(w, r, err)
		return
	}
	if accept {
		redirect(w, r, "/portfolio", "invitation_accepted")
		return
	}
	redirect(w, r, "/portfolio", "invitation_declined")
}

func (s *Server) memberTarget(r *http.Request) (store.Member, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return store.Member{}, problem.ErrNotFound
	}
	return stateOf(r).tenant.Member(r.Context(), id)
}

func (s *Server) memberRole(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	m, err := s.memberTarget(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	role := org.Role(r.PostFormValue("role"))
	// Non-owners cannot touch an owner, nor grant what they do not hold.
	if !canAssign(st.role, role) || (m.Role == org.Owner && st.role != org.Owner) {
		s.fail(w, r, problem.New(problem.Forbidden, "error.forbidden"))
		return
	}
	if err := st.tenant.SetRole(r.Context(), st.actor(r), m.ID, role); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/members", "saved")
}

func (s *Server) memberRemove(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	m, err := s.memberTarget(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if m.Role == org.Owner && st.role != org.Owner {
		s.fail(w, r, problem.New(problem.Forbidden, "error.forbidden"))
		return
	}
	if err := st.tenant.Remove(r.Context(), st.actor(r), m.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/members", "member_removed")
}
