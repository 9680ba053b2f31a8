package inventory

import (
	"strings"
	"unicode"
)

// CatalogueEntry is a service that Japanese small companies commonly use,
// with the defaults a keeper would otherwise look up: what kind of service
// it is, what it offers for a second factor, and where its data is kept.
// Adding a service from the catalogue fills these in; the keeper can change
// every one of them afterwards.
type CatalogueEntry struct {
	Key            string // stable identifier, stored as Service.CatalogueKey
	Name           string // the name the company knows it by
	Category       ServiceCategory
	MFA            MFAState // what the service offers out of the box
	InternetFacing bool
	DataCountry    string   // ISO 3166 code where well known, "" when it depends on the contract
	DescJA, DescEN string   // one line saying what it is
	Aliases        []string // other names people type, matched like Name
}

// Service is the entry as a new service record.
func (e CatalogueEntry) Service() Service {
	return Service{Name: e.Name, CatalogueKey: e.Key, Category: e.Category, MFA: e.MFA, InternetFacing: e.InternetFacing, DataCountry: e.DataCountry}
}

// Description is the entry's one-line description in lang ("ja" or other).
func (e CatalogueEntry) Description(lang string) string {
	if lang == "ja" {
		return e.DescJA
	}
	return e.DescEN
}

// catalogue is the built-in list, grouped roughly by use. Data countries
// are the usual case for a Japanese customer: Microsoft 365 tenants with a
// Japanese billing address are kept in Japan; most other US services keep
// data in the US unless a residency option was bought; AWS, Salesforce and
// WordPress depend on the region, instance or host chosen, so they are left
// unknown. LINE WORKS keeps data in Japan since its move to Japanese data
// centres (formerly also in Korea).
var catalogue = []CatalogueEntry{
	{Key: "google_workspace", Name: "Google Workspace", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "US",
		DescJA: "Gmail・Google ドライブ・カレンダーなどのグループウェア。", DescEN: "Gmail, Google Drive, Calendar and the rest of Google's office suite.",
		Aliases: []string{"G Suite", "GSuite", "Google Apps", "Gmail", "Google Drive", "Google ドライブ", "グーグルワークスペース"}},
	{Key: "microsoft_365", Name: "Microsoft 365", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		DescJA: "Outlook・Teams・OneDrive・SharePoint を含む Microsoft のクラウド。日本の契約では国内データセンターに保存されます。", DescEN: "Outlook, Teams, OneDrive and SharePoint; tenants contracted in Japan are stored in Japan.",
		Aliases: []string{"Office 365", "O365", "M365", "Office365", "Microsoft Teams", "Teams", "OneDrive", "SharePoint", "Exchange Online", "Outlook"}},
	{Key: "box", Name: "Box", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "US",
		DescJA: "法人向けのファイル共有・ストレージ（Box Zones で日本保存も可能）。", DescEN: "File sharing and storage for business (Box Zones can keep data in Japan).",
		Aliases: []string{"ボックス"}},
	{Key: "dropbox", Name: "Dropbox", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "US",
		DescJA: "ファイル共有・同期サービス。", DescEN: "File sync and sharing.",
		Aliases: []string{"ドロップボックス", "Dropbox Business"}},
	{Key: "slack", Name: "Slack", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "US",
		DescJA: "ビジネスチャット。外部の組織とつながる Slack コネクトに注意。", DescEN: "Business chat; watch Slack Connect channels shared with outside organisations.",
		Aliases: []string{"スラック"}},
	{Key: "chatwork", Name: "Chatwork", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		DescJA: "国内のビジネスチャット。社外の人とも同じアカウントでつながります。", DescEN: "Japanese business chat; outside contacts use the same accounts.",
		Aliases: []string{"チャットワーク", "Chat Work"}},
	{Key: "line_works", Name: "LINE WORKS", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		DescJA: "LINE と同じ操作感の業務用チャット・グループウェア（データは国内保存）。", DescEN: "Work chat and groupware that feels like LINE (data kept in Japan).",
		Aliases: []string{"LINEWORKS", "ラインワークス", "ライン ワークス"}},
	{Key: "zoom", Name: "Zoom", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "US",
		DescJA: "Web 会議。会議の録画がクラウドに保存されることがあります。", DescEN: "Video meetings; recordings may be stored in the cloud.",
		Aliases: []string{"ズーム", "Zoom Meetings"}},
	{Key: "kintone", Name: "kintone", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		DescJA: "サイボウズの業務アプリ作成サービス。顧客台帳などを置くことが多いサービスです。", DescEN: "Cybozu's business-app builder, often holding customer lists.",
		Aliases: []string{"キントーン"}},
	{Key: "cybozu_office", Name: "サイボウズ Office", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		DescJA: "中小企業向けのグループウェア（スケジュール・掲示板・ファイル管理）。", DescEN: "Groupware for small companies: schedules, bulletin board, files.",
		Aliases: []string{"サイボウズ", "Cybozu Office", "サイボウズオフィス", "Cybozu"}},
	{Key: "garoon", Name: "Garoon", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		DescJA: "サイボウズの中堅・大企業向けグループウェア。", DescEN: "Cybozu's groupware for larger organisations.",
		Aliases: []string{"ガルーン", "サイボウズ Garoon"}},
	{Key: "freee_accounting", Name: "freee会計", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		DescJA: "クラウド会計ソフト。銀行口座や取引先の情報を保存します。", DescEN: "Cloud accounting, holding bank accounts and business partners.",
		Aliases: []string{"freee", "フリー会計", "freee Accounting"}},
	{Key: "freee_hr", Name: "freee人事労務", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		DescJA: "給与計算・勤怠・年末調整。マイナンバーを扱います。", DescEN: "Payroll, attendance and year-end tax adjustment; holds My Number.",
		Aliases: []string{"freee HR", "フリー人事労務"}},
	{Key: "moneyforward_accounting", Name: "マネーフォワード クラウド会計", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		DescJA: "クラウド会計ソフト。銀行・カードの明細を連携します。", DescEN: "Cloud accounting linked to bank and card statements.",
		Aliases: []string{"マネフォ", "マネーフォワード", "マネーフォワード クラウド", "Money Forward", "MoneyForward", "MFクラウド会計", "MFクラウド"}},
	{Key: "yayoi_online", Name: "弥生会計 オンライン", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		DescJA: "弥生のクラウド会計ソフト。", DescEN: "Yayoi's cloud accounting.",
		Aliases: []string{"弥生会計", "弥生", "Yayoi", "やよいの青色申告 オンライン", "やよいの白色申告 オンライン"}},
	{Key: "smarthr", Name: "SmartHR", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		DescJA: "人事労務・従業員データベース。マイナンバーや家族情報を扱います。", DescEN: "HR and employee database; holds My Number and family details.",
		Aliases: []string{"スマートHR", "スマートエイチアール"}},
	{Key: "jobcan", Name: "ジョブカン", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		DescJA: "勤怠管理・経費精算・ワークフロー。", DescEN: "Attendance, expenses and workflow.",
		Aliases: []string{"Jobcan", "ジョブカン勤怠管理", "ジョブカン経費精算"}},
	{Key: "salesforce", Name: "Salesforce", Category: Cloud, MFA: MFAEnforced, InternetFacing: true,
		DescJA: "顧客管理（CRM）。多要素認証が契約上必須です。保存先はインスタンスにより異なります。", DescEN: "Customer relationship management; MFA is contractually required. Storage depends on the instance.",
		Aliases: []string{"セールスフォース", "SFDC", "Sales Cloud"}},
	{Key: "hubspot", Name: "HubSpot", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "US",
		DescJA: "マーケティング・営業支援（CRM）。", DescEN: "Marketing and sales CRM.",
		Aliases: []string{"ハブスポット"}},
	{Key: "backlog", Name: "Backlog", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		DescJA: "ヌーラボのプロジェクト管理・課題管理。", DescEN: "Nulab's project and issue tracking.",
		Aliases: []string{"バックログ"}},
	{Key: "notion", Name: "Notion", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "US",
		DescJA: "ドキュメント・ナレッジ共有。ページの「Web で公開」に注意。", DescEN: "Documents and knowledge base; watch pages published to the web.",
		Aliases: []string{"ノーション"}},
	{Key: "github", Name: "GitHub", Category: Cloud, MFA: MFAEnforced, InternetFacing: true, DataCountry: "US",
		DescJA: "ソースコード管理。コードを書く利用者には多要素認証が必須です。", DescEN: "Source code hosting; multi-factor authentication (MFA) is required for contributors.",
		Aliases: []string{"ギットハブ", "Git Hub"}},
	{Key: "aws", Name: "AWS", Category: Cloud, MFA: MFAAvailable, InternetFacing: true,
		DescJA: "Amazon のクラウド基盤。保存先は選んだリージョン（東京なら日本）です。", DescEN: "Amazon's cloud platform; data stays in the region chosen (Tokyo keeps it in Japan).",
		Aliases: []string{"Amazon Web Services", "アマゾンウェブサービス", "アマゾン ウェブ サービス"}},
	{Key: "sakura_rental_server", Name: "さくらのレンタルサーバ", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		DescJA: "ホームページやメールを置くレンタルサーバ。", DescEN: "Rental server for the website and mail.",
		Aliases: []string{"さくらインターネット", "さくらのレンタルサーバー", "Sakura Internet", "さくらサーバ"}},
	{Key: "xserver", Name: "Xserver", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		DescJA: "ホームページやメールを置くレンタルサーバ。", DescEN: "Rental server for the website and mail.",
		Aliases: []string{"エックスサーバー", "エックスサーバ", "XServer レンタルサーバー"}},
	{Key: "onamae", Name: "お名前.com", Category: Network, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		DescJA: "ドメインの登録・DNS 管理。乗っ取られるとメールやサイトが奪われます。", DescEN: "Domain registration and DNS; losing it loses the mail and the website.",
		Aliases: []string{"お名前ドットコム", "onamae.com", "Onamae"}},
	{Key: "wordpress", Name: "WordPress", Category: Cloud, MFA: MFANone, InternetFacing: true,
		DescJA: "ホームページの管理画面。標準では多要素認証がなく、プラグインで追加します。", DescEN: "The website's admin screen; no multi-factor authentication (MFA) unless a plugin adds it.",
		Aliases: []string{"ワードプレス", "WP", "WordPress 管理画面"}},
	{Key: "internet_router", Name: "インターネット回線・ルーター", Category: Network, MFA: MFANone, InternetFacing: true,
		DescJA: "光回線と事務所のルーター。管理画面の初期パスワードとファームウェア更新を確認します。", DescEN: "The fibre line and the office router; check the admin password and firmware updates.",
		Aliases: []string{"ルーター", "ルータ", "インターネット回線", "光回線", "フレッツ", "Router"}},
	{Key: "utm", Name: "UTM・ファイアウォール", Category: Network, MFA: MFAAvailable, InternetFacing: true,
		DescJA: "統合脅威管理装置・ファイアウォール。保守契約と更新の状況を確認します。", DescEN: "Unified threat management or firewall; check the support contract and updates.",
		Aliases: []string{"UTM", "ファイアウォール", "Firewall", "FortiGate", "ファイヤーウォール"}},
	{Key: "vpn", Name: "VPN", Category: Network, MFA: MFAAvailable, InternetFacing: true,
		DescJA: "社外から社内ネットワークに入るための VPN。更新漏れが侵入口になりやすい機器です。", DescEN: "Remote access into the office network; unpatched VPN boxes are a common way in.",
		Aliases: []string{"VPN装置", "リモートアクセスVPN", "SSL-VPN", "SSLVPN"}},
}

// Catalogue returns the built-in services, in display order. The slice is
// a copy: callers may change it.
func Catalogue() []CatalogueEntry {
	out := make([]CatalogueEntry, len(catalogue))
	copy(out, catalogue)
	return out
}

// CatalogueByKey returns the entry with key.
func CatalogueByKey(key string) (CatalogueEntry, bool) {
	for _, e := range catalogue {
		if e.Key == key {
			return e, true
		}
	}
	return CatalogueEntry{}, false
}

// Lookup finds the entry a name refers to, ignoring case, full- and
// half-width forms, spaces and punctuation, and knowing common other names
// ("G Suite", "O365", "マネフォ"…). Imports use it to link a service typed
// by hand to its catalogue defaults.
func Lookup(name string) (CatalogueEntry, bool) {
	n := foldName(name)
	if n == "" {
		return CatalogueEntry{}, false
	}
	for _, e := range catalogue {
		if foldName(e.Name) == n || foldName(e.Key) == n {
			return e, true
		}
		for _, a := range e.Aliases {
			if foldName(a) == n {
				return e, true
			}
		}
	}
	return CatalogueEntry{}, false
}

// foldName reduces a service name to a comparable form: half-width ASCII,
// full-width katakana, lower case, without spaces and punctuation.
func foldName(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
			r -= 0xFEE0
		case r >= 0xFF61 && r <= 0xFF9F: // half-width katakana
			r = widenKana(r)
			if i+1 < len(rs) && (rs[i+1] == 0xFF9E || rs[i+1] == 0xFF9F) {
				if v, ok := voiced(r, rs[i+1] == 0xFF9F); ok {
					r = v
					i++
				}
			}
		}
		if unicode.IsSpace(r) || unicode.IsPunct(r) || r == 'ー' || r == '-' || r == '・' {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// halfKana lists the full-width forms of U+FF61…U+FF9F in order.
const halfKana = "。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン゛゜"

func widenKana(r rune) rune {
	return []rune(halfKana)[r-0xFF61]
}

// voiced adds a dakuten (or, when semi, a handakuten) to a full-width
// katakana, reporting whether it takes one.
func voiced(r rune, semi bool) (rune, bool) {
	switch {
	case r == 'ウ' && !semi:
		return 'ヴ', true
	case strings.ContainsRune("カキクケコサシスセソタチツテト", r) && !semi:
		return r + 1, true
	case strings.ContainsRune("ハヒフヘホ", r):
		if semi {
			return r + 2, true
		}
		return r + 1, true
	}
	return r, false
}
