package findings

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/synth"
)

func synthSnapshot(sz synth.Size, today time.Time) *Snapshot {
	d := synth.Generate(1, sz, today)
	return &Snapshot{
		Today:    today,
		Domains:  []string{synth.Domain},
		People:   d.People,
		Services: d.Services,
		Accounts: d.Accounts,
		Devices:  d.Devices,
		Assets:   d.Assets,
		Shares:   d.Shares,
	}
}

// BenchmarkEvaluateLarge times a full evaluation of the tenant the
// performance target is set for: 10,000 people, 50,000 accounts, 20,000
// devices, 5,000 assets and 1,000,000 shares (target: ≤ 1 s on 2 cores,
// ≤ 500 MB). Besides time and allocations per evaluation it reports the
// findings per evaluation, the heap the snapshot itself occupies, and the
// process's peak resident memory (generation included).
func BenchmarkEvaluateLarge(b *testing.B) {
	today := time.Date(2025, 6, 30, 9, 0, 0, 0, calendar.Japan)
	s := synthSnapshot(synth.Large, today)
	runtime.GC() // start from the snapshot alone, not the generator's garbage
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n = len(Evaluate(s))
	}
	b.ReportMetric(float64(n), "findings")
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "snapshot-MB")
	if hwm := peakRSS(); hwm > 0 {
		b.ReportMetric(float64(hwm)/(1<<20), "peak-RSS-MB")
	}
}

// peakRSS reads the process's high-water mark of resident memory from
// Linux's /proc; elsewhere it returns 0.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
