// Package demo creates the fictional demo company 株式会社さくら精機, a
// 30-person manufacturer in 大田区, with users for its owner, keeper and a
// few employees, and an IT advisor who also serves two smaller client
// companies. さくら精機 and one of the clients come with a lived-in
// inventory — services, accounts, devices, information assets and shares —
// that has the gaps the seed articles describe, so that a newcomer sees real
// findings at once. Every name, address and domain is invented (.example).
package demo

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

// Credential is how one demo user signs in.
type Credential struct {
	Email, Name, Password string
}

// Result says how to sign in to what Seed created.
type Result struct {
	OrgSlug                string
	Owner, Keeper, Advisor Credential
	Member                 Credential // a member of staff: their own page
}

// actor is who every change made by Seed is recorded as.
var actor = audit.Actor{Label: "demo"}

// Seed fills an empty, migrated store with a fictional 30-person Japanese
// company and, for the IT-advisor view, two more small client companies.
// It refuses (returns an error) if any user already exists. Every user gets
// a fresh random password; Seed returns those of the main company's owner
// and keeper and of the advisor. Two people of the main company left at the
// end of a month before now; the inventory's dates are relative to now too.
// Seed is not one transaction: after a failure, start again from an empty
// store.
func Seed(ctx context.Context, db *store.DB, now time.Time) (Result, error) {
	n, err := db.CountUsers(ctx)
	if err != nil {
		return Result{}, err
	}
	if n > 0 {
		return Result{}, problem.New(problem.Conflict, "setup.done")
	}
	res := Result{OrgSlug: sakura.slug}
	var orgIDs []int64
	for _, c := range []company{sakura, midori, aoba} {
		id, creds, err := seedCompany(ctx, db, c, now)
		if err != nil {
			return Result{}, fmt.Errorf("demo %s: %w", c.slug, err)
		}
		if c.slug == sakura.slug {
			res.Owner, res.Keeper, res.Member = creds[org.Owner], creds[org.Keeper], creds[org.Member]
		}
		orgIDs = append(orgIDs, id)
	}
	advID, cred, err := newUser(ctx, db, advisor.email, advisor.name)
	if err != nil {
		return Result{}, fmt.Errorf("demo advisor: %w", err)
	}
	for _, id := range orgIDs {
		if err := db.AddMember(ctx, actor, id, advID, org.Advisor); err != nil {
			return Result{}, fmt.Errorf("demo advisor: %w", err)
		}
	}
	res.Advisor = cred
	return res, nil
}

// seedCompany creates c with its owner, its people, its inventory and its
// other users, and returns the organisation and the credentials by role
// (the first user of each role).
func seedCompany(ctx context.Context, db *store.DB, c company, now time.Time) (int64, map[org.Role]Credential, error) {
	creds := map[org.Role]Credential{}
	ids := map[string]int64{} // users by e-mail local part
	var ownerID int64
	// The owner first, so the organisation is never without one.
	for _, r := range []org.Role{org.Owner, org.Keeper, org.Auditor, org.Member} {
		for _, p := range c.people {
			if p.role != r {
				continue
			}
			id, cred, err := newUser(ctx, db, p.local+"@"+c.domain, p.name)
			if err != nil {
				return 0, nil, err
			}
			ids[p.local] = id
			if _, ok := creds[r]; !ok {
				creds[r] = cred
			}
			if r == org.Owner && ownerID == 0 {
				ownerID = id
			}
		}
	}
	if ownerID == 0 {
		return 0, nil, errors.New("no owner")
	}
	o := org.Org{Slug: c.slug, Name: c.name, RequireTOTP: c.requireTOTP}
	orgID, err := db.CreateOrg(ctx, actor, o, ownerID)
	if err != nil {
		return 0, nil, err
	}
	people := make([]inventory.Person, len(c.people))
	for i, p := range c.people {
		people[i] = inventory.Person{Name: p.name, Kana: p.kana, Email: p.local + "@" + c.domain,
			Department: p.dept, EmploymentType: p.kind, JoinDate: p.join}
		if p.leftAgo > 0 {
			people[i].LeaveDate = monthEnd(now, p.leftAgo)
		}
		if c.slug == sakura.slug && p.local == leavingSoon {
			people[i].LeaveDate = calendar.Of(now).AddDays(7).String()
		}
	}
	if err := db.Tenant(orgID).AddPeople(ctx, actor, people); err != nil {
		return 0, nil, err
	}
	if c.stock != nil {
		if err := seedInventory(ctx, db.Tenant(orgID), c, now); err != nil {
			return 0, nil, err
		}
	}
	for _, p := range c.people {
		if p.role != "" && ids[p.local] != ownerID {
			if err := db.AddMember(ctx, actor, orgID, ids[p.local], p.role); err != nil {
				return 0, nil, err
			}
		}
	}
	if c.stock != nil {
		if err := seedChecklists(ctx, db.Tenant(orgID), c, now); err != nil {
			return 0, nil, err
		}
		// Sakura has let one chore slip; Aoba is up to date.
		if err := seedRoutines(ctx, db.Tenant(orgID), now, c.slug == sakura.slug); err != nil {
			return 0, nil, err
		}
		if m, ok := creds[org.Member]; ok && c.slug == sakura.slug {
			local, _, _ := strings.Cut(m.Email, "@")
			if err := seedStaff(ctx, db.Tenant(orgID), ids[local], m.Email, calendar.Of(now)); err != nil {
				return 0, nil, err
			}
		}
		if c.slug == sakura.slug {
			if err := seedRisks(ctx, db.Tenant(orgID), now); err != nil {
				return 0, nil, err
			}
			if err := seedIncidents(ctx, db, db.Tenant(orgID)); err != nil {
				return 0, nil, err
			}
			if err := seedScans(ctx, db.Tenant(orgID), c, now); err != nil {
				return 0, nil, err
			}
			if err := seedPartners(ctx, db.Tenant(orgID), now); err != nil {
				return 0, nil, err
			}
		}
	}
	if err := seedLessons(ctx, db.Tenant(orgID), c, now); err != nil {
		return 0, nil, err
	}
	if err := seedPolicy(ctx, db.Tenant(orgID), c, ids, now); err != nil {
		return 0, nil, fmt.Errorf("policy: %w", err)
	}
	if c.stock != nil {
		if err := seedSelfdiag(ctx, db.Tenant(orgID), now); err != nil {
			return 0, nil, err
		}
	}
	return orgID, creds, nil
}

// monthEnd is the last day of the month that ended months months before
// now's month began: 1 is the end of last month.
func monthEnd(now time.Time, months int) string {
	y, m, _ := calendar.Of(now).Date()
	return calendar.Date(y, m, 1).AddDate(0, 1-months, -1).String()
}

// newUser creates a user with a fresh random password.
func newUser(ctx context.Context, db *store.DB, email, name string) (int64, Credential, error) {
	pw, err := newPassword()
	if err != nil {
		return 0, Credential{}, err
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return 0, Credential{}, err
	}
	id, err := db.CreateUser(ctx, actor, auth.User{Email: email, Name: name, PasswordHash: hash})
	return id, Credential{Email: email, Name: name, Password: pw}, err
}

// newPassword returns four groups of four random lower-case letters and
// digits, such as "k7mx-2pqa-ve9t-hn4c" (80 bits), leaving out the look-alike
// characters l, o, 0 and 1.
func newPassword() (string, error) {
	const alphabet = "abcdefghijkmnpqrstuvwxyz23456789" // 32 symbols: 256 % 32 == 0, so no bias
	b := make([]byte, 16)
	rand.Read(b)
	out := make([]byte, 0, 19)
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			out = append(out, '-')
		}
		out = append(out, alphabet[c%32])
	}
	pw := string(out)
	return pw, auth.CheckPasswordPolicy(pw)
}

// The demo company's URL name and name, for commands that greet or find it.
var (
	Slug = sakura.slug
	Name = sakura.name
)
