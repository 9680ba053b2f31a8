package importer

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/mamori-sec/mamori/internal/inventory"
)

// nfkc folds full-width letters and digits, half-width katakana and the
// like, skipping the work for plain ASCII.
func nfkc(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return norm.NFKC.String(s)
		}
	}
	return s
}

// normValue is the form cell values are compared in: NFKC, lower case,
// without spaces and the punctuation people vary ("パート・アルバイト",
// "パート／アルバイト", "Wi-Fi", "私物(BYOD)").
func normValue(s string) string {
	s = strings.ToLower(nfkc(s))
	return strings.Map(func(r rune) rune {
		switch r {
		case '_', '-', '・', '/', '(', ')', '.', '[', ']', '「', '」', '、', ',':
			return -1
		}
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// normHeader is the form headers are compared in: normValue after dropping
// the console suffixes such as "[Required]" or "[READ ONLY]", required
// marks and a trailing "(必須)".
func normHeader(s string) string {
	s = strings.ToLower(nfkc(s))
	for {
		s = strings.TrimSpace(s)
		s = strings.TrimLeft(s, "*※")
		n := len(s)
		if strings.HasSuffix(s, "]") {
			if i := strings.LastIndexByte(s, '['); i >= 0 {
				s = s[:i]
			}
		}
		for _, suffix := range []string{"(必須)", "(任意)", "(required)", "(optional)", "*", "※"} {
			s = strings.TrimSuffix(s, suffix)
		}
		if len(s) == n {
			break
		}
	}
	return normValue(s)
}

// choice is one value of an enumerated column: the code stored, the labels
// written in Japanese and English files, and other words people use.
type choice struct {
	code, ja, en string
	aliases      []string
}

// choices looks values up by any of their spellings.
type choices struct {
	list  []choice
	index map[string]string
}

func newChoices(list ...choice) *choices {
	c := &choices{list: list, index: map[string]string{}}
	for _, ch := range list {
		for _, s := range append([]string{ch.code, ch.ja, ch.en}, ch.aliases...) {
			if _, dup := c.index[s]; !dup {
				c.index[s] = ch.code
			}
			if n := normValue(s); n != "" {
				if _, dup := c.index[n]; !dup {
					c.index[n] = ch.code
				}
			}
		}
	}
	return c
}

// lookup returns the code spelled by s.
func (c *choices) lookup(s string) (string, bool) {
	if v, ok := c.index[s]; ok {
		return v, true
	}
	v, ok := c.index[normValue(s)]
	return v, ok
}

// label returns how code is written in lang.
func (c *choices) label(code, lang string) string {
	for _, ch := range c.list {
		if ch.code == code {
			if lang == "en" {
				return ch.en
			}
			return ch.ja
		}
	}
	return code
}

// labels returns every value as written in lang.
func (c *choices) labels(lang string) []string {
	out := make([]string, len(c.list))
	for i, ch := range c.list {
		out[i] = c.label(ch.code, lang)
	}
	return out
}

var (
	employmentChoices = newChoices(
		choice{string(inventory.Executive), "役員", "Executive", []string{"取締役", "代表取締役", "監査役", "officer", "director"}},
		choice{string(inventory.FullTime), "正社員", "Full-time", []string{"社員", "正規社員", "正規", "full time", "employee", "regular", "permanent"}},
		choice{string(inventory.Contract), "契約社員", "Contract", []string{"契約", "嘱託", "嘱託社員", "contract employee", "fixed term"}},
		choice{string(inventory.PartTime), "パート・アルバイト", "Part-time", []string{"パート", "アルバイト", "パートタイム", "パートタイマー", "part time", "parttime"}},
		choice{string(inventory.Dispatched), "派遣", "Dispatched", []string{"派遣社員", "派遣スタッフ", "temp", "temporary", "agency"}},
		choice{string(inventory.Contractor), "業務委託", "Contractor", []string{"委託", "業務委託先", "フリーランス", "freelance", "freelancer", "vendor"}},
		choice{string(inventory.Counsel), "顧問", "Counsel", []string{"advisor", "adviser", "consultant"}},
	)
	accountKindChoices = newChoices(
		choice{string(inventory.Personal), "個人", "Personal", []string{"本人", "個人用", "individual", "user", "member"}},
		choice{string(inventory.Shared), "共用", "Shared", []string{"共有", "共通", "共用アカウント", "shared account"}},
		choice{string(inventory.ServiceAcc), "サービス", "Service", []string{"サービスアカウント", "システム", "システム用", "service account", "bot", "system"}},
		choice{string(inventory.Guest), "ゲスト", "Guest", []string{"ゲストユーザー", "guest user"}},
		choice{string(inventory.External), "外部", "External", []string{"社外", "外部ユーザー", "取引先", "partner", "external user"}},
	)
	privilegeChoices = newChoices(
		choice{string(inventory.Admin), "管理者", "Admin", []string{"管理", "特権", "オーナー", "所有者", "administrator", "owner", "super admin", "特権管理者"}},
		choice{string(inventory.Edit), "編集", "Edit", []string{"編集者", "一般", "一般ユーザー", "利用者", "editor", "write", "user", "member", "standard"}},
		choice{string(inventory.View), "閲覧", "View", []string{"閲覧者", "閲覧のみ", "参照", "読み取り", "viewer", "read", "reader", "read only"}},
		choice{string(inventory.Download), "ダウンロード", "Download", []string{"ダウンロードのみ"}},
	)
	accountMFAChoices = newChoices(
		choice{string(inventory.MFAOn), "有効", "On", []string{"あり", "有", "設定済み", "設定済", "登録済み", "済", "はい", "○", "◯", "〇", "yes", "true", "enabled", "registered", "1"}},
		choice{string(inventory.MFAOff), "無効", "Off", []string{"なし", "無", "未設定", "未登録", "未", "いいえ", "×", "✕", "no", "false", "disabled", "not registered", "0"}},
		choice{string(inventory.MFAUnknown), "不明", "Unknown", []string{"わからない", "未確認", "?", "-"}},
	)
	statusChoices = newChoices(
		choice{string(inventory.Active), "有効", "Active", []string{"利用中", "使用中", "在籍", "enabled"}},
		choice{string(inventory.Suspended), "停止", "Suspended", []string{"停止中", "一時停止", "無効", "ロック", "ブロック", "disabled", "blocked", "locked", "archived"}},
		choice{string(inventory.Deleted), "削除", "Deleted", []string{"削除済み", "削除済", "removed"}},
	)
	deviceKindChoices = newChoices(
		choice{string(inventory.PC), "パソコン", "PC", []string{"ノートパソコン", "ノートPC", "デスクトップ", "デスクトップPC", "laptop", "desktop", "computer", "notebook", "mac", "windows"}},
		choice{string(inventory.Smartphone), "スマートフォン", "Smartphone", []string{"スマホ", "携帯電話", "携帯", "iphone", "android", "phone", "mobile phone"}},
		choice{string(inventory.Tablet), "タブレット", "Tablet", []string{"ipad"}},
		choice{string(inventory.USBMedia), "USBメモリ・外付け記憶媒体", "USB media", []string{"USBメモリ", "外付けHDD", "外付けSSD", "外付けディスク", "SDカード", "usb", "usb stick", "external disk"}},
		choice{string(inventory.Router), "ルーター", "Router", []string{"ルータ", "ブロードバンドルーター"}},
		choice{string(inventory.UTM), "UTM・ファイアウォール", "UTM / firewall", []string{"utm", "ファイアウォール", "firewall"}},
		choice{string(inventory.VPN), "VPN装置", "VPN appliance", []string{"vpn", "vpnルーター", "vpn機器"}},
		choice{string(inventory.WiFiAP), "無線LANアクセスポイント", "Wi-Fi access point", []string{"無線LAN", "無線ルーター", "アクセスポイント", "wifi", "wi-fi", "access point", "ap"}},
		choice{string(inventory.NAS), "NAS", "NAS", []string{"ファイルサーバー", "ファイルサーバ", "file server"}},
		choice{string(inventory.MFP), "複合機", "Multifunction printer", []string{"プリンター", "プリンタ", "コピー機", "printer", "mfp", "copier"}},
		choice{string(inventory.Camera), "カメラ", "Camera", []string{"防犯カメラ", "監視カメラ", "ネットワークカメラ", "webカメラ"}},
		choice{string(inventory.IoT), "IoT機器", "IoT device", []string{"iot"}},
		choice{string(inventory.OtherKind), "その他", "Other", []string{"他"}},
	)
	ownershipChoices = newChoices(
		choice{string(inventory.CompanyIssued), "会社支給", "Company", []string{"会社", "会社所有", "貸与", "支給", "社用", "company issued", "corporate"}},
		choice{string(inventory.BYOD), "私物(BYOD)", "BYOD", []string{"私物", "個人所有", "個人", "personal"}},
	)
	networkChoices = newChoices(
		choice{string(inventory.Internal), "社内LAN", "Office network", []string{"社内", "社内ネットワーク", "事務所", "internal", "lan", "office"}},
		choice{string(inventory.GuestWiFi), "ゲストWi-Fi", "Guest Wi-Fi", []string{"ゲスト", "来客用Wi-Fi", "来客用", "guest"}},
		choice{string(inventory.Home), "自宅", "Home", []string{"在宅", "テレワーク", "自宅Wi-Fi", "home network"}},
		choice{string(inventory.Mobile), "モバイル回線", "Mobile network", []string{"モバイル", "携帯回線", "テザリング", "4g", "5g", "lte", "mobile"}},
	)
	scopeChoices = newChoices(
		choice{string(inventory.AnyoneWithLink), "リンクを知っている全員", "Anyone with the link", []string{"リンクを知っている人", "リンクを知っている人全員", "リンク共有", "anyone", "anonymous", "anyone link"}},
		choice{string(inventory.Public), "一般公開", "Public", []string{"公開", "ウェブ公開", "web公開", "インターネット公開", "public on the web"}},
		choice{string(inventory.ExternalDomain), "外部ドメイン", "External domain", []string{"他社ドメイン", "取引先ドメイン", "external domain"}},
		choice{string(inventory.ExternalPeople), "外部の特定ユーザー", "External people", []string{"外部ユーザー", "社外の特定の人", "外部の特定の人", "特定の外部ユーザー", "external users", "specific external people"}},
		choice{string(inventory.WholeOrg), "組織内", "Organisation", []string{"社内", "社内全員", "組織", "組織全体", "organization", "company", "internal"}},
	)
	sharePermissionChoices = newChoices(
		choice{string(inventory.ShareView), "閲覧", "View", []string{"閲覧者", "閲覧のみ", "閲覧者(コメント可)", "コメント可", "参照", "読み取り", "viewer", "read", "reader", "commenter", "read only"}},
		choice{string(inventory.ShareEdit), "編集", "Edit", []string{"編集者", "編集可", "editor", "write", "contribute", "full control", "フルコントロール"}},
	)
	categoryChoices = newChoices(
		choice{string(inventory.Cloud), "クラウド", "Cloud", []string{"クラウドサービス", "saas", "cloud service"}},
		choice{string(inventory.OnPrem), "社内設置", "On premises", []string{"オンプレミス", "オンプレ", "社内", "社内サーバー", "ソフトウェア", "onprem", "on-premises", "software"}},
		choice{string(inventory.Network), "ネットワーク", "Network", []string{"回線", "通信", "インターネット回線"}},
	)
	serviceMFAChoices = newChoices(
		choice{string(inventory.MFANone), "なし", "None", []string{"無し", "無", "非対応", "未対応", "no", "not available"}},
		choice{string(inventory.MFAAvailable), "任意", "Optional", []string{"利用可", "利用可能", "各自", "対応", "available", "optional"}},
		choice{string(inventory.MFAEnforced), "必須", "Enforced", []string{"強制", "全員必須", "全員", "required", "mandatory"}},
	)
)

var (
	trueWords  = wordSet("○", "◯", "〇", "●", "◎", "有", "有り", "あり", "はい", "済", "済み", "実施済", "実施済み", "設定済", "設定済み", "する", "有効", "対応", "yes", "y", "true", "1", "✓", "✔", "☑", "レ", "on")
	falseWords = wordSet("×", "✕", "✖", "x", "無", "無し", "なし", "いいえ", "未", "未実施", "未設定", "しない", "無効", "非対応", "no", "n", "false", "0", "off", "-")
	triUnknown = wordSet("不明", "わからない", "未確認", "?", "unknown", "n/a")
)

func wordSet(words ...string) map[string]bool {
	m := map[string]bool{}
	for _, w := range words {
		m[w] = true
		if n := normValue(w); n != "" {
			m[n] = true
		}
	}
	return m
}

// parseBool reads a yes/no cell; blank is no.
func parseBool(s string) (bool, bool) {
	if s == "" {
		return false, true
	}
	switch n := normValue(s); {
	case trueWords[s] || trueWords[n]:
		return true, true
	case falseWords[s] || falseWords[n]:
		return false, true
	}
	return false, false
}

// parseTri reads a yes/no cell where blank means not known.
func parseTri(s string) (inventory.Tri, bool) {
	if s == "" || triUnknown[s] || triUnknown[normValue(s)] {
		return inventory.Unknown, true
	}
	b, ok := parseBool(s)
	if !ok {
		return inventory.Unknown, false
	}
	if b {
		return inventory.Yes, true
	}
	return inventory.No, true
}

// parseCount reads a number of people: "約1,200人" is 1200.
func parseCount(s string) (int, bool) {
	s = nfkc(s)
	s = strings.NewReplacer(",", "", "約", "", "人", "", "名", "", "件", "", "程度", "", "ほど", "", "以上", "", " ", "").Replace(s)
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 1_000_000_000 {
		return 0, false
	}
	return n, true
}

// parseLevel reads a 1–3 rating.
func parseLevel(s string) (int, bool) {
	s = strings.TrimSuffix(strings.TrimSpace(nfkc(s)), ".0")
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 3 {
		return 0, false
	}
	return n, true
}

// normEmail folds a full-width address and checks its shape: one @, no
// spaces, something on both sides and a dot in the domain.
func normEmail(s string) (string, bool) {
	s = strings.TrimSpace(nfkc(s))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "mailto:"), "MAILTO:")
	at := strings.IndexByte(s, '@')
	if at <= 0 || at != strings.LastIndexByte(s, '@') || at == len(s)-1 {
		return s, false
	}
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == ',' || r == ';' || r == '<' || r == '>' }) {
		return s, false
	}
	domain := s[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return s, false
	}
	return s, true
}

// listSeparators are the characters that separate the items of a list
// cell: Japanese and Western commas, semicolons and line breaks.
const listSeparators = "、,，;；\n\r"

// splitList reads a cell holding several names. An item may be put in
// double quotes, with "" for a quote inside, so that a name holding a
// comma survives: joinList writes such names that way.
func splitList(s string) []string {
	var (
		out    []string
		b      strings.Builder
		quoted bool // the item was quoted: kept as written
		inside bool // within the quotes
		closed bool // after the closing quote: only spaces until the separator
	)
	flush := func() {
		item := b.String()
		if !quoted {
			item = strings.TrimSpace(item)
		}
		if item != "" {
			out = append(out, item)
		}
		b.Reset()
		quoted, closed = false, false
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case inside && r == '"' && strings.HasPrefix(s[i:], `"`):
			b.WriteByte('"')
			i++
		case inside && r == '"':
			inside, closed = false, true
		case inside:
			b.WriteRune(r)
		case strings.ContainsRune(listSeparators, r):
			flush()
		case closed:
			// spaces between the closing quote and the separator
		case r == '"' && strings.TrimSpace(b.String()) == "":
			b.Reset()
			inside, quoted = true, true
		default:
			b.WriteRune(r)
		}
	}
	flush()
	return out
}

// joinList writes the items of a list cell with sep, quoting an item
// that holds a separator or a quote, or starts or ends with a space, so
// that splitList reads back the same items.
func joinList(items []string, sep string) string {
	var b strings.Builder
	for i, item := range items {
		if i > 0 {
			b.WriteString(sep)
		}
		if strings.ContainsAny(item, listSeparators+`"`) || strings.TrimSpace(item) != item {
			b.WriteByte('"')
			b.WriteString(strings.ReplaceAll(item, `"`, `""`))
			b.WriteByte('"')
			continue
		}
		b.WriteString(item)
	}
	return b.String()
}

// countryCodes maps the country names people write to ISO 3166 codes.
var countryCodes = map[string]string{
	"日本": "JP", "japan": "JP", "国内": "JP",
	"米国": "US", "アメリカ": "US", "アメリカ合衆国": "US", "usa": "US", "unitedstates": "US",
	"シンガポール": "SG", "singapore": "SG",
	"アイルランド": "IE", "ireland": "IE",
	"ドイツ": "DE", "germany": "DE",
	"オランダ": "NL", "netherlands": "NL",
	"英国": "GB", "イギリス": "GB", "unitedkingdom": "GB", "uk": "GB",
	"フランス": "FR", "france": "FR",
	"オーストラリア": "AU", "australia": "AU",
	"カナダ": "CA", "canada": "CA",
	"韓国": "KR", "korea": "KR", "southkorea": "KR",
	"台湾": "TW", "taiwan": "TW",
	"香港": "HK", "hongkong": "HK",
	"中国": "CN", "china": "CN",
	"インド": "IN", "india": "IN",
}

// parseCountry returns the ISO code of a country cell.
func parseCountry(s string) (string, bool) {
	if s == "" {
		return "", true
	}
	n := normValue(s)
	if c, ok := countryCodes[n]; ok {
		return c, true
	}
	if len(n) == 2 && n[0] >= 'a' && n[0] <= 'z' && n[1] >= 'a' && n[1] <= 'z' {
		return strings.ToUpper(n), true
	}
	return "", false
}
