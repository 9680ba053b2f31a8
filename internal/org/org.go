// Package org defines organisations, the roles a membership can hold and
// what each role may do. One install holds many organisations: a single
// company, or the client companies of an IT advisor.
package org

import (
	"regexp"
	"time"
)

// Org is one company whose security programme mamori runs.
type Org struct {
	ID          int64
	Slug        string // URL name, unique in the install
	Name        string
	RequireTOTP bool // members must enrol a second factor before using it
	// MaxTokenDays is the longest an API token may live and still act in
	// this organisation (auth.TokenDays; set by the owner).
	MaxTokenDays int
	CreatedAt    time.Time
}

// InvitationLifetime is how long an invitation to join waits for its
// addressee's answer.
const InvitationLifetime = 14 * 24 * time.Hour

// Role is what a membership lets a person do in one organisation.
type Role string

// The roles, from most to least powerful within one organisation; the
// advisor is a keeper who serves several organisations.
const (
	Owner   Role = "owner"   // 経営者: everything, including members and settings
	Advisor Role = "advisor" // IT顧問: runs the programme for several client companies
	Keeper  Role = "keeper"  // 情シス担当: runs the programme
	Auditor Role = "auditor" // 監査: reads everything, changes nothing
	Member  Role = "member"  // 従業員: their own pages only
)

// Roles lists every role in display order.
var Roles = []Role{Owner, Advisor, Keeper, Auditor, Member}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Permission is one kind of action guarded on every route.
type Permission string

// The permissions. Every route in the web layer names exactly one.
const (
	ViewDashboard  Permission = "view_dashboard"  // the organisation's home page
	ViewProgramme  Permission = "view_programme"  // inventory, findings, assessments, …
	EditProgramme  Permission = "edit_programme"  // change inventory and routines
	ViewAudit      Permission = "view_audit"      // read and export the audit trail
	ManageMembers  Permission = "manage_members"  // invite, change roles, disable
	ManageSettings Permission = "manage_settings" // name, mandatory second factor
	AcceptRisk     Permission = "accept_risk"     // accept a finding as a risk until a date
	ViewJobs       Permission = "view_jobs"       // see the organisation's background jobs and retry them
	ViewOwn        Permission = "view_own"        // a person's own staff pages
)

var grants = map[Role][]Permission{
	Owner:   {ViewDashboard, ViewProgramme, EditProgramme, ViewAudit, ManageMembers, ManageSettings, AcceptRisk, ViewJobs, ViewOwn},
	Advisor: {ViewDashboard, ViewProgramme, EditProgramme, ViewAudit, ManageMembers, AcceptRisk, ViewJobs, ViewOwn},
	Keeper:  {ViewDashboard, ViewProgramme, EditProgramme, ViewOwn},
	Auditor: {ViewDashboard, ViewProgramme, ViewAudit, ViewOwn},
	Member:  {ViewDashboard, ViewOwn},
}

// Can reports whether role r holds permission p.
func (r Role) Can(p Permission) bool {
	for _, g := range grants[r] {
		if g == p {
			return true
		}
	}
	return false
}

// Membership ties a user to an organisation with a role.
type Membership struct {
	OrgID     int64
	UserID    int64
	Role      Role
	CreatedAt time.Time
}

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$`)

// ValidSlug reports whether s can name an organisation in URLs.
func ValidSlug(s string) bool { return slugPattern.MatchString(s) }
