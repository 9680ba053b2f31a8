package demo

import "github.com/mamori-sec/mamori/internal/inventory"

// Short names for the account tables.
const (
	admin    = inventory.Admin
	edit     = inventory.Edit
	view     = inventory.View
	mfaOn    = inventory.MFAOn
	mfaOff   = inventory.MFAOff
	mfaUnk   = inventory.MFAUnknown
	shared   = inventory.Shared
	robot    = inventory.ServiceAcc
	guest    = inventory.Guest
	external = inventory.External
)

// sakuraStock is さくら精機 as a newcomer finds it: a Google Workspace where
// two-step verification is left to each person, the usual Japanese SaaS
// around it, an office network looked after by a maintenance company, and
// the gaps the seed articles describe — the two people who left still
// signing in, a customer list open to anyone with the link, a VPN box not
// updated for four months, default passwords on the printer and the camera.
// Outside parties: 山根工業 (subcontractor), 東海電機 (customer), 販売代理店,
// みどり会計事務所 (tax accountant), 河合社労士事務所 and the web and network
// maintenance companies; every domain is invented.
var sakuraStock = stock{
	services: []service{
		{"gws", "-8y", inventory.Service{Name: "Google Workspace", CatalogueKey: "google_workspace", Category: inventory.Cloud,
			Admins: "佐藤 健一、田中 美咲、長谷川 陽介", OwnerDepartment: "総務部", DataHeld: "メール、Google ドライブ（顧客名簿・見積書・図面の一部）、カレンダー",
			MFA: inventory.MFAAvailable, DataCountry: "US", InternetFacing: true, CloudCheckDone: "-14m",
			Notes: "2段階認証プロセスは「各自の判断」で、強制していない。"}},
		{"box", "-3y", inventory.Service{Name: "Box", CatalogueKey: "box", Category: inventory.Cloud,
			Admins: "田中 美咲", OwnerDepartment: "総務部", DataHeld: "見積書・請求書、取引先と共有する図面",
			MFA: inventory.MFAAvailable, DataCountry: "US", InternetFacing: true}},
		{"chatwork", "-5y", inventory.Service{Name: "Chatwork", CatalogueKey: "chatwork", Category: inventory.Cloud,
			Admins: "佐藤 健一（個人の Gmail で登録）", DataHeld: "社内外の連絡、取引先とのファイルのやり取り",
			MFA: inventory.MFAAvailable, DataCountry: "JP", InternetFacing: true,
			Notes: "社長が個人のアドレスで始めたものを全社で使っている。"}},
		{"zoom", "-6y", inventory.Service{Name: "Zoom", CatalogueKey: "zoom", Category: inventory.Cloud,
			Admins: "営業部（共用アカウント）", OwnerDepartment: "営業部", DataHeld: "Web 会議、クラウド録画",
			MFA: inventory.MFAAvailable, DataCountry: "US", InternetFacing: true}},
		{"freee", "-6y", inventory.Service{Name: "freee会計", CatalogueKey: "freee_accounting", Category: inventory.Cloud,
			Admins: "加藤 洋子", OwnerDepartment: "経理部", DataHeld: "仕訳、請求書、銀行口座、給与振込データ",
			MFA: inventory.MFAAvailable, DataCountry: "JP", InternetFacing: true, CloudCheckDone: "-8m"}},
		{"smarthr", "-4y", inventory.Service{Name: "SmartHR", CatalogueKey: "smarthr", Category: inventory.Cloud,
			Admins: "田中 美咲", OwnerDepartment: "総務部", DataHeld: "従業員名簿、マイナンバー、扶養家族、健康診断結果",
			MFA: inventory.MFAAvailable, DataCountry: "JP", InternetFacing: true}},
		{"kintone", "-5y", inventory.Service{Name: "kintone（顧客管理）", CatalogueKey: "kintone", Category: inventory.Cloud,
			Admins: "高橋 誠二", OwnerDepartment: "営業部", DataHeld: "顧客台帳、商談履歴、販売代理店とのゲストスペース",
			MFA: inventory.MFAAvailable, DataCountry: "JP", InternetFacing: true, CloudCheckDone: "-2y"}},
		{"web", "-7y", inventory.Service{Name: "自社ホームページ（WordPress）", CatalogueKey: "wordpress", Category: inventory.Cloud,
			Admins: "共用の admin（制作会社と共有）", OwnerDepartment: "営業部", DataHeld: "会社案内、製品情報、問い合わせフォームの履歴",
			MFA: inventory.MFANone, InternetFacing: true,
			Notes: "レンタルサーバー上の WordPress（サーバーの所在は未確認）。制作会社との契約は終わったが、管理者パスワードは共有したまま。"}},
		{"domain", "-15y", inventory.Service{Name: "お名前.com（ドメイン・DNS）", CatalogueKey: "onamae", Category: inventory.Network,
			Admins: "佐藤 健一（個人の Gmail）", DataHeld: "sakura-seiki.example のドメインと DNS",
			MFA: inventory.MFAAvailable, DataCountry: "JP", InternetFacing: true}},
		{"bank", "-10y", inventory.Service{Name: "法人インターネットバンキング（大田中央信用金庫）", Category: inventory.Cloud,
			Admins: "加藤 洋子", OwnerDepartment: "経理部", DataHeld: "口座、振込・給与振込",
			MFA: inventory.MFAEnforced, DataCountry: "JP", InternetFacing: true, CloudCheckDone: "-6m",
			Notes: "ワンタイムパスワードのトークンは経理部の金庫に保管。"}},
		{"line", "-12y", inventory.Service{Name: "インターネット回線（光回線・ルーター）", CatalogueKey: "internet_router", Category: inventory.Network,
			OwnerDepartment: "総務部", MFA: inventory.MFANone, InternetFacing: true,
			Notes: "ルーターは回線事業者のレンタル品。管理画面を誰が見られるか不明。"}},
		{"utm", "-4y", inventory.Service{Name: "UTM（ファイアウォール）", CatalogueKey: "utm", Category: inventory.Network,
			Admins: "株式会社ネクストネットワーク（保守業者）", OwnerDepartment: "総務部", DataHeld: "通信ログ",
			MFA: inventory.MFAAvailable, InternetFacing: true}},
		{"vpn", "-5y", inventory.Service{Name: "リモートアクセス VPN", CatalogueKey: "vpn", Category: inventory.Network,
			Admins: "株式会社ネクストネットワーク（保守業者）", OwnerDepartment: "総務部", DataHeld: "社内ネットワーク全体（NAS の図面を含む）への入口",
			MFA: inventory.MFANone, InternetFacing: true,
			Notes: "テレワーク用に導入。ファームウェアの更新は保守業者任せで、最後の更新日を誰も把握していなかった。"}},
	},

	// Everyone has a Google Workspace account on their company address.
	everyone: "gws",
	usual:    account{priv: edit, mfa: mfaOff, last: "-1d"},
	own: map[string]account{
		"k.sato":      {priv: admin},               // 特権管理者なのに2段階認証なし
		"m.tanaka":    {priv: admin, mfa: mfaOn},   // 情シス担当
		"y.hasegawa":  {priv: admin, mfa: mfaUnk},  // 詳しいので管理者に
		"y.saito":     {last: "-210d"},             // 顧問: ほとんど使わない
		"m.hayashi":   {last: "-130d"},             // 現場: メールを見ない
		"m.abe":       {mfa: mfaUnk, last: "-20d"}, // パート
		"n.kobayashi": {mfa: mfaUnk, ends: "+4m"},  // 派遣契約の期間
		"y.ishikawa":  {mfa: mfaUnk, ends: "+7m"},  // 派遣契約の期間
		"r.hashimoto": {mfa: mfaUnk},
		"h.kondo":     {mfa: mfaOn, ends: "+5m"}, // 業務委託の契約期間
		"t.kimura":    {last: "-2d"},             // 退職者: まだ使われている
		"o.maeda":     {last: "-40d"},            // 退職者
		"y.kato":      {mfa: mfaOn},
		"s.yoshida":   {mfa: mfaOn},
		"s.takahashi": {mfa: mfaOn},
		"a.watanabe":  {mfa: mfaOn},
		"y.inoue":     {mfa: mfaOn},
		"k.mori":      {mfa: mfaOn},
		"a.fujita":    {mfa: mfaOn},
		"k.okada":     {mfa: mfaOn},
		"s.murakami":  {mfa: mfaOn},
	},

	accounts: []account{
		// Google Workspace beyond the people: shared boxes, a forgotten test
		// administrator, a former temp never entered in the staff list.
		{svc: "gws", login: "eigyo@sakura-seiki.example", kind: shared, priv: edit, mfa: mfaOff, created: "-8y", last: "-1d"},
		{svc: "gws", login: "info@sakura-seiki.example", kind: shared, priv: edit, mfa: mfaOff, created: "-8y", last: "-3d"},
		{svc: "gws", login: "scan@sakura-seiki.example", kind: robot, priv: edit, mfa: mfaOff, created: "-4y", last: "-1d"},
		{svc: "gws", login: "test@sakura-seiki.example", priv: admin, mfa: mfaOff, created: "-8y", last: "-400d"},
		{svc: "gws", login: "y.nishida@sakura-seiki.example", priv: edit, mfa: mfaUnk, created: "-2y", last: "-250d"},

		{svc: "box", who: "m.tanaka", priv: admin, mfa: mfaOn, last: "-1d"},
		{svc: "box", who: "y.hasegawa", priv: admin, mfa: mfaUnk, last: "-4d"},
		{svc: "box", who: "k.sato", priv: edit, mfa: mfaOff, last: "-30d"},
		{svc: "box", who: "s.takahashi", priv: edit, mfa: mfaOn, last: "-1d"},
		{svc: "box", who: "d.ito", priv: edit, mfa: mfaUnk, last: "-2d"},
		{svc: "box", who: "a.watanabe", priv: edit, mfa: mfaOff, last: "-6d"},
		{svc: "box", who: "s.yoshida", priv: edit, mfa: mfaOn, last: "-1d"},
		{svc: "box", who: "h.kondo", priv: admin, mfa: mfaOn, last: "-3d", ends: "+5m"},
		{svc: "box", login: "m.yamane@yamane-kogyo.example", kind: guest, priv: edit, mfa: mfaUnk, created: "-14m", last: "-50d", ends: "-45d"},

		{svc: "chatwork", who: "k.sato", login: "kenichi.sato.1962@gmail.com", priv: admin, mfa: mfaOff, created: "-5y", last: "-1d"},
		{svc: "chatwork", who: "m.tanaka", priv: admin, mfa: mfaOn, last: "-1d"},
		{svc: "chatwork", who: "s.takahashi", priv: edit, mfa: mfaOff, last: "-1d"},
		{svc: "chatwork", who: "d.ito", priv: edit, mfa: mfaOff, last: "-1d"},
		{svc: "chatwork", who: "d.ito", login: "daisuke.ito.0415@yahoo.co.jp", priv: edit, mfa: mfaOff, created: "-5y", last: "-9d"},
		{svc: "chatwork", who: "n.kobayashi", login: "kobayashi.n@tempstaff-net.example", priv: edit, mfa: mfaUnk, last: "-2d"},
		{svc: "chatwork", who: "m.hayashi", priv: edit, mfa: mfaUnk, last: "-12d"},
		{svc: "chatwork", who: "o.maeda", priv: edit, mfa: mfaOff, last: "-35d"},
		{svc: "chatwork", login: "t.nishi@yamane-kogyo.example", kind: external, priv: edit, mfa: mfaUnk, created: "-2y", last: "-3d"},

		{svc: "zoom", login: "zoom@sakura-seiki.example", kind: shared, priv: admin, mfa: mfaOff, created: "-6y", last: "-2d"},
		{svc: "zoom", who: "s.takahashi", priv: edit, mfa: mfaOn, last: "-5d"},

		{svc: "freee", who: "y.kato", priv: admin, mfa: mfaOn, last: "-1d"},
		{svc: "freee", who: "s.yoshida", priv: edit, mfa: mfaOn, last: "-1d"},
		{svc: "freee", who: "s.yamada", priv: edit, mfa: mfaUnk, last: "-3d"},
		{svc: "freee", who: "k.sato", priv: view, mfa: mfaOff, last: "-40d"},
		{svc: "freee", login: "c.nishimura@midori-kaikei.example", kind: external, priv: view, mfa: mfaUnk, created: "-6y", last: "-20d"},

		{svc: "smarthr", who: "m.tanaka", priv: admin, mfa: mfaOn, last: "-1d"},
		{svc: "smarthr", who: "k.sato", priv: admin, mfa: mfaOff, last: "-90d"},
		{svc: "smarthr", who: "y.kato", priv: edit, mfa: mfaOn, last: "-7d"},
		{svc: "smarthr", who: "k.nakamura", priv: edit, mfa: mfaUnk, last: "-2d"},
		{svc: "smarthr", who: "n.kobayashi", priv: edit, mfa: mfaOff, last: "-2d", ends: "+4m"},
		{svc: "smarthr", login: "office@kawai-sr.example", kind: external, priv: edit, mfa: mfaOff, created: "-4y", last: "-25d"},

		{svc: "kintone", who: "s.takahashi", priv: admin, mfa: mfaOff, last: "-1d"},
		{svc: "kintone", who: "d.ito", priv: edit, mfa: mfaOff, last: "-1d"},
		{svc: "kintone", who: "a.watanabe", priv: edit, mfa: mfaOn, last: "-1d"},
		{svc: "kintone", who: "t.matsumoto", priv: edit, mfa: mfaUnk, last: "-2d"},
		{svc: "kintone", who: "y.inoue", priv: edit, mfa: mfaOn, created: "-4y", last: "-1d"}, // 前任者のアカウントを名前だけ変えて使用
		{svc: "kintone", who: "t.kimura", priv: edit, mfa: mfaOff, last: "-4d"},
		{svc: "kintone", login: "eigyo@hanbai-dairiten.example", kind: guest, priv: view, mfa: mfaOff, created: "-2y", last: "-60d", ends: "-4m"},

		{svc: "web", login: "admin", kind: shared, priv: admin, mfa: mfaOff, created: "-7y", last: "-12d"},
		{svc: "web", login: "webworks", kind: external, priv: admin, mfa: mfaOff, created: "-7y", last: "-200d", ends: "-1y"},

		{svc: "domain", who: "k.sato", login: "kenichi.sato.1962@gmail.com", priv: admin, mfa: mfaOff, created: "-15y", last: "-300d"},

		{svc: "bank", who: "y.kato", login: "OTA-0815-01", priv: admin, mfa: mfaOn, created: "-10y", last: "-1d"},
		{svc: "bank", who: "s.yoshida", login: "OTA-0815-02", priv: edit, mfa: mfaOn, created: "-5y", last: "-3d"},

		{svc: "utm", login: "admin", kind: shared, priv: admin, mfa: mfaOff, created: "-4y", last: "-30d"},

		{svc: "vpn", who: "k.sato", login: "sato", priv: edit, mfa: mfaOff, created: "-5y", last: "-6d"},
		{svc: "vpn", who: "m.tanaka", login: "tanaka", priv: edit, mfa: mfaOff, created: "-5y", last: "-20d"},
		{svc: "vpn", who: "s.takahashi", login: "takahashi", priv: edit, mfa: mfaOff, created: "-5y", last: "-2d"},
		{svc: "vpn", who: "y.hasegawa", login: "hasegawa", priv: edit, mfa: mfaOff, created: "-5y", last: "-9d"},
		{svc: "vpn", who: "t.kimura", login: "kimura", priv: edit, mfa: mfaOff, created: "-5y", last: "-15d"},
		{svc: "vpn", login: "hoshu", kind: external, priv: admin, mfa: mfaOff, created: "-5y", last: "-120d"},
	},
	devices: sakuraDevices,
	assets:  sakuraAssets,
	shares:  sakuraShares,
}
