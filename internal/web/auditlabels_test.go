package web_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/i18n"
)

// TestAuditLabels walks the source for every audit action the code can
// record and every field its entries' before and after states hold, and
// asserts that each has a label in every catalogue: the audit page, its
// CSV and the histories show words, never codes.
func TestAuditLabels(t *testing.T) {
	actions, fields := auditVocabulary(t)
	if len(actions) < 40 || len(fields) < 80 {
		t.Fatalf("found %d actions and %d fields in the source; the scan is broken", len(actions), len(fields))
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range i18n.Locales {
		for _, a := range actions {
			if cat.Raw(l, "action."+a) == "" {
				t.Errorf("%s: no label for the audit action %q (key action.%s)", l, a, a)
			}
		}
		for _, f := range fields {
			if cat.Raw(l, "af."+f) == "" {
				t.Errorf("%s: no label for the audit field %q (key af.%s)", l, f, f)
			}
		}
	}
}

var (
	reActionField  = regexp.MustCompile(`Action:\s*"([a-z_]+\.[a-z_]+)"`)
	reActionConst  = regexp.MustCompile(`Action\s*=\s*"([a-z_]+\.[a-z_]+)"`)
	reActionVar    = regexp.MustCompile(`(?m)^.*\baction\b[^\n]*:?=[^\n]*$`)
	reDotted       = regexp.MustCompile(`"([a-z]+\.[a-z_]+)"`)
	reTableTarget  = regexp.MustCompile(`target:\s*"([a-z]+)"`)
	reTargetVerb   = regexp.MustCompile(`target \+ "\.([a-z_]+)"`)
	reCols         = regexp.MustCompile(`(?s)cols:\s*\[\]string\{(.*?)\}`)
	reMapKey       = regexp.MustCompile(`"([a-z_]+)":`)
	reIndexKey     = regexp.MustCompile(`m\["([a-z_]+)"\]\s*=`)
	reLiteral      = regexp.MustCompile(`"([a-z_]+)"`)
	reAuditStateFn = regexp.MustCompile(`(?m)^func (?:\([^)]*\) )?(\w*[aA]udit\w*|summary|auditPlaces)\(`)
	reActionParam  = regexp.MustCompile(`(?m)^func (?:\([^)]*\) )?(\w+)\([^)]*\baction string`)
)

// auditVocabulary scans the non-test Go files of internal/ and cmd/.
func auditVocabulary(t *testing.T) (actions, fields []string) {
	t.Helper()
	as, fs := map[string]bool{}, map[string]bool{}
	var targets, verbs []string
	var sources []string
	defer func() {
		// Functions taking the action as a parameter (updateUser): the
		// literals their callers pass.
		for _, src := range sources {
			for _, m := range reActionParam.FindAllStringSubmatch(src, -1) {
				call := regexp.MustCompile(`(?m)^.*\.` + m[1] + `\(.*$`)
				for _, other := range sources {
					for _, line := range call.FindAllString(other, -1) {
						for _, d := range reDotted.FindAllStringSubmatch(line, -1) {
							actions = append(actions, d[1])
						}
					}
				}
			}
		}
		slices.Sort(actions)
		actions = slices.Compact(actions)
	}()
	for _, root := range []string{"../../internal", "../../cmd"} {
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			src := string(b)
			sources = append(sources, src)
			for _, re := range []*regexp.Regexp{reActionField, reActionConst} {
				for _, m := range re.FindAllStringSubmatch(src, -1) {
					as[m[1]] = true
				}
			}
			if strings.Contains(src, "audit.Event") {
				for _, line := range reActionVar.FindAllString(src, -1) {
					for _, m := range reDotted.FindAllStringSubmatch(line, -1) {
						as[m[1]] = true
					}
				}
				// The keys of the before and after maps of each event …
				for _, ev := range blocks(src, "audit.Event{") {
					for _, m := range reMapKey.FindAllStringSubmatch(ev, -1) {
						fs[m[1]] = true
					}
				}
				// … and of the functions building them (personAudit, summary …).
				for _, loc := range reAuditStateFn.FindAllStringIndex(src, -1) {
					body := src[loc[0]:]
					if end := strings.Index(body, "\n}"); end > 0 {
						body = body[:end]
					}
					for _, re := range []*regexp.Regexp{reMapKey, reIndexKey} {
						for _, m := range re.FindAllStringSubmatch(body, -1) {
							fs[m[1]] = true
						}
					}
				}
			}
			// Inventory tables record their columns (table.auditOf).
			for _, m := range reTableTarget.FindAllStringSubmatch(src, -1) {
				targets = append(targets, m[1])
			}
			for _, m := range reTargetVerb.FindAllStringSubmatch(src, -1) {
				verbs = append(verbs, m[1])
			}
			if reTableTarget.MatchString(src) {
				for _, m := range reCols.FindAllStringSubmatch(src, -1) {
					for _, c := range reLiteral.FindAllStringSubmatch(m[1], -1) {
						fs[c[1]] = true
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, tg := range targets {
		for _, v := range verbs {
			as[tg+"."+v] = true
		}
	}
	for k := range as {
		actions = append(actions, k)
	}
	for k := range fs {
		fields = append(fields, k)
	}
	sort.Strings(actions)
	sort.Strings(fields)
	return actions, fields
}

// blocks returns the text of each brace-balanced literal starting at open.
func blocks(src, open string) []string {
	var out []string
	for i := strings.Index(src, open); i >= 0; {
		depth, j := 0, i+len(open)-1
		for ; j < len(src); j++ {
			if src[j] == '{' {
				depth++
			} else if src[j] == '}' {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		out = append(out, src[i:min(j+1, len(src))])
		next := strings.Index(src[i+len(open):], open)
		if next < 0 {
			break
		}
		i += len(open) + next
	}
	return out
}
