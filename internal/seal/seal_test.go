package seal

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

func TestSealOpen(t *testing.T) {
	key, err := LoadOrCreateKey(filepath.Join(t.TempDir(), "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	box, err := New(key)
	if err != nil {
		t.Fatal(err)
	}
	sealed := box.Seal([]byte("JBSWY3DPEHPK3PXP"), "totp:1")
	if strings.Contains(sealed, "JBSWY3DPEHPK3PXP") {
		t.Fatal("sealed value contains the plain text")
	}
	got, err := box.Open(sealed, "totp:1")
	if err != nil || string(got) != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("got %q, %v, want the secret back", got, err)
	}
	if _, err := box.Open(sealed, "totp:2"); err == nil {
		t.Fatal("got nil error opening with another context, want failure")
	}
	other, _ := New(make([]byte, 32))
	if _, err := other.Open(sealed, "totp:1"); err == nil {
		t.Fatal("got nil error opening with another key, want failure")
	}
}

func TestKeyIsStable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k")
	a, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadOrCreateKey(path)
	if err != nil || string(a) != string(b) {
		t.Fatalf("got a different key on second load (%v)", err)
	}
}

func TestSealBytes(t *testing.T) {
	key := make([]byte, 32)
	b, err := New(key)
	if err != nil {
		t.Fatal(err)
	}
	plain := []byte("氏名,メール\r\n田中,tanaka@example.jp\r\n")
	sealed := b.SealBytes(plain, "import:1:2")
	if bytes.Contains(sealed, []byte("tanaka")) {
		t.Fatal("sealed value holds the plain text")
	}
	other := append([]byte(nil), sealed...)
	if _, err := b.OpenBytes(other, "import:1:3"); err == nil {
		t.Fatal("opened with another context")
	}
	got, err := b.OpenBytes(sealed, "import:1:2")
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("got %q, %v; want %q", got, err, plain)
	}
}
