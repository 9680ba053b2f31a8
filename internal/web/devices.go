package web

import (
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/store"
)

// deviceKind: the equipment that holds or passes company data, from
// laptops to routers, VPN boxes and cameras.
var deviceKind = &kind[inventory.Device]{
	slug: "devices", one: "device",
	list: store.Tenant.Devices, get: store.Tenant.Device, save: store.Tenant.SaveDevice,
	id:   func(d *inventory.Device) *int64 { return &d.ID },
	name: func(d *inventory.Device) string { return d.Name },
	blank: func(v *view) inventory.Device {
		return inventory.Device{Kind: inventory.PC, PersonID: parseID(v.query.Get("person_id")), Ownership: inventory.CompanyIssued, Network: inventory.Internal}
	},
	fields:  deviceFields,
	parse:   parseDevice,
	columns: []string{"name", "kind", "person_id", "ownership", "disk_encryption", "os_version", "last_updated"},
	filters: []string{"kind", "ownership"},
	preload: func(v *view, list []inventory.Device) {
		preloadRefs(v, v.people, list, func(d *inventory.Device) int64 { return d.PersonID })
	},
}

func deviceFields(v *view, d *inventory.Device) []fieldset {
	return []fieldset{{Legend: v.T("inv.basics"), Fields: []field{
		v.text("name", d.Name).label(v.T("inv.name")).required().hint(v.T("inv.device.name_hint")),
		enum(v, "kind", "inv.device.kind.", inventory.DeviceKinds, d.Kind),
		pick(v, v.people, "person_id", d.PersonID, "inv.device.shared"),
		enum(v, "ownership", "inv.device.ownership.", ownerships, d.Ownership),
		enum(v, "network", "inv.device.network.", networkZones, d.Network),
		v.text("os_version", d.OSVersion),
		v.date("last_updated", d.LastUpdated),
	}}, {Legend: v.T("inv.device.protection"), Fields: []field{
		v.tri("disk_encryption", d.DiskEncryption),
		v.tri("screen_lock", d.ScreenLock),
		v.tri("remote_wipe", d.RemoteWipe),
		v.tri("antivirus", d.Antivirus),
		v.tri("default_password_changed", d.DefaultPasswordChanged).hint(v.T("inv.device.default_password_hint")),
		v.tri("guest_separated", d.GuestSeparated).hint(v.T("inv.device.guest_hint")),
	}}, {Legend: v.T("inv.device.disposal"), Fields: []field{
		v.date("disposed_on", d.DisposedOn),
		v.tri("erasure_done", d.ErasureDone),
		v.text("erasure_certificate", d.ErasureCertificate).hint(v.T("inv.device.certificate_hint")),
	}}}
}

func parseDevice(f *form) inventory.Device {
	tri := func(name string) inventory.Tri { return inventory.Tri(f.str(name)) }
	return inventory.Device{Name: f.str("name"), Kind: inventory.DeviceKind(f.str("kind")), PersonID: f.id("person_id"),
		Ownership: inventory.Ownership(f.str("ownership")), DiskEncryption: tri("disk_encryption"), ScreenLock: tri("screen_lock"),
		RemoteWipe: tri("remote_wipe"), Antivirus: tri("antivirus"), OSVersion: f.str("os_version"), LastUpdated: f.date("last_updated"),
		DefaultPasswordChanged: tri("default_password_changed"), Network: inventory.NetworkZone(f.str("network")),
		GuestSeparated: tri("guest_separated"), DisposedOn: f.date("disposed_on"), ErasureDone: tri("erasure_done"),
		ErasureCertificate: f.str("erasure_certificate")}
}
