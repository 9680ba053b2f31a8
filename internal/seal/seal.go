// Package seal encrypts secrets at rest (TOTP seeds, later connector tokens)
// with AES-256-GCM under a key kept outside the database.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Box seals and opens secrets with one key.
type Box struct {
	aead cipher.AEAD
	mac  []byte // the key of MAC, derived from the box's key
}

// New returns a Box for a 32-byte key.
func New(key []byte) (*Box, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("secret key must be 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("mamori seal: mac key"))
	return &Box{aead: aead, mac: m.Sum(nil)}, nil
}

// LoadOrCreateKey reads a hex key from path, creating it (mode 0600) when it
// does not exist yet.
func LoadOrCreateKey(path string) ([]byte, error) {
	key, err := ReadKey(path)
	if errors.Is(err, os.ErrNotExist) {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, err
		}
		if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
			f.Close()
			return nil, err
		}
		return key, f.Close()
	}
	return key, err
}

// ReadKey reads a hex key from path; an error wrapping os.ErrNotExist
// says there is none yet. Commands that must not invent a key (one that
// would differ from the server's) read it with this.
func ReadKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("%s does not hold a 64-character hex key", path)
	}
	return key, nil
}

// Seal encrypts plain; context binds the ciphertext to its use (for example
// "totp:12"), so a sealed value copied to another row does not open.
func (b *Box) Seal(plain []byte, context string) string {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	out := b.aead.Seal(nonce, nonce, plain, []byte(context))
	return base64.RawStdEncoding.EncodeToString(out)
}

// Open decrypts a value made by Seal with the same context.
func (b *Box) Open(sealed, context string) ([]byte, error) {
	raw, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil || len(raw) < b.aead.NonceSize() {
		return nil, errors.New("sealed value is malformed")
	}
	n := b.aead.NonceSize()
	plain, err := b.aead.Open(nil, raw[:n], raw[n:], []byte(context))
	if err != nil {
		return nil, errors.New("sealed value does not open with this key")
	}
	return plain, nil
}

// MAC is a keyed hash of data for context, under a key derived from the
// box's (the same on every app server of an install, and kept outside the
// database): what is counted by something not to be stored — a client's
// address, an e-mail address typed by anyone — is stored as this instead.
func (b *Box) MAC(context string, data []byte) string {
	m := hmac.New(sha256.New, b.mac)
	m.Write([]byte(context))
	m.Write([]byte{0})
	m.Write(data)
	return hex.EncodeToString(m.Sum(nil)[:16])
}
