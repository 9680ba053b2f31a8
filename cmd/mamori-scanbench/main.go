// Command mamori-scanbench measures `mamori scan` beside ripgrep on the
// same generated corpus, in one run, and prints a Markdown report for
// docs/perf.md.
//
// It writes (once; kept in -dir for the next run) a deterministic corpus
// from internal/pii/corpus with seed 42: corpus.txt of -mib MiB of
// Japanese business text with one line in 50 carrying personal data and
// decoys in the filler, the same text split into 16 files under split/,
// patterns.txt (the facts file's six regular expressions), and office/:
// xlsx, docx and pdf files for the extraction figure. Then it times, -runs
// times each after one warm-up (files in the page cache):
//
//   - rg --no-mmap -c -f patterns.txt corpus.txt     (ripgrep, one file)
//   - mamori scan --quiet --json corpus.txt          (one file)
//   - rg --no-mmap -c -f patterns.txt split/         (ripgrep, parallel)
//   - mamori scan --quiet --json split/              (parallel workers)
//   - mamori scan --quiet --json office/             (extraction)
//
// and reports the median wall time, the throughput in MiB/s of input and
// the largest resident set. Timings are a report, never a test assertion.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/pii/corpus"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "mamori-scanbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	dir := flag.String("dir", filepath.Join(os.TempDir(), "mamori-scanbench"), "where the corpus is written and kept")
	mib := flag.Int64("mib", 200, "size of corpus.txt in MiB")
	runs := flag.Int("runs", 5, "timed runs of each command")
	bin := flag.String("bin", "", "mamori binary (built from this checkout if empty)")
	flag.Parse()
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	if *bin == "" {
		*bin = filepath.Join(*dir, "mamori")
		build := exec.CommandContext(ctx, "go", "build", "-o", *bin, "./cmd/mamori")
		build.Stderr = os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build: %w", err)
		}
	}
	if err := generate(*dir, *mib<<20); err != nil {
		return err
	}
	rg, err := exec.LookPath("rg")
	if err != nil {
		return fmt.Errorf("ripgrep is needed (Debian: apt-get install ripgrep): %w", err)
	}
	timeBin, err := exec.LookPath("/usr/bin/time")
	if err != nil {
		return fmt.Errorf("GNU time is needed for the memory figure (Debian: apt-get install time): %w", err)
	}
	textBytes := size(filepath.Join(*dir, "corpus.txt"))
	officeBytes := size(filepath.Join(*dir, "office"))
	office := func(ext string) (int64, []string) {
		m, _ := filepath.Glob(filepath.Join(*dir, "office", "*."+ext))
		var n int64
		var rel []string
		for _, p := range m {
			n += size(p)
			rel = append(rel, filepath.Join("office", filepath.Base(p)))
		}
		return n, rel
	}
	xlsxBytes, xlsxFiles := office("xlsx")
	docxBytes, docxFiles := office("docx")
	pdfBytes, pdfFiles := office("pdf")
	scanArgs := func(paths ...string) []string { return append([]string{*bin, "scan", "--quiet", "--json"}, paths...) }
	rows := []struct {
		name  string
		bytes int64
		args  []string
	}{
		{"ripgrep, 6 patterns, count lines, one file", textBytes, []string{rg, "--no-mmap", "-c", "-f", "patterns.txt", "corpus.txt"}},
		{"mamori scan, one file", textBytes, []string{*bin, "scan", "--quiet", "--json", "corpus.txt"}},
		{"ripgrep, 6 patterns, count lines, 16 files (parallel)", textBytes, []string{rg, "--no-mmap", "-c", "-f", "patterns.txt", "split"}},
		{"mamori scan, 16 files (parallel)", textBytes, []string{*bin, "scan", "--quiet", "--json", "split"}},
		{"mamori scan, office/ (xlsx, docx, pdf)", officeBytes, scanArgs("office")},
		{"mamori scan, 4 xlsx of 50,000 rows", xlsxBytes, scanArgs(xlsxFiles...)},
		{"mamori scan, 4 docx of 8 MiB of text", docxBytes, scanArgs(docxFiles...)},
		{"mamori scan, 4 pdf of 500 pages", pdfBytes, scanArgs(pdfFiles...)},
	}
	out, _ := exec.CommandContext(ctx, rg, "--version").Output()
	fmt.Printf("Corpus: %s (%d bytes of text, %d bytes of office files), GOMAXPROCS %d, %s; %d runs after one warm-up, median.\n\n",
		*dir, textBytes, officeBytes, runtime.GOMAXPROCS(0), strings.SplitN(string(out), "\n", 2)[0], *runs)
	fmt.Println("| What | Command | Median | Throughput (input as stored) | Max RSS |")
	fmt.Println("|---|---|---|---|---|")
	for _, r := range rows {
		var times []time.Duration
		var rss int64
		for i := 0; i <= *runs; i++ {
			// The resident set comes from /usr/bin/time: a child's rusage
			// counts the memory of this process before the exec.
			args := append([]string{timeBin, "-f", "MAXRSS %M"}, r.args...)
			cmd := exec.CommandContext(ctx, args[0], args[1:]...)
			cmd.Dir = *dir
			var stdout, stderr bytes.Buffer
			cmd.Stdout = &stdout
			cmd.Stderr = &stderr
			start := time.Now()
			err := cmd.Run()
			d := time.Since(start)
			var ee *exec.ExitError
			if err != nil && !(errorsAs(err, &ee) && ee.ExitCode() <= 4) {
				return fmt.Errorf("%s: %w", r.name, err)
			}
			if i := bytes.LastIndex(stderr.Bytes(), []byte("MAXRSS ")); i >= 0 {
				var kb int64
				fmt.Sscan(string(stderr.Bytes()[i+len("MAXRSS "):]), &kb)
				rss = max(rss, kb*1024)
			}
			if i > 0 {
				times = append(times, d)
			}
			if i == 0 && strings.HasPrefix(r.name, "mamori scan, one") {
				printTotals(stdout.Bytes())
			}
		}
		sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
		med := times[len(times)/2]
		cmdText := strings.Join(shortArgs(r.args), " ")
		if len(cmdText) > 70 {
			cmdText = cmdText[:strings.LastIndex(cmdText[:70], " ")] + " …"
		}
		fmt.Printf("| %s | `%s` | %.3f s | %.1f MiB/s | %.0f MB |\n", r.name, cmdText, med.Seconds(), float64(r.bytes)/(1<<20)/med.Seconds(), float64(rss)/1e6)
	}
	return nil
}

func errorsAs(err error, target **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	if ok {
		*target = e
	}
	return ok
}

func shortArgs(a []string) []string {
	out := append([]string{filepath.Base(a[0])}, a[1:]...)
	return out
}

func printTotals(js []byte) {
	var rep struct {
		Totals map[string]int `json:"totals"`
	}
	if json.Unmarshal(js, &rep) == nil {
		fmt.Fprintf(os.Stderr, "mamori totals on corpus.txt: %v\n", rep.Totals)
	}
}

func size(p string) int64 {
	var n int64
	filepath.Walk(p, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

// generate writes the corpus unless a complete one is there already.
func generate(dir string, n int64) error {
	done := filepath.Join(dir, fmt.Sprintf("complete-%d", n))
	if _, err := os.Stat(done); err == nil {
		return nil
	}
	fmt.Fprintln(os.Stderr, "writing the corpus…")
	f, err := os.Create(filepath.Join(dir, "corpus.txt"))
	if err != nil {
		return err
	}
	planted, err := corpus.New(42).Write(f, n)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "planted in corpus.txt: %v\n", planted)
	if err := os.WriteFile(filepath.Join(dir, "patterns.txt"), []byte(strings.Join(corpus.Patterns, "\n")+"\n"), 0o644); err != nil {
		return err
	}
	if err := split(dir, 16); err != nil {
		return err
	}
	office := filepath.Join(dir, "office")
	os.MkdirAll(office, 0o755)
	g := corpus.New(7)
	for i := range 4 {
		if err := writeFile(filepath.Join(office, fmt.Sprintf("customers%d.xlsx", i)), func(f *os.File) error {
			_, err := g.WriteXLSX(f, 50000)
			return err
		}); err != nil {
			return err
		}
		if err := writeFile(filepath.Join(office, fmt.Sprintf("minutes%d.docx", i)), func(f *os.File) error {
			_, err := g.WriteDocx(f, 8<<20)
			return err
		}); err != nil {
			return err
		}
		if err := writeFile(filepath.Join(office, fmt.Sprintf("report%d.pdf", i)), func(f *os.File) error {
			_, err := g.WritePDF(f, 500)
			return err
		}); err != nil {
			return err
		}
	}
	return os.WriteFile(done, nil, 0o644)
}

func writeFile(p string, fn func(*os.File) error) error {
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	err = fn(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// split cuts corpus.txt into n files at line ends.
func split(dir string, n int) error {
	data, err := os.ReadFile(filepath.Join(dir, "corpus.txt"))
	if err != nil {
		return err
	}
	os.MkdirAll(filepath.Join(dir, "split"), 0o755)
	part := len(data) / n
	for i := 0; i < n; i++ {
		end := len(data)
		if i < n-1 {
			end = part
			for end < len(data) && data[end-1] != '\n' {
				end++
			}
		}
		if err := os.WriteFile(filepath.Join(dir, "split", fmt.Sprintf("part%02d.txt", i)), data[:end], 0o644); err != nil {
			return err
		}
		data = data[end:]
	}
	return nil
}
