package scan

import (
	"bytes"
	"context"
	"testing"

	"github.com/mamori-sec/mamori/internal/pii"
	"github.com/mamori-sec/mamori/internal/pii/corpus"
)

// TestGeneratedOfficeFiles: the benchmark's xlsx, docx and pdf files are
// read with what was planted in them found (every kind within 5%, and
// nothing of a kind that was not planted).
func TestGeneratedOfficeFiles(t *testing.T) {
	s := New(Options{})
	for _, tc := range []struct {
		name  string
		write func(g *corpus.Generator, b *bytes.Buffer) (pii.Counts, error)
	}{
		{"customers.xlsx", func(g *corpus.Generator, b *bytes.Buffer) (pii.Counts, error) { return g.WriteXLSX(b, 3000) }},
		{"minutes.docx", func(g *corpus.Generator, b *bytes.Buffer) (pii.Counts, error) {
			g.Rate = 1.0 / 5
			return g.WriteDocx(b, 2<<20)
		}},
		{"report.pdf", func(g *corpus.Generator, b *bytes.Buffer) (pii.Counts, error) { return g.WritePDF(b, 40) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			planted, err := tc.write(corpus.New(1), &b)
			if err != nil {
				t.Fatal(err)
			}
			f := s.Reader(context.Background(), tc.name, bytes.NewReader(b.Bytes()), int64(b.Len()))
			if f.Error != "" {
				t.Fatalf("error %s", f.Error)
			}
			for _, k := range pii.Kinds {
				got, want := f.Counts[k], planted[k]
				if float64(got) < 0.95*float64(want) || float64(got) > float64(want)/0.95 || want == 0 && got > 0 {
					t.Errorf("%s: found %d, planted %d", k, got, want)
				}
			}
		})
	}
}
