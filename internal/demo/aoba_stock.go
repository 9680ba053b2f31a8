package demo

import "github.com/mamori-sec/mamori/internal/inventory"

// aobaStock is the builder's small inventory, so that the advisor's
// portfolio has findings beyond さくら精機: Microsoft 365 without a second
// factor for its administrator, 内田 still signing in after leaving, and
// his OneDrive link to the client list open to anyone.
var aobaStock = stock{
	services: []service{
		{"m365", "-6y", inventory.Service{Name: "Microsoft 365", CatalogueKey: "microsoft_365", Category: inventory.Cloud,
			Admins: "青木 大輔", OwnerDepartment: "総務部", DataHeld: "メール、OneDrive・SharePoint（施主情報、設計図面）",
			MFA: inventory.MFAAvailable, DataCountry: "JP", InternetFacing: true,
			Notes: "セキュリティの既定値群を無効にしたまま。"}},
		{"andpad", "-3y", inventory.Service{Name: "ANDPAD（施工管理）", Category: inventory.Cloud,
			Admins: "野口 達也", OwnerDepartment: "工事部", DataHeld: "工程表、現場写真、施主の氏名と住所",
			MFA: inventory.MFAAvailable, DataCountry: "JP", InternetFacing: true}},
	},
	accounts: []account{
		{svc: "m365", who: "d.aoki", priv: admin, mfa: mfaOff, last: "-1d"},
		{svc: "m365", who: "m.aoki", priv: edit, mfa: mfaOff, last: "-2d"},
		{svc: "m365", who: "t.noguchi", priv: edit, mfa: mfaOn, last: "-1d"},
		{svc: "m365", who: "m.harada", priv: edit, mfa: mfaOn, last: "-1d"},
		{svc: "m365", who: "r.ogawa", priv: edit, mfa: mfaUnk, last: "-3d"},
		{svc: "m365", who: "k.uchida", priv: edit, mfa: mfaOff, last: "-3d"},
		{svc: "m365", who: "k.matsuda", priv: edit, mfa: mfaOn, last: "-1d"},
		{svc: "m365", who: "y.ishii", priv: edit, mfa: mfaOff, last: "-120d"},
		{svc: "andpad", who: "t.noguchi", priv: admin, mfa: mfaOff, last: "-1d"},
		{svc: "andpad", who: "k.uchida", priv: edit, mfa: mfaOff, last: "-20d"},
		{svc: "andpad", login: "genba@aoba-koumuten.example", kind: shared, priv: edit, mfa: mfaOff, created: "-3y", last: "-1d"},
	},
	devices: []device{
		{"", inventory.Device{Name: "ルーター（事務所）", Kind: inventory.Router, OSVersion: "ファームウェア 2.0",
			LastUpdated: "-400d", DefaultPasswordChanged: no, GuestSeparated: no}},
		{"", inventory.Device{Name: "PC-01（事務所 共用）", Kind: inventory.PC, DiskEncryption: no, ScreenLock: no, Antivirus: yes,
			OSVersion: "Windows 10 Pro 22H2", LastUpdated: "-300d"}},
		{"m.harada", inventory.Device{Name: "PC-02（設計 原田）", Kind: inventory.PC, DiskEncryption: yes, ScreenLock: yes, Antivirus: yes,
			OSVersion: "Windows 11 Pro 24H2", LastUpdated: "-10d"}},
		{"k.uchida", inventory.Device{Name: "PC-03（営業 内田 ノートPC）", Kind: inventory.PC, DiskEncryption: no, ScreenLock: yes,
			OSVersion: "Windows 11 Pro 23H2", LastUpdated: "-50d", Network: inventory.Home}},
	},
	assets: []asset{
		{[]string{"m365", "andpad"}, nil, inventory.Asset{BusinessArea: "営業", Name: "施主名簿",
			Notes: "施主の氏名・住所・連絡先・家族構成。", UserScope: "営業部・工事部", OwnerDepartment: "営業部",
			Medium: "OneDrive / ANDPAD", PersonalInfo: true, Confidentiality: 3, Integrity: 2, Availability: 2,
			RetentionUntil: "引渡し後10年", RegisteredOn: "-5m", PeopleConcerned: 400, DataLevel: 3}},
		{[]string{"m365"}, []string{"PC-02（設計 原田）"}, inventory.Asset{BusinessArea: "設計", Name: "設計図面",
			UserScope: "設計部・工事部・協力業者", OwnerDepartment: "設計部", Medium: "SharePoint / 設計PC",
			Confidentiality: 2, Integrity: 3, Availability: 2, RegisteredOn: "-5m", DataLevel: 2}},
	},
	shares: []share{
		{"m365", "施主名簿", "k.uchida", inventory.Share{Path: "OneDrive/施主名簿.xlsx",
			Scope: inventory.AnyoneWithLink, Permission: inventory.ShareEdit, CreatedOn: "-1y"}},
		{"m365", "設計図面", "m.harada", inventory.Share{Path: "SharePoint/設計部/図面_協力業者/",
			Scope: inventory.ExternalDomain, Permission: inventory.ShareEdit, CreatedOn: "-2y"}},
	},
}
