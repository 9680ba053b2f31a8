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
//
// Its words are in the message catalogues (services.json), so that a new
// language needs no change here: a one-line description under
// DescriptionKey, and for an entry that is a kind of thing rather than a
// product (a router, a firewall) its name under NameKey.
type CatalogueEntry struct {
	Key            string // stable identifier, stored as Service.CatalogueKey
	Name           string // the product's own name, the same in every language; "" for a kind of thing, named by NameKey
	Category       ServiceCategory
	MFA            MFAState // what the service offers out of the box
	InternetFacing bool
	DataCountry    string   // ISO 3166 code where well known, "" when it depends on the contract
	Aliases        []string // other names people type, matched like Name
}

// Service is the entry as a new service record; an entry without a
// product name leaves the name for the caller to give in its language.
func (e CatalogueEntry) Service() Service {
	return Service{Name: e.Name, CatalogueKey: e.Key, Category: e.Category, MFA: e.MFA, InternetFacing: e.InternetFacing, DataCountry: e.DataCountry}
}

// NameKey is the message key of the entry's name when it has no product
// name, "" when it has one.
func (e CatalogueEntry) NameKey() string {
	if e.Name != "" {
		return ""
	}
	return "inv.catalogue." + e.Key + ".name"
}

// DescriptionKey is the message key of the entry's one-line description.
func (e CatalogueEntry) DescriptionKey() string { return "inv.catalogue." + e.Key + ".desc" }

// Label is the entry's name as a person reads it: the product name, or
// its name in words translated by t.
func (e CatalogueEntry) Label(t func(key string, args ...any) string) string {
	if e.Name != "" {
		return e.Name
	}
	return t(e.NameKey())
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
		Aliases: []string{"G Suite", "GSuite", "Google Apps", "Gmail", "Google Drive", "Google ドライブ", "グーグルワークスペース"}},
	{Key: "microsoft_365", Name: "Microsoft 365", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		Aliases: []string{"Office 365", "O365", "M365", "Office365", "Microsoft Teams", "Teams", "OneDrive", "SharePoint", "Exchange Online", "Outlook"}},
	{Key: "box", Name: "Box", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "US",
		Aliases: []string{"ボックス"}},
	{Key: "dropbox", Name: "Dropbox", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "US",
		Aliases: []string{"ドロップボックス", "Dropbox Business"}},
	{Key: "slack", Name: "Slack", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "US",
		Aliases: []string{"スラック"}},
	{Key: "chatwork", Name: "Chatwork", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		Aliases: []string{"チャットワーク", "Chat Work"}},
	{Key: "line_works", Name: "LINE WORKS", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		Aliases: []string{"LINEWORKS", "ラインワークス", "ライン ワークス"}},
	{Key: "zoom", Name: "Zoom", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "US",
		Aliases: []string{"ズーム", "Zoom Meetings"}},
	{Key: "kintone", Name: "kintone", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		Aliases: []string{"キントーン"}},
	{Key: "cybozu_office", Name: "サイボウズ Office", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		Aliases: []string{"サイボウズ", "Cybozu Office", "サイボウズオフィス", "Cybozu"}},
	{Key: "garoon", Name: "Garoon", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		Aliases: []string{"ガルーン", "サイボウズ Garoon"}},
	{Key: "freee_accounting", Name: "freee会計", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		Aliases: []string{"freee", "フリー会計", "freee Accounting"}},
	{Key: "freee_hr", Name: "freee人事労務", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		Aliases: []string{"freee HR", "フリー人事労務"}},
	{Key: "moneyforward_accounting", Name: "マネーフォワード クラウド会計", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		Aliases: []string{"マネフォ", "マネーフォワード", "マネーフォワード クラウド", "Money Forward", "MoneyForward", "MFクラウド会計", "MFクラウド"}},
	{Key: "yayoi_online", Name: "弥生会計 オンライン", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		Aliases: []string{"弥生会計", "弥生", "Yayoi", "やよいの青色申告 オンライン", "やよいの白色申告 オンライン"}},
	{Key: "smarthr", Name: "SmartHR", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		Aliases: []string{"スマートHR", "スマートエイチアール"}},
	{Key: "jobcan", Name: "ジョブカン", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		Aliases: []string{"Jobcan", "ジョブカン勤怠管理", "ジョブカン経費精算"}},
	{Key: "salesforce", Name: "Salesforce", Category: Cloud, MFA: MFAEnforced, InternetFacing: true,
		Aliases: []string{"セールスフォース", "SFDC", "Sales Cloud"}},
	{Key: "hubspot", Name: "HubSpot", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "US",
		Aliases: []string{"ハブスポット"}},
	{Key: "backlog", Name: "Backlog", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		Aliases: []string{"バックログ"}},
	{Key: "notion", Name: "Notion", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "US",
		Aliases: []string{"ノーション"}},
	{Key: "github", Name: "GitHub", Category: Cloud, MFA: MFAEnforced, InternetFacing: true, DataCountry: "US",
		Aliases: []string{"ギットハブ", "Git Hub"}},
	{Key: "aws", Name: "AWS", Category: Cloud, MFA: MFAAvailable, InternetFacing: true,
		Aliases: []string{"Amazon Web Services", "アマゾンウェブサービス", "アマゾン ウェブ サービス"}},
	{Key: "sakura_rental_server", Name: "さくらのレンタルサーバ", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		Aliases: []string{"さくらインターネット", "さくらのレンタルサーバー", "Sakura Internet", "さくらサーバ"}},
	{Key: "xserver", Name: "Xserver", Category: Cloud, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		Aliases: []string{"エックスサーバー", "エックスサーバ", "XServer レンタルサーバー"}},
	{Key: "onamae", Name: "お名前.com", Category: Network, MFA: MFAAvailable, InternetFacing: true, DataCountry: "JP",
		Aliases: []string{"お名前ドットコム", "onamae.com", "Onamae"}},
	{Key: "wordpress", Name: "WordPress", Category: Cloud, MFA: MFANone, InternetFacing: true,
		Aliases: []string{"ワードプレス", "WP", "WordPress 管理画面"}},
	{Key: "internet_router", Category: Network, MFA: MFANone, InternetFacing: true,
		Aliases: []string{"インターネット回線・ルーター", "Internet line and router", "ルーター", "ルータ", "インターネット回線", "光回線", "フレッツ", "Router"}},
	{Key: "utm", Category: Network, MFA: MFAAvailable, InternetFacing: true,
		Aliases: []string{"UTM・ファイアウォール", "UTM and firewall", "UTM", "ファイアウォール", "Firewall", "FortiGate", "ファイヤーウォール"}},
	{Key: "vpn", Name: "VPN", Category: Network, MFA: MFAAvailable, InternetFacing: true,
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
