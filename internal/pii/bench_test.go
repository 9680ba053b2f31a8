package pii_test

import (
	"bytes"
	"testing"

	"github.com/mamori-sec/mamori/internal/pii"
	"github.com/mamori-sec/mamori/internal/pii/corpus"
)

// BenchmarkScan measures detection alone over 32 MiB of generated
// Japanese text (one line in 50 with personal data), one goroutine.
func BenchmarkScan(b *testing.B) {
	var buf bytes.Buffer
	if _, err := corpus.New(42).Write(&buf, 32<<20); err != nil {
		b.Fatal(err)
	}
	text := buf.Bytes()
	s := pii.NewScanner()
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		s.Scan(bytes.NewReader(text))
	}
}
