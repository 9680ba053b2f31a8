package inventory

// Tri is a yes/no answer that may not be known yet. Unknown is never taken
// as a pass: checks that need the answer say so.
type Tri string

// The three answers.
const (
	Unknown Tri = ""
	Yes     Tri = "yes"
	No      Tri = "no"
)

// ServiceCategory groups services.
type ServiceCategory string

// The categories.
const (
	Cloud   ServiceCategory = "cloud"   // SaaS / cloud service
	OnPrem  ServiceCategory = "onprem"  // software or server in the office
	Network ServiceCategory = "network" // internet line, VPN, DNS, mail relay…
)

// MFAState is what a service offers for a second factor.
type MFAState string

// The states.
const (
	MFANone      MFAState = "none"      // the service has no second factor
	MFAAvailable MFAState = "available" // offered, left to each user
	MFAEnforced  MFAState = "enforced"  // required for every user
)

// AccountKind says whose an account is.
type AccountKind string

// The kinds.
const (
	Personal   AccountKind = "personal" // one person's own
	Shared     AccountKind = "shared"   // 共用: several people know the password
	ServiceAcc AccountKind = "service"  // used by a program, not a person
	Guest      AccountKind = "guest"    // invited from outside
	External   AccountKind = "external" // outside party (partner, contractor) with its own login
)

// Privilege is what an account may do in its service.
type Privilege string

// The privileges, most powerful first.
const (
	Admin    Privilege = "admin"
	Edit     Privilege = "edit"
	View     Privilege = "view"
	Download Privilege = "download"
)

// AccountMFA is whether an account uses a second factor.
type AccountMFA string

// The values.
const (
	MFAOn      AccountMFA = "on"
	MFAOff     AccountMFA = "off"
	MFAUnknown AccountMFA = "unknown"
)

// AccountStatus is whether an account can sign in.
type AccountStatus string

// The statuses.
const (
	Active    AccountStatus = "active"
	Suspended AccountStatus = "suspended"
	Deleted   AccountStatus = "deleted"
)

// DeviceKind is what a device is.
type DeviceKind string

// The kinds, from the seeds' list of what small offices own.
const (
	PC         DeviceKind = "pc"
	Smartphone DeviceKind = "smartphone"
	Tablet     DeviceKind = "tablet"
	USBMedia   DeviceKind = "usb"
	Router     DeviceKind = "router"
	UTM        DeviceKind = "utm" // UTM / firewall
	VPN        DeviceKind = "vpn" // VPN appliance
	WiFiAP     DeviceKind = "wifi_ap"
	NAS        DeviceKind = "nas"
	MFP        DeviceKind = "mfp" // 複合機
	Camera     DeviceKind = "camera"
	IoT        DeviceKind = "iot"
	OtherKind  DeviceKind = "other"
)

// DeviceKinds lists the kinds in display order.
var DeviceKinds = []DeviceKind{PC, Smartphone, Tablet, USBMedia, Router, UTM, VPN, WiFiAP, NAS, MFP, Camera, IoT, OtherKind}

// Ownership says who owns a device.
type Ownership string

// The owners.
const (
	CompanyIssued Ownership = "company"
	BYOD          Ownership = "byod"
)

// NetworkZone is where a device is connected.
type NetworkZone string

// The zones.
const (
	Internal  NetworkZone = "internal"
	GuestWiFi NetworkZone = "guest_wifi"
	Home      NetworkZone = "home"
	Mobile    NetworkZone = "mobile"
)

// ShareScope is how far a share reaches beyond its owner.
type ShareScope string

// The scopes, widest first.
const (
	AnyoneWithLink ShareScope = "anyone_link"     // リンクを知っている全員
	Public         ShareScope = "public"          // findable on the web
	ExternalDomain ShareScope = "external_domain" // a whole outside domain
	ExternalPeople ShareScope = "external_people" // named outside people
	WholeOrg       ShareScope = "organisation"    // everyone in the company
)

// BeyondCompany reports whether a share with this scope reaches anyone or
// people outside the company. A scope mamori does not know may reach
// anyone.
func (s ShareScope) BeyondCompany() bool { return s != WholeOrg }

// SharePermission is what the reached people may do.
type SharePermission string

// The permissions.
const (
	ShareView SharePermission = "view"
	ShareEdit SharePermission = "edit"
)
