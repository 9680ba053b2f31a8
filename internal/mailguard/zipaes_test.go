package mailguard

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/aes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sevenZip finds 7z (Debian's p7zip-full). Without it the test skips,
// unless CI or MAMORI_CI is set: then a missing 7z is a failure, so CI
// never passes without the real extractor.
func sevenZip(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("7z"); err == nil {
		return p
	}
	if os.Getenv("CI") != "" || os.Getenv("MAMORI_CI") != "" {
		t.Fatal("got no 7z in PATH, want one: CI requires the zip round trip through 7-Zip (apt-get install p7zip-full)")
	}
	t.Skip("skipping: no 7z in PATH (apt-get install p7zip-full; CI or MAMORI_CI makes this a failure)")
	return ""
}

// run7z runs 7z with UTF-8 file names and returns its output.
func run7z(t *testing.T, bin, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8", "LC_ALL=C.UTF-8")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

var errZipPassword = errors.New("wrong password")

// readAESZip is an independent reader of WinZip AES zips, for the tests:
// it checks the extra field, the password verifier and the HMAC, and
// decrypts with zipAESCTR.
func readAESZip(data []byte, password string) (map[string][]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		if f.Method != zipMethodAES || f.Flags&zipFlagCrypt == 0 {
			return nil, fmt.Errorf("%s: method %d flags %#x, want AES", f.Name, f.Method, f.Flags)
		}
		var method uint16
		found := false
		for ex := f.Extra; len(ex) >= 4; {
			id, n := binary.LittleEndian.Uint16(ex), int(binary.LittleEndian.Uint16(ex[2:]))
			if len(ex) < 4+n {
				break
			}
			if id == zipAESExtraID && n == 7 {
				body := ex[4 : 4+n]
				if string(body[2:4]) != "AE" || body[4] != zipAESStrength {
					return nil, fmt.Errorf("%s: extra %x, want AE, AES-256", f.Name, body)
				}
				method, found = binary.LittleEndian.Uint16(body[5:]), true
			}
			ex = ex[4+n:]
		}
		if !found {
			return nil, fmt.Errorf("%s: no AES extra field", f.Name)
		}
		rr, err := f.OpenRaw()
		if err != nil {
			return nil, err
		}
		raw, err := io.ReadAll(rr)
		if err != nil {
			return nil, err
		}
		if len(raw) < zipAESSaltLen+2+zipAESMACLen {
			return nil, fmt.Errorf("%s: %d bytes, too short", f.Name, len(raw))
		}
		salt, pwv := raw[:zipAESSaltLen], raw[zipAESSaltLen:zipAESSaltLen+2]
		ct, tag := raw[zipAESSaltLen+2:len(raw)-zipAESMACLen], raw[len(raw)-zipAESMACLen:]
		aesKey, macKey, verifier, err := zipAESKeys(password, salt)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(pwv, verifier) {
			return nil, errZipPassword
		}
		mac := hmac.New(sha1.New, macKey)
		mac.Write(ct)
		if !hmac.Equal(mac.Sum(nil)[:zipAESMACLen], tag) {
			return nil, fmt.Errorf("%s: authentication code does not match", f.Name)
		}
		plain := make([]byte, len(ct))
		if err := zipAESCTR(aesKey, plain, ct); err != nil {
			return nil, err
		}
		switch method {
		case zip.Store:
		case zip.Deflate:
			if plain, err = io.ReadAll(flate.NewReader(bytes.NewReader(plain))); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("%s: method %d", f.Name, method)
		}
		out[f.Name] = plain
	}
	return out, nil
}

// TestZipAESKnownVector decrypts a zip that 7-Zip made
// (`7z a -tzip -mem=AES256 -mm=Deflate -pKp7-vector-pw`, a 3,120-byte file
// of 195 AES blocks, Japanese name): the key derivation, the
// little-endian counter from 1 and the HMAC must all match 7-Zip's for
// the text to come out.
func TestZipAESKnownVector(t *testing.T) {
	data, err := os.ReadFile("testdata/aes256-7z.zip")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/aes256-7z.txt")
	if err != nil {
		t.Fatal(err)
	}
	files, err := readAESZip(data, "Kp7-vector-pw")
	if err != nil {
		t.Fatal(err)
	}
	if got := files["見積書.txt"]; !bytes.Equal(got, want) {
		t.Fatalf("got %d bytes %q…, want the %d bytes of aes256-7z.txt", len(got), got[:min(len(got), 40)], len(want))
	}
	if _, err := readAESZip(data, "Kp7-vector-pX"); !errors.Is(err, errZipPassword) {
		t.Fatalf("wrong password: got %v, want %v", err, errZipPassword)
	}
}

// TestZipAESCounterLittleEndian: keystream block n is AES of the
// counter n+1 as 16 little-endian bytes (block 255 uses 00 01 00…, block
// 256 uses 01 01 00…); Go's big-endian cipher.NewCTR differs from the
// second block on.
func TestZipAESCounterLittleEndian(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	ks := make([]byte, 16*300)
	if err := zipAESCTR(key, ks, make([]byte, len(ks))); err != nil {
		t.Fatal(err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		block int
		ctr   []byte
	}{{0, []byte{1}}, {1, []byte{2}}, {255, []byte{0, 1}}, {256, []byte{1, 1}}} {
		ctr := make([]byte, 16)
		copy(ctr, tc.ctr)
		want := make([]byte, 16)
		block.Encrypt(want, ctr)
		if got := ks[tc.block*16 : tc.block*16+16]; !bytes.Equal(got, want) {
			t.Errorf("block %d: got %x, want AES(%x) = %x", tc.block, got, ctr, want)
		}
	}
}

// testFiles are the files of the round trips: a Japanese name, an empty
// file and 5 MB (half compressible text, half random bytes).
func testFiles() []ZipFile {
	big := make([]byte, 5<<20)
	rnd := rand.New(rand.NewPCG(1, 2))
	const text = "mamori 見積 "
	for i := range big {
		if i < len(big)/2 {
			big[i] = text[i%len(text)]
		} else {
			big[i] = byte(rnd.Uint32())
		}
	}
	mod := time.Date(2026, 4, 1, 9, 30, 0, 0, time.UTC)
	return []ZipFile{
		{Name: "御見積書（2026年4月）.pdf", Data: []byte("%PDF-1.4 見積書の本文です。\n"), Modified: mod},
		{Name: "empty.txt", Data: nil, Modified: mod},
		{Name: "big.bin", Data: big, Modified: mod},
	}
}

func TestZipAESRoundTripOwnReader(t *testing.T) {
	files := testFiles()
	var buf bytes.Buffer
	pw := NewZipPassword()
	if err := WriteAESZip(&buf, pw, files); err != nil {
		t.Fatal(err)
	}
	got, err := readAESZip(buf.Bytes(), pw)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !bytes.Equal(got[f.Name], f.Data) {
			t.Errorf("%s: got %d bytes, want %d", f.Name, len(got[f.Name]), len(f.Data))
		}
	}
	if _, err := readAESZip(buf.Bytes(), pw+"x"); !errors.Is(err, errZipPassword) {
		t.Errorf("wrong password: got %v, want %v", err, errZipPassword)
	}
	// The plain text appears nowhere in the archive.
	if bytes.Contains(buf.Bytes(), []byte("見積書の本文")) || bytes.Contains(buf.Bytes(), []byte("mamori 見積 mamori")) {
		t.Error("got plain text in the archive, want only ciphertext")
	}
}

// TestZipAESRoundTrip7z opens our archive with 7-Zip: the right
// password gives every file back byte for byte (Japanese name listed
// intact, empty file, 5 MB); a wrong one is refused.
func TestZipAESRoundTrip7z(t *testing.T) {
	bin := sevenZip(t)
	dir := t.TempDir()
	files := testFiles()
	pw := NewZipPassword()
	var buf bytes.Buffer
	if err := WriteAESZip(&buf, pw, files); err != nil {
		t.Fatal(err)
	}
	zipPath := filepath.Join(dir, "添付ファイル.zip")
	if err := os.WriteFile(zipPath, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	out, err := run7z(t, bin, dir, "l", "-slt", "-p"+pw, zipPath)
	if err != nil {
		t.Fatalf("7z l: %v\n%s", err, out)
	}
	for _, want := range []string{"Path = 御見積書（2026年4月）.pdf", "Path = empty.txt", "Path = big.bin", "Method = AES-256 Deflate", "Encrypted = +", "Modified = 2026-04-01 09:30:00"} {
		if !strings.Contains(out, want) {
			t.Errorf("7z l: got\n%s\nwant a line %q", out, want)
		}
	}

	bad := filepath.Join(dir, "bad")
	if out, err := run7z(t, bin, dir, "x", "-y", "-pwrong-password", "-o"+bad, zipPath); err == nil {
		t.Errorf("7z x with a wrong password: got success, want a refusal\n%s", out)
	} else if !strings.Contains(out, "Wrong password") {
		t.Errorf("7z x with a wrong password: got\n%s\nwant \"Wrong password\"", out)
	}

	good := filepath.Join(dir, "good")
	if out, err := run7z(t, bin, dir, "x", "-y", "-p"+pw, "-o"+good, zipPath); err != nil {
		t.Fatalf("7z x: %v\n%s", err, out)
	}
	for _, f := range files {
		got, err := os.ReadFile(filepath.Join(good, f.Name))
		if err != nil {
			t.Errorf("%s: %v", f.Name, err)
			continue
		}
		if !bytes.Equal(got, f.Data) {
			t.Errorf("%s: got %d bytes, want the %d written", f.Name, len(got), len(f.Data))
		}
	}
}

func TestNewZipPassword(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		pw := NewZipPassword()
		if len(pw) != 16 || strings.Trim(pw, ZipPasswordAlphabet) != "" {
			t.Fatalf("got %q, want 16 characters of %q", pw, ZipPasswordAlphabet)
		}
		if seen[pw] {
			t.Fatalf("got %q twice", pw)
		}
		seen[pw] = true
	}
	for _, c := range "0O1lI5S2Z8Bo" {
		if strings.ContainsRune(ZipPasswordAlphabet, c) {
			t.Errorf("alphabet has %q, which reads like another character", c)
		}
	}
}
