package findings

import (
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/i18n"

	"github.com/mamori-sec/mamori/internal/inventory"
)

// tc is one case of a check: an edit of the clean company, and the subject
// the check must report — or, when fires is the zero Ref, that it must
// stay quiet.
type tc struct {
	name  string
	edit  func(s *Snapshot)
	fires Ref
}

func person_(id int64) Ref  { return Ref{KindPerson, id} }
func account_(id int64) Ref { return Ref{KindAccount, id} }
func device_(id int64) Ref  { return Ref{KindDevice, id} }
func asset_(id int64) Ref   { return Ref{KindAsset, id} }
func share_(id int64) Ref   { return Ref{KindShare, id} }
func service_(id int64) Ref { return Ref{KindService, id} }

var quiet Ref

// cases holds, for every check, at least one case that fires and one that
// does not; TestChecksTable fails for a check missing either.
var cases = map[string][]tc{
	"people.departed_active": {
		{"left ten days ago with an active account", func(s *Snapshot) { person(s, 3).LeaveDate = ago(10) }, person_(3)},
		{"leaves today", func(s *Snapshot) { person(s, 3).LeaveDate = ago(0) }, person_(3)},
		{"leaves tomorrow", func(s *Snapshot) { person(s, 3).LeaveDate = ahead(1) }, quiet},
		{"left, account suspended", func(s *Snapshot) {
			person(s, 3).LeaveDate = ago(10)
			account(s, 102).Status = inventory.Suspended
		}, quiet},
	},
	"people.departed_devices": {
		{"left with a PC and a USB drive", func(s *Snapshot) { person(s, 2).LeaveDate = ago(5) }, person_(2)},
		{"left with no devices", func(s *Snapshot) { person(s, 3).LeaveDate = ago(5) }, quiet},
		{"left, personal device only", func(s *Snapshot) {
			person(s, 1).LeaveDate = ago(5)
			device(s, 201).Ownership = inventory.BYOD
		}, quiet},
	},
	"people.leaving_soon_admin": {
		{"administrator leaves in 20 days", func(s *Snapshot) { person(s, 1).LeaveDate = ahead(20) }, person_(1)},
		{"administrator leaves in 45 days", func(s *Snapshot) { person(s, 1).LeaveDate = ahead(45) }, quiet},
		{"non-administrator leaves in 10 days", func(s *Snapshot) { person(s, 3).LeaveDate = ahead(10) }, quiet},
	},
	"people.leaver_items_open": {
		{"left three days ago, an account item open", func(s *Snapshot) {
			person(s, 3).LeaveDate = ago(3)
			s.LeaverItems = []LeaverItem{{PersonID: 3, Due: ago(3), Subject: account_(102)}, {PersonID: 3, Due: ago(3)}}
		}, person_(3)},
		{"leaves today, items open", func(s *Snapshot) {
			person(s, 3).LeaveDate = ago(0)
			s.LeaverItems = []LeaverItem{{PersonID: 3, Due: ago(0)}}
		}, quiet},
		{"leaves next week, items open", func(s *Snapshot) {
			s.LeaverItems = []LeaverItem{{PersonID: 3, Due: ahead(7)}}
		}, quiet},
		{"left, every item closed", func(s *Snapshot) { person(s, 3).LeaveDate = ago(3) }, quiet},
	},
	"assets.risk_untreated": {
		{"a risk above the line without a treatment", func(s *Snapshot) {
			s.Risks = []RiskItem{{AssetID: 301, Untreated: true}, {AssetID: 301}}
		}, asset_(301)},
		{"every risk treated", func(s *Snapshot) { s.Risks = []RiskItem{{AssetID: 301, Due: ahead(10)}} }, quiet},
		{"a risk on an asset not in the ledger", func(s *Snapshot) { s.Risks = []RiskItem{{AssetID: 999, Untreated: true}} }, quiet},
	},
	"assets.risk_treatment_overdue": {
		{"treatment due yesterday", func(s *Snapshot) {
			s.Risks = []RiskItem{{AssetID: 300, Due: ago(1)}, {AssetID: 300, Due: ahead(3)}}
		}, asset_(300)},
		{"treatment due today", func(s *Snapshot) { s.Risks = []RiskItem{{AssetID: 300, Due: ago(0)}} }, quiet},
		{"treatment done (no due day passed in)", func(s *Snapshot) { s.Risks = []RiskItem{{AssetID: 300}} }, quiet},
	},
	"people.no_accounts": {
		{"new person without accounts", func(s *Snapshot) {
			s.People = append(s.People, inventory.Person{ID: 5, Name: "新人", EmploymentType: inventory.FullTime, JoinDate: ago(40)})
		}, person_(5)},
		{"joins next week", func(s *Snapshot) {
			s.People = append(s.People, inventory.Person{ID: 5, Name: "新人", EmploymentType: inventory.FullTime, JoinDate: ahead(7)})
		}, quiet},
		{"has left", func(s *Snapshot) {
			s.People = append(s.People, inventory.Person{ID: 5, Name: "元社員", EmploymentType: inventory.FullTime, LeaveDate: ago(7)})
		}, quiet},
	},

	"accounts.access_expired": {
		{"guest ended yesterday", func(s *Snapshot) { account(s, 103).EndsOn = ago(1) }, account_(103)},
		{"guest ends today", func(s *Snapshot) { account(s, 103).EndsOn = ago(0) }, quiet},
		{"ended, suspended", func(s *Snapshot) {
			account(s, 103).EndsOn = ago(1)
			account(s, 103).Status = inventory.Suspended
		}, quiet},
	},
	"accounts.admin_freemail": {
		{"administrator on Gmail", func(s *Snapshot) { account(s, 100).LoginID = "Taro.Yamada@GMAIL.com" }, account_(100)},
		{"administrator on a provider subdomain", func(s *Snapshot) { account(s, 100).LoginID = "yamada@mub.biglobe.ne.jp" }, account_(100)},
		{"editor on Gmail", func(s *Snapshot) { account(s, 101).LoginID = "hanako@gmail.com" }, quiet},
		{"administrator on a look-alike domain", func(s *Snapshot) { account(s, 100).LoginID = "yamada@notgmail.com" }, quiet},
	},
	"accounts.admin_mfa_unknown": {
		{"administrator, unknown", func(s *Snapshot) { account(s, 100).MFA = inventory.MFAUnknown }, account_(100)},
		{"administrator, empty", func(s *Snapshot) { account(s, 100).MFA = "" }, account_(100)},
		{"editor, unknown", func(s *Snapshot) { account(s, 101).MFA = inventory.MFAUnknown }, quiet},
		{"administrator, single sign-on", func(s *Snapshot) {
			account(s, 100).MFA = inventory.MFAUnknown
			service(s, 10).SSO = true
		}, quiet},
	},
	"accounts.admin_no_mfa": {
		{"administrator without", func(s *Snapshot) { account(s, 100).MFA = inventory.MFAOff }, account_(100)},
		{"status unknown still counts", func(s *Snapshot) {
			account(s, 100).MFA = inventory.MFAOff
			account(s, 100).Status = ""
		}, account_(100)},
		{"suspended administrator", func(s *Snapshot) {
			account(s, 100).MFA = inventory.MFAOff
			account(s, 100).Status = inventory.Suspended
		}, quiet},
		{"program account", func(s *Snapshot) {
			account(s, 100).MFA = inventory.MFAOff
			account(s, 100).Kind = inventory.ServiceAcc
		}, quiet},
	},
	"accounts.dormant": {
		{"90 days", func(s *Snapshot) { account(s, 101).LastLogin = ago(90) }, account_(101)},
		{"89 days", func(s *Snapshot) { account(s, 101).LastLogin = ago(89) }, quiet},
		{"never or unknown", func(s *Snapshot) { account(s, 101).LastLogin = "" }, quiet},
		{"owner has left", func(s *Snapshot) {
			account(s, 102).LastLogin = ago(200)
			person(s, 3).LeaveDate = ago(150)
		}, quiet},
	},
	"accounts.duplicate": {
		{"second everyday account", func(s *Snapshot) {
			s.Accounts = append(s.Accounts, inventory.Account{ID: 105, ServiceID: 10, PersonID: 2, LoginID: "hanako.sato@example.co.jp",
				Kind: inventory.Personal, Privilege: inventory.View, MFA: inventory.MFAOn, Status: inventory.Active})
		}, account_(105)},
		{"separate administrator account", func(s *Snapshot) {
			s.Accounts = append(s.Accounts, inventory.Account{ID: 105, ServiceID: 10, PersonID: 2, LoginID: "admin-sato@example.co.jp",
				Kind: inventory.Personal, Privilege: inventory.Admin, MFA: inventory.MFAOn, Status: inventory.Active})
		}, quiet},
		{"old account deleted", func(s *Snapshot) {
			s.Accounts = append(s.Accounts, inventory.Account{ID: 105, ServiceID: 10, PersonID: 2, LoginID: "hanako.sato@example.co.jp",
				Kind: inventory.Personal, Privilege: inventory.View, MFA: inventory.MFAOn, Status: inventory.Deleted})
		}, quiet},
	},
	"accounts.freemail": {
		{"on Yahoo! Japan", func(s *Snapshot) { account(s, 101).LoginID = "hanako.sato@yahoo.co.jp" }, account_(101)},
		{"on carrier mail", func(s *Snapshot) { account(s, 102).LoginID = "ichiro@docomo.ne.jp" }, account_(102)},
		{"guest on Gmail", func(s *Snapshot) { account(s, 103).LoginID = "partner@gmail.com" }, quiet},
		{"login is not an address", func(s *Snapshot) { account(s, 101).LoginID = "sato" }, quiet},
	},
	"accounts.guest_no_end": {
		{"guest without end", func(s *Snapshot) { account(s, 103).EndsOn = "" }, account_(103)},
		{"external without end", func(s *Snapshot) {
			account(s, 103).EndsOn = ""
			account(s, 103).Kind = inventory.External
		}, account_(103)},
		{"deleted guest", func(s *Snapshot) {
			account(s, 103).EndsOn = ""
			account(s, 103).Status = inventory.Deleted
		}, quiet},
	},
	"accounts.internet_no_mfa": {
		{"user on a cloud service", func(s *Snapshot) { account(s, 101).MFA = inventory.MFAOff }, account_(101)},
		{"user on an office system", func(s *Snapshot) { account(s, 104).Privilege = inventory.Edit; account(s, 104).MFA = inventory.MFAOff }, quiet},
		{"service offers none", func(s *Snapshot) {
			account(s, 101).MFA = inventory.MFAOff
			service(s, 10).MFA = inventory.MFANone
		}, quiet},
	},
	"accounts.login_after_leave": {
		{"signed in after leaving", func(s *Snapshot) { person(s, 3).LeaveDate = ago(30) }, account_(102)},
		{"even when suspended since", func(s *Snapshot) {
			person(s, 3).LeaveDate = ago(30)
			account(s, 102).Status = inventory.Suspended
		}, account_(102)},
		{"last sign-in on the leave date", func(s *Snapshot) {
			person(s, 3).LeaveDate = ago(30)
			account(s, 102).LastLogin = ago(30)
		}, quiet},
		{"sign-in unknown", func(s *Snapshot) {
			person(s, 3).LeaveDate = ago(30)
			account(s, 102).LastLogin = ""
		}, quiet},
	},
	"accounts.nonstaff_admin": {
		{"dispatched administrator", func(s *Snapshot) {
			person(s, 3).EmploymentType = inventory.Dispatched
			account(s, 102).Privilege = inventory.Admin
		}, account_(102)},
		{"part-time administrator", func(s *Snapshot) { account(s, 102).Privilege = inventory.Admin }, account_(102)},
		{"contract employee administrator", func(s *Snapshot) {
			person(s, 3).EmploymentType = inventory.Contract
			account(s, 102).Privilege = inventory.Admin
		}, quiet},
	},
	"accounts.orphan": {
		{"linked to nobody", func(s *Snapshot) { account(s, 101).PersonID = 0 }, account_(101)},
		{"linked to a missing person", func(s *Snapshot) { account(s, 101).PersonID = 999 }, account_(101)},
		{"guest linked to nobody", func(s *Snapshot) { account(s, 103).PersonID = 0 }, quiet},
		{"suspended", func(s *Snapshot) {
			account(s, 101).PersonID = 0
			account(s, 101).Status = inventory.Suspended
		}, quiet},
	},
	"accounts.outside_domain": {
		{"another company's address", func(s *Snapshot) { account(s, 101).LoginID = "sato@other-company.example" }, account_(101)},
		{"contractor's own firm", func(s *Snapshot) {
			person(s, 2).EmploymentType = inventory.Contractor
			account(s, 101).LoginID = "sato@other-company.example"
		}, quiet},
		{"company subdomain", func(s *Snapshot) { account(s, 101).LoginID = "sato@mail.example.co.jp" }, quiet},
		{"configured second domain", func(s *Snapshot) {
			s.Domains = []string{"example.co.jp", "@Example-Group.JP"}
			account(s, 101).LoginID = "sato@example-group.jp"
		}, quiet},
	},
	"accounts.reused_before_join": {
		{"created a year before joining", func(s *Snapshot) { account(s, 102).CreatedOn = "2022-03-01" }, account_(102)},
		{"created two weeks before joining", func(s *Snapshot) { account(s, 102).CreatedOn = "2023-03-18" }, quiet},
		{"join date unknown", func(s *Snapshot) {
			account(s, 102).CreatedOn = "2022-03-01"
			person(s, 3).JoinDate = ""
		}, quiet},
	},
	"accounts.shared": {
		{"shared everyday account", func(s *Snapshot) { account(s, 101).Kind = inventory.Shared }, account_(101)},
		{"shared administrator", func(s *Snapshot) { account(s, 100).Kind = inventory.Shared }, quiet},
	},
	"accounts.shared_admin": {
		{"shared administrator", func(s *Snapshot) { account(s, 100).Kind = inventory.Shared }, account_(100)},
		{"shared everyday account", func(s *Snapshot) { account(s, 101).Kind = inventory.Shared }, quiet},
	},

	"assets.cia_unrated": {
		{"availability not rated", func(s *Snapshot) { asset(s, 300).Availability = 0 }, asset_(300)},
		{"all rated", func(s *Snapshot) { asset(s, 300).Availability = 1 }, quiet},
	},
	"assets.mynumber_on_pc": {
		{"on a company PC", func(s *Snapshot) { asset(s, 302).DeviceIDs = []int64{200} }, asset_(302)},
		{"on a disposed PC", func(s *Snapshot) { asset(s, 302).DeviceIDs = []int64{205} }, quiet},
		{"on a phone", func(s *Snapshot) { asset(s, 302).DeviceIDs = []int64{201} }, quiet},
		{"not My Number", func(s *Snapshot) { asset(s, 300).DeviceIDs = []int64{200} }, quiet},
	},
	"assets.no_location": {
		{"nowhere", func(s *Snapshot) {
			a := asset(s, 301)
			a.Medium, a.ServiceIDs, a.DeviceIDs = "", nil, nil
		}, asset_(301)},
		{"on paper only", func(s *Snapshot) {
			a := asset(s, 301)
			a.Medium, a.ServiceIDs, a.DeviceIDs, a.PaperLocations = "", nil, nil, []string{"総務部 書庫"}
		}, quiet},
	},
	"assets.no_owner": {
		{"blank owner", func(s *Snapshot) { asset(s, 300).OwnerDepartment = "　 " }, asset_(300)},
		{"a person as owner", func(s *Snapshot) { asset(s, 300).OwnerDepartment = "山田　太郎" }, quiet},
	},
	"assets.no_retention": {
		{"no retention", func(s *Snapshot) { asset(s, 300).RetentionUntil = "" }, asset_(300)},
		{"a rule", func(s *Snapshot) { asset(s, 300).RetentionUntil = "契約終了後5年" }, quiet},
	},
	"assets.personal_no_count": {
		{"personal, no count", func(s *Snapshot) { asset(s, 300).PeopleConcerned = 0 }, asset_(300)},
		{"sensitive only, no count", func(s *Snapshot) {
			a := asset(s, 301)
			a.SensitiveInfo = true
		}, asset_(301)},
		{"not personal, no count", func(s *Snapshot) { asset(s, 301).PeopleConcerned = 0 }, quiet},
	},
	"assets.retention_passed": {
		{"passed yesterday", func(s *Snapshot) { asset(s, 300).RetentionUntil = ago(1) }, asset_(300)},
		{"ends today", func(s *Snapshot) { asset(s, 300).RetentionUntil = ago(0) }, quiet},
		{"a rule, not a date", func(s *Snapshot) { asset(s, 300).RetentionUntil = "退職後7年" }, quiet},
	},

	"devices.byod_no_screen_lock": {
		{"personal phone without lock", func(s *Snapshot) {
			device(s, 201).Ownership = inventory.BYOD
			device(s, 201).ScreenLock = inventory.No
		}, device_(201)},
		{"personal phone, lock unknown", func(s *Snapshot) {
			device(s, 201).Ownership = inventory.BYOD
			device(s, 201).ScreenLock = inventory.Unknown
		}, quiet},
		{"company phone without lock", func(s *Snapshot) { device(s, 201).ScreenLock = inventory.No }, quiet},
	},
	"devices.disposed_no_erasure": {
		{"erasure unknown, no certificate", func(s *Snapshot) {
			device(s, 205).ErasureDone = inventory.Unknown
			device(s, 205).ErasureCertificate = ""
		}, device_(205)},
		{"certificate on file", func(s *Snapshot) { device(s, 205).ErasureDone = inventory.Unknown }, quiet},
		{"to be disposed of next week", func(s *Snapshot) {
			device(s, 205).DisposedOn = ahead(7)
			device(s, 205).ErasureDone = inventory.No
			device(s, 205).ErasureCertificate = ""
		}, quiet},
	},
	"devices.encryption_unknown": {
		{"PC unknown", func(s *Snapshot) { device(s, 200).DiskEncryption = inventory.Unknown }, device_(200)},
		{"USB drive unknown", func(s *Snapshot) { device(s, 206).DiskEncryption = inventory.Unknown }, device_(206)},
		{"disposed PC unknown", func(s *Snapshot) { device(s, 205).DiskEncryption = inventory.Unknown }, quiet},
		{"router unknown", func(s *Snapshot) { device(s, 202).DiskEncryption = inventory.Unknown }, quiet},
	},
	"devices.level3_on_byod": {
		{"customer list on a personal phone", func(s *Snapshot) {
			device(s, 201).Ownership = inventory.BYOD
			asset(s, 300).DeviceIDs = []int64{201}
		}, device_(201)},
		{"customer list on a company phone", func(s *Snapshot) { asset(s, 300).DeviceIDs = []int64{201} }, quiet},
		{"ordinary data on a personal phone", func(s *Snapshot) {
			device(s, 201).Ownership = inventory.BYOD
			asset(s, 301).DeviceIDs = []int64{201}
		}, quiet},
	},
	"devices.level3_on_usb": {
		{"customer list on USB", func(s *Snapshot) { asset(s, 300).DeviceIDs = []int64{206} }, device_(206)},
		{"importance raised by personal data", func(s *Snapshot) { asset(s, 301).PersonalInfo = true }, device_(206)},
		{"data level 3", func(s *Snapshot) { asset(s, 301).DataLevel = 3 }, device_(206)},
		{"importance 2 on USB", nil, quiet},
		{"USB drive disposed", func(s *Snapshot) {
			asset(s, 300).DeviceIDs = []int64{206}
			device(s, 206).DisposedOn = ago(1)
		}, quiet},
	},
	"devices.mobile_no_remote_wipe": {
		{"phone without wipe", func(s *Snapshot) { device(s, 201).RemoteWipe = inventory.No }, device_(201)},
		{"phone, wipe unknown", func(s *Snapshot) { device(s, 201).RemoteWipe = inventory.Unknown }, quiet},
		{"PC without wipe", func(s *Snapshot) { device(s, 200).RemoteWipe = inventory.No }, quiet},
	},
	"devices.mobile_no_screen_lock": {
		{"company phone without lock", func(s *Snapshot) { device(s, 201).ScreenLock = inventory.No }, device_(201)},
		{"personal phone without lock", func(s *Snapshot) {
			device(s, 201).ScreenLock = inventory.No
			device(s, 201).Ownership = inventory.BYOD
		}, quiet},
	},
	"devices.os_outdated": {
		{"91 days", func(s *Snapshot) { device(s, 200).LastUpdated = ago(91) }, device_(200)},
		{"90 days", func(s *Snapshot) { device(s, 200).LastUpdated = ago(90) }, quiet},
		{"unknown", func(s *Snapshot) { device(s, 200).LastUpdated = "" }, quiet},
		{"router 91 days is network.vpn_outdated", func(s *Snapshot) { device(s, 202).LastUpdated = ago(91) }, quiet},
	},
	"devices.pc_no_antivirus": {
		{"no antivirus", func(s *Snapshot) { device(s, 200).Antivirus = inventory.No }, device_(200)},
		{"antivirus unknown", func(s *Snapshot) { device(s, 200).Antivirus = inventory.Unknown }, quiet},
	},
	"devices.pc_no_encryption": {
		{"not encrypted", func(s *Snapshot) { device(s, 200).DiskEncryption = inventory.No }, device_(200)},
		{"disposed, not encrypted", nil, quiet},
	},
	"devices.pc_no_screen_lock": {
		{"no lock", func(s *Snapshot) { device(s, 200).ScreenLock = inventory.No }, device_(200)},
		{"personal PC, no lock", func(s *Snapshot) {
			device(s, 200).ScreenLock = inventory.No
			device(s, 200).Ownership = inventory.BYOD
		}, quiet},
	},
	"devices.usb_no_encryption": {
		{"not encrypted", func(s *Snapshot) { device(s, 206).DiskEncryption = inventory.No }, device_(206)},
		{"unknown", func(s *Snapshot) { device(s, 206).DiskEncryption = inventory.Unknown }, quiet},
	},

	"network.byod_internal": {
		{"personal phone on the office network", func(s *Snapshot) {
			device(s, 201).Ownership = inventory.BYOD
			device(s, 201).Network = inventory.Internal
		}, device_(201)},
		{"personal phone on mobile data", func(s *Snapshot) { device(s, 201).Ownership = inventory.BYOD }, quiet},
	},
	"network.default_password": {
		{"printer", func(s *Snapshot) { device(s, 204).DefaultPasswordChanged = inventory.No }, device_(204)},
		{"router", func(s *Snapshot) { device(s, 202).DefaultPasswordChanged = inventory.No }, device_(202)},
		{"VPN is network.vpn_default_password", func(s *Snapshot) { device(s, 203).DefaultPasswordChanged = inventory.No }, quiet},
	},
	"network.default_password_unknown": {
		{"printer unknown", func(s *Snapshot) { device(s, 204).DefaultPasswordChanged = inventory.Unknown }, device_(204)},
		{"VPN unknown", func(s *Snapshot) { device(s, 203).DefaultPasswordChanged = inventory.Unknown }, device_(203)},
		{"PC unknown", func(s *Snapshot) { device(s, 200).DefaultPasswordChanged = inventory.Unknown }, quiet},
		{"disposed printer unknown", func(s *Snapshot) {
			device(s, 204).DefaultPasswordChanged = inventory.Unknown
			device(s, 204).DisposedOn = ago(3)
		}, quiet},
	},
	"network.firmware_outdated": {
		{"181 days", func(s *Snapshot) { device(s, 204).LastUpdated = ago(181) }, device_(204)},
		{"180 days", func(s *Snapshot) { device(s, 204).LastUpdated = ago(180) }, quiet},
	},
	"network.guest_wifi_not_separated": {
		{"not separated", func(s *Snapshot) { device(s, 202).GuestSeparated = inventory.No }, device_(202)},
		{"unknown", func(s *Snapshot) { device(s, 202).GuestSeparated = inventory.Unknown }, quiet},
	},
	"network.vpn_default_password": {
		{"VPN default", func(s *Snapshot) { device(s, 203).DefaultPasswordChanged = inventory.No }, device_(203)},
		{"UTM default", func(s *Snapshot) {
			device(s, 203).Kind = inventory.UTM
			device(s, 203).DefaultPasswordChanged = inventory.No
		}, device_(203)},
		{"VPN unknown", func(s *Snapshot) { device(s, 203).DefaultPasswordChanged = inventory.Unknown }, quiet},
	},
	"network.vpn_outdated": {
		{"VPN 31 days", func(s *Snapshot) { device(s, 203).LastUpdated = ago(31) }, device_(203)},
		{"router 45 days", func(s *Snapshot) { device(s, 202).LastUpdated = ago(45) }, device_(202)},
		{"VPN 30 days", func(s *Snapshot) { device(s, 203).LastUpdated = ago(30) }, quiet},
		{"printer 45 days", func(s *Snapshot) { device(s, 204).LastUpdated = ago(45) }, quiet},
	},
	"network.vpn_update_unknown": {
		{"VPN unknown", func(s *Snapshot) { device(s, 203).LastUpdated = "" }, device_(203)},
		{"VPN unreadable", func(s *Snapshot) { device(s, 203).LastUpdated = "先月" }, device_(203)},
		{"printer unknown", func(s *Snapshot) { device(s, 204).LastUpdated = "" }, quiet},
	},

	"services.cloud_check_personal": {
		{"not done", func(s *Snapshot) { service(s, 10).CloudCheckDone = "" }, service_(10)},
		{"office system, not done", func(s *Snapshot) {
			service(s, 11).CloudCheckDone = ""
			asset(s, 300).ServiceIDs = []int64{11}
		}, quiet},
		{"cloud without personal data", func(s *Snapshot) {
			service(s, 10).CloudCheckDone = ""
			asset(s, 300).ServiceIDs = nil
			asset(s, 302).ServiceIDs = nil
		}, quiet},
	},
	"services.cloud_check_stale": {
		{"366 days", func(s *Snapshot) { service(s, 10).CloudCheckDone = ago(366) }, service_(10)},
		{"365 days", func(s *Snapshot) { service(s, 10).CloudCheckDone = ago(365) }, quiet},
	},
	"services.country_unknown_personal": {
		{"unknown", func(s *Snapshot) { service(s, 10).DataCountry = "" }, service_(10)},
		{"office system unknown", func(s *Snapshot) {
			service(s, 11).DataCountry = ""
			asset(s, 300).ServiceIDs = []int64{11}
		}, quiet},
	},
	"services.data_abroad_personal": {
		{"stored in the US", func(s *Snapshot) { service(s, 10).DataCountry = "us" }, service_(10)},
		{"lower-case jp", func(s *Snapshot) { service(s, 10).DataCountry = "jp" }, quiet},
		{"abroad, no personal data", func(s *Snapshot) { service(s, 11).DataCountry = "SG" }, quiet},
	},
	"services.mfa_none_personal": {
		{"no second factor", func(s *Snapshot) { service(s, 10).MFA = inventory.MFANone }, service_(10)},
		{"single sign-on", func(s *Snapshot) {
			service(s, 10).MFA = inventory.MFANone
			service(s, 10).SSO = true
		}, quiet},
	},
	"services.mfa_not_enforced": {
		{"available, one user off", func(s *Snapshot) { account(s, 104).MFA = inventory.MFAOff }, service_(11)},
		{"available, all on", nil, quiet},
		{"enforced, one user off", func(s *Snapshot) { account(s, 101).MFA = inventory.MFAOff }, quiet},
	},
	"services.no_admin": {
		{"nobody recorded", func(s *Snapshot) {
			service(s, 11).Admins = ""
			account(s, 104).Privilege = inventory.Edit
		}, service_(11)},
		{"administrator account on record", func(s *Snapshot) { service(s, 11).Admins = "" }, quiet},
	},
	"services.no_mfa_internet": {
		{"chat tool without second factor", func(s *Snapshot) {
			s.Services = append(s.Services, inventory.Service{ID: 12, Name: "チャット", Category: inventory.Cloud, Admins: "山田",
				OwnerDepartment: "総務部", MFA: inventory.MFANone, DataCountry: "JP", InternetFacing: true, CloudCheckDone: ago(10)})
		}, service_(12)},
		{"office system without second factor", func(s *Snapshot) { service(s, 11).MFA = inventory.MFANone }, quiet},
		{"with personal data it is mfa_none_personal", func(s *Snapshot) { service(s, 10).MFA = inventory.MFANone }, quiet},
	},
	"services.no_owner_department": {
		{"none", func(s *Snapshot) { service(s, 11).OwnerDepartment = "" }, service_(11)},
		{"recorded", nil, quiet},
	},
	"services.too_many_admins": {
		{"three of four", func(s *Snapshot) {
			account(s, 101).Privilege = inventory.Admin
			account(s, 102).Privilege = inventory.Admin
		}, service_(10)},
		{"four of many", func(s *Snapshot) {
			addAccounts(s, 10, 20)
			account(s, 101).Privilege = inventory.Admin
			account(s, 102).Privilege = inventory.Admin
			account(s, 103).Privilege = inventory.Admin
		}, service_(10)},
		{"two of nine", func(s *Snapshot) {
			addAccounts(s, 10, 5)
			account(s, 101).Privilege = inventory.Admin
		}, quiet},
		{"one of one", nil, quiet},
	},

	"shares.anyone_link": {
		{"anyone with the link", func(s *Snapshot) { share(s, 401).Scope = inventory.AnyoneWithLink }, share_(401)},
		{"unknown scope counts as anyone", func(s *Snapshot) { share(s, 401).Scope = "everyone" }, share_(401)},
		{"link expired", func(s *Snapshot) {
			share(s, 401).Scope = inventory.AnyoneWithLink
			share(s, 401).ExpiresOn = ago(1)
		}, quiet},
		{"important data is open_important", func(s *Snapshot) {
			share(s, 401).Scope = inventory.AnyoneWithLink
			share(s, 401).AssetID = 300
		}, quiet},
	},
	"shares.departed_owner": {
		{"owner left", func(s *Snapshot) { person(s, 2).LeaveDate = ago(10) }, share_(401)},
		{"owner left, share company-wide", func(s *Snapshot) {
			person(s, 2).LeaveDate = ago(10)
			share(s, 401).Scope = inventory.WholeOrg
		}, quiet},
	},
	"shares.external_edit": {
		{"outsiders edit", func(s *Snapshot) { share(s, 401).Permission = inventory.ShareEdit }, share_(401)},
		{"colleagues edit", func(s *Snapshot) { share(s, 400).Permission = inventory.ShareEdit }, quiet},
	},
	"shares.external_important": {
		{"customer list to a partner", func(s *Snapshot) { share(s, 401).AssetID = 300 }, share_(401)},
		{"to a whole domain", func(s *Snapshot) {
			share(s, 401).AssetID = 300
			share(s, 401).Scope = inventory.ExternalDomain
		}, share_(401)},
		{"My Number is special_external", func(s *Snapshot) { share(s, 401).AssetID = 302 }, quiet},
		{"ordinary data", nil, quiet},
	},
	"shares.mynumber_org_wide": {
		{"My Number company-wide", func(s *Snapshot) { share(s, 400).AssetID = 302 }, share_(400)},
		{"expired", func(s *Snapshot) {
			share(s, 400).AssetID = 302
			share(s, 400).ExpiresOn = ago(1)
		}, quiet},
		{"customer list company-wide", func(s *Snapshot) { share(s, 400).AssetID = 300 }, quiet},
	},
	"shares.no_expiry": {
		{"91 days without expiry", func(s *Snapshot) {
			share(s, 401).ExpiresOn = ""
			share(s, 401).CreatedOn = ago(91)
		}, share_(401)},
		{"90 days", func(s *Snapshot) {
			share(s, 401).ExpiresOn = ""
			share(s, 401).CreatedOn = ago(90)
		}, quiet},
		{"creation unknown", func(s *Snapshot) {
			share(s, 401).ExpiresOn = ""
			share(s, 401).CreatedOn = ""
		}, quiet},
		{"company-wide", func(s *Snapshot) { share(s, 400).CreatedOn = ago(300) }, quiet},
	},
	"shares.not_reviewed": {
		{"reviewed 181 days ago", func(s *Snapshot) { share(s, 401).LastReviewed = ago(181) }, share_(401)},
		{"never reviewed, 181 days old", func(s *Snapshot) {
			share(s, 401).LastReviewed = ""
			share(s, 401).CreatedOn = ago(181)
		}, share_(401)},
		{"reviewed 180 days ago", func(s *Snapshot) { share(s, 401).LastReviewed = ago(180) }, quiet},
		{"no expiry is no_expiry's", func(s *Snapshot) {
			share(s, 401).LastReviewed = ago(181)
			share(s, 401).ExpiresOn = ""
		}, quiet},
	},
	"shares.open_important": {
		{"customer list public", func(s *Snapshot) {
			share(s, 401).Scope = inventory.Public
			share(s, 401).AssetID = 300
		}, share_(401)},
		{"data level 3 to anyone", func(s *Snapshot) {
			share(s, 401).Scope = inventory.AnyoneWithLink
			asset(s, 301).DataLevel = 3
		}, share_(401)},
		{"My Number is special_external", func(s *Snapshot) {
			share(s, 401).Scope = inventory.Public
			share(s, 401).AssetID = 302
		}, quiet},
		{"customer list to named people", func(s *Snapshot) { share(s, 401).AssetID = 300 }, quiet},
	},
	"shares.owner_unknown": {
		{"owner not a person", func(s *Snapshot) { share(s, 401).Owner = "someone@else.example" }, share_(401)},
		{"no owner", func(s *Snapshot) { share(s, 401).Owner = "" }, share_(401)},
		{"owner address in capitals", func(s *Snapshot) { share(s, 401).Owner = "SATO@Example.co.jp" }, quiet},
		{"owner by name", func(s *Snapshot) { share(s, 401).Owner = "佐藤　花子" }, quiet},
	},
	"shares.public": {
		{"public", func(s *Snapshot) { share(s, 401).Scope = inventory.Public }, share_(401)},
		{"a whole domain", func(s *Snapshot) { share(s, 401).Scope = inventory.ExternalDomain }, quiet},
	},
	"shares.special_external": {
		{"My Number to a partner", func(s *Snapshot) { share(s, 401).AssetID = 302 }, share_(401)},
		{"health data to anyone", func(s *Snapshot) {
			asset(s, 300).SensitiveInfo = true
			share(s, 401).AssetID = 300
			share(s, 401).Scope = inventory.AnyoneWithLink
		}, share_(401)},
		{"My Number company-wide", func(s *Snapshot) { share(s, 400).AssetID = 302 }, quiet},
	},
}

// runOne prepares s and runs one check on it.
func runOne(c Check, s *Snapshot) []Finding {
	s.Prepare()
	var out []Finding
	c.Run(s, func(f Finding) {
		f.CheckID = c.ID
		out = append(out, f)
	})
	return out
}

func TestChecksTable(t *testing.T) {
	cat := testCatalogue(t)
	known := map[string]bool{}
	for _, c := range Checks() {
		known[c.ID] = true
		fires, stays := 0, 0
		for _, k := range cases[c.ID] {
			if k.fires == quiet {
				stays++
			} else {
				fires++
			}
		}
		if fires == 0 || stays == 0 {
			t.Errorf("%s: the table needs a case that fires and one that does not (has %d and %d)", c.ID, fires, stays)
		}
		for _, k := range cases[c.ID] {
			t.Run(c.ID+"/"+k.name, func(t *testing.T) {
				s := clean()
				if k.edit != nil {
					k.edit(s)
				}
				got := runOne(c, s)
				seen := map[Ref]bool{}
				for _, f := range got {
					if f.Subject.Kind != c.Subject {
						t.Errorf("subject %v, want kind %s", f.Subject, c.Subject)
					}
					if seen[f.Subject] {
						t.Errorf("subject %v reported twice", f.Subject)
					}
					seen[f.Subject] = true
					checkDetail(t, cat, f.Detail)
				}
				if k.fires == quiet {
					if len(got) > 0 {
						t.Errorf("got %v, want no findings", subjects(got))
					}
					return
				}
				if !seen[k.fires] {
					t.Errorf("got %v, want %v", subjects(got), k.fires)
				}
			})
		}
	}
	for id := range cases {
		if !known[id] {
			t.Errorf("table has cases for %s, which is not a check", id)
		}
	}
}

// TestCleanCompany guards the table: the company every case starts from
// must not fire anything, or quiet cases would prove nothing.
func TestCleanCompany(t *testing.T) {
	if got := Evaluate(clean()); len(got) > 0 {
		for _, f := range got {
			t.Errorf("clean company: %s fired for %v", f.CheckID, f.Subject)
		}
	}
}

func subjects(fs []Finding) []Ref {
	out := make([]Ref, len(fs))
	for i, f := range fs {
		out[i] = f.Subject
	}
	return out
}

// checkDetail renders a finding's detail in both languages: its key is in
// both catalogues and every argument is used and of the right type.
func checkDetail(t *testing.T, cat *i18n.Catalogue, m Message) {
	t.Helper()
	if m.IsZero() {
		return
	}
	if !cat.Has(m.Key) {
		t.Errorf("detail key %q is not in every catalogue", m.Key)
	}
	render := func(l i18n.Locale) string {
		return m.Render(func(key string, args ...any) string { return cat.T(l, key, args...) })
	}
	d := text{JA: render(i18n.Japanese), EN: render(i18n.English)}
	if strings.Contains(d.JA+d.EN, "%!") {
		t.Errorf("detail %q / %q: an argument does not fit its verb", d.JA, d.EN)
	}
	if (d.JA == "") != (d.EN == "") {
		t.Errorf("detail %q / %q: one language missing", d.JA, d.EN)
	}
	if d.JA != "" {
		if err := jaPunctuation(d.JA); err != "" {
			t.Errorf("detail %q: %s", d.JA, err)
		}
	}
	if hasCJK(d.EN) {
		t.Errorf("English detail %q contains Japanese", d.EN)
	}
}
