package risk

import (
	"slices"
	"strings"
)

// Threat is one entry of the threat catalogue: what can happen to an
// information asset. Its name and explanation are catalogue messages
// (inv.risk.threat.<id>, which the audit trail also uses for the stored
// value, and risk.explain.<id>) in mamori's own words.
type Threat struct {
	ID string
	// Level is the threat level (脅威の起こりやすさ) a small company
	// starts from; the company changes it per risk.
	Level int
	// Top10 is the threat's rank in IPA's 情報セキュリティ10大脅威 2025
	// (組織), 0 for a threat from the everyday cases of the seeds.
	Top10 int
}

// NameKey is the catalogue key of the threat's name.
func (t Threat) NameKey() string { return "inv.risk.threat." + t.ID }

// ExplainKey is the catalogue key of what the threat means for a small
// company.
func (t Threat) ExplainKey() string { return "risk.explain." + t.ID }

// Threats is the catalogue: the 10大脅威 2025 for organisations, then the
// everyday cases a small company meets (mis-sent mail, a lost USB stick, a
// weak password, a failed server, a share left open).
var Threats = []Threat{
	{ID: "ransomware", Level: 3, Top10: 1},
	{ID: "supply_chain", Level: 2, Top10: 2},
	{ID: "vulnerability", Level: 3, Top10: 3},
	{ID: "insider", Level: 2, Top10: 4},
	{ID: "targeted", Level: 2, Top10: 5},
	{ID: "remote_work", Level: 2, Top10: 6},
	{ID: "geopolitical", Level: 1, Top10: 7},
	{ID: "ddos", Level: 1, Top10: 8},
	{ID: "bec", Level: 2, Top10: 9},
	{ID: "carelessness", Level: 3, Top10: 10},
	{ID: "mail_misdirect", Level: 3},
	{ID: "device_loss", Level: 2},
	{ID: "unauthorised_login", Level: 2},
	{ID: "share_leak", Level: 2},
	{ID: "malware_mail", Level: 3},
	{ID: "data_takeout", Level: 2},
	{ID: "failure", Level: 2},
	{ID: "disaster", Level: 1},
	{ID: "paper_loss", Level: 2},
}

// LookupThreat returns the catalogue threat with id.
func LookupThreat(id string) (Threat, bool) {
	i := slices.IndexFunc(Threats, func(t Threat) bool { return t.ID == id })
	if i < 0 {
		return Threat{}, false
	}
	return Threats[i], true
}

// ThreatByName finds the catalogue threat a file names, by its ID or its
// name in any language (names is the catalogue's lookup, key → words);
// ok is false for the company's own words, which are kept as written.
func ThreatByName(s string, names func(key string) []string) (Threat, bool) {
	s = strings.TrimSpace(s)
	if t, ok := LookupThreat(s); ok {
		return t, true
	}
	for _, t := range Threats {
		for _, n := range names(t.NameKey()) {
			if n != "" && strings.EqualFold(strings.TrimSpace(n), s) {
				return t, true
			}
		}
	}
	return Threat{}, false
}
