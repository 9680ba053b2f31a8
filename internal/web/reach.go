package web

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/store"
)

// reachLimit bounds each list of a person's records on their page.
const reachLimit = 200

// reachItem is one record a person can reach, as their page lists it.
type reachItem struct {
	Label, Where, Link string
	State              string // e.g. the account's status, in words
	Active             bool   // an account that can still sign in
	Findings           int    // its open findings
}

// personReach is everything a person can reach and what is wrong with it.
type personReach struct {
	Departed bool
	// StillActive are the accounts of a departed person that can still
	// sign in: their page shows them first, in red.
	StillActive []reachItem
	Accounts    []reachItem
	Devices     []reachItem
	Shares      []reachItem
	Findings    []findingRow // open, about the person or any of the above
}

// reachOf reads a person's accounts, devices and shares and the open
// findings about them and about the person.
func (s *Server) reachOf(ctx context.Context, b base, t store.Tenant, p inventory.Person, now time.Time) (personReach, error) {
	var r personReach
	r.Departed = !p.Active(now)
	byPerson := store.ListQuery{Filters: map[string]string{"person_id": strconv.FormatInt(p.ID, 10)}, Limit: reachLimit}
	accounts, _, err := t.Accounts(ctx, byPerson)
	if err != nil {
		return r, err
	}
	devices, _, err := t.Devices(ctx, byPerson)
	if err != nil {
		return r, err
	}
	shares, err := t.SharesOwnedBy(ctx, p.Email, p.Name, reachLimit)
	if err != nil {
		return r, err
	}
	var serviceIDs []int64
	for _, a := range accounts {
		serviceIDs = append(serviceIDs, a.ServiceID)
	}
	for _, sh := range shares {
		serviceIDs = append(serviceIDs, sh.ServiceID)
	}
	services, err := t.ServicesByID(ctx, serviceIDs)
	if err != nil {
		return r, err
	}
	serviceName := map[int64]string{}
	for _, sv := range services {
		serviceName[sv.ID] = sv.Name
	}
	about := []findings.Ref{{Kind: findings.KindPerson, ID: p.ID}}
	for _, a := range accounts {
		about = append(about, findings.Ref{Kind: findings.KindAccount, ID: a.ID})
	}
	for _, d := range devices {
		about = append(about, findings.Ref{Kind: findings.KindDevice, ID: d.ID})
	}
	for _, sh := range shares {
		about = append(about, findings.Ref{Kind: findings.KindShare, ID: sh.ID})
	}
	open, _, err := t.Findings(ctx, store.FindingQuery{Status: findings.Open, About: about, Limit: 500, CountUpTo: 1})
	if err != nil {
		return r, err
	}
	count := map[findings.Ref]int{}
	names := s.names(ctx, t, wantSubjects(open))
	for _, f := range open {
		count[f.Subject]++
		r.Findings = append(r.Findings, s.findingRow(b, f, names))
	}
	for _, a := range accounts {
		it := reachItem{Label: a.LoginID, Where: serviceName[a.ServiceID], Link: recordLink(b, "account", a.ID),
			State: b.T("inv.account.status." + string(a.Status)), Active: a.Status == inventory.Active,
			Findings: count[findings.Ref{Kind: findings.KindAccount, ID: a.ID}]}
		if r.Departed && it.Active {
			r.StillActive = append(r.StillActive, it)
		}
		r.Accounts = append(r.Accounts, it)
	}
	if r.Departed {
		// The accounts that still sign in first.
		slices.SortStableFunc(r.Accounts, func(x, y reachItem) int {
			switch {
			case x.Active == y.Active:
				return 0
			case x.Active:
				return -1
			}
			return 1
		})
	}
	for _, d := range devices {
		r.Devices = append(r.Devices, reachItem{Label: d.Name, Where: b.T("inv.device.kind." + string(d.Kind)), Link: recordLink(b, "device", d.ID),
			Findings: count[findings.Ref{Kind: findings.KindDevice, ID: d.ID}]})
	}
	for _, sh := range shares {
		r.Shares = append(r.Shares, reachItem{Label: sh.Path, Where: serviceName[sh.ServiceID], Link: recordLink(b, "share", sh.ID),
			State: b.T("inv.share.scope." + string(sh.Scope)), Findings: count[findings.Ref{Kind: findings.KindShare, ID: sh.ID}]})
	}
	return r, nil
}

// recordFinding is a finding on a record's page; Other marks one about
// another record that this one proves (a leaver's, on their account).
type recordFinding struct {
	findingRow
	Other bool
}

// recordFindings is the open findings about one record or proven by it,
// for its page.
func (s *Server) recordFindings(ctx context.Context, b base, t store.Tenant, kind findings.Kind, id int64) ([]recordFinding, error) {
	ref := findings.Ref{Kind: kind, ID: id}
	open, _, err := t.Findings(ctx, store.FindingQuery{Status: findings.Open, About: []findings.Ref{ref}, Limit: 200, CountUpTo: 1})
	if err != nil {
		return nil, err
	}
	proven, err := t.OpenFindingsProvenBy(ctx, ref, 200)
	if err != nil {
		return nil, err
	}
	open = append(open, proven...)
	var rows []recordFinding
	names := s.names(ctx, t, wantSubjects(open))
	for _, f := range open {
		rows = append(rows, recordFinding{findingRow: s.findingRow(b, f, names), Other: f.Subject != ref})
	}
	return rows, nil
}

// wantSubjects asks for the names of the findings' records, for one lookup.
func wantSubjects(list []findings.Record) inventory.Want {
	want := inventory.Want{}
	for _, f := range list {
		want.Add(string(f.Subject.Kind), f.Subject.ID)
	}
	return want
}
