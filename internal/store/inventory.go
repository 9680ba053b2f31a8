package store

import (
	"context"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/inventory"
)

var services = &table[inventory.Service]{
	name: "services", target: "service",
	cols:   []string{"name", "catalogue_key", "category", "admins", "owner_department", "data_held", "sso", "mfa", "data_country", "internet_facing", "cloud_check_done", "notes"},
	key:    []string{"name"},
	search: []string{"name", "admins", "owner_department", "data_held"},
	ptrs: func(s *inventory.Service) []any {
		return []any{&s.Name, &s.CatalogueKey, &s.Category, &s.Admins, &s.OwnerDepartment, &s.DataHeld, flag{&s.SSO}, &s.MFA, &s.DataCountry, flag{&s.InternetFacing}, &s.CloudCheckDone, &s.Notes}
	},
	vals: func(s *inventory.Service) []any {
		return []any{s.Name, s.CatalogueKey, s.Category, s.Admins, s.OwnerDepartment, s.DataHeld, flagVal(s.SSO), s.MFA, s.DataCountry, flagVal(s.InternetFacing), s.CloudCheckDone, s.Notes}
	},
	id:    func(s *inventory.Service) *int64 { return &s.ID },
	org:   func(s *inventory.Service) *int64 { return &s.OrgID },
	check: func(s *inventory.Service) error { return s.Validate() },
	kind:  inventory.Services,
}

var accounts = &table[inventory.Account]{
	name: "accounts", target: "account",
	cols:   []string{"service_id", "person_id", "login_id", "kind", "privilege", "mfa", "status", "created_on", "last_login", "ends_on"},
	key:    []string{"service_id", "login_id"},
	search: []string{"login_id"},
	ptrs: func(a *inventory.Account) []any {
		return []any{&a.ServiceID, &a.PersonID, &a.LoginID, &a.Kind, &a.Privilege, &a.MFA, &a.Status, &a.CreatedOn, &a.LastLogin, &a.EndsOn}
	},
	vals: func(a *inventory.Account) []any {
		return []any{a.ServiceID, a.PersonID, a.LoginID, a.Kind, a.Privilege, a.MFA, a.Status, a.CreatedOn, a.LastLogin, a.EndsOn}
	},
	id:    func(a *inventory.Account) *int64 { return &a.ID },
	org:   func(a *inventory.Account) *int64 { return &a.OrgID },
	check: func(a *inventory.Account) error { return a.Validate() },
	kind:  inventory.Accounts,
}

var devices = &table[inventory.Device]{
	name: "devices", target: "device",
	cols: []string{"name", "kind", "person_id", "ownership", "disk_encryption", "screen_lock", "remote_wipe", "antivirus", "os_version",
		"last_updated", "default_password_changed", "network", "guest_separated", "disposed_on", "erasure_done", "erasure_certificate"},
	key:    []string{"name"},
	search: []string{"name", "os_version"},
	ptrs: func(d *inventory.Device) []any {
		return []any{&d.Name, &d.Kind, &d.PersonID, &d.Ownership, &d.DiskEncryption, &d.ScreenLock, &d.RemoteWipe, &d.Antivirus, &d.OSVersion,
			&d.LastUpdated, &d.DefaultPasswordChanged, &d.Network, &d.GuestSeparated, &d.DisposedOn, &d.ErasureDone, &d.ErasureCertificate}
	},
	vals: func(d *inventory.Device) []any {
		return []any{d.Name, d.Kind, d.PersonID, d.Ownership, d.DiskEncryption, d.ScreenLock, d.RemoteWipe, d.Antivirus, d.OSVersion,
			d.LastUpdated, d.DefaultPasswordChanged, d.Network, d.GuestSeparated, d.DisposedOn, d.ErasureDone, d.ErasureCertificate}
	},
	id:    func(d *inventory.Device) *int64 { return &d.ID },
	org:   func(d *inventory.Device) *int64 { return &d.OrgID },
	check: func(d *inventory.Device) error { return d.Validate() },
	kind:  inventory.Devices,
}

var assets = &table[inventory.Asset]{
	name: "assets", target: "asset",
	cols: []string{"business_area", "name", "notes", "user_scope", "owner_department", "medium", "personal_info", "sensitive_info", "my_number",
		"confidentiality", "integrity", "availability", "retention_until", "registered_on", "people_concerned", "data_level"},
	key:    []string{"name", "medium"},
	search: []string{"name", "business_area", "owner_department", "medium"},
	ptrs: func(a *inventory.Asset) []any {
		return []any{&a.BusinessArea, &a.Name, &a.Notes, &a.UserScope, &a.OwnerDepartment, &a.Medium, flag{&a.PersonalInfo}, flag{&a.SensitiveInfo}, flag{&a.MyNumber},
			&a.Confidentiality, &a.Integrity, &a.Availability, &a.RetentionUntil, &a.RegisteredOn, &a.PeopleConcerned, &a.DataLevel}
	},
	vals: func(a *inventory.Asset) []any {
		return []any{a.BusinessArea, a.Name, a.Notes, a.UserScope, a.OwnerDepartment, a.Medium, flagVal(a.PersonalInfo), flagVal(a.SensitiveInfo), flagVal(a.MyNumber),
			a.Confidentiality, a.Integrity, a.Availability, a.RetentionUntil, a.RegisteredOn, a.PeopleConcerned, a.DataLevel}
	},
	id:    func(a *inventory.Asset) *int64 { return &a.ID },
	org:   func(a *inventory.Asset) *int64 { return &a.OrgID },
	check: func(a *inventory.Asset) error { return a.Validate() },
	kind:  inventory.Assets,
}

var shares = &table[inventory.Share]{
	name: "shares", target: "share",
	cols:   []string{"service_id", "path", "scope", "permission", "expires_on", "owner", "asset_id", "created_on", "last_reviewed"},
	key:    []string{"service_id", "path", "scope"},
	search: []string{"path", "owner"},
	ptrs: func(s *inventory.Share) []any {
		return []any{&s.ServiceID, &s.Path, &s.Scope, &s.Permission, &s.ExpiresOn, &s.Owner, &s.AssetID, &s.CreatedOn, &s.LastReviewed}
	},
	vals: func(s *inventory.Share) []any {
		return []any{s.ServiceID, s.Path, s.Scope, s.Permission, s.ExpiresOn, s.Owner, s.AssetID, s.CreatedOn, s.LastReviewed}
	},
	id:    func(s *inventory.Share) *int64 { return &s.ID },
	org:   func(s *inventory.Share) *int64 { return &s.OrgID },
	check: func(s *inventory.Share) error { return s.Validate() },
	kind:  inventory.Shares,
}

// Services lists the organisation's services.
func (t Tenant) Services(ctx context.Context, q ListQuery) ([]inventory.Service, int, error) {
	return services.list(ctx, t.db, t.org, q)
}

// Service returns one service.
func (t Tenant) Service(ctx context.Context, id int64) (inventory.Service, error) {
	return services.get(ctx, t.db.r, t.db, t.org, id)
}

// ServicesByID returns the organisation's services among ids.
func (t Tenant) ServicesByID(ctx context.Context, ids []int64) ([]inventory.Service, error) {
	return services.byIDs(ctx, t.db, t.org, ids)
}

// SaveService adds (ID 0) or changes a service.
func (t Tenant) SaveService(ctx context.Context, actor audit.Actor, s *inventory.Service) error {
	return save(ctx, t, actor, services, s, s.ID)
}

// Accounts lists the organisation's accounts.
func (t Tenant) Accounts(ctx context.Context, q ListQuery) ([]inventory.Account, int, error) {
	return accounts.list(ctx, t.db, t.org, q)
}

// Account returns one account.
func (t Tenant) Account(ctx context.Context, id int64) (inventory.Account, error) {
	return accounts.get(ctx, t.db.r, t.db, t.org, id)
}

// SaveAccount adds (ID 0) or changes an account; its service and person
// must belong to the organisation.
func (t Tenant) SaveAccount(ctx context.Context, actor audit.Actor, a *inventory.Account) error {
	if err := t.ownsRefs(ctx, a.ServiceID, a.PersonID); err != nil {
		return err
	}
	return save(ctx, t, actor, accounts, a, a.ID)
}

// Devices lists the organisation's devices.
func (t Tenant) Devices(ctx context.Context, q ListQuery) ([]inventory.Device, int, error) {
	return devices.list(ctx, t.db, t.org, q)
}

// Device returns one device.
func (t Tenant) Device(ctx context.Context, id int64) (inventory.Device, error) {
	return devices.get(ctx, t.db.r, t.db, t.org, id)
}

// DevicesByID returns the organisation's devices among ids.
func (t Tenant) DevicesByID(ctx context.Context, ids []int64) ([]inventory.Device, error) {
	return devices.byIDs(ctx, t.db, t.org, ids)
}

// SaveDevice adds (ID 0) or changes a device.
func (t Tenant) SaveDevice(ctx context.Context, actor audit.Actor, d *inventory.Device) error {
	if err := t.ownsRefs(ctx, 0, d.PersonID); err != nil {
		return err
	}
	return save(ctx, t, actor, devices, d, d.ID)
}

// Assets lists the organisation's information assets.
func (t Tenant) Assets(ctx context.Context, q ListQuery) ([]inventory.Asset, int, error) {
	return assets.list(ctx, t.db, t.org, q)
}

// Asset returns one information asset with its places.
func (t Tenant) Asset(ctx context.Context, id int64) (inventory.Asset, error) {
	a, err := assets.get(ctx, t.db.r, t.db, t.org, id)
	if err != nil {
		return a, err
	}
	return a, t.loadPlaces(ctx, []*inventory.Asset{&a})
}

// AssetsByID returns the organisation's information assets among ids,
// without their places (see LoadPlaces).
func (t Tenant) AssetsByID(ctx context.Context, ids []int64) ([]inventory.Asset, error) {
	return assets.byIDs(ctx, t.db, t.org, ids)
}

// LoadPlaces reads where each of the assets lives, in one query: the list
// leaves places out.
func (t Tenant) LoadPlaces(ctx context.Context, list []*inventory.Asset) error {
	return t.loadPlaces(ctx, list)
}

// SaveAsset adds (ID 0) or changes an information asset and its places.
func (t Tenant) SaveAsset(ctx context.Context, actor audit.Actor, a *inventory.Asset) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		if err := assets.check(a); err != nil {
			return err
		}
		if err := assets.keyFree(ctx, tx, t.org, a); err != nil {
			return err
		}
		return t.saveAsset(ctx, tx, a)
	})
}

// Shares lists the organisation's shares.
func (t Tenant) Shares(ctx context.Context, q ListQuery) ([]inventory.Share, int, error) {
	return shares.list(ctx, t.db, t.org, q)
}

// Share returns one share.
func (t Tenant) Share(ctx context.Context, id int64) (inventory.Share, error) {
	return shares.get(ctx, t.db.r, t.db, t.org, id)
}

// SaveShare adds (ID 0) or changes a share.
func (t Tenant) SaveShare(ctx context.Context, actor audit.Actor, s *inventory.Share) error {
	if err := t.ownsRefs(ctx, s.ServiceID, 0); err != nil {
		return err
	}
	return save(ctx, t, actor, shares, s, s.ID)
}

func save[T any](ctx context.Context, t Tenant, actor audit.Actor, tb *table[T], rec *T, id int64) error {
	return t.change(ctx, actor, func(tx *Tx) error { return saveTx(ctx, t, tx, tb, rec, id) })
}

// saveTx is save inside a change that does more (the telework self-check
// writes a person's devices with its own record).
func saveTx[T any](ctx context.Context, t Tenant, tx *Tx, tb *table[T], rec *T, id int64) error {
	if err := tb.check(rec); err != nil {
		return err
	}
	if err := tb.keyFree(ctx, tx, t.org, rec); err != nil {
		return err
	}
	if id == 0 {
		return tb.insert(ctx, tx, t.org, rec)
	}
	return tb.update(ctx, tx, t.org, rec)
}
