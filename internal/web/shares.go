package web

import (
	"context"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

// shareKind: files, folders and links reachable beyond their owner.
var shareKind = &kind[inventory.Share]{
	slug: "shares", one: "share",
	list: store.Tenant.Shares, get: store.Tenant.Share, save: saveShare,
	id:   func(s *inventory.Share) *int64 { return &s.ID },
	name: func(s *inventory.Share) string { return s.Path },
	blank: func(v *view) inventory.Share {
		return inventory.Share{ServiceID: parseID(v.query.Get("service_id")), AssetID: parseID(v.query.Get("asset_id")),
			Scope: inventory.AnyoneWithLink, Permission: inventory.ShareView}
	},
	fields:  shareFields,
	parse:   parseShare,
	columns: []string{"path", "service_id", "scope", "permission", "expires_on", "owner", "asset_id", "last_reviewed"},
	filters: []string{"service_id", "scope", "permission", "asset_id"},
	preload: func(v *view, list []inventory.Share) {
		preloadRefs(v, v.services, list, func(s *inventory.Share) int64 { return s.ServiceID })
		preloadRefs(v, v.assets, list, func(s *inventory.Share) int64 { return s.AssetID })
	},
}

func shareFields(v *view, s *inventory.Share) []fieldset {
	return []fieldset{{Legend: v.T("inv.basics"), Fields: []field{
		pick(v, v.services, "service_id", s.ServiceID, "").required(),
		v.described(inventory.Shares, "path", s.Path).required().hint(v.T("inv.share.path_hint")),
		v.described(inventory.Shares, "scope", string(s.Scope)),
		v.described(inventory.Shares, "permission", string(s.Permission)),
		v.described(inventory.Shares, "owner", s.Owner),
		pick(v, v.assets, "asset_id", s.AssetID, "inv.share.no_asset").hint(v.T("inv.share.asset_hint")),
	}}, {Legend: v.T("inv.dates"), Fields: []field{
		v.described(inventory.Shares, "expires_on", s.ExpiresOn).hint(v.T("inv.share.expires_hint")),
		v.described(inventory.Shares, "created_on", s.CreatedOn),
		v.described(inventory.Shares, "last_reviewed", s.LastReviewed),
	}}}
}

func parseShare(f *form) inventory.Share {
	return inventory.Share{ServiceID: f.id("service_id"), Path: f.str("path"), Scope: inventory.ShareScope(f.str("scope")),
		Permission: inventory.SharePermission(f.str("permission")), ExpiresOn: f.date("expires_on"), Owner: f.str("owner"),
		AssetID: f.id("asset_id"), CreatedOn: f.date("created_on"), LastReviewed: f.date("last_reviewed")}
}

// saveShare saves a share after checking that the asset it names is one of
// the organisation's (the store checks the service, not the asset).
func saveShare(t store.Tenant, ctx context.Context, actor audit.Actor, s *inventory.Share) error {
	if s.AssetID != 0 {
		if _, err := t.Asset(ctx, s.AssetID); problem.CodeOf(err) == problem.NotFound {
			return problem.Field("asset_id", "inventory.asset_unknown")
		} else if err != nil {
			return err
		}
	}
	return t.SaveShare(ctx, actor, s)
}
