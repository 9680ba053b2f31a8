package scan

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// fuzzFile runs the extractor chosen by name over data; it must not
// panic, and whatever it reports must be a known reason.
func fuzzFile(t *testing.T, s *Scanner, name string, data []byte) {
	f := s.Reader(context.Background(), name, bytes.NewReader(data), int64(len(data)))
	switch f.Error {
	case "", Encrypted, Corrupt, ZipBomb, TooDeep, TooLarge, Legacy, NoText, ReadError:
	default:
		t.Fatalf("unknown reason %q", f.Error)
	}
	for _, m := range f.Members {
		if !strings.HasPrefix(m.Path, name+"!") {
			t.Fatalf("member %q outside %q", m.Path, name)
		}
	}
}

func fuzzScanner() *Scanner {
	s := New(Options{Workers: 1, MemoryBudget: 8 << 20, MaxArchiveBytes: 32 << 20})
	s.opt.builtinPDF = true // the fuzzer tests our code, not poppler's
	return s
}

func FuzzText(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte{0xFF, 0xFE, 'a', 0, '@', 0})
	f.Add([]byte{0x83, 0x7D, 0x83, 0x43, 0x83, 0x69, 0x83, 0x93, 0x83, 0x6F, 0x81, 0x5B, '1', '2'})
	s := fuzzScanner()
	f.Fuzz(func(t *testing.T, data []byte) { fuzzFile(t, s, "a.txt", data) })
}

func FuzzZip(f *testing.F) {
	f.Add(zipOf(f, "a.txt", sample, "b.zip", zipOf(f, "c.csv", sample)))
	f.Add([]byte("PK\x03\x04"))
	s := fuzzScanner()
	f.Fuzz(func(t *testing.T, data []byte) { fuzzFile(t, s, "a.zip", data) })
}

func FuzzOffice(f *testing.F) {
	f.Add(uint8(0), docx(f, "個人番号 123456789018"))
	f.Add(uint8(1), xlsx(f))
	f.Add(uint8(2), pptx(f, sample))
	s := fuzzScanner()
	names := []string{"a.docx", "a.xlsx", "a.pptx"}
	f.Fuzz(func(t *testing.T, k uint8, data []byte) { fuzzFile(t, s, names[int(k)%3], data) })
}

func FuzzPDF(f *testing.F) {
	f.Add(pdfOf(pdfLines, false, false))
	f.Add(pdfOf(pdfLines, true, false))
	f.Add([]byte("%PDF-1.4\nstream\nBT (a\\101\\) <FEFF0030> ET\nendstream"))
	s := fuzzScanner()
	f.Fuzz(func(t *testing.T, data []byte) { fuzzFile(t, s, "a.pdf", data) })
}

func FuzzEML(f *testing.F) {
	f.Add(eml(zipOf(f, "a.txt", sample)))
	f.Add([]byte("Subject: =?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=\r\n\r\nbody"))
	s := fuzzScanner()
	f.Fuzz(func(t *testing.T, data []byte) { fuzzFile(t, s, "a.eml", data) })
}
