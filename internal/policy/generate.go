package policy

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"text/template"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/i18n"
)

//go:embed templates
var templates embed.FS

// Facts are what a company's own set says about it: filled into the
// templates when a draft is generated. Names only, never ids.
type Facts struct {
	Company  string
	Date     string   // the day the draft is made, written in the draft's language
	Services []string // every service in the inventory, by name
	Cloud    []string // the cloud services among them
	Chat     []string // the mail and chat services among them
	PCs      int
	Phones   int
	Roles    map[Role]string // the person holding each role, by name
	Contacts []Contact       // WithDefaults order
}

// Audience is who a "three rules" sheet is for.
type Audience string

// The audiences of the sheets.
const (
	Staff    Audience = "staff"
	Managers Audience = "managers"
	Keepers  Audience = "keeper"
)

// Audiences lists the sheets in order.
var Audiences = []Audience{Staff, Managers, Keepers}

// Valid reports whether a is an audience with a sheet.
func (a Audience) Valid() bool { return a == Staff || a == Managers || a == Keepers }

// words are the few words a template needs that are not sentences
// (templates/<lang>/words.json), beside the templates in that language.
func words(l string) map[string]string {
	b, err := fs.ReadFile(templates, path.Join("templates", lang(l), "words.json"))
	if err != nil {
		panic(err) // embedded: a missing file fails every test
	}
	var w map[string]string
	if err := json.Unmarshal(b, &w); err != nil {
		panic(err)
	}
	return w
}

func lang(l string) string {
	if l == "ja" {
		return "ja"
	}
	return "en"
}

func funcs(l string, f Facts) template.FuncMap {
	w := words(l)
	return template.FuncMap{
		"list": func(xs []string) string {
			if len(xs) == 0 {
				return w["none"]
			}
			return strings.Join(xs, w["sep"])
		},
		"role": func(r string) string {
			if n := f.Roles[Role(r)]; n != "" {
				return n
			}
			return w["unassigned"]
		},
		"contacts": func() string {
			var b strings.Builder
			for _, c := range f.Contacts {
				var how []string
				if c.Name != "" {
					how = append(how, c.Name)
				}
				if c.Phone != "" {
					how = append(how, w["phone"]+" "+c.Phone)
				}
				if c.Email != "" {
					how = append(how, w["mail"]+" "+c.Email)
				}
				if c.URL != "" {
					how = append(how, w["web"]+" "+c.URL)
				}
				if len(how) == 0 {
					how = append(how, w["nocontact"])
				}
				fmt.Fprintf(&b, "- %s%s%s\n", w[string(c.Kind)], w["colon"], strings.Join(how, w["sep"]))
			}
			return strings.TrimRight(b.String(), "\n")
		},
	}
}

func execute(l, name string, f Facts) (string, error) {
	p := path.Join("templates", lang(l), name)
	src, err := fs.ReadFile(templates, p)
	if err != nil {
		return "", fmt.Errorf("policy template %s: %w", p, err)
	}
	t, err := template.New(name).Funcs(funcs(l, f)).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return "", fmt.Errorf("policy template %s: %w", p, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, f); err != nil {
		return "", fmt.Errorf("policy template %s: %w", p, err)
	}
	return strings.TrimSpace(b.String()) + "\n", nil
}

// Generate writes a company's basic policy and its rule chapters in
// language l ("ja" or "en") from the templates, with f filled in.
func Generate(l string, f Facts) (basic, rules string, err error) {
	if basic, err = execute(l, "basic.md", f); err != nil {
		return "", "", err
	}
	names, err := fs.Glob(templates, path.Join("templates", lang(l), "rules_*.md"))
	if err != nil {
		return "", "", err
	}
	sort.Strings(names)
	var parts []string
	for _, n := range names {
		s, err := execute(l, path.Base(n), f)
		if err != nil {
			return "", "", err
		}
		parts = append(parts, s)
	}
	return basic, strings.Join(parts, "\n"), nil
}

// Sheet writes the one-page "three rules" sheet for audience a.
func Sheet(l string, a Audience, f Facts) (string, error) {
	if !a.Valid() {
		return "", fmt.Errorf("policy: no sheet for %q", a)
	}
	return execute(l, "sheet_"+string(a)+".md", f)
}

// mailChat are the catalogue keys and name fragments of mail and chat
// services, for the e-mail and chat chapter.
var mailChat = []string{"google_workspace", "microsoft_365", "slack", "chatwork", "line_works", "zoom", "gmail", "outlook", "teams", "mail", "chat"}

// MailOrChat reports whether a service (by its catalogue key or name) is
// one people write mail or chat messages with.
func MailOrChat(key, name string) bool {
	n := strings.ToLower(name)
	for _, m := range mailChat {
		if key == m || strings.Contains(n, strings.ReplaceAll(m, "_", " ")) {
			return true
		}
	}
	return false
}

// Texts are the four texts of a version, as generated.
type Texts struct {
	BasicJA, BasicEN, RulesJA, RulesEN string
}

// GenerateAll writes the basic policy and the rules in Japanese and in
// English, dated now (in Japan), with f filled in.
func GenerateAll(f Facts, now time.Time) (Texts, error) {
	var t Texts
	var err error
	now = now.In(calendar.Japan)
	f.Date = i18n.FormatDate(i18n.Japanese, now)
	if t.BasicJA, t.RulesJA, err = Generate("ja", f); err != nil {
		return t, err
	}
	f.Date = i18n.FormatDate(i18n.English, now)
	t.BasicEN, t.RulesEN, err = Generate("en", f)
	return t, err
}
