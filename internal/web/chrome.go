package web

import (
	"bytes"
	"errors"
	"html/template"
	"sync"

	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/org"
)

// chrome is the page's frame around its content: head, header, language
// switch and menus. It depends only on chromeKey, so it is rendered once
// for each language, page, organisation, role and user and reused: about
// forty translations and permission checks a page, through html/template's
// reflective calls, were most of the cost of a small page.
type chrome struct {
	Top template.HTML // up to the language switch's return path
	Nav template.HTML // from there to the opening of <main>
}

// chromeKey is everything the chrome shows. A change to any of them (a
// renamed organisation or user, another role) is another key, so nothing
// has to be invalidated.
type chromeKey struct {
	locale     i18n.Locale
	title, nav string
	orgID      int64
	orgSlug    string
	orgName    string
	role       org.Role
	hasUser    bool
	userName   string
	mailGuard  bool // the organisation's mail guard is on: its links show
}

// chromeCache holds rendered chromes, forgetting them all when it is full
// (a key per user and page: a bound, not an eviction policy).
type chromeCache struct {
	t       *template.Template // "chrome-top" and "chrome-nav" of layout.html
	mu      sync.RWMutex
	entries map[chromeKey]chrome
}

const chromeCacheMax = 4096

func (c *chromeCache) get(b base) (chrome, error) {
	if c == nil {
		return chrome{}, errors.New("page without a chrome cache: build its base with Server.page")
	}
	k := chromeKey{locale: b.Locale, title: b.Title, nav: b.Nav, orgID: b.Org.ID, orgSlug: b.Org.Slug, orgName: b.Org.Name, role: b.Role, mailGuard: b.MailGuard}
	if b.User != nil {
		k.hasUser, k.userName = true, b.User.Name
	}
	c.mu.RLock()
	ch, ok := c.entries[k]
	c.mu.RUnlock()
	if ok {
		return ch, nil
	}
	// Render from the key alone, so that nothing outside it can leak into
	// another request's page.
	kb := base{cat: b.cat, Locale: k.locale, Title: k.title, Nav: k.nav, Role: k.role, Version: b.Version, MailGuard: k.mailGuard}
	kb.Org.ID, kb.Org.Slug, kb.Org.Name = k.orgID, k.orgSlug, k.orgName
	if k.hasUser {
		kb.User = &auth.User{Name: k.userName}
	}
	var top, nav bytes.Buffer
	if err := c.t.ExecuteTemplate(&top, "chrome-top", kb); err != nil {
		return chrome{}, err
	}
	if err := c.t.ExecuteTemplate(&nav, "chrome-nav", kb); err != nil {
		return chrome{}, err
	}
	ch = chrome{Top: template.HTML(top.String()), Nav: template.HTML(nav.String())}
	c.mu.Lock()
	if len(c.entries) >= chromeCacheMax {
		c.entries = nil
	}
	if c.entries == nil {
		c.entries = map[chromeKey]chrome{}
	}
	c.entries[k] = ch
	c.mu.Unlock()
	return ch, nil
}

// Chrome is the page's frame, for the layout.
func (b base) Chrome() (chrome, error) { return b.chromes.get(b) }
