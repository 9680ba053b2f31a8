package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/inventory"
)

// The findings evaluation reads an organisation's inventory again after
// every change; on a large tenant that reading is most of its time (with
// the pure-Go SQLite driver about 4 µs a row), while the checks take a
// fraction of it. So ForChecks keeps what it read in memory, per
// organisation and per kind of record, and reads again only the kinds that
// changed since.
//
// Whether a kind changed is said by the database, not by this process:
// inventory_versions holds a counter per organisation and kind, raised in
// the same transaction as every change to a record of that kind (DB.change
// raises those its audit events name: a change without its audit event is
// not possible). Several app servers on one PostgreSQL therefore see each
// other's changes. The counters are read before the records, so a copy is
// never older than the counter it is kept with: at worst a kind is read
// once more than needed.

// versionKinds are the audit target kinds of the inventory: a change to a
// record of one raises that kind's counter. The information assets'
// counter also stands for their places.
var versionKinds = []string{"account", "asset", "device", "person", "service", "share"}

// touch notes the inventory kinds ev changes: its target's kind, or every
// kind for an event about the inventory as a whole (a bulk load).
func (t *Tx) touch(ev audit.Event) {
	if ev.OrgID == 0 {
		return
	}
	kind, _, _ := strings.Cut(ev.Target, ":")
	switch {
	case slices.Contains(versionKinds, kind):
		t.touchKind(ev.OrgID, kind)
	case strings.HasPrefix(ev.Action, "inventory."):
		for _, k := range versionKinds {
			t.touchKind(ev.OrgID, k)
		}
	}
}

func (t *Tx) touchKind(org int64, kind string) {
	if t.kindsTouched == nil {
		t.kindsTouched = map[orgKind]bool{}
	}
	t.kindsTouched[orgKind{org, kind}] = true
}

type orgKind struct {
	org  int64
	kind string
}

// bumpVersions raises the counters of the kinds the transaction changed;
// DB.change calls it just before committing.
func (t *Tx) bumpVersions(ctx context.Context) error {
	keys := make([]orgKind, 0, len(t.kindsTouched))
	for k := range t.kindsTouched {
		keys = append(keys, k)
	}
	// One order for every transaction: no two wait on each other's rows.
	slices.SortFunc(keys, func(a, b orgKind) int {
		if a.org != b.org {
			return int(min(max(a.org-b.org, -1), 1))
		}
		return strings.Compare(a.kind, b.kind)
	})
	for _, k := range keys {
		if _, err := t.exec(ctx, `INSERT INTO inventory_versions (org_id, kind, version) VALUES (?, ?, 1)
			ON CONFLICT (org_id, kind) DO UPDATE SET version = inventory_versions.version + 1`, k.org, k.kind); err != nil {
			return fmt.Errorf("inventory version: %w", err)
		}
	}
	return nil
}

// checkCacheOrgs bounds the organisations whose inventory is kept: the
// most recently evaluated.
const checkCacheOrgs = 4

// checkCache holds the inventories ForChecks read, by organisation.
type checkCache struct {
	mu   sync.Mutex
	orgs []*checkEntry // most recently used first
}

// checkEntry is one organisation's inventory as ForChecks last read it,
// with the counters it was read at. Its lock is held while it is read or
// brought up to date, so that two evaluations of one organisation read it
// once.
type checkEntry struct {
	mu       sync.Mutex
	org      int64
	versions map[string]int64 // kind → counter when read; absent: not read
	today    string           // the day the shares were selected for
	assetVer int64            // the assets' counter the shares were selected at
	data     inventory.Data
}

// entry returns the organisation's entry, new if it had none, and makes it
// the most recently used.
func (c *checkCache) entry(org int64) *checkEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, e := range c.orgs {
		if e.org == org {
			copy(c.orgs[1:i+1], c.orgs[:i])
			c.orgs[0] = e
			return e
		}
	}
	e := &checkEntry{org: org}
	c.orgs = append([]*checkEntry{e}, c.orgs[:min(len(c.orgs), checkCacheOrgs-1)]...)
	return e
}

// drop forgets every organisation's inventory.
func (c *checkCache) drop() {
	c.mu.Lock()
	c.orgs = nil
	c.mu.Unlock()
}

// versions reads the organisation's counters; a kind never changed is 0.
func (t Tenant) versions(ctx context.Context) (map[string]int64, error) {
	rows, err := t.db.query(ctx, "SELECT kind, version FROM inventory_versions WHERE org_id = ?", t.org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	v := make(map[string]int64, len(versionKinds))
	for _, k := range versionKinds {
		v[k] = 0
	}
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		v[k] = n
	}
	return v, rows.Err()
}

// forChecks is ForChecks through the cache: the kinds whose counters moved
// since they were read (and the shares also when the day or the assets
// changed, since which shares are selected depends on both) are read
// again. The slices returned are shared with the cache and with other
// evaluations: callers read them and must not change them.
func (t Tenant) forChecks(ctx context.Context, today string) (inventory.Data, error) {
	e := t.db.checks.entry(t.org)
	e.mu.Lock()
	defer e.mu.Unlock()
	v, verr := t.versions(ctx)
	if verr != nil {
		return inventory.Data{}, verr
	}
	stale := func(kind string) bool {
		old, ok := e.versions[kind]
		return !ok || old != v[kind]
	}
	// Forget before reading, so that a read that fails leaves the kind
	// unread rather than half read.
	mark := func(kind string) {
		if e.versions == nil {
			e.versions = map[string]int64{}
		}
		e.versions[kind] = v[kind]
	}
	d := &e.data
	type part struct {
		kind string
		read func() error
	}
	parts := []part{
		{"person", func() error {
			d.People = nil
			return t.readPeople(ctx, &d.People)
		}},
		{"service", func() error {
			d.Services = nil
			return services.all(ctx, t.db, t.org, func(s *inventory.Service) { d.Services = append(d.Services, *s) })
		}},
		{"account", func() error {
			d.Accounts = nil
			return accounts.all(ctx, t.db, t.org, func(a *inventory.Account) { d.Accounts = append(d.Accounts, *a) })
		}},
		{"device", func() error {
			d.Devices = nil
			return devices.all(ctx, t.db, t.org, func(x *inventory.Device) { d.Devices = append(d.Devices, *x) })
		}},
		{"asset", func() error {
			d.Assets = nil
			if err := assets.all(ctx, t.db, t.org, func(a *inventory.Asset) { d.Assets = append(d.Assets, *a) }); err != nil {
				return err
			}
			return t.allPlaces(ctx, d.Assets)
		}},
	}
	// The shares (two readers, see sharesForChecks) are read beside the
	// other kinds (one reader): decoding rows is the cost, and it scales
	// with cores.
	var read []string
	var sharesErr error
	var wg sync.WaitGroup
	if stale("share") || e.today != today || e.assetVer != v["asset"] {
		delete(e.versions, "share")
		d.Shares = nil
		wg.Add(1)
		go func() {
			defer wg.Done()
			sharesErr = t.sharesForChecks(ctx, today, &d.Shares)
		}()
		read = append(read, "share")
	}
	var err error
	for _, p := range parts {
		if !stale(p.kind) {
			continue
		}
		delete(e.versions, p.kind)
		if err = p.read(); err != nil {
			break
		}
		read = append(read, p.kind)
	}
	wg.Wait()
	if err == nil {
		err = sharesErr
	}
	if err != nil {
		return inventory.Data{}, err
	}
	for _, k := range read {
		mark(k)
	}
	e.today, e.assetVer = today, v["asset"]
	// Full slice expressions: an append by a caller copies rather than
	// writing into the cache.
	return inventory.Data{
		People: d.People[:len(d.People):len(d.People)], Services: d.Services[:len(d.Services):len(d.Services)],
		Accounts: d.Accounts[:len(d.Accounts):len(d.Accounts)], Devices: d.Devices[:len(d.Devices):len(d.Devices)],
		Assets: d.Assets[:len(d.Assets):len(d.Assets)], Shares: d.Shares[:len(d.Shares):len(d.Shares)],
	}, nil
}
