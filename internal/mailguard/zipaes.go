package mailguard

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"io"
	"time"
)

// A password zip for recipients who insist on one, written as WinZip's
// AES-256 encryption (AE-2), which 7-Zip, WinZip and the other current
// archivers open. Never ZipCrypto: its known-plaintext attack recovers
// files in minutes.
//
// Each file's data is: a 16-byte random salt, a 2-byte password verifier,
// the deflated bytes encrypted with AES-256 in CTR mode (little-endian
// counter from 1), and the first 10 bytes of HMAC-SHA1 over that
// ciphertext. Keys come from PBKDF2-HMAC-SHA1 (1000 iterations) over the
// password and salt: 32 bytes AES key, 32 bytes HMAC key, 2 bytes verifier.
// AE-2 leaves the CRC field 0 (the HMAC authenticates instead).

const (
	zipMethodAES   = 99     // compression method that says "see the AES extra field"
	zipAESExtraID  = 0x9901 // WinZip AES extra field
	zipAESVersion  = 2      // AE-2: no CRC
	zipAESStrength = 3      // AES-256
	zipAESSaltLen  = 16
	zipAESKeyLen   = 32
	zipAESMACLen   = 10
	zipAESIter     = 1000
	zipFlagCrypt   = 0x1
	zipFlagUTF8    = 0x800
	zipVersionAES  = 51 // "version needed to extract" for AES
)

// ZipFile is one file to put into a password zip. Modified is written in
// its own zone (zip times have none); zero stands for 1980-01-01.
type ZipFile struct {
	Name     string
	Data     []byte
	Modified time.Time
}

// WriteAESZip writes files to w as one zip archive, each file deflated
// and encrypted with AES-256 (WinZip AE-2) under password. Names are
// stored as UTF-8 (flag bit 11), so Japanese names survive.
func WriteAESZip(w io.Writer, password string, files []ZipFile) error {
	if password == "" {
		return errors.New("zip: empty password")
	}
	zw := zip.NewWriter(w)
	for _, f := range files {
		var comp bytes.Buffer
		fw, err := flate.NewWriter(&comp, flate.DefaultCompression)
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.Data); err != nil {
			return err
		}
		if err := fw.Close(); err != nil {
			return err
		}
		salt := make([]byte, zipAESSaltLen)
		if _, err := rand.Read(salt); err != nil {
			return err
		}
		enc, err := zipAESEncrypt(password, salt, comp.Bytes())
		if err != nil {
			return err
		}
		fh := &zip.FileHeader{
			Name:               f.Name,
			Method:             zipMethodAES,
			Flags:              zipFlagCrypt | zipFlagUTF8,
			CreatorVersion:     zipVersionAES,
			ReaderVersion:      zipVersionAES,
			CRC32:              0,
			CompressedSize64:   uint64(len(enc)),
			UncompressedSize64: uint64(len(f.Data)),
			Extra:              zipAESExtra(zip.Deflate),
		}
		// CreateRaw writes only the MS-DOS fields (it derives nothing
		// from Modified, unlike CreateHeader), so they are set here.
		//lint:ignore SA1019 CreateRaw reads these fields, not Modified
		fh.ModifiedDate, fh.ModifiedTime = msDosTime(f.Modified) // zero: 1980-01-01
		raw, err := zw.CreateRaw(fh)
		if err != nil {
			return err
		}
		if _, err := raw.Write(enc); err != nil {
			return err
		}
	}
	return zw.Close()
}

// zipAESExtra is the 0x9901 extra field: AE-2, vendor "AE", AES-256 and
// the method the data was compressed with before encryption.
func zipAESExtra(method uint16) []byte {
	b := make([]byte, 11)
	binary.LittleEndian.PutUint16(b[0:], zipAESExtraID)
	binary.LittleEndian.PutUint16(b[2:], 7)
	binary.LittleEndian.PutUint16(b[4:], zipAESVersion)
	b[6], b[7] = 'A', 'E'
	b[8] = zipAESStrength
	binary.LittleEndian.PutUint16(b[9:], method)
	return b
}

// zipAESKeys derives the AES key, the HMAC key and the 2-byte password
// verifier from password and salt.
func zipAESKeys(password string, salt []byte) (aesKey, macKey, verifier []byte, err error) {
	k, err := pbkdf2.Key(sha1.New, password, salt, zipAESIter, 2*zipAESKeyLen+2)
	if err != nil {
		return nil, nil, nil, err
	}
	return k[:zipAESKeyLen], k[zipAESKeyLen : 2*zipAESKeyLen], k[2*zipAESKeyLen:], nil
}

// zipAESEncrypt returns salt, verifier, ciphertext and authentication
// code: a file's data as stored in the archive.
func zipAESEncrypt(password string, salt, plain []byte) ([]byte, error) {
	aesKey, macKey, verifier, err := zipAESKeys(password, salt)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(salt)+2+len(plain)+zipAESMACLen)
	out = append(out, salt...)
	out = append(out, verifier...)
	ct := make([]byte, len(plain))
	if err := zipAESCTR(aesKey, ct, plain); err != nil {
		return nil, err
	}
	out = append(out, ct...)
	mac := hmac.New(sha1.New, macKey)
	mac.Write(ct)
	return append(out, mac.Sum(nil)[:zipAESMACLen]...), nil
}

// zipAESCTR XORs src with WinZip's keystream into dst: AES of a 16-byte
// little-endian counter that starts at 1 (Go's cipher.NewCTR counts
// big-endian, so the counter is kept here).
func zipAESCTR(key, dst, src []byte) error {
	block, err := aes.NewCipher(key)
	if err != nil {
		return err
	}
	zipAESStream(block, dst, src)
	return nil
}

func zipAESStream(block cipher.Block, dst, src []byte) {
	var ctr, ks [aes.BlockSize]byte
	var lo, hi uint64 = 1, 0
	for i := 0; i < len(src); i += aes.BlockSize {
		binary.LittleEndian.PutUint64(ctr[0:], lo)
		binary.LittleEndian.PutUint64(ctr[8:], hi)
		block.Encrypt(ks[:], ctr[:])
		n := min(aes.BlockSize, len(src)-i)
		for j := range n {
			dst[i+j] = src[i+j] ^ ks[j]
		}
		if lo++; lo == 0 {
			hi++
		}
	}
}

// msDosTime is t as the zip header's MS-DOS date and time (2-second
// resolution, local to t's zone).
func msDosTime(t time.Time) (date, clock uint16) {
	if t.Year() < 1980 {
		t = time.Date(1980, 1, 1, 0, 0, 0, 0, t.Location())
	}
	date = uint16(t.Day() + int(t.Month())<<5 + (t.Year()-1980)<<9)
	clock = uint16(t.Second()/2 + t.Minute()<<5 + t.Hour()<<11)
	return date, clock
}

// ZipPasswordAlphabet has no characters that read alike (0/O/o, 1/l/I,
// 5/S, 2/Z, 8/B, 9/g/q) nor lower-case letters shaped like their capitals
// (c/C, k/K, p/P…), so a password read out on the phone is typed right.
const ZipPasswordAlphabet = "ACDEFGHJKLMNPQRTUVWXYabdefhmnrt34679"

// NewZipPassword returns a fresh 16-character password for a zip, drawn
// without bias from ZipPasswordAlphabet (about 82 bits).
func NewZipPassword() string {
	out := make([]byte, 0, 16)
	n := byte(len(ZipPasswordAlphabet))
	limit := 256 - 256%int(n)
	var b [32]byte
	for len(out) < 16 {
		if _, err := rand.Read(b[:]); err != nil {
			panic(err)
		}
		for _, c := range b {
			if int(c) < limit && len(out) < 16 {
				out = append(out, ZipPasswordAlphabet[c%n])
			}
		}
	}
	return string(out)
}
