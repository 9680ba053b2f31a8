package inventory

import (
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/problem"
)

func oneOf[T ~string](v T, allowed ...T) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

func checkDate(field, d string) error {
	if d == "" {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, d); err != nil {
		return problem.Field(field, "inventory.date_invalid", d)
	}
	return nil
}

func checkDates(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := checkDate(pairs[i], pairs[i+1]); err != nil {
			return err
		}
	}
	return nil
}

func checkTri(field string, t Tri) error {
	if !oneOf(t, Unknown, Yes, No) {
		return problem.Field(field, "inventory.value_invalid", string(t))
	}
	return nil
}

// Validate names the first field of a service that is wrong.
func (s *Service) Validate() error {
	s.Name = strings.TrimSpace(s.Name)
	switch {
	case s.Name == "":
		return problem.Field("name", "inventory.name_required")
	case !oneOf(s.Category, Cloud, OnPrem, Network):
		return problem.Field("category", "inventory.value_invalid", string(s.Category))
	case !oneOf(s.MFA, MFANone, MFAAvailable, MFAEnforced):
		return problem.Field("mfa", "inventory.value_invalid", string(s.MFA))
	}
	return checkDate("cloud_check_done", s.CloudCheckDone)
}

// Validate names the first field of an account that is wrong.
func (a *Account) Validate() error {
	a.LoginID = strings.TrimSpace(a.LoginID)
	switch {
	case a.LoginID == "":
		return problem.Field("login_id", "inventory.login_required")
	case a.ServiceID == 0:
		return problem.Field("service_id", "inventory.service_required")
	case !oneOf(a.Kind, Personal, Shared, ServiceAcc, Guest, External):
		return problem.Field("kind", "inventory.value_invalid", string(a.Kind))
	case !oneOf(a.Privilege, Admin, Edit, View, Download):
		return problem.Field("privilege", "inventory.value_invalid", string(a.Privilege))
	case !oneOf(a.MFA, MFAOn, MFAOff, MFAUnknown):
		return problem.Field("mfa", "inventory.value_invalid", string(a.MFA))
	case !oneOf(a.Status, Active, Suspended, Deleted):
		return problem.Field("status", "inventory.value_invalid", string(a.Status))
	}
	return checkDates("created_on", a.CreatedOn, "last_login", a.LastLogin, "ends_on", a.EndsOn)
}

// Validate names the first field of a device that is wrong.
func (d *Device) Validate() error {
	d.Name = strings.TrimSpace(d.Name)
	switch {
	case d.Name == "":
		return problem.Field("name", "inventory.name_required")
	case !oneOf(d.Kind, DeviceKinds...):
		return problem.Field("kind", "inventory.value_invalid", string(d.Kind))
	case !oneOf(d.Ownership, CompanyIssued, BYOD):
		return problem.Field("ownership", "inventory.value_invalid", string(d.Ownership))
	case !oneOf(d.Network, Internal, GuestWiFi, Home, Mobile):
		return problem.Field("network", "inventory.value_invalid", string(d.Network))
	}
	for _, f := range [...]struct {
		field string
		v     Tri
	}{{"disk_encryption", d.DiskEncryption}, {"screen_lock", d.ScreenLock}, {"remote_wipe", d.RemoteWipe}, {"antivirus", d.Antivirus},
		{"default_password_changed", d.DefaultPasswordChanged}, {"guest_separated", d.GuestSeparated}, {"erasure_done", d.ErasureDone}} {
		if err := checkTri(f.field, f.v); err != nil {
			return err
		}
	}
	return checkDates("last_updated", d.LastUpdated, "disposed_on", d.DisposedOn)
}

// Validate names the first field of an asset that is wrong; C, I and A
// must be rated 1–3 (0 means not rated yet).
func (a *Asset) Validate() error {
	a.Name = strings.TrimSpace(a.Name)
	if a.Name == "" {
		return problem.Field("name", "inventory.name_required")
	}
	for _, f := range [...]struct {
		field string
		v     int
	}{{"confidentiality", a.Confidentiality}, {"integrity", a.Integrity}, {"availability", a.Availability}, {"data_level", a.DataLevel}} {
		if f.v < 0 || f.v > 3 {
			return problem.Field(f.field, "inventory.cia_range", f.v)
		}
	}
	if a.PeopleConcerned < 0 {
		return problem.Field("people_concerned", "inventory.value_invalid", "")
	}
	return checkDate("registered_on", a.RegisteredOn)
}

// Validate names the first field of a share that is wrong.
func (s *Share) Validate() error {
	s.Path = strings.TrimSpace(s.Path)
	switch {
	case s.Path == "":
		return problem.Field("path", "inventory.path_required")
	case s.ServiceID == 0:
		return problem.Field("service_id", "inventory.service_required")
	case !oneOf(s.Scope, AnyoneWithLink, Public, ExternalDomain, ExternalPeople, WholeOrg):
		return problem.Field("scope", "inventory.value_invalid", string(s.Scope))
	case !oneOf(s.Permission, ShareView, ShareEdit):
		return problem.Field("permission", "inventory.value_invalid", string(s.Permission))
	}
	return checkDates("expires_on", s.ExpiresOn, "created_on", s.CreatedOn, "last_reviewed", s.LastReviewed)
}
