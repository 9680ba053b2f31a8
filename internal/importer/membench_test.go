package importer

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// worstRows calls row for the largest table DefaultLimits accept in cells:
// a mamori account header of 15 columns (4 known, 11 unknown), then rows
// of unique logins and random cells of width characters up to MaxCells.
func worstRows(width int, row func(line int, cells []string)) {
	head := append(append([]string{}, accountsHead...), "メモ1", "メモ2", "メモ3", "メモ4", "メモ5", "メモ6", "メモ7", "メモ8", "メモ9", "メモ10", "メモ11")
	row(1, head)
	rng := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, (width+1)/2)
	cells := make([]string, len(head))
	rows := DefaultLimits.MaxCells/len(head) - 1
	for i := range rows {
		cells[0], cells[1], cells[2], cells[3] = "Slack", fmt.Sprintf("u%06d@ex.jp", i), "個人", "編集"
		for j := 4; j < len(cells); j++ {
			for k := range buf {
				buf[k] = byte(rng.Uint32())
			}
			cells[j] = hex.EncodeToString(buf)[:width]
		}
		row(i+2, cells)
	}
}

// worstXLSX is worstRows as an Excel sheet of inline strings, padded with
// whitespace between cells until it expands to just under MaxUnzipped.
func worstXLSX(tb testing.TB) []byte {
	rows := int64(0)
	plain := &countWriter{w: io.Discard}
	worstRows(15, func(line int, cells []string) { rows++; writeRow(plain, line, cells) })
	pad := strings.Repeat(" ", int(max(0, (DefaultLimits.MaxUnzipped-1<<20-plain.n)/rows)))
	return workbook(tb, func(w io.Writer) {
		worstRows(15, func(line int, cells []string) {
			writeRow(w, line, cells)
			io.WriteString(w, pad)
		})
	}, 0)
}

// worstCSV is worstRows as a CSV of cells wide enough to bring the file
// and its text close to MaxBytes and MaxText.
func worstCSV() []byte {
	var b bytes.Buffer
	worstRows(23, func(_ int, cells []string) {
		b.WriteString(strings.Join(cells, ","))
		b.WriteString("\r\n")
	})
	return b.Bytes()
}

// peak samples the Go heap while f runs and returns the most it held above
// what it held before, and the process's peak resident set above its
// resident set before (Linux: VmHWM reset through clear_refs).
func peak(f func()) (heap, rss uint64) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	rssBase := procStatus("VmRSS")
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	var (
		top  uint64
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Go(func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			top = max(top, s[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	f()
	close(done)
	wg.Wait()
	if hwm := procStatus("VmHWM"); hwm > rssBase {
		rss = hwm - rssBase
	}
	return top - min(top, base), rss
}

// procStatus reads a kB field of /proc/self/status, in bytes; 0 elsewhere.
func procStatus(field string) uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n << 10
		}
	}
	return 0
}

// BenchmarkImportMemory measures the peak memory reading and parsing the
// worst file DefaultLimits accept adds to the process, beyond the upload
// itself: an Excel file expanding to just under MaxUnzipped, and a CSV of
// MaxCells cells. Target: under 200 MB. docs/perf.md, "Import memory".
func BenchmarkImportMemory(b *testing.B) {
	for _, tt := range []struct {
		name string
		data func(testing.TB) []byte
	}{
		{"xlsx", worstXLSX},
		{"csv", func(testing.TB) []byte { return worstCSV() }},
	} {
		b.Run(tt.name, func(b *testing.B) {
			data := tt.data(b)
			var heap, rss uint64
			for b.Loop() {
				var n int
				h, r := peak(func() {
					f, err := ReadTableBytes("worst."+tt.name, data, Limits{})
					if err != nil {
						b.Fatal(err)
					}
					p, err := Parse(f, "", "", Options{})
					if err != nil {
						b.Fatal(err)
					}
					n = len(p.Accounts)
				})
				if n != DefaultLimits.MaxCells/15-1 {
					b.Fatalf("got %d accounts", n)
				}
				heap, rss = max(heap, h), max(rss, r)
			}
			b.ReportMetric(float64(len(data))/(1<<20), "file-MB")
			b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(rss)/(1<<20), "peak-rss-MB")
		})
	}
}
