package importer

import (
	"strings"

	"github.com/mamori-sec/mamori/internal/inventory"
)

// nameParts are the headers of rosters that split a name in two — an HR
// system's 氏 and 名, セイ and メイ — with the column each pair makes up.
// Parse joins them, family name first, as the people importer stores a
// name typed whole: 「山田 太郎」, 「ヤマダ タロウ」 (a half-width space).
var nameParts = []struct {
	key           string // the column the parts make up
	family, given field
}{
	{"name",
		field{key: "family_name", names: []string{"氏", "姓", "苗字", "名字", "氏(漢字)", "姓(漢字)", "last name", "family name", "surname"}},
		field{key: "given_name", names: []string{"名", "名(漢字)", "下の名前", "first name", "given name"}}},
	{"kana",
		field{key: "family_kana", names: []string{"セイ", "せい", "氏カナ", "姓カナ", "カナ姓", "氏フリガナ", "姓フリガナ", "フリガナ姓", "フリガナ氏", "ふりがな姓", "ふりがな氏", "氏ふりがな", "姓ふりがな", "last name kana", "family name kana"}},
		field{key: "given_kana", names: []string{"メイ", "めい", "名カナ", "カナ名", "名フリガナ", "フリガナ名", "ふりがな名", "名ふりがな", "first name kana", "given name kana"}}},
}

// splitNames teaches a layout the split name columns of nameParts.
func (l *layout) splitNames() {
	l.parts = map[string][2]string{}
	for _, p := range nameParts {
		for _, f := range []field{p.family, p.given} {
			for _, n := range f.names {
				if k := normHeader(n); k != "" {
					if _, dup := l.index[k]; !dup {
						l.index[k] = f.key
					}
				}
			}
		}
		l.parts[p.key] = [2]string{p.family.key, p.given.key}
	}
}

// hasParts reports whether cols carry both halves of key.
func (l *layout) hasParts(cols map[string]int, key string) bool {
	p, ok := l.parts[key]
	if !ok {
		return false
	}
	_, family := cols[p[0]]
	_, given := cols[p[1]]
	return family && given
}

// joined reads key, or, when the file splits it, its two halves joined
// family name first. A missing half leaves the other alone.
func (r *row) joined(key string, required bool) string {
	if _, whole := r.s.cols[key]; whole || !r.s.l.hasParts(r.s.cols, key) {
		if required {
			return r.required(key)
		}
		return r.text(key)
	}
	p := r.s.l.parts[key]
	family, given := r.text(p[0]), r.text(p[1])
	v := strings.TrimSpace(family + " " + given)
	if v == "" && required {
		r.fail(p[0], "import.row_required")
	}
	return v
}

// roleLocals are the local parts (before the @) of addresses that name a
// role or a department rather than a person: a mailbox several people
// read, which a console lists as a user. An account at one is a shared
// account, and it is nobody's person record.
var roleLocals = wordSet(
	// English roles
	"info", "information", "support", "help", "helpdesk", "sales", "admin", "administrator", "contact", "contactus",
	"noreply", "no-reply", "donotreply", "do-not-reply", "office", "hr", "recruit", "recruiting", "recruitment", "jobs",
	"careers", "press", "pr", "media", "marketing", "billing", "invoice", "invoices", "accounting", "accounts", "finance",
	"order", "orders", "shop", "service", "customer", "customers", "cs", "inquiry", "enquiry", "enquiries", "webmaster",
	"postmaster", "hostmaster", "abuse", "security", "it", "system", "root", "team", "all", "staff", "general", "mail",
	"newsletter", "notifications", "notification", "alerts", "reception", "legal", "compliance", "purchasing", "procurement",
	// Japanese departments, romanised and written
	"soumu", "somu", "keiri", "eigyo", "eigyou", "jinji", "saiyo", "saiyou", "toiawase", "otoiawase", "uketsuke",
	"kouhou", "kohou", "shomu", "kanri", "honbu",
	"総務", "経理", "営業", "人事", "採用", "問い合わせ", "お問い合わせ", "問合せ", "受付", "広報", "庶務", "管理", "代表",
)

// isRoleAddress reports an address, or a bare login, named like a role or
// a department: info@, support@, 総務@, soumu-team@ ….
func isRoleAddress(login string) bool {
	local := login
	if at := strings.IndexByte(login, '@'); at >= 0 {
		local = login[:at]
	}
	local = strings.ToLower(nfkc(strings.TrimSpace(local)))
	if local == "" {
		return false
	}
	if roleLocals[local] {
		return true
	}
	// soumu-team, sales.jp, info2: the role word and a suffix.
	for _, sep := range []string{"-", "_", ".", "+"} {
		if first, _, ok := strings.Cut(local, sep); ok && roleLocals[first] {
			return true
		}
	}
	return roleLocals[strings.TrimRight(local, "0123456789")]
}

// roleKind is the kind of an account the file does not describe: shared
// when its login names a role or a department, said in a warning so the
// preview shows it, else personal.
func (r *row) roleKind(key, login string) inventory.AccountKind {
	if !isRoleAddress(login) {
		return inventory.Personal
	}
	r.warn(key, "import.warn_role_account", login)
	return inventory.Shared
}
