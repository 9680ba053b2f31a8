package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/mamori-sec/mamori/internal/pii"
	"github.com/mamori-sec/mamori/internal/scan"
)

// Exit codes of `mamori scan`, for scripts (docs/scan.md).
const (
	scanNothing        = 0 // every file read, no personal data
	scanFound          = 1 // personal data found, every file read
	scanUnread         = 3 // no personal data in what was read, but some files could not be read
	scanFoundAndUnread = 4 // personal data found, and some files could not be read
)

// exitStatus ends the program with its code and no message: the command
// has already said everything.
type exitStatus int

func (s exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// cmdScan looks for personal data in files, folders and archives and
// reports where it lives.
func cmdScan(e *env, args []string) error {
	flagArgs, paths := splitArgs(args, "json", "quiet", "h", "help", "apply")
	if wantsApply(flagArgs) {
		return cmdScanApply(e, flagArgs, paths)
	}
	fs := e.flags("scan")
	var asJSON, quiet bool
	var workers int
	fs.BoolVar(&asJSON, "json", false, e.cat.T(e.locale, "cli.flag.scan_json"))
	fs.BoolVar(&quiet, "quiet", false, e.cat.T(e.locale, "cli.flag.quiet"))
	fs.IntVar(&workers, "workers", 0, e.cat.T(e.locale, "cli.flag.workers"))
	if err := e.parse(fs, flagArgs); err != nil {
		return err
	}
	if len(paths) == 0 {
		return usageError{e.cat.T(e.locale, "cli.scan.need_path")}
	}
	opt := scan.DefaultOptions()
	opt.Workers = workers
	var bar *progress
	if !quiet && isTerminal(e.stderr) {
		bar = &progress{w: e.stderr, e: e, start: time.Now()}
		opt.Progress = bar.update
	}
	rep, err := scan.New(opt).Run(e.ctx, paths)
	if bar != nil {
		bar.clear()
	}
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		e.printScan(rep)
	}
	switch found, unread := rep.Found(), rep.Unreadable > 0; {
	case found && unread:
		return exitStatus(scanFoundAndUnread)
	case found:
		return exitStatus(scanFound)
	case unread:
		return exitStatus(scanUnread)
	}
	return nil
}

// printScan lists the files holding personal data or that could not be
// read, then the totals.
func (e *env) printScan(rep *scan.Report) {
	t := func(k string, a ...any) string { return e.cat.T(e.locale, k, a...) }
	withData := 0
	var show func(f *scan.File, indent string)
	show = func(f *scan.File, indent string) {
		if !f.Found() && f.Error == "" && !hasProblem(f.Members) {
			return
		}
		fmt.Fprintln(e.stdout, indent+f.Path)
		if f.Error != "" {
			fmt.Fprintln(e.stdout, indent+"  "+t("scan.unreadable", t("scan.reason."+string(f.Error))))
		}
		if f.Found() {
			line := e.countsText(f.Counts, f.Distinct)
			if f.Sensitive {
				line += "  " + t("scan.sensitive")
			}
			fmt.Fprintln(e.stdout, indent+"  "+line)
		}
		if f.Possible.Total() > 0 && len(f.Members) == 0 {
			fmt.Fprintln(e.stdout, indent+"  "+t("scan.possible", e.countsText(f.Possible, nil)))
		}
		for i := range f.Members {
			show(&f.Members[i], indent+"  ")
		}
	}
	for i := range rep.Files {
		if rep.Files[i].Found() {
			withData++
		}
		show(&rep.Files[i], "")
	}
	if len(rep.Files) > 0 {
		fmt.Fprintln(e.stdout)
	}
	fmt.Fprintln(e.stdout, t("scan.summary", rep.Scanned, sizeText(rep.Bytes), fmt.Sprintf("%.1f", rep.Seconds), withData, rep.Unreadable))
	if rep.Totals.Total() > 0 {
		fmt.Fprintln(e.stdout, t("scan.totals", e.countsText(rep.Totals, nil)))
	} else {
		fmt.Fprintln(e.stdout, t("scan.none"))
	}
}

func hasProblem(fs []scan.File) bool {
	for i := range fs {
		if fs[i].Error != "" || fs[i].Found() || hasProblem(fs[i].Members) {
			return true
		}
	}
	return false
}

// countsText names each kind found with its count (and distinct values).
func (e *env) countsText(c pii.Counts, distinct map[pii.Kind]int) string {
	var parts []string
	for _, k := range pii.Kinds {
		n := c[k]
		if n == 0 {
			continue
		}
		name := e.cat.T(e.locale, "scan.kind."+string(k))
		if d, ok := distinct[k]; ok && d != n {
			parts = append(parts, e.cat.T(e.locale, "scan.count_distinct", name, n, d))
		} else {
			parts = append(parts, e.cat.T(e.locale, "scan.count", name, n))
		}
	}
	return strings.Join(parts, e.cat.T(e.locale, "scan.list_separator"))
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progress draws one line on a terminal: files, bytes, rate.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	e     *env
	start time.Time
	last  time.Time
}

func (p *progress) update(files, bytes int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	rate := float64(bytes) / max(now.Sub(p.start).Seconds(), 0.001)
	fmt.Fprintf(p.w, "\r\033[K%s", p.e.cat.T(p.e.locale, "scan.progress", files, sizeText(bytes), sizeText(int64(rate))))
}

func (p *progress) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprint(p.w, "\r\033[K")
}
