package org

import "testing"

func TestRoleGrants(t *testing.T) {
	tests := []struct {
		role Role
		perm Permission
		want bool
	}{
		{Owner, ManageSettings, true},
		{Advisor, ManageSettings, false},
		{Advisor, ManageMembers, true},
		{Keeper, EditProgramme, true},
		{Keeper, ViewAudit, false},
		{Auditor, ViewAudit, true},
		{Auditor, EditProgramme, false},
		{Member, ViewDashboard, false}, // staff see their own page, not the organisation's
		{Member, ViewOwn, true},
		{Keeper, ViewOwn, true},
		{Member, ViewProgramme, false},
		{Role("root"), ViewDashboard, false},
	}
	for _, tt := range tests {
		if got := tt.role.Can(tt.perm); got != tt.want {
			t.Errorf("%s can %s: got %v, want %v", tt.role, tt.perm, got, tt.want)
		}
	}
}

func TestValidSlug(t *testing.T) {
	for s, want := range map[string]bool{"sakura-seiki": true, "a": false, "-x-": false, "Sakura": false, "abc": true, "日本": false} {
		if got := ValidSlug(s); got != want {
			t.Errorf("ValidSlug(%q): got %v, want %v", s, got, want)
		}
	}
}
