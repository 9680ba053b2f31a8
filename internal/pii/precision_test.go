package pii_test

import (
	"bytes"
	"testing"

	"github.com/mamori-sec/mamori/internal/pii"
	"github.com/mamori-sec/mamori/internal/pii/corpus"
)

// TestPrecisionRecall scans a labelled corpus with decoys (order numbers
// passing the My Number check digit, labelled numbers failing it,
// card-like numbers failing Luhn, phone-like serials, dates, amounts, part
// numbers shaped like postal codes) line by line, counts true and false
// positives per kind, and fails when precision or recall of any kind is
// below 0.95. It then scans the same text as one stream, where labels
// may reach across lines, and holds it to the same bar against the truth.
func TestPrecisionRecall(t *testing.T) {
	g := corpus.New(42)
	g.Rate = 1.0 / 4 // dense, so every kind has hundreds of examples
	s := pii.NewScanner()
	st := s.NewStream()
	type score struct{ tp, fp, fn int }
	scores := map[pii.Kind]*score{}
	for _, k := range pii.Kinds {
		scores[k] = &score{}
	}
	var all bytes.Buffer
	planted := pii.Counts{}
	for i := 0; i < 20000; i++ {
		l := g.Line()
		all.WriteString(l.Text + "\n")
		planted.Add(l.Truth)
		st.Reset()
		st.WriteString(l.Text + "\n")
		got := st.Close().Counts
		for _, k := range pii.Kinds {
			f, p := got[k], l.Truth[k]
			sc := scores[k]
			sc.tp += min(f, p)
			sc.fp += max(f-p, 0)
			sc.fn += max(p-f, 0)
		}
	}
	for _, k := range pii.Kinds {
		sc := scores[k]
		if sc.tp+sc.fn < 100 {
			t.Errorf("%s: only %d planted; the corpus must exercise every kind", k, sc.tp+sc.fn)
			continue
		}
		prec := float64(sc.tp) / float64(max(sc.tp+sc.fp, 1))
		rec := float64(sc.tp) / float64(sc.tp+sc.fn)
		t.Logf("%-16s planted %5d  tp %5d fp %4d fn %4d  precision %.4f recall %.4f", k, sc.tp+sc.fn, sc.tp, sc.fp, sc.fn, prec, rec)
		if prec < 0.95 || rec < 0.95 {
			t.Errorf("%s: precision %.4f recall %.4f, want both ≥ 0.95", k, prec, rec)
		}
	}
	whole := s.ScanBytes(all.Bytes())
	for _, k := range pii.Kinds {
		f, p := whole.Counts[k], planted[k]
		// As one stream, found = tp + fp and planted = tp + fn; the
		// difference bounds neither alone, so hold the ratio to the bar.
		if float64(f) > float64(p)/0.95 || float64(f) < 0.95*float64(p) {
			t.Errorf("%s as one stream: found %d, planted %d", k, f, p)
		}
	}
}
