package web

import (
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/store"
)

// accountKind: the logins in each service, linked to the person who uses
// them.
var accountKind = &kind[inventory.Account]{
	slug: "accounts", one: "account",
	list: store.Tenant.Accounts, get: store.Tenant.Account, save: store.Tenant.SaveAccount,
	id:   func(a *inventory.Account) *int64 { return &a.ID },
	name: func(a *inventory.Account) string { return a.LoginID },
	blank: func(v *view) inventory.Account {
		return inventory.Account{ServiceID: parseID(v.query.Get("service_id")), PersonID: parseID(v.query.Get("person_id")),
			Kind: inventory.Personal, Privilege: inventory.Edit, MFA: inventory.MFAUnknown, Status: inventory.Active}
	},
	fields:  accountFields,
	parse:   parseAccount,
	columns: []string{"login_id", "service_id", "person_id", "kind", "privilege", "mfa", "status", "last_login"},
	filters: []string{"service_id", "kind", "privilege", "mfa", "status"},
	preload: func(v *view, list []inventory.Account) {
		preloadRefs(v, v.services, list, func(a *inventory.Account) int64 { return a.ServiceID })
		preloadRefs(v, v.people, list, func(a *inventory.Account) int64 { return a.PersonID })
	},
}

func accountFields(v *view, a *inventory.Account) []fieldset {
	return []fieldset{{Legend: v.T("inv.basics"), Fields: []field{
		pick(v, v.services, "service_id", a.ServiceID, "").required(),
		v.described(inventory.Accounts, "login_id", a.LoginID).required().hint(v.T("inv.account.login_hint")),
		pick(v, v.people, "person_id", a.PersonID, "inv.account.nobody"),
		v.described(inventory.Accounts, "kind", string(a.Kind)),
		v.described(inventory.Accounts, "privilege", string(a.Privilege)),
		v.described(inventory.Accounts, "mfa", string(a.MFA)),
		v.described(inventory.Accounts, "status", string(a.Status)),
	}}, {Legend: v.T("inv.dates"), Fields: []field{
		v.described(inventory.Accounts, "created_on", a.CreatedOn),
		v.described(inventory.Accounts, "last_login", a.LastLogin),
		v.described(inventory.Accounts, "ends_on", a.EndsOn).hint(v.T("inv.account.ends_hint")),
	}}}
}

func parseAccount(f *form) inventory.Account {
	return inventory.Account{ServiceID: f.id("service_id"), PersonID: f.id("person_id"), LoginID: f.str("login_id"),
		Kind: inventory.AccountKind(f.str("kind")), Privilege: inventory.Privilege(f.str("privilege")),
		MFA: inventory.AccountMFA(f.str("mfa")), Status: inventory.AccountStatus(f.str("status")),
		CreatedOn: f.date("created_on"), LastLogin: f.date("last_login"), EndsOn: f.date("ends_on")}
}
