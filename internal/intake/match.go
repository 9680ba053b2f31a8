package intake

import (
	"strings"

	"github.com/mamori-sec/mamori/internal/inventory"
)

// fold is the form names are matched in: inventory.Fold, the one the
// store refuses a duplicate by.
func fold(s string) string { return inventory.Fold(s) }

// foldTight is fold without any spaces: 「山田 太郎」 and 「山田太郎」 are one
// name.
func foldTight(s string) string {
	return strings.ReplaceAll(fold(s), " ", "")
}

// lowerEmail is how addresses are compared and stored.
func lowerEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// isEmail reports an address-like login ID.
func isEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && at == strings.LastIndexByte(s, '@') && strings.Contains(s[at+1:], ".") && !strings.ContainsAny(s, " \t,;<>")
}

// catalogueKey is the catalogue entry a service name refers to, "" none.
func catalogueKey(name string) string {
	if e, ok := inventory.Lookup(name); ok {
		return e.Key
	}
	return ""
}

// serviceIndex finds services by name, and adds new ones on first use.
type serviceIndex struct {
	byFold map[string]*inventory.Service
	byCat  map[string]*inventory.Service
	byID   map[int64]*inventory.Service
}

func newServiceIndex(list []inventory.Service) *serviceIndex {
	ix := &serviceIndex{byFold: map[string]*inventory.Service{}, byCat: map[string]*inventory.Service{}, byID: map[int64]*inventory.Service{}}
	for i := range list {
		ix.add(&list[i])
	}
	return ix
}

// add indexes s; a name or catalogue entry seen before keeps its first
// (oldest) service.
func (ix *serviceIndex) add(s *inventory.Service) {
	if s.ID != 0 {
		ix.byID[s.ID] = s
	}
	if k := fold(s.Name); ix.byFold[k] == nil {
		ix.byFold[k] = s
	}
	key := s.CatalogueKey
	if key == "" {
		key = catalogueKey(s.Name)
	}
	if key != "" && ix.byCat[key] == nil {
		ix.byCat[key] = s
	}
}

// find returns the service name refers to, nil when there is none.
func (ix *serviceIndex) find(name string) *inventory.Service {
	if s := ix.byFold[fold(name)]; s != nil {
		return s
	}
	if key := catalogueKey(name); key != "" {
		return ix.byCat[key]
	}
	return nil
}
