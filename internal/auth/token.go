package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// Session and token lifetimes.
const (
	SessionIdle     = 12 * time.Hour     // signed out after this long unused
	SessionAbsolute = 7 * 24 * time.Hour // signed out after this long in any case
	PendingLifetime = 10 * time.Minute   // between password and second factor
	SignInLinkTTL   = 30 * time.Minute   // one-time sign-in link printed by demo
)

// Session stages: a session is only "full" after every required factor.
const (
	StageFull = "full"
	StageOTP  = "otp" // password accepted, TOTP or recovery code awaited
)

// NewToken returns a random token to hand out and the hash to store: the
// database never holds a usable session or link token.
func NewToken() (token, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken returns the stored form of a token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
