package web

import (
	"strconv"
	"strings"

	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
)

// serviceKind: the services the company uses. A new one can start from the
// built-in catalogue, which fills in the usual defaults.
var serviceKind = &kind[inventory.Service]{
	slug: "services", one: "service",
	list: store.Tenant.Services, get: store.Tenant.Service, save: store.Tenant.SaveService,
	id:      func(s *inventory.Service) *int64 { return &s.ID },
	name:    func(s *inventory.Service) string { return s.Name },
	blank:   newService,
	fields:  serviceFields,
	parse:   parseService,
	columns: []string{"name", "category", "mfa", "sso", "data_country", "owner_department", "cloud_check_done"},
	filters: []string{"category", "mfa"},
	related: serviceRelated,
	starter: catalogueGroups,
}

// newService is a blank service, or the catalogue entry named by ?from=.
func newService(v *view) inventory.Service {
	if e, ok := inventory.CatalogueByKey(v.query.Get("from")); ok {
		s := e.Service()
		s.Name = e.Label(v.T)
		return s
	}
	return inventory.Service{Category: inventory.Cloud, MFA: inventory.MFAAvailable, InternetFacing: true}
}

func serviceFields(v *view, s *inventory.Service) []fieldset {
	main := []field{
		v.described(inventory.Services, "name", s.Name).label(v.T("inv.name")).required(),
		v.hidden("catalogue_key", s.CatalogueKey),
		v.described(inventory.Services, "category", string(s.Category)),
		v.described(inventory.Services, "admins", s.Admins).hint(v.T("inv.service.admins_hint")),
		v.described(inventory.Services, "owner_department", s.OwnerDepartment),
		v.described(inventory.Services, "data_held", s.DataHeld).hint(v.T("inv.service.data_held_hint")),
	}
	if e, ok := inventory.CatalogueByKey(s.CatalogueKey); ok {
		main = append(main, v.computed("catalogue", "inv.service.catalogue", v.T(e.DescriptionKey()), ""))
	}
	return []fieldset{{Legend: v.T("inv.basics"), Fields: main}, {Legend: v.T("inv.service.security"), Fields: []field{
		v.described(inventory.Services, "mfa", string(s.MFA)),
		v.check("sso", s.SSO),
		v.check("internet_facing", s.InternetFacing),
		v.described(inventory.Services, "data_country", s.DataCountry).hint(v.T("inv.service.data_country_hint")),
		v.described(inventory.Services, "cloud_check_done", s.CloudCheckDone).hint(v.T("inv.service.cloud_check_hint")),
		v.described(inventory.Services, "notes", s.Notes),
	}}}
}

func parseService(f *form) inventory.Service {
	s := inventory.Service{Name: f.str("name"), CatalogueKey: f.str("catalogue_key"), Category: inventory.ServiceCategory(f.str("category")),
		Admins: f.str("admins"), OwnerDepartment: f.str("owner_department"), DataHeld: f.str("data_held"), SSO: f.flag("sso"),
		MFA: inventory.MFAState(f.str("mfa")), DataCountry: strings.ToUpper(f.str("data_country")), InternetFacing: f.flag("internet_facing"),
		CloudCheckDone: f.date("cloud_check_done"), Notes: f.str("notes")}
	if _, ok := inventory.CatalogueByKey(s.CatalogueKey); !ok {
		s.CatalogueKey = ""
		if e, ok := inventory.Lookup(s.Name); ok {
			s.CatalogueKey = e.Key
		}
	}
	return s
}

// serviceRelated counts the accounts and shares in the service, each
// linking to the list filtered to it.
func serviceRelated(v *view, s *inventory.Service) []section {
	id := strconv.FormatInt(s.ID, 10)
	only := store.ListQuery{Filters: map[string]string{"service_id": id}, Limit: 1}
	_, accounts, err := v.t.Accounts(v.ctx, only)
	v.keep(err)
	_, shares, err := v.t.Shares(v.ctx, only)
	v.keep(err)
	sec := section{Title: v.T("inv.service.in_service"), Items: []shown{
		{Text: v.T("inv.service.accounts_count", accounts), Link: v.OrgURL("/accounts?service_id=" + id)},
		{Text: v.T("inv.service.shares_count", shares), Link: v.OrgURL("/shares?service_id=" + id)},
	}}
	if v.Can(string(org.EditProgramme)) {
		sec.Items = append(sec.Items,
			shown{Text: v.T("inv.service.add_account"), Link: v.OrgURL("/accounts/new?service_id=" + id)},
			shown{Text: v.T("inv.service.add_share"), Link: v.OrgURL("/shares/new?service_id=" + id)})
	}
	if s.Category == inventory.Cloud {
		// The 15-point cloud-service check and its history (selfdiag).
		sec.Items = append(sec.Items, shown{Text: v.T("cloudcheck.link"), Link: v.OrgURL("/services/" + id + "/cloud-check")})
	}
	return []section{sec}
}

// catalogueGroups offers the catalogue by category.
func catalogueGroups(v *view) []group {
	var out []group
	from := v.query.Get("from")
	category, _ := inventory.Services.Field("category")
	for _, c := range category.Values {
		g := group{Label: v.T(c.Label)}
		for _, e := range inventory.Catalogue() {
			if string(e.Category) == c.Code {
				g.Options = append(g.Options, option{Value: e.Key, Label: e.Label(v.T), Selected: e.Key == from})
			}
		}
		out = append(out, g)
	}
	return out
}
