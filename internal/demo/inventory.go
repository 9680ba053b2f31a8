package demo

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/store"
)

// stock is what a company has besides its people: services and the
// accounts in them, devices, information assets and shares. People are
// named by their e-mail local part, services by a short key, and every date
// is relative to the day Seed runs ("-120d", "-3m", "-2y", "+7d"; see
// dates.on), so that the demo looks the same whenever it is started.
type stock struct {
	services []service
	// everyone is the key of the service in which every person of the
	// company has an account on their own address, as usual says, changed
	// by own; "" for none.
	everyone string
	usual    account
	own      map[string]account
	accounts []account
	devices  []device
	assets   []asset
	shares   []share
}

// service is one service the company uses since the day since; its
// accounts are no older than that.
type service struct {
	key, since string
	inventory.Service
}

// account is one login. login is who's address when empty; kind and status
// default to personal and active.
type account struct {
	svc, who, login     string
	kind                inventory.AccountKind
	priv                inventory.Privilege
	mfa                 inventory.AccountMFA
	status              inventory.AccountStatus
	created, last, ends string
}

// device is one piece of equipment used by who ("" for shared equipment).
// Ownership and Network default to company-issued and internal.
type device struct {
	who string
	inventory.Device
}

// asset is one ledger row kept in services (by key) and devices (by name).
type asset struct {
	services, devices []string
	inventory.Asset
}

// share reaches asset (by name, "" none); owner is a local part or an
// address.
type share struct {
	svc, asset, owner string
	inventory.Share
}

// seedInventory records c's stock in its organisation.
func seedInventory(ctx context.Context, t store.Tenant, c company, now time.Time) error {
	people, _, err := t.People(ctx, store.PeopleQuery{Limit: 1000})
	if err != nil {
		return err
	}
	s := seeder{t: t, c: c, d: dates{now: now}, people: map[string]inventory.Person{},
		services: map[string]int64{}, since: map[int64]string{}, devices: map[string]int64{}, assets: map[string]int64{}}
	for _, p := range people {
		s.people[strings.TrimSuffix(p.Email, "@"+c.domain)] = p
	}
	for _, step := range []func(context.Context) error{s.saveServices, s.saveAccounts, s.saveDevices, s.saveAssets, s.saveShares} {
		if err := step(ctx); err != nil {
			return err
		}
		if s.d.err != nil {
			return s.d.err
		}
	}
	return nil
}

// seeder turns one company's stock into records, remembering the IDs the
// store gives them.
type seeder struct {
	t                         store.Tenant
	c                         company
	d                         dates
	people                    map[string]inventory.Person
	services, devices, assets map[string]int64
	since                     map[int64]string // service → first day of use
}

func (s *seeder) person(local string) (int64, error) {
	if local == "" {
		return 0, nil
	}
	p, ok := s.people[local]
	if !ok {
		return 0, fmt.Errorf("unknown person %q", local)
	}
	return p.ID, nil
}

func (s *seeder) service(key string) (int64, error) {
	id, ok := s.services[key]
	if !ok {
		return 0, fmt.Errorf("unknown service %q", key)
	}
	return id, nil
}

func (s *seeder) saveServices(ctx context.Context) error {
	for _, sv := range s.c.stock.services {
		rec := sv.Service
		rec.CloudCheckDone = s.d.on(rec.CloudCheckDone)
		if err := s.t.SaveService(ctx, actor, &rec); err != nil {
			return fmt.Errorf("service %s: %w", rec.Name, err)
		}
		s.services[sv.key] = rec.ID
		s.since[rec.ID] = s.d.on(sv.since)
	}
	return nil
}

func (s *seeder) saveAccounts(ctx context.Context) error {
	st := s.c.stock
	list := make([]account, 0, len(s.c.people)+len(st.accounts))
	if st.everyone != "" {
		for _, p := range s.c.people {
			a := st.usual.with(st.own[p.local])
			a.svc, a.who = st.everyone, p.local
			list = append(list, a)
		}
	}
	for _, a := range append(list, st.accounts...) {
		if err := s.saveAccount(ctx, a); err != nil {
			return fmt.Errorf("account %s %s: %w", a.svc, a.login+a.who, err)
		}
	}
	return nil
}

func (s *seeder) saveAccount(ctx context.Context, a account) error {
	svc, err := s.service(a.svc)
	if err != nil {
		return err
	}
	pid, err := s.person(a.who)
	if err != nil {
		return err
	}
	rec := inventory.Account{ServiceID: svc, PersonID: pid, LoginID: a.login, Kind: a.kind, Privilege: a.priv, MFA: a.mfa, Status: a.status,
		CreatedOn: s.d.on(a.created), LastLogin: s.d.on(a.last), EndsOn: s.d.on(a.ends)}
	if a.who != "" {
		if rec.LoginID == "" {
			rec.LoginID = s.people[a.who].Email
		}
		if rec.CreatedOn == "" {
			rec.CreatedOn = s.people[a.who].JoinDate
		}
	}
	if rec.Kind == "" {
		rec.Kind = inventory.Personal
	}
	if rec.Status == "" {
		rec.Status = inventory.Active
	}
	// For people who joined before the company started using the service,
	// the account is as old as the service.
	if first := s.since[svc]; rec.CreatedOn != "" && rec.CreatedOn < first {
		rec.CreatedOn = first
	}
	return s.t.SaveAccount(ctx, actor, &rec)
}

// with returns a changed by the fields o sets.
func (a account) with(o account) account {
	if o.kind != "" {
		a.kind = o.kind
	}
	if o.priv != "" {
		a.priv = o.priv
	}
	if o.mfa != "" {
		a.mfa = o.mfa
	}
	if o.status != "" {
		a.status = o.status
	}
	for _, f := range []struct {
		to   *string
		from string
	}{{&a.created, o.created}, {&a.last, o.last}, {&a.ends, o.ends}} {
		if f.from != "" {
			*f.to = f.from
		}
	}
	return a
}

func (s *seeder) saveDevices(ctx context.Context) error {
	for _, d := range s.c.stock.devices {
		rec := d.Device
		var err error
		if rec.PersonID, err = s.person(d.who); err != nil {
			return fmt.Errorf("device %s: %w", rec.Name, err)
		}
		rec.LastUpdated, rec.DisposedOn = s.d.on(rec.LastUpdated), s.d.on(rec.DisposedOn)
		if rec.Ownership == "" {
			rec.Ownership = inventory.CompanyIssued
		}
		if rec.Network == "" {
			rec.Network = inventory.Internal
		}
		if err := s.t.SaveDevice(ctx, actor, &rec); err != nil {
			return fmt.Errorf("device %s: %w", rec.Name, err)
		}
		s.devices[rec.Name] = rec.ID
	}
	return nil
}

func (s *seeder) saveAssets(ctx context.Context) error {
	for _, a := range s.c.stock.assets {
		rec := a.Asset
		rec.RegisteredOn = s.d.on(rec.RegisteredOn)
		// A retention period is a rule such as 「退職後5年」 or a date.
		if r := rec.RetentionUntil; r != "" && (r[0] == '-' || r[0] == '+') {
			rec.RetentionUntil = s.d.on(r)
		}
		for _, key := range a.services {
			id, err := s.service(key)
			if err != nil {
				return fmt.Errorf("asset %s: %w", rec.Name, err)
			}
			rec.ServiceIDs = append(rec.ServiceIDs, id)
		}
		for _, name := range a.devices {
			id, ok := s.devices[name]
			if !ok {
				return fmt.Errorf("asset %s: unknown device %q", rec.Name, name)
			}
			rec.DeviceIDs = append(rec.DeviceIDs, id)
		}
		if err := s.t.SaveAsset(ctx, actor, &rec); err != nil {
			return fmt.Errorf("asset %s: %w", rec.Name, err)
		}
		s.assets[rec.Name] = rec.ID
	}
	return nil
}

func (s *seeder) saveShares(ctx context.Context) error {
	for _, sh := range s.c.stock.shares {
		rec := sh.Share
		var err error
		if rec.ServiceID, err = s.service(sh.svc); err != nil {
			return fmt.Errorf("share %s: %w", rec.Path, err)
		}
		if sh.asset != "" {
			id, ok := s.assets[sh.asset]
			if !ok {
				return fmt.Errorf("share %s: unknown asset %q", rec.Path, sh.asset)
			}
			rec.AssetID = id
		}
		rec.Owner = sh.owner
		if p, ok := s.people[sh.owner]; ok {
			rec.Owner = p.Email
		}
		rec.ExpiresOn, rec.CreatedOn, rec.LastReviewed = s.d.on(rec.ExpiresOn), s.d.on(rec.CreatedOn), s.d.on(rec.LastReviewed)
		if err := s.t.SaveShare(ctx, actor, &rec); err != nil {
			return fmt.Errorf("share %s: %w", rec.Path, err)
		}
	}
	return nil
}

// dates turns the relative dates of the demo data into days; the first
// malformed one is kept in err.
type dates struct {
	now time.Time
	err error
}

// on reads "" (no date), a YYYY-MM-DD date (kept as it is), or a signed
// number of days, months or years from now such as "-120d", "-3m" or "+1y".
func (d *dates) on(spec string) string {
	if spec == "" {
		return ""
	}
	if _, err := calendar.ParseISO(spec); err == nil {
		return spec
	}
	n, err := strconv.Atoi(spec[:len(spec)-1])
	if err != nil || (spec[0] != '-' && spec[0] != '+') {
		d.fail(spec)
		return ""
	}
	switch spec[len(spec)-1] {
	case 'd':
		return calendar.Of(d.now).AddDays(n).String()
	case 'm':
		return calendar.Of(d.now).AddDate(0, n, 0).String()
	case 'y':
		return calendar.Of(d.now).AddDate(n, 0, 0).String()
	}
	d.fail(spec)
	return ""
}

func (d *dates) fail(spec string) {
	if d.err == nil {
		d.err = fmt.Errorf("demo date %q: want YYYY-MM-DD or a signed count of d, m or y", spec)
	}
}
