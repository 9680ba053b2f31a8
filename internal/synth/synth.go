// Package synth makes synthetic, plausible inventories of Japanese
// companies of any size — people with Japanese names, the cloud services
// small companies use, accounts, devices, an information-asset ledger and
// file shares, with the usual mistakes sprinkled in at realistic rates — so
// that benchmarks, load tests and demos never need real company data.
//
// Generation is deterministic: the same seed, size and day always give the
// same records, on every platform.
package synth

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
)

// Size is how many records of each kind to make; the services are always
// the same fixed list.
type Size struct{ People, Accounts, Devices, Assets, Shares int }

// Sizes used by tests and benchmarks. Large is the tenant the performance
// targets are set for; Portfolio is one of an IT advisor's many small
// client companies (the portfolio benchmark makes 500 of them).
var (
	Small     = Size{People: 60, Accounts: 300, Devices: 120, Assets: 40, Shares: 3000}
	Portfolio = Size{People: 15, Accounts: 40, Devices: 15, Assets: 5, Shares: 30}
	Large     = Size{People: 10000, Accounts: 50000, Devices: 20000, Assets: 5000, Shares: 1000000}
)

// Domain is the company's own e-mail domain in generated data.
const Domain = "synth.example"

// Data is one generated company. Every record has OrgID 1 and IDs 1..n
// within its kind.
type Data = inventory.Data

// Generate makes a company of size sz as it stands on today (a calendar
// day in Japan).
func Generate(seed int64, sz Size, today time.Time) Data {
	g := &gen{
		r:     rand.New(rand.NewPCG(uint64(seed), 0x6d616d6f7269)),
		today: calendar.Of(today),
	}
	var out Data
	out.People = g.people(sz.People)
	out.Services = g.services()
	out.Accounts = g.accounts(sz.Accounts, out.People, out.Services)
	out.Devices = g.devices(sz.Devices, out.People)
	out.Assets = g.assets(sz.Assets, len(out.Services), out.Devices)
	out.Shares = g.shares(sz.Shares, out.People, len(out.Assets))
	return out
}

type gen struct {
	r     *rand.Rand
	today calendar.Day
	dates map[int]string // day offset from today → "YYYY-MM-DD", shared by all records
}

// date is the day off days from today (negative in the past), formatted
// once and shared, so a million shares do not make a million date strings.
func (g *gen) date(off int) string {
	if g.dates == nil {
		g.dates = make(map[int]string, 16384)
	}
	if s, ok := g.dates[off]; ok {
		return s
	}
	s := g.today.AddDays(off).String()
	g.dates[off] = s
	return s
}

// pct is true p percent of the time.
func (g *gen) pct(p int) bool { return g.r.IntN(100) < p }

// pick chooses an index by weight.
func (g *gen) pick(weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := g.r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

func (g *gen) tri(yes, no int) inventory.Tri {
	switch g.pick(yes, no, max(0, 100-yes-no)) {
	case 0:
		return inventory.Yes
	case 1:
		return inventory.No
	}
	return inventory.Unknown
}

type name struct{ kanji, kana, roman string }

var families = []name{
	{"佐藤", "サトウ", "sato"}, {"鈴木", "スズキ", "suzuki"}, {"高橋", "タカハシ", "takahashi"}, {"田中", "タナカ", "tanaka"},
	{"伊藤", "イトウ", "ito"}, {"渡辺", "ワタナベ", "watanabe"}, {"山本", "ヤマモト", "yamamoto"}, {"中村", "ナカムラ", "nakamura"},
	{"小林", "コバヤシ", "kobayashi"}, {"加藤", "カトウ", "kato"}, {"吉田", "ヨシダ", "yoshida"}, {"山田", "ヤマダ", "yamada"},
	{"佐々木", "ササキ", "sasaki"}, {"山口", "ヤマグチ", "yamaguchi"}, {"松本", "マツモト", "matsumoto"}, {"井上", "イノウエ", "inoue"},
	{"木村", "キムラ", "kimura"}, {"林", "ハヤシ", "hayashi"}, {"斎藤", "サイトウ", "saito"}, {"清水", "シミズ", "shimizu"},
	{"山崎", "ヤマザキ", "yamazaki"}, {"森", "モリ", "mori"}, {"池田", "イケダ", "ikeda"}, {"橋本", "ハシモト", "hashimoto"},
	{"阿部", "アベ", "abe"}, {"石川", "イシカワ", "ishikawa"}, {"前田", "マエダ", "maeda"}, {"藤田", "フジタ", "fujita"},
}

var givens = []name{
	{"翔太", "ショウタ", "shota"}, {"大輔", "ダイスケ", "daisuke"}, {"健太", "ケンタ", "kenta"}, {"拓也", "タクヤ", "takuya"},
	{"直樹", "ナオキ", "naoki"}, {"蓮", "レン", "ren"}, {"悠真", "ユウマ", "yuma"}, {"誠", "マコト", "makoto"},
	{"浩二", "コウジ", "koji"}, {"隆", "タカシ", "takashi"}, {"陽菜", "ヒナ", "hina"}, {"美咲", "ミサキ", "misaki"},
	{"由美", "ユミ", "yumi"}, {"恵子", "ケイコ", "keiko"}, {"愛", "アイ", "ai"}, {"結衣", "ユイ", "yui"},
	{"彩", "アヤ", "aya"}, {"真由美", "マユミ", "mayumi"}, {"さくら", "サクラ", "sakura"}, {"明美", "アケミ", "akemi"},
	{"和也", "カズヤ", "kazuya"}, {"智子", "トモコ", "tomoko"}, {"裕子", "ユウコ", "yuko"}, {"亮", "リョウ", "ryo"},
}

var departments = []string{"総務部", "経理部", "営業部", "製造部", "開発部", "人事部", "品質管理部", "物流部"}

var freeMail = []string{"gmail.com", "yahoo.co.jp", "docomo.ne.jp", "icloud.com", "ezweb.ne.jp", "outlook.jp"}

func (g *gen) people(n int) []inventory.Person {
	out := make([]inventory.Person, n)
	seen := make(map[string]int, n)
	types := []inventory.EmploymentType{inventory.Executive, inventory.FullTime, inventory.Contract, inventory.PartTime, inventory.Dispatched, inventory.Contractor, inventory.Counsel}
	for i := range out {
		f, gv := families[g.r.IntN(len(families))], givens[g.r.IntN(len(givens))]
		local := gv.roman + "." + f.roman
		seen[local]++
		if k := seen[local]; k > 1 {
			local += strconv.Itoa(k)
		}
		email := local + "@" + Domain
		if g.pct(4) {
			email = local + strconv.Itoa(10+g.r.IntN(90)) + "@" + freeMail[g.r.IntN(len(freeMail))]
		}
		et := types[g.pick(2, 64, 10, 13, 5, 5, 1)]
		joinAgo := 30 + g.r.IntN(365*20)
		if et == inventory.Executive {
			joinAgo = 365*5 + g.r.IntN(365*25)
		}
		p := inventory.Person{
			ID:             int64(i + 1),
			OrgID:          1,
			Name:           f.kanji + "　" + gv.kanji,
			Kana:           f.kana + "　" + gv.kana,
			Email:          email,
			Department:     departments[g.r.IntN(len(departments))],
			EmploymentType: et,
			JoinDate:       g.date(-joinAgo),
		}
		switch {
		case g.pct(8): // has left, mostly within the last two years
			ago := 1 + g.r.IntN(min(joinAgo-1, 730))
			p.LeaveDate = g.date(-ago)
		case g.pct(1): // leaving soon
			p.LeaveDate = g.date(1 + g.r.IntN(60))
		}
		out[i] = p
	}
	return out
}

func (g *gen) services() []inventory.Service {
	type svc struct {
		name, key, dept, admins, country, check string
		cat                                     inventory.ServiceCategory
		mfa                                     inventory.MFAState
		internet, sso                           bool
	}
	check := func(ago int) string {
		if ago < 0 {
			return ""
		}
		return g.date(-ago)
	}
	list := []svc{
		{"Google Workspace", "google_workspace", "総務部", "総務部 管理者", "US", check(200), inventory.Cloud, inventory.MFAAvailable, true, false},
		{"Microsoft 365", "microsoft_365", "総務部", "総務部 管理者", "JP", check(500), inventory.Cloud, inventory.MFAEnforced, true, false},
		{"Slack", "slack", "開発部", "開発部 リーダー", "US", check(-1), inventory.Cloud, inventory.MFAAvailable, true, false},
		{"Chatwork", "chatwork", "営業部", "", "JP", check(-1), inventory.Cloud, inventory.MFAAvailable, true, false},
		{"Box", "box", "総務部", "総務部 管理者", "JP", check(90), inventory.Cloud, inventory.MFAEnforced, true, false},
		{"freee会計", "freee", "経理部", "経理部 課長", "JP", check(400), inventory.Cloud, inventory.MFAAvailable, true, false},
		{"マネーフォワード クラウド給与", "mf_payroll", "人事部", "人事部 担当", "JP", check(-1), inventory.Cloud, inventory.MFAAvailable, true, false},
		{"SmartHR", "smarthr", "人事部", "人事部 担当", "JP", check(100), inventory.Cloud, inventory.MFAAvailable, true, false},
		{"kintone", "kintone", "営業部", "", "JP", check(-1), inventory.Cloud, inventory.MFAAvailable, true, false},
		{"Salesforce", "salesforce", "営業部", "営業部 管理者", "", check(-1), inventory.Cloud, inventory.MFAEnforced, true, false},
		{"Zoom", "zoom", "", "", "US", check(-1), inventory.Cloud, inventory.MFAAvailable, true, true},
		{"無料ファイル転送", "", "", "", "", check(-1), inventory.Cloud, inventory.MFANone, true, false},
		{"弥生会計", "yayoi", "経理部", "経理部 課長", "JP", "", inventory.OnPrem, inventory.MFANone, false, false},
		{"社内ファイルサーバー", "", "総務部", "総務部 管理者", "JP", "", inventory.OnPrem, inventory.MFANone, false, false},
		{"リモートアクセスVPN", "", "総務部", "保守業者", "JP", "", inventory.Network, inventory.MFAAvailable, true, false},
	}
	out := make([]inventory.Service, len(list))
	for i, s := range list {
		out[i] = inventory.Service{
			ID: int64(i + 1), OrgID: 1, Name: s.name, CatalogueKey: s.key, Category: s.cat,
			Admins: s.admins, OwnerDepartment: s.dept, SSO: s.sso, MFA: s.mfa,
			DataCountry: s.country, InternetFacing: s.internet, CloudCheckDone: s.check,
		}
	}
	return out
}

// daysAgo is how many days ago a date made by gen lies.
func (g *gen) daysAgo(d string) int {
	t, err := calendar.ParseISO(d)
	if err != nil {
		return 0
	}
	return int(g.today - t)
}

func (g *gen) accounts(n int, people []inventory.Person, services []inventory.Service) []inventory.Account {
	out := make([]inventory.Account, n)
	// Everyone has a mail account; the rest spread over the services,
	// the popular ones more.
	serviceWeights := []int{0, 12, 10, 6, 8, 3, 2, 4, 6, 5, 10, 2, 2, 6, 6}
	privileges := []inventory.Privilege{inventory.Admin, inventory.Edit, inventory.View, inventory.Download}
	for i := range out {
		si := 0
		if i >= len(people) {
			si = g.pick(serviceWeights...)
		}
		sv := &services[si]
		a := inventory.Account{
			ID:        int64(i + 1),
			OrgID:     1,
			ServiceID: sv.ID,
			Privilege: privileges[g.pick(3, 55, 37, 5)],
			Status:    inventory.Active,
		}
		var p *inventory.Person
		switch kind := g.pick(88, 3, 2, 4, 3); {
		case kind == 0 || len(people) == 0 || i < len(people):
			a.Kind = inventory.Personal
			if len(people) > 0 {
				p = &people[i%len(people)]
				if i >= len(people) {
					p = &people[g.r.IntN(len(people))]
				}
			}
		case kind == 1:
			a.Kind = inventory.Shared
			a.LoginID = "shared" + strconv.Itoa(i) + "@" + Domain
			if g.pct(70) {
				p = &people[g.r.IntN(len(people))]
			}
		case kind == 2:
			a.Kind = inventory.ServiceAcc
			a.LoginID = "svc-" + strconv.Itoa(i) + "@" + Domain
			a.Privilege = inventory.Edit
		default:
			a.Kind = inventory.Guest
			if kind == 4 {
				a.Kind = inventory.External
			}
			a.LoginID = "user" + strconv.Itoa(i) + "@partner" + strconv.Itoa(g.r.IntN(40)) + ".co.jp"
			a.Privilege = inventory.View
			switch g.pick(40, 30, 30) {
			case 1:
				a.EndsOn = g.date(-1 - g.r.IntN(400))
			case 2:
				a.EndsOn = g.date(1 + g.r.IntN(400))
			}
		}
		switch sv.MFA {
		case inventory.MFAEnforced:
			a.MFA = []inventory.AccountMFA{inventory.MFAOn, inventory.MFAUnknown}[g.pick(97, 3)]
		case inventory.MFAAvailable:
			a.MFA = []inventory.AccountMFA{inventory.MFAOn, inventory.MFAOff, inventory.MFAUnknown}[g.pick(60, 30, 10)]
		default:
			a.MFA = inventory.MFAOff
		}
		created := 30 + g.r.IntN(365*5)
		if p != nil {
			a.PersonID = p.ID
			if a.LoginID == "" {
				a.LoginID = p.Email
				if sv.Category == inventory.OnPrem {
					a.LoginID = "u" + strconv.FormatInt(p.ID, 10)
				} else if g.pct(2) {
					a.LoginID = "private" + strconv.Itoa(i) + "@" + freeMail[g.r.IntN(len(freeMail))]
				}
			}
			joined := g.daysAgo(p.JoinDate)
			created = g.r.IntN(joined + 1) // on or after joining
			if g.pct(1) {
				created = joined + 60 + g.r.IntN(300) // handed down from a predecessor
			}
			if p.LeaveDate != "" && p.LeaveDate <= g.date(0) {
				left := g.daysAgo(p.LeaveDate)
				created = max(created, left+1)
				a.Status = []inventory.AccountStatus{inventory.Active, inventory.Suspended, inventory.Deleted}[g.pick(12, 50, 38)]
				a.LastLogin = g.date(-min(left+g.r.IntN(60), created))
				if g.pct(5) {
					a.LastLogin = g.date(-g.r.IntN(left + 1)) // signed in after leaving
				}
				a.CreatedOn = g.date(-created)
				out[i] = a
				continue
			}
			if p.EmploymentType == inventory.Contractor && g.pct(60) {
				a.EndsOn = g.date(-30 + g.r.IntN(400))
			}
		}
		if a.LoginID == "" {
			a.LoginID = "user" + strconv.Itoa(i) + "@" + Domain
		}
		a.CreatedOn = g.date(-created)
		if g.pct(3) {
			a.Status = inventory.Suspended
		}
		switch g.pick(85, 10, 5) {
		case 0:
			a.LastLogin = g.date(-g.r.IntN(min(created, 30) + 1))
		case 1:
			a.LastLogin = g.date(-min(created, 31+g.r.IntN(400)))
		}
		out[i] = a
	}
	uniqueLogins(out)
	return out
}

// uniqueLogins keeps (service, login) unique, as every service does: a
// person's second account in the same service gets a "+n" alias.
func uniqueLogins(accounts []inventory.Account) {
	type key struct {
		service int64
		login   string
	}
	seen := make(map[key]int, len(accounts))
	for i := range accounts {
		a := &accounts[i]
		k := key{a.ServiceID, a.LoginID}
		seen[k]++
		if n := seen[k]; n > 1 {
			local, domain, ok := strings.Cut(a.LoginID, "@")
			if ok {
				a.LoginID = local + "+" + strconv.Itoa(n) + "@" + domain
			} else {
				a.LoginID += "-" + strconv.Itoa(n)
			}
		}
	}
}

func (g *gen) devices(n int, people []inventory.Person) []inventory.Device {
	out := make([]inventory.Device, n)
	kinds := []inventory.DeviceKind{inventory.PC, inventory.Smartphone, inventory.Tablet, inventory.USBMedia, inventory.Router, inventory.UTM,
		inventory.VPN, inventory.WiFiAP, inventory.NAS, inventory.MFP, inventory.Camera, inventory.IoT, inventory.OtherKind}
	labels := []string{"PC", "スマートフォン", "タブレット", "USBメモリ", "ルーター", "UTM", "VPN装置", "無線LAN AP", "NAS", "複合機", "防犯カメラ", "IoT機器", "その他"}
	versions := map[inventory.DeviceKind][]string{
		inventory.PC:         {"Windows 11 23H2", "Windows 11 24H2", "Windows 10 22H2", "macOS 14.6"},
		inventory.Smartphone: {"iOS 17.6", "iOS 18.1", "Android 14", "Android 13"},
		inventory.Tablet:     {"iPadOS 17.6", "Android 14"},
	}
	for i := range out {
		ki := g.pick(420, 280, 50, 100, 20, 5, 5, 30, 15, 35, 20, 15, 5)
		k := kinds[ki]
		d := inventory.Device{
			ID:        int64(i + 1),
			OrgID:     1,
			Name:      labels[ki] + "-" + strconv.Itoa(i+1),
			Kind:      k,
			Ownership: inventory.CompanyIssued,
			Network:   inventory.Internal,
		}
		if v := versions[k]; v != nil {
			d.OSVersion = v[g.r.IntN(len(v))]
		}
		switch k {
		case inventory.PC, inventory.Smartphone, inventory.Tablet, inventory.USBMedia:
			if len(people) > 0 {
				d.PersonID = people[g.r.IntN(len(people))].ID
			}
			byod := 0
			switch k {
			case inventory.PC:
				byod = 3
			case inventory.Smartphone:
				byod = 12
			case inventory.Tablet:
				byod = 10
			}
			if g.pct(byod) {
				d.Ownership = inventory.BYOD
			}
			d.ScreenLock = g.tri(92, 5)
			switch k {
			case inventory.PC:
				d.DiskEncryption = g.tri(80, 12)
				d.Antivirus = g.tri(92, 5)
				d.Network = []inventory.NetworkZone{inventory.Internal, inventory.Home, inventory.GuestWiFi, inventory.Mobile}[g.pick(70, 20, 5, 5)]
			case inventory.USBMedia:
				d.DiskEncryption = g.tri(30, 50)
				d.ScreenLock = inventory.Unknown
			default:
				d.DiskEncryption = g.tri(85, 0)
				d.RemoteWipe = g.tri(70, 20)
				d.Network = []inventory.NetworkZone{inventory.Mobile, inventory.Internal}[g.pick(70, 30)]
			}
			if k != inventory.USBMedia && !g.pct(5) {
				d.LastUpdated = g.date(-g.r.IntN(200))
			}
		case inventory.Router, inventory.UTM, inventory.VPN:
			d.DefaultPasswordChanged = g.tri(85, 7)
			if !g.pct(10) {
				d.LastUpdated = g.date(-g.r.IntN(120))
			}
			if k == inventory.Router {
				d.GuestSeparated = g.tri(70, 20)
			}
		default:
			d.DefaultPasswordChanged = g.tri(75, 12)
			if !g.pct(10) {
				d.LastUpdated = g.date(-g.r.IntN(500))
			}
			if k == inventory.WiFiAP {
				d.GuestSeparated = g.tri(70, 20)
			}
		}
		if g.pct(3) {
			d.DisposedOn = g.date(-g.r.IntN(700))
			d.ErasureDone = g.tri(70, 10)
			if d.ErasureDone == inventory.Yes && g.pct(80) {
				d.ErasureCertificate = "ER-" + strconv.Itoa(100000+i)
			}
		}
		out[i] = d
	}
	return out
}

type assetKind struct {
	name                       string
	personal, sensitive, myNum bool
	c, i, a, level             int
	retention                  string
	medium                     string
	paper                      bool
	onDevice                   bool
}

var assetKinds = []assetKind{
	{name: "顧客名簿", personal: true, c: 3, i: 2, a: 2, level: 2, medium: "クラウド"},
	{name: "見積書", c: 2, i: 2, a: 1, level: 2, medium: "クラウド"},
	{name: "請求書", c: 2, i: 3, a: 2, level: 2, retention: "発行後7年", medium: "クラウド", paper: true},
	{name: "給与台帳", personal: true, c: 3, i: 3, a: 2, level: 3, retention: "退職後5年", medium: "クラウド"},
	{name: "健康診断結果", personal: true, sensitive: true, c: 3, i: 2, a: 1, level: 3, retention: "5年", medium: "書類", paper: true},
	{name: "マイナンバー台帳", personal: true, myNum: true, c: 3, i: 3, a: 2, level: 3, medium: "事務所PC", onDevice: true},
	{name: "設計図面", c: 3, i: 3, a: 2, level: 3, medium: "社内サーバ"},
	{name: "契約書", c: 2, i: 3, a: 1, level: 2, retention: "契約終了後10年", medium: "書類", paper: true},
	{name: "社内規程", c: 1, i: 2, a: 1, level: 1, medium: "クラウド"},
	{name: "製品カタログ", c: 1, i: 1, a: 1, level: 1, medium: "クラウド"},
	{name: "採用応募書類", personal: true, c: 3, i: 2, a: 1, level: 2, medium: "クラウド"},
	{name: "取引先担当者一覧", personal: true, c: 2, i: 2, a: 2, level: 2, medium: "事務所PC", onDevice: true},
	{name: "売上データ", c: 2, i: 3, a: 2, level: 2, medium: "可搬電子媒体", onDevice: true},
	{name: "会計帳簿", c: 2, i: 3, a: 3, level: 2, retention: "7年", medium: "クラウド"},
	{name: "議事録", c: 2, i: 1, a: 1, level: 1, medium: "クラウド"},
}

func (g *gen) assets(n, services int, devices []inventory.Device) []inventory.Asset {
	out := make([]inventory.Asset, n)
	for i := range out {
		k := assetKinds[g.r.IntN(len(assetKinds))]
		dept := departments[g.r.IntN(len(departments))]
		a := inventory.Asset{
			ID:              int64(i + 1),
			OrgID:           1,
			BusinessArea:    dept,
			Name:            k.name + "（" + dept + "）" + strconv.Itoa(i+1),
			UserScope:       dept,
			OwnerDepartment: dept,
			Medium:          k.medium,
			PersonalInfo:    k.personal,
			SensitiveInfo:   k.sensitive,
			MyNumber:        k.myNum,
			Confidentiality: k.c,
			Integrity:       k.i,
			Availability:    k.a,
			DataLevel:       k.level,
			RetentionUntil:  k.retention,
			RegisteredOn:    g.date(-g.r.IntN(1500)),
		}
		if g.pct(5) {
			a.OwnerDepartment = ""
		}
		if g.pct(5) {
			a.Integrity = 0 // not rated yet
		}
		if a.RetentionUntil == "" {
			switch g.pick(65, 10, 25) {
			case 0:
				a.RetentionUntil = g.date(100 + g.r.IntN(3000))
			case 1:
				a.RetentionUntil = g.date(-1 - g.r.IntN(700))
			}
		}
		if k.personal && !g.pct(10) {
			a.PeopleConcerned = 10 + g.r.IntN(5000)
		}
		if services > 0 && (k.medium == "クラウド" || g.pct(20)) {
			a.ServiceIDs = []int64{int64(1 + g.r.IntN(services))}
			if g.pct(20) {
				if id := int64(1 + g.r.IntN(services)); id != a.ServiceIDs[0] {
					a.ServiceIDs = append(a.ServiceIDs, id)
				}
			}
		}
		if len(devices) > 0 && (k.onDevice || g.pct(5)) {
			a.DeviceIDs = []int64{devices[g.r.IntN(len(devices))].ID}
		}
		if k.paper {
			a.PaperLocations = []string{dept + " 書庫"}
		}
		if g.pct(2) {
			a.Medium, a.ServiceIDs, a.DeviceIDs, a.PaperLocations = "", nil, nil, nil
		}
		out[i] = a
	}
	return out
}

func (g *gen) shares(n int, people []inventory.Person, assets int) []inventory.Share {
	out := make([]inventory.Share, n)
	scopes := []inventory.ShareScope{inventory.WholeOrg, inventory.ExternalPeople, inventory.ExternalDomain, inventory.AnyoneWithLink, inventory.Public}
	shareServices := []int64{1, 2, 5}
	docs := []string{"見積書", "議事録", "提案書", "請求書", "顧客一覧", "図面", "報告書", "契約書"}
	exts := []string{".xlsx", ".docx", ".pdf", ".pptx", ""}
	for i := range out {
		sc := scopes[g.pick(60, 20, 10, 8, 2)]
		created := g.r.IntN(3 * 365)
		sh := inventory.Share{
			ID:         int64(i + 1),
			OrgID:      1,
			ServiceID:  shareServices[g.pick(60, 30, 10)],
			Path:       "/" + departments[g.r.IntN(len(departments))] + "/" + docs[g.r.IntN(len(docs))] + "_" + strconv.Itoa(i+1) + exts[g.r.IntN(len(exts))],
			Scope:      sc,
			Permission: inventory.ShareView,
			CreatedOn:  g.date(-created),
		}
		if g.pct(15) {
			sh.Permission = inventory.ShareEdit
		}
		if len(people) > 0 && !g.pct(3) {
			sh.Owner = people[g.r.IntN(len(people))].Email
		} else {
			sh.Owner = "former-owner@old." + Domain
		}
		if assets > 0 && g.pct(65) {
			sh.AssetID = int64(1 + g.r.IntN(assets))
		}
		external := sc != inventory.WholeOrg
		if (external && g.pct(35)) || (!external && g.pct(5)) {
			sh.ExpiresOn = g.date(-created + 30 + g.r.IntN(365))
		}
		switch g.pick(40, 25, 35) {
		case 0:
			sh.LastReviewed = g.date(-g.r.IntN(min(created, 180) + 1))
		case 1:
			sh.LastReviewed = g.date(-created + g.r.IntN(created/2+1))
		}
		out[i] = sh
	}
	return out
}
