// Package auth holds how people prove who they are: passwords (argon2id),
// TOTP second factors with recovery codes, session and one-time tokens, and
// the throttling policy for failed sign-ins. Sign-in is a sequence of
// factors recorded as an AMR list on the session ("pwd", "otp"), so OIDC
// ("oidc") and passkeys ("hwk") slot in as further first or second factors.
package auth

import (
	"bufio"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/mamori-sec/mamori/internal/problem"
)

// MinPasswordLength is the shortest password accepted, in characters.
const MinPasswordLength = 10

// MaxPasswordLength bounds the work a single sign-in can cause.
const MaxPasswordLength = 256

// argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

//go:embed common-passwords.txt
var commonPasswordsText string

var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(commonPasswordsText))
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" && !strings.HasPrefix(w, "#") {
			m[strings.ToLower(w)] = true
		}
	}
	return m
}()

// CheckPasswordPolicy refuses passwords that are too short, too long or
// among the most common ones (compared case-insensitively).
func CheckPasswordPolicy(pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLength:
		return problem.Field("password", "password.too_short", MinPasswordLength)
	case len(pw) > MaxPasswordLength:
		return problem.Field("password", "password.too_long", MaxPasswordLength)
	case commonPasswords[strings.ToLower(pw)]:
		return problem.Field("password", "password.common")
	}
	return nil
}

// HashPassword returns an encoded argon2id hash of pw.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// dummyHash is compared against when an account does not exist, so that a
// wrong address costs as much time as a wrong password. It is computed on
// first use, not at start-up: every command would otherwise pay for it.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("mamori-dummy-password-for-timing")
	return h
})

// CheckPassword reports whether pw matches encoded. An empty encoded hash
// (unknown account, or an account without a password) never matches but
// takes the same time.
func CheckPassword(encoded, pw string) bool {
	if len(pw) > MaxPasswordLength {
		return false
	}
	if encoded == "" {
		_, _ = verify(dummyHash(), pw)
		return false
	}
	ok, err := verify(encoded, pw)
	return err == nil && ok
}

func verify(encoded, pw string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("not an argon2id hash")
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, err
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, err
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
