package risk

import (
	"cmp"
	"slices"

	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/inventory"
)

// Proposal is a vulnerability level the open findings suggest for one
// threat to one asset, with the findings behind it.
type Proposal struct {
	Threat        string
	Vulnerability int
	// Evidence are the open findings that suggest it: each check and the
	// record it is about, so that the page names them.
	Evidence []Evidence
}

// Evidence is one open finding behind a proposal.
type Evidence struct {
	CheckID string
	Subject findings.Ref
}

// suggests maps a check to the threat its findings make easier and how
// defenceless they leave the asset (脆弱性のつけ込みやすさ): 3 when the
// finding alone leaves the asset exposed (a link anyone can open, an
// unencrypted laptop), 2 when it weakens a defence.
var suggests = map[string]struct {
	threat string
	level  int
}{
	"shares.anyone_link":            {"share_leak", 3},
	"shares.public":                 {"share_leak", 3},
	"shares.open_important":         {"share_leak", 3},
	"shares.mynumber_org_wide":      {"share_leak", 3},
	"shares.external_edit":          {"share_leak", 2},
	"shares.external_important":     {"share_leak", 2},
	"shares.special_external":       {"share_leak", 2},
	"shares.no_expiry":              {"share_leak", 2},
	"shares.departed_owner":         {"share_leak", 2},
	"devices.pc_no_encryption":      {"device_loss", 3},
	"devices.usb_no_encryption":     {"device_loss", 3},
	"devices.level3_on_usb":         {"device_loss", 3},
	"devices.mobile_no_remote_wipe": {"device_loss", 2},
	"devices.pc_no_screen_lock":     {"device_loss", 2},
	"devices.mobile_no_screen_lock": {"device_loss", 2},
	"devices.os_outdated":           {"ransomware", 3},
	"devices.pc_no_antivirus":       {"ransomware", 3},
	"services.mfa_none_personal":    {"unauthorised_login", 3},
	"services.no_mfa_internet":      {"unauthorised_login", 3},
	"services.mfa_not_enforced":     {"unauthorised_login", 2},
	"services.data_abroad_personal": {"supply_chain", 2},
	"services.cloud_check_personal": {"supply_chain", 2},
	"people.departed_active":        {"insider", 3},
	"accounts.login_after_leave":    {"insider", 3},
}

// Propose returns the vulnerabilities the open findings suggest for an
// asset, one per threat at the highest level any finding suggests, in
// threat catalogue order. A finding concerns the asset when it is about
// the asset itself, one of its shares (shareAsset maps a share to its
// asset), a device or service it is kept on, or names the asset in its
// evidence.
func Propose(a inventory.Asset, open []findings.Finding, shareAsset map[int64]int64) []Proposal {
	concerns := func(r findings.Ref) bool {
		switch r.Kind {
		case findings.KindAsset:
			return r.ID == a.ID
		case findings.KindShare:
			return shareAsset[r.ID] == a.ID
		case findings.KindDevice:
			return slices.Contains(a.DeviceIDs, r.ID)
		case findings.KindService:
			return slices.Contains(a.ServiceIDs, r.ID)
		}
		return false
	}
	by := map[string]*Proposal{}
	for _, f := range open {
		s, ok := suggests[f.CheckID]
		if !ok {
			continue
		}
		hit := concerns(f.Subject)
		for _, e := range f.Evidence {
			hit = hit || (e.Kind == findings.KindAsset && e.ID == a.ID)
		}
		if !hit {
			continue
		}
		p := by[s.threat]
		if p == nil {
			p = &Proposal{Threat: s.threat}
			by[s.threat] = p
		}
		p.Vulnerability = max(p.Vulnerability, s.level)
		p.Evidence = append(p.Evidence, Evidence{CheckID: f.CheckID, Subject: f.Subject})
	}
	var out []Proposal
	for _, t := range Threats {
		if p := by[t.ID]; p != nil {
			slices.SortFunc(p.Evidence, func(x, y Evidence) int {
				return cmp.Or(cmp.Compare(x.CheckID, y.CheckID), cmp.Compare(x.Subject.ID, y.Subject.ID))
			})
			out = append(out, *p)
		}
	}
	return out
}
