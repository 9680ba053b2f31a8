// Package web is mamori's browser interface: server-rendered pages in
// Japanese and English, htmx for partial updates, every page usable without
// JavaScript. Routes are listed in routes.go; each feature has its own
// handler file; templates and static files are embedded beside them.
package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/netip"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/seal"
	"github.com/mamori-sec/mamori/internal/store"
)

//go:embed templates static
var assets embed.FS

// Deps is what the web layer needs from the rest of mamori.
type Deps struct {
	DB        *store.DB
	Catalogue *i18n.Catalogue
	Box       *seal.Box
	// Jobs is the job queue (jobs page, retry, test messages); nil on a
	// server without one, whose jobs page says so.
	Jobs     JobBoard
	Logger   *slog.Logger
	Now      func() time.Time
	Throttle auth.Throttle
	// TrustedProxies are the peers whose X-Forwarded-For is believed
	// (--trusted-proxy); empty, the header is ignored.
	TrustedProxies []netip.Prefix
	Version        string
	// MaxFormBytes bounds a request body; larger posts get 413.
	MaxFormBytes int64
	// MaxImports bounds the imports read at once (web preview and apply,
	// API); 0 means DefaultMaxImports. One more is refused with 429.
	MaxImports int
	// BehindTLSProxy says that browsers reach mamori only over HTTPS, through
	// a proxy that terminates TLS: every response then carries HSTS. Off,
	// plain HTTP (localhost, a first try) is never pinned to HTTPS.
	BehindTLSProxy bool
	// MailSpool is the mail guard's spool directory, where the files
	// behind download links are sealed (internal/mailrelay).
	MailSpool string
	// Metrics writes the running relay's counters on /metrics; nil, the
	// page is empty.
	Metrics Metrics
}

// Server holds what every handler shares. It is immutable after NewServer.
type Server struct {
	Deps
	pages       map[string]*template.Template
	static      map[string]staticFile // by hashed name
	staticURL   map[string]string     // logical name → hashed URL
	routes      []route
	links       *linkRoutes // the GET routes, to judge the links a page offers
	dash        *dashCache
	chromes     *chromeCache
	dashPages   *dashPages
	dashMods    *dashMods
	portfolios  *portfolios
	signingIn   *pairLocks    // sign-in checks in progress, one per pair
	denied      *deniedLog    // which refused requests reach the audit trail
	importSlots chan struct{} // a token per import being read (importSlot)
	public      *publicLimits // the public near-miss channel's counters
	linkSends   *linkLimits   // sign-in links asked for, per address and client
}

type staticFile struct {
	body        []byte
	contentType string
}

// NewServer parses every template and hashes every static file (once per
// process, see parsedAssets), failing at start-up rather than at request
// time if one is missing or broken.
func NewServer(d Deps) (*Server, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Throttle == (auth.Throttle{}) {
		d.Throttle = auth.DefaultThrottle
	}
	if d.MaxFormBytes == 0 {
		d.MaxFormBytes = 1 << 20
	}
	if d.MaxImports <= 0 {
		d.MaxImports = DefaultMaxImports
	}
	s := &Server{Deps: d, dash: &dashCache{}, dashPages: &dashPages{}, dashMods: &dashMods{}, portfolios: &portfolios{},
		signingIn: &pairLocks{}, denied: newDeniedLog(), importSlots: make(chan struct{}, d.MaxImports), public: newPublicLimits(), linkSends: newLinkLimits()}
	a, err := parsedAssets()
	if err != nil {
		return nil, err
	}
	s.static, s.staticURL, s.pages = a.static, a.staticURL, a.pages
	s.chromes = &chromeCache{t: a.chrome}
	s.routes = s.routeTable()
	s.links = newLinkRoutes(s.routes)
	return s, nil
}

// parsed is what NewServer builds from the embedded files: the static
// files under their hashed names and the parsed templates. It depends on
// nothing but the embedded files, so a process builds it once
// (parsedAssets) and every server shares it; html/template is safe to
// execute from several goroutines, and nothing changes it afterwards.
type parsed struct {
	static    map[string]staticFile // by hashed name
	staticURL map[string]string     // logical name → hashed URL
	pages     map[string]*template.Template
	chrome    *template.Template
}

var parsedAssets = sync.OnceValues(func() (*parsed, error) {
	a := &parsed{static: map[string]staticFile{}, staticURL: map[string]string{}}
	if err := a.loadStatic(); err != nil {
		return nil, err
	}
	if err := a.loadTemplates(); err != nil {
		return nil, err
	}
	return a, nil
})

func (a *parsed) loadStatic() error {
	entries, err := fs.ReadDir(assets, "static")
	if err != nil {
		return err
	}
	types := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png"}
	for _, e := range entries {
		b, err := assets.ReadFile("static/" + e.Name())
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(e.Name())
		hashed := strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:])[:12] + ext
		a.static[hashed] = staticFile{body: b, contentType: types[ext]}
		a.staticURL[e.Name()] = "/static/" + hashed
	}
	return nil
}

func (a *parsed) loadTemplates() error {
	funcs := template.FuncMap{
		"asset": func(name string) (string, error) {
			u, ok := a.staticURL[name]
			if !ok {
				return "", fmt.Errorf("no static file %q", name)
			}
			return u, nil
		},
		"add":      func(a, b int) int { return a + b },
		"sevclass": sevClass,
		"dict":     dict,
	}
	pages, err := fs.Glob(assets, "templates/pages/*.html")
	if err != nil {
		return err
	}
	a.pages = map[string]*template.Template{}
	for _, p := range pages {
		name := strings.TrimSuffix(path.Base(p), ".html")
		t, err := template.New(name).Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/partials/*.html", p)
		if err != nil {
			return fmt.Errorf("template %s: %w", name, err)
		}
		a.pages[name] = t
	}
	if len(a.pages) == 0 {
		return fmt.Errorf("no page templates embedded")
	}
	a.chrome, err = template.New("chrome").Funcs(funcs).ParseFS(assets, "templates/layout.html")
	if err != nil {
		return fmt.Errorf("template layout: %w", err)
	}
	return nil
}

// dict builds a map from key, value pairs, to hand a partial template more
// than one value.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// sevClass is the CSS class of a severity badge.
func sevClass(sev any) string { return fmt.Sprintf("sev-%v", sev) }
