package auth

import (
	"testing"
	"time"
)

// FuzzCheckTOTP: arbitrary input never panics and is never accepted unless
// it is the code of the moment.
func FuzzCheckTOTP(f *testing.F) {
	for _, s := range []string{"", "123456", "１２３４５６", "12 34 56", "abcd-efgh-jk", "9999999999999"} {
		f.Add(s)
	}
	secret := "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	valid := map[string]bool{}
	for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
		c, _ := TOTPCode(secret, now.Add(d))
		valid[c] = true
	}
	f.Fuzz(func(t *testing.T, code string) {
		if _, ok := CheckTOTP(secret, code, now, 0); ok && !valid[normaliseCode(code)] {
			t.Fatalf("accepted %q", code)
		}
		HashRecoveryCode(code)
	})
}
