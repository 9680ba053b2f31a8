package inventory

import "time"

// Service is something the company uses: a cloud service, software in the
// office, or a network service.
type Service struct {
	ID              int64
	OrgID           int64
	Name            string
	CatalogueKey    string // key in the built-in catalogue, "" for one added by hand
	Category        ServiceCategory
	Admins          string // who administers it (names or addresses)
	OwnerDepartment string
	DataHeld        string // what information it holds
	SSO             bool
	MFA             MFAState
	DataCountry     string // ISO 3166 code of where data is stored, "" unknown
	InternetFacing  bool   // reachable from the internet (every SaaS is)
	CloudCheckDone  string // date the 15-item cloud check was completed, "" never
	Notes           string
	UpdatedAt       time.Time
}

// Account is one login in one service.
type Account struct {
	ID        int64
	OrgID     int64
	ServiceID int64
	PersonID  int64 // 0 when linked to nobody
	LoginID   string
	Kind      AccountKind
	Privilege Privilege
	MFA       AccountMFA
	Status    AccountStatus
	CreatedOn string // YYYY-MM-DD
	LastLogin string // YYYY-MM-DD, "" never or unknown
	EndsOn    string // end of a guest's, external's or contractor's access
	UpdatedAt time.Time
}

// Domain is the part of the login after @, lower-case.
func (a Account) Domain() string {
	for i := len(a.LoginID) - 1; i >= 0; i-- {
		if a.LoginID[i] == '@' {
			return lower(a.LoginID[i+1:])
		}
	}
	return ""
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

// Device is a piece of equipment that holds or passes company data.
type Device struct {
	ID                     int64
	OrgID                  int64
	Name                   string
	Kind                   DeviceKind
	PersonID               int64 // main user, 0 for shared equipment
	Ownership              Ownership
	DiskEncryption         Tri
	ScreenLock             Tri
	RemoteWipe             Tri
	Antivirus              Tri
	OSVersion              string
	LastUpdated            string // date of the last OS/firmware update
	DefaultPasswordChanged Tri
	Network                NetworkZone
	GuestSeparated         Tri    // for routers and access points: guest Wi-Fi kept off the internal network
	DisposedOn             string // date handed over for disposal, "" in use
	ErasureDone            Tri
	ErasureCertificate     string
	UpdatedAt              time.Time
}

// Asset is one row of the IPA information-asset ledger (情報資産管理台帳).
type Asset struct {
	ID              int64
	OrgID           int64
	BusinessArea    string // 業務分類
	Name            string // 情報資産名称
	Notes           string // 備考
	UserScope       string // 利用者範囲
	OwnerDepartment string // 管理部署 / 責任者
	Medium          string // 媒体・保存先
	PersonalInfo    bool   // 個人情報
	SensitiveInfo   bool   // 要配慮個人情報
	MyNumber        bool   // 特定個人情報 (My Number)
	Confidentiality int    // 機密性 1–3
	Integrity       int    // 完全性 1–3
	Availability    int    // 可用性 1–3
	RetentionUntil  string // 保存期限: a date or a rule such as 「退職後7年」
	RegisteredOn    string // 登録日
	PeopleConcerned int    // approximate number of people the data is about
	DataLevel       int    // 1–3, the three-level data classification of the seeds
	ServiceIDs      []int64
	DeviceIDs       []int64
	PaperLocations  []string
	UpdatedAt       time.Time
}

// Importance is 重要度 by the rule of the IPA guideline 3.1: the highest of
// C, I and A, raised to 3 when the asset holds personal information of any
// kind.
func (a Asset) Importance() int {
	if a.PersonalInfo || a.SensitiveInfo || a.MyNumber {
		return 3
	}
	return max(a.Confidentiality, a.Integrity, a.Availability)
}

// Share is a file, folder or link reachable beyond its owner.
type Share struct {
	ID           int64
	OrgID        int64
	ServiceID    int64
	Path         string // path or URL
	Scope        ShareScope
	Permission   SharePermission
	ExpiresOn    string // "" never
	Owner        string // owner's address or name
	AssetID      int64  // the information asset it holds, 0 unknown
	CreatedOn    string
	LastReviewed string
	UpdatedAt    time.Time
}

// Data is the whole inventory of one organisation, as the findings engine
// reads it.
type Data struct {
	People   []Person
	Services []Service
	Accounts []Account
	Devices  []Device
	Assets   []Asset
	Shares   []Share
}
