package web

import (
	"strconv"
	"strings"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/store"
)

// assetKind: the information-asset ledger (情報資産管理台帳) of the IPA
// guideline, with where each asset lives: services, devices and paper.
var assetKind = &kind[inventory.Asset]{
	slug: "assets", one: "asset",
	list: store.Tenant.Assets, get: store.Tenant.Asset, save: store.Tenant.SaveAsset,
	id:   func(a *inventory.Asset) *int64 { return &a.ID },
	name: func(a *inventory.Asset) string { return a.Name },
	blank: func(v *view) inventory.Asset {
		return inventory.Asset{RegisteredOn: calendar.Of(v.now).String()}
	},
	fields:  assetFields,
	parse:   parseAsset,
	columns: []string{"name", "business_area", "owner_department", "medium", "personal_info", "importance", "retention_until"},
	filters: []string{"personal_info"},
	related: assetShares,
}

// importance is 重要度 as shown: the level and a badge class by level.
func (v *view) importance(a *inventory.Asset) field {
	n := a.Importance()
	return v.computed("importance", "inv.asset.importance", v.T("inv.level."+strconv.Itoa(n)), "badge level"+strconv.Itoa(n))
}

func assetFields(v *view, a *inventory.Asset) []fieldset {
	return []fieldset{{Legend: v.T("inv.basics"), Fields: []field{
		v.described(inventory.Assets, "business_area", a.BusinessArea),
		v.described(inventory.Assets, "name", a.Name).label(v.T("inv.asset.name")).required(),
		v.described(inventory.Assets, "notes", a.Notes),
		v.described(inventory.Assets, "user_scope", a.UserScope),
		v.described(inventory.Assets, "owner_department", a.OwnerDepartment),
		v.described(inventory.Assets, "medium", a.Medium).hint(v.T("inv.asset.medium_hint")),
	}}, {Legend: v.T("inv.asset.personal"), Fields: []field{
		v.check("personal_info", a.PersonalInfo),
		v.check("sensitive_info", a.SensitiveInfo),
		v.check("my_number", a.MyNumber),
		v.number("people_concerned", a.PeopleConcerned),
	}}, {Legend: v.T("inv.asset.rating"), Fields: []field{
		v.level("confidentiality", a.Confidentiality).hint(v.T("inv.asset.c_hint")),
		v.level("integrity", a.Integrity).hint(v.T("inv.asset.i_hint")),
		v.level("availability", a.Availability).hint(v.T("inv.asset.a_hint")),
		v.importance(a).hint(v.T("inv.asset.importance_hint")),
		v.level("data_level", a.DataLevel),
	}}, {Legend: v.T("inv.asset.keeping"), Fields: []field{
		v.described(inventory.Assets, "retention_until", a.RetentionUntil).hint(v.T("inv.asset.retention_hint")),
		v.described(inventory.Assets, "registered_on", a.RegisteredOn),
	}}, {Legend: v.T("inv.asset.places"), Fields: []field{
		pickMany(v, v.services, "service_ids", a.ServiceIDs),
		pickMany(v, v.devices, "device_ids", a.DeviceIDs),
		v.area("paper_locations", strings.Join(a.PaperLocations, "\n")).hint(v.T("inv.asset.paper_hint")),
	}}}
}

func parseAsset(f *form) inventory.Asset {
	return inventory.Asset{BusinessArea: f.str("business_area"), Name: f.str("name"), Notes: f.str("notes"), UserScope: f.str("user_scope"),
		OwnerDepartment: f.str("owner_department"), Medium: f.str("medium"), PersonalInfo: f.flag("personal_info"),
		SensitiveInfo: f.flag("sensitive_info"), MyNumber: f.flag("my_number"), Confidentiality: f.num("confidentiality"),
		Integrity: f.num("integrity"), Availability: f.num("availability"), RetentionUntil: f.str("retention_until"),
		RegisteredOn: f.date("registered_on"), PeopleConcerned: f.num("people_concerned"), DataLevel: f.num("data_level"),
		ServiceIDs: f.ids("service_ids"), DeviceIDs: f.ids("device_ids"), PaperLocations: f.lines("paper_locations")}
}

// assetShares lists the shares that hold the asset.
func assetShares(v *view, a *inventory.Asset) []section {
	id := strconv.FormatInt(a.ID, 10)
	list, total, err := v.t.Shares(v.ctx, store.ListQuery{Filters: map[string]string{"asset_id": id}, Limit: listPageSize})
	v.keep(err)
	sec := section{Title: v.T("inv.asset.shares"), Empty: v.T("inv.asset.no_shares")}
	for _, s := range list {
		sec.Items = append(sec.Items, shown{Text: s.Path + v.T("inv.asset.share_scope", v.T("inv.share.scope."+string(s.Scope))),
			Link: v.OrgURL("/shares/" + strconv.FormatInt(s.ID, 10))})
	}
	if total > len(list) {
		sec.Items = append(sec.Items, shown{Text: v.T("inv.more", total), Link: v.OrgURL("/shares?asset_id=" + id)})
	}
	return []section{sec}
}
