package seal

import (
	"crypto/rand"
	"errors"
)

// SealBytes is Seal for large values kept as bytes (an uploaded file
// awaiting its import): the nonce, then the ciphertext, in one
// allocation and without the base64 of Seal.
func (b *Box) SealBytes(plain []byte, context string) []byte {
	n := b.aead.NonceSize()
	out := make([]byte, n, n+len(plain)+b.aead.Overhead())
	if _, err := rand.Read(out); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return b.aead.Seal(out, out[:n], plain, []byte(context))
}

// OpenBytes opens a value made by SealBytes with the same context. It
// decrypts in place: sealed is overwritten.
func (b *Box) OpenBytes(sealed []byte, context string) ([]byte, error) {
	n := b.aead.NonceSize()
	if len(sealed) < n+b.aead.Overhead() {
		return nil, errors.New("sealed value is malformed")
	}
	plain, err := b.aead.Open(sealed[n:n], sealed[:n], sealed[n:], []byte(context))
	if err != nil {
		return nil, errors.New("sealed value does not open with this key")
	}
	return plain, nil
}
