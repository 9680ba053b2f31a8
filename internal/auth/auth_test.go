package auth

import (
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/problem"
)

// RFC 6238 appendix B vectors (SHA-1, 8 digits there; we compare the last 6).
func TestTOTPRFCVectors(t *testing.T) {
	secret := b32.EncodeToString([]byte("12345678901234567890"))
	tests := []struct {
		unix int64
		want string
	}{
		{59, "287082"},
		{1111111109, "081804"},
		{1111111111, "050471"},
		{1234567890, "005924"},
		{2000000000, "279037"},
	}
	for _, tt := range tests {
		got, err := TOTPCode(secret, time.Unix(tt.unix, 0))
		if err != nil || got != tt.want {
			t.Errorf("TOTPCode at %d: got %s (%v), want %s", tt.unix, got, err, tt.want)
		}
	}
}

func TestCheckTOTP(t *testing.T) {
	secret := NewTOTPSecret()
	now := time.Date(2026, 11, 23, 9, 0, 10, 0, time.UTC)
	code, _ := TOTPCode(secret, now)
	prev, _ := TOTPCode(secret, now.Add(-30*time.Second))
	old, _ := TOTPCode(secret, now.Add(-2*time.Minute))
	step, ok := CheckTOTP(secret, code, now, 0)
	if !ok || step != now.Unix()/30 {
		t.Fatalf("got %d %v, want current step accepted", step, ok)
	}
	if _, ok := CheckTOTP(secret, code, now, step); ok {
		t.Fatal("got replayed code accepted, want refused")
	}
	if _, ok := CheckTOTP(secret, prev, now, 0); !ok {
		t.Fatal("got previous step refused, want accepted for clock drift")
	}
	if _, ok := CheckTOTP(secret, old, now, 0); ok {
		t.Fatal("got 2-minute-old code accepted, want refused")
	}
	wide := string([]rune{'０' + rune(code[0]-'0'), '０' + rune(code[1]-'0')}) + code[2:3] + " " + code[3:]
	if _, ok := CheckTOTP(secret, wide, now, 0); !ok {
		t.Fatalf("got full-width code %q refused, want accepted", wide)
	}
}

func TestPasswordPolicy(t *testing.T) {
	tests := []struct {
		pw   string
		want string // message key, "" when accepted
	}{
		{"short", "password.too_short"},
		{"123456789", "password.too_short"},
		{"Password123", "password.common"},
		{"1234567890", "password.common"},
		{"さくら精機の金庫番です", ""},
		{"correct horse battery", ""},
	}
	for _, tt := range tests {
		err := CheckPasswordPolicy(tt.pw)
		got := ""
		if e, ok := problem.As(err); ok {
			got = e.Key
		}
		if got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.pw, got, tt.want)
		}
	}
}

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPassword(h, "correct horse battery") {
		t.Fatal("got mismatch for the right password")
	}
	if CheckPassword(h, "correct horse batterY") {
		t.Fatal("got match for a wrong password")
	}
	if CheckPassword("", "anything at all") {
		t.Fatal("got match against an empty hash")
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes := NewRecoveryCodes()
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 12 || seen[c] {
			t.Fatalf("got code %q (dup=%v), want unique 12-character codes", c, seen[c])
		}
		seen[c] = true
	}
	if HashRecoveryCode(codes[0]) != HashRecoveryCode(" "+codes[0][:4]+codes[0][5:]) {
		t.Fatal("got different hashes for the same code typed without hyphen")
	}
}
