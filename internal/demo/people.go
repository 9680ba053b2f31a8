package demo

import (
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
)

// company is one fictional organisation and the people working for it.
type company struct {
	slug, name  string
	domain      string // e-mail domain, always under .example
	requireTOTP bool
	people      []person
	stock       *stock // services, accounts, devices, assets and shares; nil for none
}

// person is one line of a company's staff list. Every name is invented.
type person struct {
	name, kana string
	local      string // e-mail local part, at the company's domain
	dept       string
	kind       inventory.EmploymentType
	join       string   // YYYY-MM-DD
	leftAgo    int      // left at the end of the month this many months before now; 0 while employed
	role       org.Role // mamori role, "" for people who do not sign in
}

const (
	exe = inventory.Executive
	ft  = inventory.FullTime
	ct  = inventory.Contract
	pt  = inventory.PartTime
	dis = inventory.Dispatched
	ctr = inventory.Contractor
	csl = inventory.Counsel
)

// sakura is the main demo company: a precision-parts maker in 大田区.
var sakura = company{
	slug: "sakura-seiki", name: "株式会社さくら精機", domain: "sakura-seiki.example", stock: &sakuraStock,
	people: []person{
		{"佐藤 健一", "サトウ ケンイチ", "k.sato", "経営", exe, "1998-04-01", 0, org.Owner}, // 代表取締役
		{"佐藤 由美子", "サトウ ユミコ", "y.sato", "経営", exe, "2003-06-20", 0, ""},        // 専務取締役
		{"鈴木 正和", "スズキ マサカズ", "m.suzuki", "経営", exe, "1999-04-01", 0, ""},      // 取締役製造部長
		{"斎藤 義男", "サイトウ ヨシオ", "y.saito", "経営", csl, "2015-04-01", 0, ""},       // 顧問
		{"田中 美咲", "タナカ ミサキ", "m.tanaka", "総務部", ft, "2012-04-01", 0, org.Keeper},
		{"中村 恵子", "ナカムラ ケイコ", "k.nakamura", "総務部", pt, "2019-10-01", 0, ""},
		{"小林 直樹", "コバヤシ ナオキ", "n.kobayashi", "総務部", dis, "2025-07-01", 0, ""},
		{"加藤 洋子", "カトウ ヨウコ", "y.kato", "経理部", ft, "2001-09-01", 0, org.Auditor},
		{"吉田 翔太", "ヨシダ ショウタ", "s.yoshida", "経理部", ft, "2020-04-01", 0, ""},
		{"山田 幸子", "ヤマダ サチコ", "s.yamada", "経理部", pt, "2016-05-09", 0, ""},
		{"高橋 誠二", "タカハシ セイジ", "s.takahashi", "営業部", ft, "2004-04-01", 0, org.Member},
		{"伊藤 大輔", "イトウ ダイスケ", "d.ito", "営業部", ft, "2010-04-01", 0, ""},
		{"渡辺 彩", "ワタナベ アヤ", "a.watanabe", "営業部", ft, "2018-04-01", 0, ""},
		{"松本 拓也", "マツモト タクヤ", "t.matsumoto", "営業部", ct, "2023-02-01", 0, ""},
		{"井上 結衣", "イノウエ ユイ", "y.inoue", "営業部", ft, "2026-04-01", 0, ""},
		{"木村 隆", "キムラ タカシ", "t.kimura", "営業部", ft, "2008-10-01", 1, ""},
		{"林 勝", "ハヤシ マサル", "m.hayashi", "製造部", ft, "1998-04-01", 0, ""},
		{"清水 浩", "シミズ ヒロシ", "h.shimizu", "製造部", ft, "2002-04-01", 0, ""},
		{"森 和也", "モリ カズヤ", "k.mori", "製造部", ft, "2013-04-01", 0, ""},
		{"池田 健太", "イケダ ケンタ", "k.ikeda", "製造部", ft, "2017-04-01", 0, ""},
		{"橋本 亮", "ハシモト リョウ", "r.hashimoto", "製造部", ct, "2021-11-01", 0, ""},
		{"阿部 真由美", "アベ マユミ", "m.abe", "製造部", pt, "2014-06-02", 0, ""},
		{"石川 悠斗", "イシカワ ユウト", "y.ishikawa", "製造部", dis, "2025-10-01", 0, ""},
		{"前田 修", "マエダ オサム", "o.maeda", "製造部", ft, "2000-04-01", 2, ""}, // 定年退職
		{"藤田 明美", "フジタ アケミ", "a.fujita", "品質管理部", ft, "2005-04-01", 0, ""},
		{"岡田 健二", "オカダ ケンジ", "k.okada", "品質管理部", ft, "2011-04-01", 0, org.Member},
		{"後藤 聡", "ゴトウ サトシ", "s.goto", "品質管理部", ct, "2022-08-01", 0, ""},
		{"長谷川 陽介", "ハセガワ ヨウスケ", "y.hasegawa", "開発部", ft, "2009-04-01", 0, ""},
		{"村上 さくら", "ムラカミ サクラ", "s.murakami", "開発部", ft, "2024-04-01", 0, ""},
		{"近藤 隼人", "コンドウ ハヤト", "h.kondo", "開発部", ctr, "2024-09-01", 0, ""},
	},
}

// midori is a small accounting office, a client of the IT advisor.
var midori = company{
	slug: "midori-kaikei", name: "有限会社みどり会計事務所", domain: "midori-kaikei.example",
	people: []person{
		{"森田 和子", "モリタ カズコ", "k.morita", "経営", exe, "2004-04-01", 0, org.Owner}, // 所長・税理士
		{"森田 宏", "モリタ ヒロシ", "h.morita", "経営", exe, "2004-04-01", 0, ""},
		{"西村 千尋", "ニシムラ チヒロ", "c.nishimura", "会計部", ft, "2009-04-01", 0, ""},
		{"福田 恭平", "フクダ キョウヘイ", "k.fukuda", "会計部", ft, "2015-04-01", 0, ""},
		{"太田 舞", "オオタ マイ", "m.ota", "会計部", ft, "2021-04-01", 0, ""},
		{"三浦 久美子", "ミウラ クミコ", "k.miura", "会計部", pt, "2012-09-01", 0, ""},
		{"藤井 涼", "フジイ リョウ", "r.fujii", "総務部", pt, "2023-05-15", 0, ""},
		{"岡本 俊夫", "オカモト トシオ", "t.okamoto", "経営", csl, "2018-01-04", 0, ""},
	},
}

// aoba is a builder, a client of the IT advisor that requires a second factor.
var aoba = company{
	slug: "aoba-koumuten", name: "株式会社あおば工務店", domain: "aoba-koumuten.example", requireTOTP: true, stock: &aobaStock,
	people: []person{
		{"青木 大輔", "アオキ ダイスケ", "d.aoki", "経営", exe, "2002-04-01", 0, org.Owner},
		{"青木 美穂", "アオキ ミホ", "m.aoki", "経営", exe, "2002-04-01", 0, ""},
		{"野口 達也", "ノグチ タツヤ", "t.noguchi", "工事部", ft, "2005-04-01", 0, ""},
		{"菅原 一郎", "スガワラ イチロウ", "i.sugawara", "工事部", ft, "2008-04-01", 0, ""},
		{"工藤 亮太", "クドウ リョウタ", "r.kudo", "工事部", ft, "2016-04-01", 0, ""},
		{"坂本 勇気", "サカモト ユウキ", "y.sakamoto", "工事部", ct, "2022-04-01", 0, ""},
		{"中島 勝利", "ナカジマ カツトシ", "k.nakajima", "工事部", ctr, "2019-06-01", 0, ""},
		{"原田 舞子", "ハラダ マイコ", "m.harada", "設計部", ft, "2011-04-01", 0, ""},
		{"小川 蓮", "オガワ レン", "r.ogawa", "設計部", ft, "2020-04-01", 0, ""},
		{"内田 健", "ウチダ ケン", "k.uchida", "営業部", ft, "2014-04-01", 1, ""},
		{"松田 香織", "マツダ カオリ", "k.matsuda", "営業部", ft, "2024-04-01", 0, ""},
		{"石井 裕子", "イシイ ユウコ", "y.ishii", "総務部", pt, "2017-10-01", 0, ""},
	},
}

// advisor serves all three companies.
var advisor = struct{ email, name string }{"advisor@yamamoto-it.example", "山本 誠"}
