package importer

import (
	"strconv"
	"strings"
)

// Risks is the risk register (internal/risk) in the column layout of IPA's
// リスク分析シート: the ledger's columns that identify an information asset
// and rate it (業務分類 … 重要度), then the threat, its two levels, the
// computed 被害発生可能性 and リスク値, and the treatment. It is not one of
// the inventory's Kinds: a risk belongs to the register, and refers to an
// asset of the ledger by its name.
const Risks Kind = "risks"

// RiskRow is one line of a risk sheet as written: the asset and the owner
// are still names, the threat is the words of the file, and the computed
// columns are kept to be checked against what mamori computes.
type RiskRow struct {
	AssetName  string
	Medium     string
	Threat     string
	Level      int // 脅威の起こりやすさ
	Vulnerable int // 脆弱性のつけ込みやすさ
	Treatment  string
	Plan       string
	Owner      string // a person's name or e-mail address
	Due        string // YYYY-MM-DD or ""
	Status     string // "open", "done" or "" (open)
	Note       string
	// C, I, A, Importance, Likelihood and Value are the file's numbers,
	// 0 when blank; the ledger and the rules decide, these are verified.
	C, I, A, Importance, Likelihood, Value int
	// Columns holds the header of each key as written, for messages.
	Columns map[string]string
}

// riskColumns are the columns of the risk sheet in file order. The
// computed ones (importance, likelihood, risk_value) and the ledger's
// (business_area, personal_info, C/I/A) are written on export and checked
// or ignored on import.
var riskColumns = []Column{
	{Key: "business_area", JA: "業務分類", EN: "Business area"},
	{Key: "asset", JA: "情報資産名称", EN: "Information asset", Required: true, aliases: []string{"情報資産", "資産名", "asset"}},
	{Key: "medium", JA: "媒体・保存先", EN: "Medium / location", aliases: []string{"媒体", "保存先", "medium"}},
	{Key: "personal_info", JA: "個人情報", EN: "Personal information"},
	{Key: "confidentiality", JA: "機密性", EN: "Confidentiality", typ: levelCol},
	{Key: "integrity", JA: "完全性", EN: "Integrity", typ: levelCol},
	{Key: "availability", JA: "可用性", EN: "Availability", typ: levelCol},
	{Key: "importance", JA: "重要度", EN: "Importance", typ: levelCol},
	{Key: "threat", JA: "脅威", EN: "Threat", Required: true, aliases: []string{"想定される脅威", "脅威の内容"}},
	{Key: "threat_level", JA: "脅威の起こりやすさ", EN: "Threat level", Required: true, typ: levelCol, aliases: []string{"脅威レベル", "脅威の発生頻度"}},
	{Key: "vulnerability", JA: "脆弱性のつけ込みやすさ", EN: "Vulnerability", Required: true, typ: levelCol, aliases: []string{"脆弱性", "脆弱性レベル"}},
	{Key: "likelihood", JA: "被害発生可能性", EN: "Likelihood", typ: levelCol},
	{Key: "risk_value", JA: "リスク値", EN: "Risk value", typ: countCol},
	{Key: "treatment", JA: "対応", EN: "Treatment", aliases: []string{"対応方法", "リスク対応"}},
	{Key: "plan", JA: "対策の内容", EN: "Plan", aliases: []string{"対策", "対応内容"}},
	{Key: "owner", JA: "担当者", EN: "Owner", aliases: []string{"責任者", "リスク所有者"}},
	{Key: "due", JA: "期日", EN: "Due", aliases: []string{"期限", "対応期限", "due date"}},
	{Key: "status", JA: "状況", EN: "Status", aliases: []string{"対応状況"}},
	{Key: "note", JA: "メモ", EN: "Note"},
}

// RiskColumns returns the risk sheet's columns in file order.
func RiskColumns() []Column { return append([]Column(nil), riskColumns...) }

// RiskTreatments are the words a file may use for each treatment.
var RiskTreatments = map[string][]string{
	"reduce":   {"低減", "reduce", "リスク低減"},
	"avoid":    {"回避", "avoid", "リスク回避"},
	"transfer": {"移転", "transfer", "リスク移転"},
	"retain":   {"保有", "retain", "受容", "accept", "リスク保有"},
}

// RiskStatuses are the words a file may use for each status.
var RiskStatuses = map[string][]string{
	"open": {"対応中", "未対応", "open", "in progress", "計画中"},
	"done": {"対応済み", "対応済", "完了", "done", "closed"},
}

func riskLayout() *layout {
	var fields []field
	for _, c := range riskColumns {
		fields = append(fields, field{key: c.Key, names: append([]string{c.JA, c.EN}, c.aliases...), required: c.Required})
	}
	return newLayout(Mamori, Risks, fields)
}

// isRiskHeader recognises a risk sheet's header: it names a threat and at
// least one of the two levels, which no inventory list has.
func isRiskHeader(header []string) bool {
	cols, _ := mamoriLayouts[Risks].columnsIn(header)
	_, threat := cols["threat"]
	_, level := cols["threat_level"]
	_, vuln := cols["vulnerability"]
	return threat && (level || vuln)
}

func lookupWord(words map[string][]string, s string) (string, bool) {
	n := normValue(s)
	for code, ws := range words {
		for _, w := range ws {
			if normValue(w) == n {
				return code, true
			}
		}
	}
	return "", false
}

// parseRisks reads a risk sheet. Every bad cell is reported with its row
// and column; the file is refused as a whole.
func parseRisks(f File) (Parsed, error) {
	l := mamoriLayouts[Risks]
	cols, _ := l.columnsIn(f.Header)
	ja := false
	for _, h := range f.Header {
		ja = ja || !isASCII(h)
	}
	for _, k := range l.required {
		if _, ok := cols[k]; !ok {
			name := l.display[k][1]
			if ja {
				name = l.display[k][0]
			}
			return Parsed{}, invalid("import.missing_column", name)
		}
	}
	headers := map[string]string{}
	for k, i := range cols {
		headers[k] = f.Header[i]
	}
	var p Parsed
	errs := &RowErrors{}
	bad := func(line int, key, msg, value string, args ...any) {
		errs.Total++
		if len(errs.Errors) < MaxRowErrors {
			errs.Errors = append(errs.Errors, &RowError{Line: line, Column: headers[key], Field: key, Key: msg, Args: append([]any{shorten(value)}, args...), Value: shorten(value)})
		}
	}
	for i, cells := range f.Rows {
		line := f.Lines[i]
		cell := func(key string) string {
			if c, ok := cols[key]; ok && c < len(cells) {
				return strings.TrimSpace(cells[c])
			}
			return ""
		}
		text := func(key string) string {
			v := cell(key)
			if len([]rune(v)) > maxCellRunes {
				bad(line, key, "import.risk_too_long", v, maxCellRunes)
				return ""
			}
			return v
		}
		level := func(key string, required bool) int {
			v := cell(key)
			if v == "" {
				if required {
					bad(line, key, "import.risk_level", v)
				}
				return 0
			}
			n, ok := parseLevel(v)
			if !ok {
				bad(line, key, "import.risk_level", v)
			}
			return n
		}
		r := RiskRow{AssetName: text("asset"), Medium: text("medium"), Threat: text("threat"), Plan: text("plan"), Owner: text("owner"), Note: text("note"), Columns: headers}
		if r.AssetName == "" {
			bad(line, "asset", "import.row_required", "")
		}
		if r.Threat == "" {
			bad(line, "threat", "import.row_required", "")
		}
		r.C, r.I, r.A = level("confidentiality", false), level("integrity", false), level("availability", false)
		r.Importance = level("importance", false)
		r.Level, r.Vulnerable = level("threat_level", true), level("vulnerability", true)
		r.Likelihood = level("likelihood", false)
		if v := cell("risk_value"); v != "" {
			n, err := strconv.Atoi(strings.TrimSuffix(nfkc(v), ".0"))
			if err != nil || n < 1 || n > 9 {
				bad(line, "risk_value", "import.risk_value", v)
			}
			r.Value = n
		}
		if v := cell("treatment"); v != "" {
			code, ok := lookupWord(RiskTreatments, v)
			if !ok {
				bad(line, "treatment", "import.risk_treatment", v)
			}
			r.Treatment = code
		}
		if v := cell("status"); v != "" {
			code, ok := lookupWord(RiskStatuses, v)
			if !ok {
				bad(line, "status", "import.risk_status", v)
			}
			r.Status = code
		}
		if v := cell("due"); v != "" {
			d, err := ParseDate(v)
			if err != nil {
				bad(line, "due", "import.row_invalid_date", v)
			}
			r.Due = d
		}
		p.Risks = append(p.Risks, Row[RiskRow]{Line: line, Record: r})
	}
	if errs.Total > 0 {
		return Parsed{}, errs
	}
	return p, nil
}
