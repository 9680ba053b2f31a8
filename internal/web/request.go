package web

import (
	"context"
	"net/http"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
)

// state is what the middleware learns about a request, in the order it
// learns it. Handlers read it with stateOf.
type state struct {
	locale  i18n.Locale
	session *auth.Session // nil when not signed in (or only half-way)
	user    *auth.User
	pending *auth.Session   // password accepted, second factor awaited
	token   *store.APIToken // the API token a script signed in with, else nil
	org     org.Org         // set on organisation routes
	role    org.Role
	tenant  store.Tenant
}

type stateKey struct{}

func stateOf(r *http.Request) *state {
	if st, ok := r.Context().Value(stateKey{}).(*state); ok {
		return st
	}
	return &state{locale: i18n.English}
}

func withState(r *http.Request, st *state) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), stateKey{}, st))
}

// actor is who the audit trail records for this request.
func (st *state) actor(r *http.Request) audit.Actor {
	a := audit.Actor{IP: clientIP(r)}
	switch {
	case st.user != nil:
		a.UserID, a.Label = st.user.ID, st.user.Email
	default:
		a.Label = "anonymous"
	}
	return a
}

// can reports whether the request's role in its organisation holds p.
func (st *state) can(p org.Permission) bool { return st.role.Can(p) }
