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
		v.described(inventory.Devices, "name", d.Name).label(v.T("inv.name")).required().hint(v.T("inv.device.name_hint")),
		v.described(inventory.Devices, "kind", string(d.Kind)),
		pick(v, v.people, "person_id", d.PersonID, "inv.device.shared"),
		v.described(inventory.Devices, "ownership", string(d.Ownership)),
		v.described(inventory.Devices, "network", string(d.Network)),
		v.described(inventory.Devices, "os_version", d.OSVersion),
		v.described(inventory.Devices, "last_updated", d.LastUpdated),
	}}, {Legend: v.T("inv.device.protection"), Fields: []field{
		v.described(inventory.Devices, "disk_encryption", string(d.DiskEncryption)),
		v.described(inventory.Devices, "screen_lock", string(d.ScreenLock)),
		v.described(inventory.Devices, "remote_wipe", string(d.RemoteWipe)),
		v.described(inventory.Devices, "antivirus", string(d.Antivirus)),
		v.described(inventory.Devices, "default_password_changed", string(d.DefaultPasswordChanged)).hint(v.T("inv.device.default_password_hint")),
		v.described(inventory.Devices, "guest_separated", string(d.GuestSeparated)).hint(v.T("inv.device.guest_hint")),
	}}, {Legend: v.T("inv.device.disposal"), Fields: []field{
		v.described(inventory.Devices, "disposed_on", d.DisposedOn),
		v.described(inventory.Devices, "erasure_done", string(d.ErasureDone)),
		v.described(inventory.Devices, "erasure_certificate", d.ErasureCertificate).hint(v.T("inv.device.certificate_hint")),
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
