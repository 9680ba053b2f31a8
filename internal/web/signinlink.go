package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/nearmiss"
	"github.com/mamori-sec/mamori/internal/notify"
	"github.com/mamori-sec/mamori/internal/store"
)

// How often a sign-in link may be asked for: per address, and per client
// whatever the address (in memory, like the public channel's counters).
const (
	linksPerAccount = 3
	linksPerClient  = 10
	linkWindow      = 15 * time.Minute
)

// linkLimits count the sign-in links asked for.
type linkLimits struct {
	account, client nearmiss.Limiter
}

func newLinkLimits() *linkLimits {
	return &linkLimits{account: nearmiss.Limiter{Max: linksPerAccount, Window: linkWindow}, client: nearmiss.Limiter{Max: linksPerClient, Window: linkWindow}}
}

// linkRequest mails a one-time sign-in link, through the job queue and the
// organisation's mail settings, to the address typed if it is a member's.
// The answer is the same whether or not the address is known, a link was
// sent, or the request was held back by the limits: a page that differed
// would tell who works where.
func (s *Server) linkRequest(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	email := store.NormaliseEmail(strings.TrimSpace(r.PostFormValue("email")))
	now := s.Now()
	okClient, _ := s.linkSends.client.Allow(auth.ThrottleClient(clientIP(r)), now)
	okAccount, _ := s.linkSends.account.Allow(email, now)
	if email != "" && okClient && okAccount && s.Jobs != nil {
		if err := s.sendLink(r, email); err != nil {
			s.Logger.Error("sign-in link", "component", "signin", "account_hash", accountHash(email), "error", err)
		}
	}
	redirect(w, r, "/signin", "link_sent")
}

// sendLink queues the link for the user at email through the first of
// their organisations whose mail is set up.
func (s *Server) sendLink(r *http.Request, email string) error {
	ctx := r.Context()
	u, err := s.DB.UserByEmail(ctx, email)
	if err != nil || u.Disabled {
		return nil
	}
	orgs, err := s.DB.UserOrgs(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		ch, err := s.DB.Tenant(o.ID).Channel(ctx, notify.Email)
		if err != nil {
			return err
		}
		if ch.Enabled {
			actor := stateOf(r).actor(r)
			actor.UserID, actor.Label = u.ID, u.Email
			return s.Jobs.SendSignInLink(ctx, actor, o.ID, u.ID)
		}
	}
	return nil
}
