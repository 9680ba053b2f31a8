package auth

import "time"

// User is a person who can sign in to mamori. Membership in organisations is
// separate (package org): one user can serve several companies.
type User struct {
	ID            int64
	Email         string // lower-case, unique in the install
	Name          string
	PasswordHash  string // "" when the user has no password (future OIDC-only accounts)
	Locale        string // "ja", "en", or "" to follow the browser
	Disabled      bool
	TOTPSecret    string    // sealed; pending until TOTPEnabledAt is set
	TOTPEnabledAt time.Time // zero while no second factor is enrolled
	TOTPLastStep  int64     // last accepted time step, against replay
	CreatedAt     time.Time
}

// HasTOTP reports whether the user has a confirmed second factor.
func (u User) HasTOTP() bool { return !u.TOTPEnabledAt.IsZero() }

// Session is a signed-in browser, stored server-side under the hash of the
// cookie's token.
type Session struct {
	ID         string // hash of the token
	UserID     int64
	Stage      string // StageFull or StageOTP
	AMR        string // factors passed, space-separated: "pwd otp"
	IP         string
	UserAgent  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}
