package importer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mamori-sec/mamori/internal/inventory"
)

// Column is one column of mamori's own files: the import, the export and
// the downloadable template share it, so what mamori writes it reads back.
type Column struct {
	Key       string // field name, also RowError.Field
	JA, EN    string // header in a Japanese or English file
	Required  bool
	Example   string // example value in a Japanese file
	ExampleEN string
	Help      string // explanation for the template's 記入方法 sheet
	HelpEN    string
	Values    string // the values allowed, as written in a Japanese file
	ValuesEN  string

	typ     colType
	choices *choices
	aliases []string        // other headers people use for the column
	field   inventory.Field // what the column holds, from the kind's description
}

type colType int

const (
	textCol colType = iota
	dateCol
	emailCol
	choiceCol
	boolCol
	triCol
	levelCol
	countCol
	listCol
	countryCol
	retentionCol // a date or a rule such as 「退職後7年」
)

// Columns returns the columns of a kind in file order.
func Columns(kind Kind) []Column {
	src := columnsOf[kind]
	if kind == Risks {
		src = riskColumns
	}
	out := make([]Column, len(src))
	for i, c := range src {
		c.Values, c.ValuesEN = allowed(c, "ja"), allowed(c, "en")
		out[i] = c
	}
	return out
}

// allowed describes the values a column takes.
func allowed(c Column, lang string) string {
	ja := lang != "en"
	switch c.typ {
	case choiceCol:
		sep := "、"
		if !ja {
			sep = ", "
		}
		return strings.Join(c.choices.labels(lang), sep)
	case dateCol:
		if ja {
			return "日付（2026/04/01、2026-04-01、令和8年4月1日 など）"
		}
		return "a date (2026-04-01, 2026/4/1 …)"
	case emailCol:
		if ja {
			return "メールアドレス"
		}
		return "an e-mail address"
	case boolCol:
		if ja {
			return "○（はい）／×または空欄（いいえ）"
		}
		return "yes / no (blank means no)"
	case triCol:
		if ja {
			return "○（はい）／×（いいえ）／空欄（不明）"
		}
		return "yes / no / blank (not known)"
	case levelCol:
		if ja {
			return "1、2、3（3 が最も高い）"
		}
		return "1, 2 or 3 (3 is the highest)"
	case countCol:
		if ja {
			return "0 以上の数"
		}
		return "a whole number"
	case listCol:
		if ja {
			return "複数あるときは「、」で区切る（「、」を含む名前は \"A、B\" のように \" で囲む）"
		}
		return "separate several with commas (put a name holding a comma in double quotes: \"A, B\")"
	case countryCol:
		if ja {
			return "国コード（JP、US など）または国名"
		}
		return "country code (JP, US …) or name"
	case retentionCol:
		if ja {
			return "日付、または「退職後7年」のような決まり"
		}
		return "a date, or a rule such as “7 years after leaving”"
	}
	return ""
}

// spelled is how mamori's files write each column: the headers in
// Japanese and English, the other headers people use (the admin consoles'
// and the ledgers' words), examples and help, and the spellings of each
// enumeration's values. Which columns there are, their order, their types,
// whether they are required and the codes of their values come from the
// kind's description in package inventory (see derive).
var spelled = map[Kind][]Column{
	People: {
		{Key: "name", JA: "氏名", EN: "Name", Example: "山田 太郎", ExampleEN: "Taro Yamada",
			Help: "姓と名の間は空けても空けなくてもかまいません。", HelpEN: "Full name.",
			aliases: []string{"名前", "社員名", "従業員名", "氏名(漢字)", "full name", "employee name"}},
		{Key: "kana", JA: "フリガナ", EN: "Kana", Example: "ヤマダ タロウ", ExampleEN: "ヤマダ タロウ",
			Help: "半角カナは全角にそろえて読み込みます。", HelpEN: "Reading in katakana, if any.",
			aliases: []string{"ふりがな", "カナ", "氏名(カナ)", "氏名(フリガナ)", "読み", "kana name", "reading"}},
		{Key: "email", JA: "メールアドレス", EN: "Email", Example: "yamada@example.co.jp", ExampleEN: "yamada@example.co.jp",
			Help: "会社のメールアドレス。アカウントと本人を結び付けるのに使います。", HelpEN: "Work address; links the person to their accounts.",
			aliases: []string{"メール", "e-mail", "mail", "email address", "会社メールアドレス", "work email"}},
		{Key: "department", JA: "部署", EN: "Department", Example: "営業部", ExampleEN: "Sales",
			aliases: []string{"所属", "所属部署", "部門", "dept"}},
		{Key: "employment_type", JA: "雇用形態", EN: "Employment type", Example: "正社員", ExampleEN: "Full-time",
			Help: "一覧から選んでください。「パート」「アルバイト」「派遣社員」も読み込めます。", HelpEN: "Pick from the list.",
			choices: employmentChoices, aliases: []string{"雇用区分", "雇用種別", "社員区分", "employment", "employee type"}},
		{Key: "manager_email", JA: "上長メールアドレス", EN: "Manager email", Example: "sato@example.co.jp", ExampleEN: "sato@example.co.jp",
			Help: "上長のメールアドレス。退職時の引き継ぎ先に使います。", HelpEN: "The manager's address, for hand-overs.",
			aliases: []string{"上司メールアドレス", "上長のメールアドレス", "上長", "上司", "manager", "manager email address"}},
		{Key: "join_date", JA: "入社日", EN: "Join date", Example: "2020/04/01", ExampleEN: "2020-04-01",
			aliases: []string{"入社年月日", "採用日", "契約開始日", "start date", "hire date", "joined"}},
		{Key: "leave_date", JA: "退職日", EN: "Leave date",
			Help: "在籍中は空欄。入社日より前の日付は読み込めません。", HelpEN: "Blank while employed; not before the join date.",
			aliases: []string{"退職年月日", "契約終了日", "end date", "leaving date", "left"}},
	},
	Services: {
		{Key: "name", JA: "サービス名", EN: "Name", Example: "Google Workspace", ExampleEN: "Google Workspace",
			aliases: []string{"サービス", "名称", "システム名", "service", "service name"}},
		{Key: "category", JA: "区分", EN: "Category", Example: "クラウド", ExampleEN: "Cloud",
			Help: "空欄はクラウドとして読み込みます。", HelpEN: "Blank means cloud.",
			choices: categoryChoices, aliases: []string{"種類", "種別", "type"}},
		{Key: "admins", JA: "管理者", EN: "Administrators", Example: "山田 太郎", ExampleEN: "Taro Yamada",
			aliases: []string{"管理担当者", "担当者", "admins", "admin"}},
		{Key: "owner_department", JA: "管理部署", EN: "Owner department", Example: "総務部", ExampleEN: "General affairs",
			aliases: []string{"主管部署", "担当部署", "department"}},
		{Key: "data_held", JA: "保管データ", EN: "Data held", Example: "メール、顧客との共有ファイル", ExampleEN: "Mail, files shared with customers",
			aliases: []string{"保存データ", "扱うデータ", "保管している情報", "data"}},
		{Key: "sso", JA: "SSO", EN: "SSO", Example: "×", ExampleEN: "no",
			aliases: []string{"シングルサインオン", "single sign-on", "single sign on"}},
		{Key: "mfa", JA: "多要素認証", EN: "MFA", Example: "必須", ExampleEN: "Enforced",
			Help: "サービスとして多要素認証を使えるか、全員に必須にしているか。", HelpEN: "Whether the service offers multi-factor authentication (MFA), and whether it is required.",
			choices: serviceMFAChoices, aliases: []string{"二要素認証", "2段階認証", "二段階認証", "2sv", "2fa"}},
		{Key: "data_country", JA: "データ保管国", EN: "Data country", Example: "JP", ExampleEN: "JP",
			aliases: []string{"保管国", "データの保管国", "データ保存国", "保存国", "データセンター", "region", "country"}},
		{Key: "internet_facing", JA: "インターネット公開", EN: "Internet-facing", Example: "○", ExampleEN: "yes",
			Help: "インターネットから接続できるか。空欄はクラウドなら○として読み込みます。", HelpEN: "Reachable from the internet; blank means yes for cloud services.",
			aliases: []string{"外部公開", "インターネットから接続", "internet facing", "exposed"}},
		{Key: "cloud_check_done", JA: "クラウドチェック実施日", EN: "Cloud check done", Example: "2026/04/01", ExampleEN: "2026-04-01",
			Help: "IPA「クラウドサービス安全利用チェックシート」を実施した日。", HelpEN: "Date the IPA cloud-service check sheet was completed.",
			aliases: []string{"クラウドチェック", "チェック実施日", "安全利用チェック実施日", "cloud check"}},
		{Key: "notes", JA: "備考", EN: "Notes", aliases: []string{"メモ", "note", "memo"}},
	},
	Accounts: {
		{Key: "service", JA: "サービス", EN: "Service", Example: "Google Workspace", ExampleEN: "Google Workspace",
			Help: "サービス名。まだ登録していないサービスは新しく作ります。", HelpEN: "Service name; one not yet listed is added.",
			aliases: []string{"サービス名", "システム", "service name"}},
		{Key: "login_id", JA: "ログインID", EN: "Login ID", Example: "yamada@example.co.jp", ExampleEN: "yamada@example.co.jp",
			aliases: []string{"ログイン名", "アカウント", "アカウント名", "アカウントID", "ユーザーID", "ユーザー名", "id", "user id", "username", "account"}},
		{Key: "person_email", JA: "本人メールアドレス", EN: "Person email", Example: "yamada@example.co.jp", ExampleEN: "yamada@example.co.jp",
			Help: "このアカウントを使う人の会社メールアドレス。共用アカウントは空欄。", HelpEN: "Work address of the person using it; blank for shared ones.",
			aliases: []string{"利用者メールアドレス", "使用者メールアドレス", "本人のメールアドレス", "owner email", "user email"}},
		{Key: "kind", JA: "種別", EN: "Kind", Example: "個人", ExampleEN: "Personal",
			Help: "空欄は個人として読み込みます。", HelpEN: "Blank means personal.",
			choices: accountKindChoices, aliases: []string{"アカウント種別", "種類", "type", "account type"}},
		{Key: "privilege", JA: "権限", EN: "Privilege", Example: "管理者", ExampleEN: "Admin",
			Help: "空欄は「編集」（一般の利用者）として読み込みます。", HelpEN: "Blank means edit (an ordinary user).",
			choices: privilegeChoices, aliases: []string{"権限レベル", "ロール", "役割", "role", "permission"}},
		{Key: "mfa", JA: "多要素認証", EN: "MFA", Example: "有効", ExampleEN: "On",
			Help: "このアカウントで多要素認証を使っているか。空欄は不明。", HelpEN: "Whether this login uses multi-factor authentication (MFA); blank means unknown.",
			choices: accountMFAChoices, aliases: []string{"二要素認証", "2段階認証", "二段階認証", "2段階認証プロセス", "2sv", "2fa", "two-factor"}},
		{Key: "status", JA: "状態", EN: "Status", Example: "有効", ExampleEN: "Active",
			Help: "空欄は有効として読み込みます。", HelpEN: "Blank means active.",
			choices: statusChoices, aliases: []string{"ステータス", "利用状況", "アカウント状態"}},
		{Key: "created_on", JA: "作成日", EN: "Created", Example: "2020/04/01", ExampleEN: "2020-04-01",
			aliases: []string{"作成年月日", "発行日", "登録日", "created on", "creation date"}},
		{Key: "last_login", JA: "最終ログイン", EN: "Last sign-in", Example: "2026/03/31", ExampleEN: "2026-03-31",
			aliases: []string{"最終ログイン日", "最終ログイン日時", "最終サインイン", "最終利用日", "last login", "last sign in"}},
		{Key: "ends_on", JA: "利用期限", EN: "Access ends",
			Help: "ゲスト・外部・業務委託のアカウントを止める日。", HelpEN: "When a guest's, external's or contractor's access should end.",
			aliases: []string{"有効期限", "期限", "利用終了日", "expires", "expiry", "ends on"}},
	},
	Devices: {
		{Key: "name", JA: "機器名", EN: "Name", Example: "営業部ノートPC-01", ExampleEN: "Sales laptop 01",
			Help: "社内で区別できる名前（管理番号など）。", HelpEN: "A name that tells it apart, such as an asset tag.",
			aliases: []string{"名称", "機器名称", "端末名", "管理番号", "device name", "hostname", "ホスト名"}},
		{Key: "kind", JA: "種類", EN: "Kind", Example: "パソコン", ExampleEN: "PC",
			choices: deviceKindChoices, aliases: []string{"機器種別", "種別", "区分", "type", "device type"}},
		{Key: "user_email", JA: "利用者メールアドレス", EN: "User email", Example: "yamada@example.co.jp", ExampleEN: "yamada@example.co.jp",
			Help: "主に使う人。共用の機器は空欄。", HelpEN: "Main user; blank for shared equipment.",
			aliases: []string{"使用者メールアドレス", "利用者", "使用者", "主な利用者", "user", "user email address"}},
		{Key: "ownership", JA: "所有", EN: "Ownership", Example: "会社支給", ExampleEN: "Company",
			Help: "空欄は会社支給として読み込みます。", HelpEN: "Blank means company-issued.",
			choices: ownershipChoices, aliases: []string{"所有区分", "支給区分", "owner"}},
		{Key: "disk_encryption", JA: "ディスク暗号化", EN: "Disk encryption", Example: "○", ExampleEN: "yes",
			aliases: []string{"暗号化", "bitlocker", "filevault", "encryption"}},
		{Key: "screen_lock", JA: "画面ロック", EN: "Screen lock", Example: "○", ExampleEN: "yes",
			aliases: []string{"スクリーンロック", "パスコード", "lock screen"}},
		{Key: "remote_wipe", JA: "遠隔消去", EN: "Remote wipe", Example: "×", ExampleEN: "no",
			aliases: []string{"リモートワイプ", "リモートロック", "遠隔ロック"}},
		{Key: "antivirus", JA: "ウイルス対策", EN: "Antivirus", Example: "○", ExampleEN: "yes",
			aliases: []string{"ウイルス対策ソフト", "セキュリティソフト", "anti-virus", "av", "edr"}},
		{Key: "os_version", JA: "OS・バージョン", EN: "OS version", Example: "Windows 11 24H2", ExampleEN: "Windows 11 24H2",
			aliases: []string{"os", "osバージョン", "ファームウェア", "firmware", "version"}},
		{Key: "last_updated", JA: "最終更新日", EN: "Last updated", Example: "2026/03/15", ExampleEN: "2026-03-15",
			Help: "OS やファームウェアを最後に更新した日。", HelpEN: "Date of the last OS or firmware update.",
			aliases: []string{"最終アップデート", "アップデート日", "更新日", "last update"}},
		{Key: "default_password_changed", JA: "初期パスワード変更", EN: "Default password changed", Example: "○", ExampleEN: "yes",
			Help: "ルーターや複合機などの初期パスワードを変えたか。", HelpEN: "For routers, printers and the like.",
			aliases: []string{"初期パスワード変更済み", "初期パスワード", "default password"}},
		{Key: "network", JA: "接続先", EN: "Network", Example: "社内LAN", ExampleEN: "Office network",
			choices: networkChoices, aliases: []string{"接続ネットワーク", "ネットワーク", "connection"}},
		{Key: "guest_separated", JA: "ゲスト分離", EN: "Guest network separated",
			Help: "ルーター・アクセスポイントのみ：来客用 Wi-Fi を社内 LAN から分けているか。", HelpEN: "Routers and access points only: guest Wi-Fi kept off the office network.",
			aliases: []string{"ゲストwi-fi分離", "来客用分離", "guest separated"}},
		{Key: "disposed_on", JA: "廃棄日", EN: "Disposed on",
			aliases: []string{"廃棄年月日", "処分日", "disposal date"}},
		{Key: "erasure_done", JA: "データ消去", EN: "Data erased",
			aliases: []string{"データ消去済み", "消去済み", "消去", "erased"}},
		{Key: "erasure_certificate", JA: "消去証明書", EN: "Erasure certificate",
			aliases: []string{"消去証明", "データ消去証明書", "証明書番号", "certificate"}},
	},
	Assets: {
		{Key: "business_area", JA: "業務分類", EN: "Business area", Example: "人事", ExampleEN: "HR",
			aliases: []string{"業務", "業務区分", "部門"}},
		{Key: "name", JA: "情報資産名称", EN: "Asset name", Example: "従業員名簿", ExampleEN: "Staff register",
			aliases: []string{"情報資産名", "情報資産", "資産名", "名称", "name"}},
		{Key: "notes", JA: "備考", EN: "Notes", Example: "氏名・住所・連絡先", ExampleEN: "Names, addresses, phone numbers",
			aliases: []string{"メモ", "説明", "note", "description"}},
		{Key: "user_scope", JA: "利用者範囲", EN: "Users", Example: "総務担当者", ExampleEN: "General affairs staff",
			aliases: []string{"利用範囲", "利用者", "who uses it"}},
		{Key: "owner_department", JA: "管理部署", EN: "Owner department", Example: "総務部", ExampleEN: "General affairs",
			Help: "小さな会社では責任者の名前でもかまいません。", HelpEN: "A person's name is fine in a small company.",
			aliases: []string{"管理部署・責任者", "管理責任者", "責任者", "owner"}},
		{Key: "medium", JA: "媒体・保存先", EN: "Medium", Example: "クラウド", ExampleEN: "Cloud",
			Help: "紙と電子の両方で持つときは 2 行に分けます（IPA ガイドラインと同じ）。", HelpEN: "Use two rows when kept both on paper and electronically.",
			aliases: []string{"媒体", "保存先", "媒体/保存先", "storage"}},
		{Key: "personal_info", JA: "個人情報", EN: "Personal information", Example: "○", ExampleEN: "yes",
			aliases: []string{"個人情報の有無", "personal data"}},
		{Key: "sensitive_info", JA: "要配慮個人情報", EN: "Sensitive personal information", Example: "×", ExampleEN: "no",
			aliases: []string{"要配慮", "sensitive data"}},
		{Key: "my_number", JA: "特定個人情報", EN: "My Number", Example: "×", ExampleEN: "no",
			Help: "マイナンバーを含むか。", HelpEN: "Whether it holds My Number data.",
			aliases: []string{"マイナンバー", "特定個人情報(マイナンバー)", "specific personal information"}},
		{Key: "confidentiality", JA: "機密性", EN: "Confidentiality", Example: "3", ExampleEN: "3",
			Help: "IPA ガイドライン第3.1版の 1〜3。第3版（0〜2）の台帳は 1 を足してください。", HelpEN: "1–3 as in the IPA guideline 3.1 (add 1 to 0–2 ratings of edition 3).",
			aliases: []string{"機密性(c)", "confidentiality (c)"}},
		{Key: "integrity", JA: "完全性", EN: "Integrity", Example: "2", ExampleEN: "2",
			aliases: []string{"完全性(i)", "integrity (i)"}},
		{Key: "availability", JA: "可用性", EN: "Availability", Example: "2", ExampleEN: "2",
			aliases: []string{"可用性(a)", "availability (a)"}},
		{Key: "retention_until", JA: "保存期限", EN: "Retention", Example: "退職後7年", ExampleEN: "7 years after leaving",
			aliases: []string{"保管期限", "保存期間", "retention period"}},
		{Key: "registered_on", JA: "登録日", EN: "Registered on", Example: "2026/04/01", ExampleEN: "2026-04-01",
			aliases: []string{"登録年月日", "更新日", "registered"}},
		{Key: "service_names", JA: "保存場所(サービス)", EN: "Services", Example: "Google Workspace", ExampleEN: "Google Workspace",
			Help: "保存しているサービス名。複数あるときは「、」で区切ります。", HelpEN: "Services holding it, separated by commas.",
			aliases: []string{"保存サービス", "サービス", "stored in services"}},
		{Key: "device_names", JA: "保存場所(機器)", EN: "Devices", Example: "総務部NAS", ExampleEN: "Office NAS",
			aliases: []string{"保存機器", "機器", "stored on devices"}},
		{Key: "paper", JA: "保存場所(紙)", EN: "Paper locations", Example: "総務部キャビネット", ExampleEN: "General affairs cabinet",
			aliases: []string{"紙の保管場所", "保管場所(紙)", "紙", "paper"}},
		{Key: "people_concerned", JA: "対象人数", EN: "People concerned", Example: "35", ExampleEN: "35",
			Help: "何人分の情報か（おおよそ）。漏えい時の報告要否の判断に使います。", HelpEN: "About how many people the data is about.",
			aliases: []string{"人数", "対象者数", "件数", "records"}},
		{Key: "data_level", JA: "データレベル", EN: "Data level", Example: "3", ExampleEN: "3",
			aliases: []string{"データ区分", "情報レベル", "格付け", "classification"}},
	},
	Shares: {
		{Key: "service", JA: "サービス", EN: "Service", Example: "Google ドライブ", ExampleEN: "Google Drive",
			aliases: []string{"サービス名", "service name"}},
		{Key: "path", JA: "パス・URL", EN: "Path or URL", Example: "https://drive.google.com/drive/folders/1AbC", ExampleEN: "https://drive.google.com/drive/folders/1AbC",
			aliases: []string{"パス", "url", "パス/url", "ファイル", "ファイル名", "フォルダ", "場所", "path", "link"}},
		{Key: "scope", JA: "公開範囲", EN: "Scope", Example: "リンクを知っている全員", ExampleEN: "Anyone with the link",
			choices: scopeChoices, aliases: []string{"共有範囲", "共有先", "範囲", "sharing", "visibility"}},
		{Key: "permission", JA: "権限", EN: "Permission", Example: "閲覧", ExampleEN: "View",
			Help: "空欄は安全側に「編集」として読み込みます。", HelpEN: "Blank is read as edit, to be on the safe side.",
			choices: sharePermissionChoices, aliases: []string{"アクセス権", "role", "access"}},
		{Key: "expires_on", JA: "有効期限", EN: "Expires", Example: "2026/06/30", ExampleEN: "2026-06-30",
			aliases: []string{"期限", "公開期限", "expiry", "expiration"}},
		{Key: "owner", JA: "所有者", EN: "Owner", Example: "yamada@example.co.jp", ExampleEN: "yamada@example.co.jp",
			aliases: []string{"オーナー", "作成者", "共有者", "owned by"}},
		{Key: "asset", JA: "情報資産", EN: "Asset", Example: "見積書", ExampleEN: "Quotations",
			Help: "情報資産管理台帳の情報資産名称。", HelpEN: "Asset name as in the information-asset ledger.",
			aliases: []string{"情報資産名称", "資産", "asset name"}},
		{Key: "created_on", JA: "作成日", EN: "Created", Example: "2026/04/01", ExampleEN: "2026-04-01",
			aliases: []string{"共有日", "共有開始日", "created on"}},
		{Key: "last_reviewed", JA: "最終確認日", EN: "Last reviewed",
			aliases: []string{"確認日", "棚卸日", "reviewed"}},
	},
}

// columnsOf are the columns of mamori's own files, derived from the
// kinds' descriptions.
var columnsOf = func() map[Kind][]Column {
	m := map[Kind][]Column{}
	for _, k := range Kinds {
		m[k] = derive(k, spelled[k])
	}
	return m
}()

// derive lists the columns of kind in the order of its description, each
// with the type, requirement and values the description gives it and the
// words spelled gives it. A field without words, words without a field and
// a value spelt for no code (or a code not spelt) stop the program at
// start-up, and TestColumnsFollowDescription names them.
func derive(kind Kind, words []Column) []Column {
	desc, ok := inventory.KindOf(string(kind))
	if !ok {
		panic(fmt.Sprintf("importer: kind %q is not described", kind))
	}
	if len(words) != len(desc.Fields) {
		panic(fmt.Sprintf("importer: %s: %d columns spelt for %d fields", kind, len(words), len(desc.Fields)))
	}
	out := make([]Column, 0, len(desc.Fields))
	for _, f := range desc.Fields {
		i := slices.IndexFunc(words, func(c Column) bool { return c.Key == f.Column() })
		if i < 0 {
			panic(fmt.Sprintf("importer: %s: no column spelt for field %s", kind, f.Key))
		}
		c := words[i]
		c.field, c.Required, c.typ = f, f.Required, typeOf(f)
		if c.typ == choiceCol {
			if c.choices == nil {
				panic(fmt.Sprintf("importer: %s.%s: no spellings of its values", kind, f.Key))
			}
			var codes []string
			for _, ch := range c.choices.list {
				codes = append(codes, ch.code)
			}
			for _, v := range f.Values {
				if !slices.Contains(codes, v.Code) {
					panic(fmt.Sprintf("importer: %s.%s: value %q not spelt", kind, f.Key, v.Code))
				}
			}
			for _, code := range codes {
				if !f.Has(code) {
					panic(fmt.Sprintf("importer: %s.%s: %q is not a value of the field", kind, f.Key, code))
				}
			}
		}
		out = append(out, c)
	}
	return out
}

// typeOf is how a cell of a field is read and written.
func typeOf(f inventory.Field) colType {
	switch f.Type {
	case inventory.Email:
		return emailCol
	case inventory.Date:
		return dateCol
	case inventory.Enum:
		return choiceCol
	case inventory.TriState:
		return triCol
	case inventory.Bool:
		return boolCol
	case inventory.Int:
		if f.Max == 3 {
			return levelCol
		}
		return countCol
	case inventory.Reference:
		if f.Ref == "people" {
			return emailCol // a person is written as their address
		}
	case inventory.RefList, inventory.List:
		return listCol
	case inventory.Country:
		return countryCol
	case inventory.Retention:
		return retentionCol
	}
	return textCol
}
