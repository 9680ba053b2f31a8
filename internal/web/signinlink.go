package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/notify"
	"github.com/mamori-sec/mamori/internal/store"
)

// How often a sign-in link may be asked for: per address, and per client
// whatever the address. The counts are kept in the database
// (store.DB.CountEvent), so several app servers share them, under keyed
// hashes of the address and the client (seal.Box.MAC), never themselves.
const (
	linksPerAccount = 3
	linksPerClient  = 10
	linkWindow      = 15 * time.Minute
)

// linkLimits keys the sign-in link's counters. Without a secret box (a
// test server), the key is a per-process salt: the counts then hold for
// this process only.
type linkLimits struct {
	salt []byte
}

func newLinkLimits() *linkLimits {
	salt := make([]byte, 32)
	if _, err := rand.Read(salt); err != nil {
		panic(err)
	}
	return &linkLimits{salt: salt}
}

// linkKey is the counter key of what (an address, a client) in scope.
func (s *Server) linkKey(scope, what string) string {
	if s.Box != nil {
		return s.Box.MAC("signin-link:"+scope, []byte(what))
	}
	m := hmac.New(sha256.New, s.linkSends.salt)
	m.Write([]byte(scope + "\x00" + what))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// linkAllowed counts one ask of email from the request's client; both
// are counted whatever the other says, as before.
func (s *Server) linkAllowed(r *http.Request, email string) (bool, error) {
	ctx := r.Context()
	okClient, _, err := s.DB.CountEvent(ctx, s.linkKey("client", auth.ThrottleClient(clientIP(r))), linksPerClient, linkWindow)
	if err != nil {
		return false, err
	}
	okAccount, _, err := s.DB.CountEvent(ctx, s.linkKey("account", email), linksPerAccount, linkWindow)
	if err != nil {
		return false, err
	}
	return okClient && okAccount, nil
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
	if email == "" {
		redirect(w, r, "/signin", "link_sent")
		return
	}
	ok, err := s.linkAllowed(r, email)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if ok && s.Jobs != nil {
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
