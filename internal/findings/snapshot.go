package findings

import (
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
)

// Snapshot is one company's inventory on one day: what the checks read.
type Snapshot struct {
	// Today is the evaluation date, taken as a calendar day in Japan. It
	// is injected so that tests can travel in time; it must be set (the
	// zero time is the year 1, when nobody has left and nothing is old).
	Today time.Time
	// Domains are the company's own e-mail domains, lower-case; when empty,
	// Prepare takes the most common domain of the people's e-mails that is
	// not a free-mail domain.
	Domains  []string
	People   []inventory.Person
	Services []inventory.Service
	Accounts []inventory.Account
	Devices  []inventory.Device
	Assets   []inventory.Asset
	Shares   []inventory.Share
	// LeaverItems are the open items of leavers' checklists
	// (internal/workflow), read by people.leaver_items_open.
	LeaverItems []LeaverItem
	// Risks are the risks of the register (internal/risk), read by the
	// risk.* checks.
	Risks []RiskItem
	// PolicyWaiting are the people who have the published policy set to
	// acknowledge (internal/policy), read by people.policy_not_acknowledged.
	PolicyWaiting []PolicyWaiting
	// OrgID is the organisation evaluated, for the checks about the
	// programme as a whole (subject KindOrg); 0 leaves them out.
	OrgID int64
	// LastSelfdiag is the day (YYYY-MM-DD) of the company's latest
	// self-diagnosis (internal/selfdiag), "" for none.
	LastSelfdiag string

	ix index
}

// LeaverItem is an open item of a leaver's checklist as the checks read
// it: whose, due on which day (the leave date, YYYY-MM-DD), and the record
// it is about (the zero Ref for an item about no inventory record, such as
// collecting keys).
type LeaverItem struct {
	PersonID int64
	Due      string
	Subject  Ref
}

// day is a calendar.Day, kept as a plain number so the checks count days
// with - and compare with <; noDay stands for an empty
// or unreadable date, which every check treats as unknown.
type day int32

const noDay day = math.MinInt32

// index holds what Prepare derives once, so that each check is one pass
// over plain slices. Record positions are int32 indexes into the
// Snapshot's slices; -1 means none.
type index struct {
	today   day
	domains []string

	people, services, devices, assets idIndex

	person []personRow
	acc    []accountRow
	asset  []assetRow

	byEmail map[string]int32 // lower-case e-mail → person
	byName  map[string]int32 // name → person

	accByPerson, accByService, devByPerson, assetsByService, assetsByDevice csr

	svcPersonal []bool // the service holds an asset with personal information

	ext         []shareRow // shares reaching beyond the company
	orgMyNumber []int32    // company-wide shares of My Number assets
}

type personRow struct {
	join, leave day
	left        bool
}

type domainClass uint8

const (
	domainNone    domainClass = iota // the login is not an address
	domainCompany                    // one of the company's domains
	domainFree                       // a free or personal mail provider
	domainOther                      // somebody else's domain
)

type accountRow struct {
	person, service          int32
	created, lastLogin, ends day
	active, admin            bool
	domain                   domainClass
}

type assetRow struct {
	important bool // 重要度 3 or data level 3
	special   bool // My Number or 要配慮個人情報
	personal  bool // personal information of any kind
}

type scope uint8

const (
	scopeOrg scope = iota
	scopeAnyone
	scopePublic
	scopeDomain
	scopePeople
)

type shareRow struct {
	id                         int64 // the share's ID
	owner, asset               int32
	created, expires, reviewed day
	scope                      scope
	edit                       bool
	hasExpiry                  bool // an expiry is set, even if unreadable
}

// Prepare builds the indexes the checks read. Evaluate calls it; call it
// yourself before running a single Check, and again after changing the
// snapshot.
func (s *Snapshot) Prepare() {
	x := &s.ix
	*x = index{today: dayOf(s.Today)}

	x.people = newIDIndex(len(s.People), func(i int) int64 { return s.People[i].ID })
	x.services = newIDIndex(len(s.Services), func(i int) int64 { return s.Services[i].ID })
	x.devices = newIDIndex(len(s.Devices), func(i int) int64 { return s.Devices[i].ID })
	x.assets = newIDIndex(len(s.Assets), func(i int) int64 { return s.Assets[i].ID })

	x.person = make([]personRow, len(s.People))
	x.byEmail = make(map[string]int32, len(s.People))
	x.byName = make(map[string]int32, len(s.People))
	for i := range s.People {
		p := &s.People[i]
		r := personRow{join: parseDay(p.JoinDate), leave: parseDay(p.LeaveDate)}
		r.left = r.leave != noDay && r.leave <= x.today
		x.person[i] = r
		if e := lowerASCII(strings.TrimSpace(p.Email)); e != "" {
			if _, dup := x.byEmail[e]; !dup {
				x.byEmail[e] = int32(i)
			}
		}
		if p.Name != "" {
			if _, dup := x.byName[p.Name]; !dup {
				x.byName[p.Name] = int32(i)
			}
		}
	}
	x.domains = companyDomains(s.Domains, s.People)

	x.acc = make([]accountRow, len(s.Accounts))
	for i := range s.Accounts {
		a := &s.Accounts[i]
		x.acc[i] = accountRow{
			person:    x.people.get(a.PersonID),
			service:   x.services.get(a.ServiceID),
			created:   parseDay(a.CreatedOn),
			lastLogin: parseDay(a.LastLogin),
			ends:      parseDay(a.EndsOn),
			// An account whose status is not known can still sign in.
			active: a.Status != inventory.Suspended && a.Status != inventory.Deleted,
			admin:  a.Privilege == inventory.Admin,
			domain: x.classify(loginDomain(a.LoginID)),
		}
	}
	x.accByPerson = buildCSR(len(s.People), func(add func(k, v int32)) {
		for i := range x.acc {
			if p := x.acc[i].person; p >= 0 {
				add(p, int32(i))
			}
		}
	})
	x.accByService = buildCSR(len(s.Services), func(add func(k, v int32)) {
		for i := range x.acc {
			if sv := x.acc[i].service; sv >= 0 {
				add(sv, int32(i))
			}
		}
	})
	x.devByPerson = buildCSR(len(s.People), func(add func(k, v int32)) {
		for i := range s.Devices {
			if p := x.people.get(s.Devices[i].PersonID); p >= 0 {
				add(p, int32(i))
			}
		}
	})

	x.asset = make([]assetRow, len(s.Assets))
	x.svcPersonal = make([]bool, len(s.Services))
	for i := range s.Assets {
		a := &s.Assets[i]
		r := assetRow{
			important: a.Importance() >= 3 || a.DataLevel >= 3,
			special:   a.MyNumber || a.SensitiveInfo,
			personal:  a.PersonalInfo || a.SensitiveInfo || a.MyNumber,
		}
		x.asset[i] = r
		if r.personal {
			for _, id := range a.ServiceIDs {
				if sv := x.services.get(id); sv >= 0 {
					x.svcPersonal[sv] = true
				}
			}
		}
	}
	x.assetsByService = buildCSR(len(s.Services), func(add func(k, v int32)) {
		for i := range s.Assets {
			for _, id := range s.Assets[i].ServiceIDs {
				if sv := x.services.get(id); sv >= 0 {
					add(sv, int32(i))
				}
			}
		}
	})
	x.assetsByDevice = buildCSR(len(s.Devices), func(add func(k, v int32)) {
		for i := range s.Assets {
			for _, id := range s.Assets[i].DeviceIDs {
				if d := x.devices.get(id); d >= 0 {
					add(d, int32(i))
				}
			}
		}
	})

	s.prepareShares()
}

// prepareShares keeps the shares that reach beyond the company in a compact
// form: most share checks only look at those, and a slice of small rows is
// much cheaper to walk a dozen times than a million full records. Shares
// past their expiry date reach nobody and are left out. A large list is
// read in two halves at once; the rows keep the order of s.Shares.
func (s *Snapshot) prepareShares() {
	x := &s.ix
	n := len(s.Shares)
	if n < 100000 || runtime.GOMAXPROCS(0) < 2 {
		x.ext, x.orgMyNumber = s.shareRows(0, n)
		return
	}
	var ext1, ext2 []shareRow
	var org1, org2 []int32
	var wg sync.WaitGroup
	wg.Go(func() { ext2, org2 = s.shareRows(n/2, n) })
	ext1, org1 = s.shareRows(0, n/2)
	wg.Wait()
	x.ext = append(slices.Grow(ext1, len(ext2)), ext2...)
	x.orgMyNumber = append(org1, org2...)
}

// shareRows reads s.Shares[from:to]; it only reads the snapshot.
func (s *Snapshot) shareRows(from, to int) (ext []shareRow, orgMyNumber []int32) {
	x := &s.ix
	ext = make([]shareRow, 0, (to-from)/2)
	for i := from; i < to; i++ {
		sh := &s.Shares[i]
		expires := parseDay(sh.ExpiresOn)
		if expires != noDay && expires < x.today {
			continue // expired: the link or permission no longer works
		}
		sc := scopeOf(sh.Scope)
		asset := int32(-1)
		if sh.AssetID != 0 {
			asset = x.assets.get(sh.AssetID)
		}
		if sc == scopeOrg {
			if asset >= 0 && s.Assets[asset].MyNumber {
				orgMyNumber = append(orgMyNumber, int32(i))
			}
			continue
		}
		ext = append(ext, shareRow{
			id:        sh.ID,
			owner:     s.personByOwner(sh.Owner),
			asset:     asset,
			created:   parseDay(sh.CreatedOn),
			expires:   expires,
			reviewed:  parseDay(sh.LastReviewed),
			scope:     sc,
			edit:      sh.Permission == inventory.ShareEdit,
			hasExpiry: sh.ExpiresOn != "",
		})
	}
	return ext, orgMyNumber
}

func scopeOf(sc inventory.ShareScope) scope {
	switch sc {
	case inventory.WholeOrg:
		return scopeOrg
	case inventory.AnyoneWithLink:
		return scopeAnyone
	case inventory.Public:
		return scopePublic
	case inventory.ExternalDomain:
		return scopeDomain
	case inventory.ExternalPeople:
		return scopePeople
	}
	// A scope mamori does not know may reach anyone.
	return scopeAnyone
}

// personByOwner finds the person a share owner (an address or a name)
// refers to.
func (s *Snapshot) personByOwner(owner string) int32 {
	owner = strings.TrimSpace(owner)
	if owner == "" {
		return -1
	}
	if strings.IndexByte(owner, '@') >= 0 {
		if p, ok := s.ix.byEmail[lowerASCII(owner)]; ok {
			return p
		}
		return -1
	}
	if p, ok := s.ix.byName[owner]; ok {
		return p
	}
	return -1
}

// classify says whose domain an account's login is on.
func (x *index) classify(domain string) domainClass {
	if domain == "" {
		return domainNone
	}
	for _, d := range x.domains {
		if domain == d || (len(domain) > len(d) && domain[len(domain)-len(d)-1] == '.' && strings.HasSuffix(domain, d)) {
			return domainCompany
		}
	}
	if isFreeMail(domain) {
		return domainFree
	}
	return domainOther
}

// companyDomains returns the configured domains, or the most common
// non-free-mail domain of the people's e-mails.
func companyDomains(configured []string, people []inventory.Person) []string {
	if len(configured) > 0 {
		out := make([]string, 0, len(configured))
		for _, d := range configured {
			if d = strings.TrimPrefix(strings.TrimSpace(lowerASCII(d)), "@"); d != "" {
				out = append(out, d)
			}
		}
		return out
	}
	count := map[string]int{}
	for i := range people {
		if d := loginDomain(people[i].Email); d != "" && !isFreeMail(d) {
			count[d]++
		}
	}
	best, n := "", 0
	for d, c := range count {
		if c > n || (c == n && d < best) {
			best, n = d, c
		}
	}
	if best == "" {
		return nil
	}
	return []string{best}
}

// loginDomain is the lower-case part of an address after the last @.
func loginDomain(login string) string {
	i := strings.LastIndexByte(login, '@')
	if i < 0 {
		return ""
	}
	return lowerASCII(strings.TrimSpace(login[i+1:]))
}

// lowerASCII lower-cases s, allocating only when s has upper-case letters.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// Helpers the checks share.

func (s *Snapshot) today() day { return s.ix.today }

// disposed reports whether a device has been handed over for disposal.
func (s *Snapshot) disposed(d *inventory.Device) bool {
	dd := parseDay(d.DisposedOn)
	return dd != noDay && dd <= s.ix.today
}

func (s *Snapshot) personLeft(p int32) bool { return p >= 0 && s.ix.person[p].left }

func accountRef(s *Snapshot, i int32) Ref { return Ref{KindAccount, s.Accounts[i].ID} }
func assetRef(s *Snapshot, i int32) Ref   { return Ref{KindAsset, s.Assets[i].ID} }
func deviceRef(s *Snapshot, i int32) Ref  { return Ref{KindDevice, s.Devices[i].ID} }
func personRef(s *Snapshot, i int32) Ref  { return Ref{KindPerson, s.People[i].ID} }

// idIndex finds a record's position by its ID: a slice when the IDs are
// dense (as after an import), a map otherwise. ID 0 is never found: in the
// inventory it means "none".
type idIndex struct {
	base   int64
	dense  []int32
	sparse map[int64]int32
}

func newIDIndex(n int, id func(int) int64) idIndex {
	if n == 0 {
		return idIndex{}
	}
	lo, hi := id(0), id(0)
	for i := 1; i < n; i++ {
		v := id(i)
		lo, hi = min(lo, v), max(hi, v)
	}
	if hi-lo < int64(4*n+1024) {
		dense := make([]int32, hi-lo+1)
		for i := range dense {
			dense[i] = -1
		}
		for i := 0; i < n; i++ {
			if o := id(i) - lo; dense[o] < 0 {
				dense[o] = int32(i)
			}
		}
		return idIndex{base: lo, dense: dense}
	}
	m := make(map[int64]int32, n)
	for i := 0; i < n; i++ {
		if _, dup := m[id(i)]; !dup {
			m[id(i)] = int32(i)
		}
	}
	return idIndex{sparse: m}
}

func (x *idIndex) get(id int64) int32 {
	if id == 0 {
		return -1
	}
	if x.dense != nil {
		o := id - x.base
		if o < 0 || o >= int64(len(x.dense)) {
			return -1
		}
		return x.dense[o]
	}
	if i, ok := x.sparse[id]; ok {
		return i
	}
	return -1
}

// csr groups record positions by a key position (compressed sparse rows):
// the items of key k are items[start[k]:start[k+1]], in record order.
type csr struct {
	start, items []int32
}

func buildCSR(n int, each func(add func(k, v int32))) csr {
	start := make([]int32, n+1)
	each(func(k, _ int32) { start[k+1]++ })
	for i := 1; i <= n; i++ {
		start[i] += start[i-1]
	}
	items := make([]int32, start[n])
	fill := slices.Clone(start[:n])
	each(func(k, v int32) {
		items[fill[k]] = v
		fill[k]++
	})
	return csr{start, items}
}

func (c *csr) of(k int32) []int32 {
	if k < 0 || int(k)+1 >= len(c.start) {
		return nil
	}
	return c.items[c.start[k]:c.start[k+1]]
}

// Dates.

// dayOf is the calendar day of t in Japan.
func dayOf(t time.Time) day { return day(calendar.Of(t)) }

// parseDay reads "YYYY-MM-DD" without allocating; anything else is noDay.
func parseDay(s string) day {
	d, err := calendar.ParseISO(s)
	if err != nil {
		return noDay
	}
	return day(d)
}
