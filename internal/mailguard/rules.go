// Package mailguard decides what happens to one outgoing e-mail before it
// leaves the company: the recipient rules (many external addresses in
// To/Cc, a first-time domain, several organisations at once, a domain
// that looks like a partner's, a partner's name in the body sent
// elsewhere, personal data), the rewriting that keeps the mistake from
// happening (To/Cc turned into Bcc, attachments turned into download
// links), and the durable spool file a message lives in until it is sent.
//
// Everything here is pure or works on files only: the relay
// (internal/mailrelay) talks SMTP and keeps the index in the store.
package mailguard

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/partner"
)

// BulkAction is what happens to a message with many external addresses
// in To and Cc.
type BulkAction string

// The bulk actions.
const (
	BulkBcc    BulkAction = "bcc"    // move every address into the envelope only
	BulkSplit  BulkAction = "split"  // one copy per external recipient
	BulkRefuse BulkAction = "refuse" // refuse the message at DATA
)

// HoldMode says which external mail waits before it leaves.
type HoldMode string

// The hold modes.
const (
	HoldRisky HoldMode = "risky" // only mail a rule flags
	HoldAll   HoldMode = "all"   // every message with an external recipient
)

// PersonalAction is what happens to personal data (of 1,000 people or
// fewer) sent to an external recipient; more than ManyPeople is always
// held for confirmation.
type PersonalAction string

// The personal-data actions.
const (
	PersonalConfirm PersonalAction = "confirm" // hold until the sender (or approver) confirms
	PersonalRefuse  PersonalAction = "refuse"  // refuse the message at DATA
)

// Policy is an organisation's mail guard settings, as the rules read them.
type Policy struct {
	InternalDomains []string
	HoldMode        HoldMode
	HoldDelay       time.Duration
	BulkLimit       int // external To/Cc addresses at which BulkAction applies; 0: never
	BulkAction      BulkAction
	LinkAttachments bool // attachments to external recipients become download links
	PersonalAction  PersonalAction
	Partners        []Partner
	// ZipDomains are the external domains whose people insist on a
	// password zip: their attachments arrive as one AES-256 zip instead of
	// download links (the sender passes the password by another channel).
	ZipDomains []string
}

// DefaultPolicy is what a company gets before it changes anything.
var DefaultPolicy = Policy{HoldMode: HoldAll, HoldDelay: 5 * time.Minute, BulkLimit: 5, BulkAction: BulkBcc, LinkAttachments: true, PersonalAction: PersonalConfirm}

// Partner is a company the organisation corresponds with, from the
// partners register: the rules read its name as it appears in letters and
// the domains its people write from.
type Partner = partner.Partner

// PersonalData finds personal data in a body or an attachment: how many
// people a file names and which kinds of data (catalogue keys). The relay
// works without one (nil).
type PersonalData interface {
	Check(name string, r io.Reader) (people int, kinds []string, err error)
}

// ManyPeople is the count above which personal data is always held: the
// regulator's 1,000-person threshold for reporting a leak.
const ManyPeople = 1000

// Reason is why a message waits, as a catalogue key and its arguments,
// so it reads in the sender's language.
type Reason struct {
	Code string   // e.g. "first_domain"; the key is "mailguard.reason."+Code
	Args []string // filled into the message
	// Confirm says the sender (or an approver) must act: the message does
	// not leave on its own when the delay ends.
	Confirm bool
}

// Key is the reason's catalogue key.
func (r Reason) Key() string { return "mailguard.reason." + r.Code }

// Summary is what the rules read from one message.
type Summary struct {
	From        string
	To, Cc      []string // header addresses, lower case
	Rcpts       []string // envelope recipients, lower case
	Subject     string
	Text        string // the decoded text parts, for partner names
	Attachments []Attachment
	People      int      // personal data found, the largest count of one part
	Kinds       []string // the kinds of personal data found
}

// Attachment is one attached file as the sender's notice lists it.
type Attachment struct {
	Name string
	Size int
}

// Decision is what the rules make of one message.
type Decision struct {
	Refuse  bool     // answer DATA with a permanent error
	Hold    bool     // wait for the delay (or the confirmation)
	Confirm bool     // wait for the sender's (or approver's) action
	Bcc     bool     // remove To and Cc from the delivered header
	Split   bool     // one copy per external recipient
	Links   bool     // attachments to external recipients become links
	Reasons []Reason // why, in order
}

// Domain returns the domain of an address, lower case.
func Domain(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return ""
	}
	return strings.ToLower(strings.TrimSuffix(addr[at+1:], "."))
}

// Internal reports whether domain is one of the company's own (or a
// subdomain of one).
func (p Policy) Internal(domain string) bool { return domainIn(domain, p.InternalDomains) }

// domainIn reports whether domain is one of list or a subdomain of one.
func domainIn(domain string, list []string) bool {
	for _, d := range list {
		d = strings.ToLower(d)
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return true
		}
	}
	return false
}

// ValidDomain reports whether d (lower case, trimmed) can be a mail
// domain in one of the settings' lists: it has a dot and no address,
// space or path characters.
func ValidDomain(d string) bool {
	return strings.Contains(d, ".") && !strings.ContainsAny(d, "@ /\\")
}

// Decide applies the rules to one message. known reports whether the
// organisation has sent to a domain before.
func Decide(p Policy, s Summary, known func(domain string) bool) Decision {
	var d Decision
	add := func(r Reason) {
		d.Reasons = append(d.Reasons, r)
		d.Confirm = d.Confirm || r.Confirm
	}
	var external []string // distinct external domains of the envelope
	seen := map[string]bool{}
	for _, r := range s.Rcpts {
		dom := Domain(r)
		if p.Internal(dom) || seen[dom] {
			continue
		}
		seen[dom] = true
		external = append(external, dom)
	}
	if len(external) == 0 {
		return d // internal mail passes
	}
	// Many external addresses visible to each other.
	visible := 0
	for _, a := range append(append([]string(nil), s.To...), s.Cc...) {
		if !p.Internal(Domain(a)) {
			visible++
		}
	}
	if p.BulkLimit > 0 && visible >= p.BulkLimit {
		switch p.BulkAction {
		case BulkRefuse:
			d.Refuse = true
			add(Reason{Code: "bulk_refused", Args: []string{itoa(visible)}})
			return d
		case BulkSplit:
			d.Split = true
			add(Reason{Code: "bulk_split", Args: []string{itoa(visible)}})
		default:
			d.Bcc = true
			add(Reason{Code: "bulk_bcc", Args: []string{itoa(visible)}})
		}
	}
	for _, dom := range external {
		if pt, ok := LookAlike(dom, p.Partners); ok {
			add(Reason{Code: "look_alike", Args: []string{dom, pt}, Confirm: true})
		} else if known != nil && !known(dom) {
			add(Reason{Code: "first_domain", Args: []string{dom}, Confirm: true})
		}
	}
	if len(external) > 1 {
		add(Reason{Code: "several_orgs", Args: []string{strings.Join(external, ", ")}, Confirm: true})
	}
	for _, pt := range p.Partners {
		// A partner without domains (a contractor in the register only)
		// cannot say which recipients are right.
		if pt.Name == "" || len(pt.Domains) == 0 || !strings.Contains(s.Text, pt.Name) {
			continue
		}
		match := false
		for _, dom := range external {
			if pt.Owns(dom) {
				match = true
			}
		}
		if !match {
			add(Reason{Code: "partner_name", Args: []string{pt.Name, strings.Join(external, ", ")}, Confirm: true})
		}
	}
	if s.People > ManyPeople {
		add(Reason{Code: "many_people", Args: []string{itoa(s.People)}, Confirm: true})
	} else if s.People > 0 && p.PersonalAction == PersonalRefuse {
		d.Refuse, d.Hold, d.Confirm = true, false, false
		d.Reasons = []Reason{{Code: "personal_refused", Args: []string{itoa(s.People)}}}
		return d
	} else if s.People > 0 {
		add(Reason{Code: "personal_data", Args: []string{itoa(s.People)}, Confirm: true})
	}
	if len(s.Attachments) > 0 && p.LinkAttachments {
		d.Links = true
		var zipped []string
		linked := false
		for _, dom := range external {
			if domainIn(dom, p.ZipDomains) {
				zipped = append(zipped, dom)
			} else {
				linked = true
			}
		}
		if linked {
			add(Reason{Code: "attachments_linked", Args: []string{itoa(len(s.Attachments))}})
		}
		if len(zipped) > 0 {
			add(Reason{Code: "attachments_zipped", Args: []string{itoa(len(s.Attachments)), strings.Join(zipped, ", ")}})
		}
	}
	d.Hold = p.HoldMode == HoldAll || d.Confirm || len(d.Reasons) > 0
	if d.Hold && len(d.Reasons) == 0 {
		add(Reason{Code: "external"})
	}
	return d
}

// LookAlike reports whether domain is not a partner's but is within one
// edit (or one look-alike character swap such as rn→m, 0→o, l→1) of a
// partner's domain, and names the partner.
func LookAlike(domain string, partners []Partner) (string, bool) {
	for _, pt := range partners {
		if pt.Owns(domain) {
			return "", false
		}
	}
	sk := skeleton(domain)
	for _, pt := range partners {
		for _, d := range pt.Domains {
			d = strings.ToLower(d)
			if d == domain {
				continue
			}
			if skeleton(d) == sk || editDistance(d, domain) == 1 {
				return pt.Name, true
			}
		}
	}
	return "", false
}

// skeleton folds characters people confuse when reading a domain.
func skeleton(s string) string {
	r := strings.NewReplacer("rn", "m", "vv", "w", "0", "o", "1", "l", "i", "l", "5", "s", "-", "", "_", "")
	return r.Replace(strings.ToLower(s))
}

// editDistance is the Damerau–Levenshtein (optimal string alignment)
// distance, so that a swap of two neighbouring letters counts as one.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

func itoa(n int) string { return strconv.Itoa(n) }
