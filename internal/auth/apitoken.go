package auth

import "time"

// API token lifetimes. A token is given a lifetime in days when it is
// created; an organisation's owner sets the longest lifetime its members'
// tokens may have, and the shortest of those maximums among a user's
// organisations bounds a new token. An organisation also refuses any
// token older than its own maximum, so lowering the maximum, or joining a
// stricter organisation later, takes effect on tokens already issued.
const (
	DefaultMaxTokenDays   = 90          // an organisation's maximum until its owner changes it
	DefaultTokenDays      = 30          // preselected on the creation form
	TokenLastUsedInterval = time.Minute // last-used time written at most this often
)

// TokenDays are the lifetimes offered, both for a new token and for an
// organisation's maximum.
var TokenDays = []int{7, 30, 90, 180, 365}

// ValidTokenDays reports whether days is one of TokenDays.
func ValidTokenDays(days int) bool {
	for _, d := range TokenDays {
		if d == days {
			return true
		}
	}
	return false
}

// TokenDayChoices lists the lifetimes a new token may have under max.
func TokenDayChoices(max int) []int {
	var out []int
	for _, d := range TokenDays {
		if d <= max {
			out = append(out, d)
		}
	}
	return out
}

// DefaultTokenDaysUnder is the lifetime preselected for a new token.
func DefaultTokenDaysUnder(max int) int {
	return min(DefaultTokenDays, max)
}

// TokenTooOld reports whether a token created at created has outlived an
// organisation's maximum of maxDays at now.
func TokenTooOld(created, now time.Time, maxDays int) bool {
	return now.Sub(created) > time.Duration(maxDays)*24*time.Hour
}
