package findings

import (
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
)

var (
	jst   = calendar.Japan
	today = time.Date(2025, 6, 30, 10, 0, 0, 0, jst)
)

// ago is the date n days before today; ahead the date n days after.
func ago(n int) string   { return today.AddDate(0, 0, -n).Format(time.DateOnly) }
func ahead(n int) string { return today.AddDate(0, 0, n).Format(time.DateOnly) }

// clean is a small, well-run company on which no check fires: every table
// case changes one thing in it.
func clean() *Snapshot {
	return &Snapshot{
		Today: today,
		People: []inventory.Person{
			{ID: 1, Name: "山田　太郎", Email: "yamada@example.co.jp", Department: "総務部", EmploymentType: inventory.Executive, JoinDate: "2010-04-01"},
			{ID: 2, Name: "佐藤　花子", Email: "sato@example.co.jp", Department: "経理部", EmploymentType: inventory.FullTime, JoinDate: "2018-04-01"},
			{ID: 3, Name: "鈴木　一郎", Email: "suzuki@example.co.jp", Department: "営業部", EmploymentType: inventory.PartTime, JoinDate: "2023-04-01"},
		},
		Services: []inventory.Service{
			{ID: 10, Name: "Google Workspace", Category: inventory.Cloud, Admins: "山田　太郎", OwnerDepartment: "総務部",
				MFA: inventory.MFAEnforced, DataCountry: "JP", InternetFacing: true, CloudCheckDone: ago(100)},
			{ID: 11, Name: "会計ソフト", Category: inventory.OnPrem, Admins: "佐藤　花子", OwnerDepartment: "経理部",
				MFA: inventory.MFAAvailable, DataCountry: "JP"},
		},
		Accounts: []inventory.Account{
			{ID: 100, ServiceID: 10, PersonID: 1, LoginID: "yamada@example.co.jp", Kind: inventory.Personal, Privilege: inventory.Admin,
				MFA: inventory.MFAOn, Status: inventory.Active, CreatedOn: "2015-04-01", LastLogin: ago(1)},
			{ID: 101, ServiceID: 10, PersonID: 2, LoginID: "sato@example.co.jp", Kind: inventory.Personal, Privilege: inventory.Edit,
				MFA: inventory.MFAOn, Status: inventory.Active, CreatedOn: "2018-04-01", LastLogin: ago(2)},
			{ID: 102, ServiceID: 10, PersonID: 3, LoginID: "suzuki@example.co.jp", Kind: inventory.Personal, Privilege: inventory.Edit,
				MFA: inventory.MFAOn, Status: inventory.Active, CreatedOn: "2023-04-01", LastLogin: ago(3)},
			{ID: 103, ServiceID: 10, LoginID: "partner@partner.example.com", Kind: inventory.Guest, Privilege: inventory.View,
				MFA: inventory.MFAOn, Status: inventory.Active, CreatedOn: ago(30), LastLogin: ago(5), EndsOn: ahead(90)},
			{ID: 104, ServiceID: 11, PersonID: 2, LoginID: "sato", Kind: inventory.Personal, Privilege: inventory.Admin,
				MFA: inventory.MFAOn, Status: inventory.Active, CreatedOn: "2019-01-01", LastLogin: ago(1)},
		},
		Devices: []inventory.Device{
			{ID: 200, Name: "PC-01", Kind: inventory.PC, PersonID: 2, Ownership: inventory.CompanyIssued, DiskEncryption: inventory.Yes,
				ScreenLock: inventory.Yes, Antivirus: inventory.Yes, LastUpdated: ago(10), Network: inventory.Internal},
			{ID: 201, Name: "iPhone-01", Kind: inventory.Smartphone, PersonID: 1, Ownership: inventory.CompanyIssued, DiskEncryption: inventory.Yes,
				ScreenLock: inventory.Yes, RemoteWipe: inventory.Yes, LastUpdated: ago(20), Network: inventory.Mobile},
			{ID: 202, Name: "ルーター", Kind: inventory.Router, Ownership: inventory.CompanyIssued, LastUpdated: ago(10),
				DefaultPasswordChanged: inventory.Yes, GuestSeparated: inventory.Yes, Network: inventory.Internal},
			{ID: 203, Name: "VPN装置", Kind: inventory.VPN, Ownership: inventory.CompanyIssued, LastUpdated: ago(5),
				DefaultPasswordChanged: inventory.Yes, Network: inventory.Internal},
			{ID: 204, Name: "複合機", Kind: inventory.MFP, Ownership: inventory.CompanyIssued, LastUpdated: ago(100),
				DefaultPasswordChanged: inventory.Yes, Network: inventory.Internal},
			{ID: 205, Name: "PC-00", Kind: inventory.PC, PersonID: 2, Ownership: inventory.CompanyIssued, DiskEncryption: inventory.No,
				Network: inventory.Internal, DisposedOn: ago(60), ErasureDone: inventory.Yes, ErasureCertificate: "C-1"},
			{ID: 206, Name: "USB-01", Kind: inventory.USBMedia, PersonID: 2, Ownership: inventory.CompanyIssued, DiskEncryption: inventory.Yes,
				Network: inventory.Internal},
		},
		Assets: []inventory.Asset{
			{ID: 300, Name: "顧客名簿", OwnerDepartment: "営業部", Medium: "クラウド", PersonalInfo: true, Confidentiality: 2, Integrity: 2,
				Availability: 2, RetentionUntil: "2030-03-31", PeopleConcerned: 1200, DataLevel: 2, ServiceIDs: []int64{10}},
			{ID: 301, Name: "見積書", OwnerDepartment: "営業部", Medium: "クラウド", Confidentiality: 2, Integrity: 2, Availability: 1,
				RetentionUntil: "取引終了後5年", DataLevel: 2, ServiceIDs: []int64{10}, DeviceIDs: []int64{200, 206}},
			{ID: 302, Name: "従業員のマイナンバー", OwnerDepartment: "総務部", Medium: "クラウド", PersonalInfo: true, MyNumber: true,
				Confidentiality: 3, Integrity: 3, Availability: 2, RetentionUntil: "退職後7年", PeopleConcerned: 3, DataLevel: 3, ServiceIDs: []int64{10}},
		},
		Shares: []inventory.Share{
			{ID: 400, ServiceID: 10, Path: "/営業部/見積", Scope: inventory.WholeOrg, Permission: inventory.ShareView,
				Owner: "sato@example.co.jp", AssetID: 301, CreatedOn: ago(200), LastReviewed: ago(10)},
			{ID: 401, ServiceID: 10, Path: "/営業部/見積/A社", Scope: inventory.ExternalPeople, Permission: inventory.ShareView,
				Owner: "sato@example.co.jp", AssetID: 301, CreatedOn: ago(30), ExpiresOn: ahead(60), LastReviewed: ago(10)},
		},
	}
}

// Record accessors for table edits; they panic on a missing ID, which
// only a broken table can cause.

func person(s *Snapshot, id int64) *inventory.Person {
	for i := range s.People {
		if s.People[i].ID == id {
			return &s.People[i]
		}
	}
	panic("no person")
}

func service(s *Snapshot, id int64) *inventory.Service {
	for i := range s.Services {
		if s.Services[i].ID == id {
			return &s.Services[i]
		}
	}
	panic("no service")
}

func account(s *Snapshot, id int64) *inventory.Account {
	for i := range s.Accounts {
		if s.Accounts[i].ID == id {
			return &s.Accounts[i]
		}
	}
	panic("no account")
}

func device(s *Snapshot, id int64) *inventory.Device {
	for i := range s.Devices {
		if s.Devices[i].ID == id {
			return &s.Devices[i]
		}
	}
	panic("no device")
}

func asset(s *Snapshot, id int64) *inventory.Asset {
	for i := range s.Assets {
		if s.Assets[i].ID == id {
			return &s.Assets[i]
		}
	}
	panic("no asset")
}

func share(s *Snapshot, id int64) *inventory.Share {
	for i := range s.Shares {
		if s.Shares[i].ID == id {
			return &s.Shares[i]
		}
	}
	panic("no share")
}

// addAccounts adds n active program accounts, without administrator
// rights, to a service.
func addAccounts(s *Snapshot, serviceID int64, n int) {
	for i := range n {
		id := int64(900 + len(s.Accounts) + i)
		s.Accounts = append(s.Accounts, inventory.Account{
			ID: id, ServiceID: serviceID, LoginID: "bot" + string(rune('a'+i)) + "@example.co.jp", Kind: inventory.ServiceAcc,
			Privilege: inventory.View, MFA: inventory.MFAOn, Status: inventory.Active, CreatedOn: ago(100), LastLogin: ago(1),
		})
	}
}
