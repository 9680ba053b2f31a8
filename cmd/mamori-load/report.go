package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// machine describes where the figures were taken.
type machine struct {
	goTool   string // `go version`
	serverGo string // Go version the server binary was built with
	cpu      string
	nproc    int
	kernel   string
	loadavg  string // at the start
	busy     string // cores other processes kept busy just before the start
}

func describeMachine() machine {
	m := machine{goTool: "unknown", cpu: cpuModel(), nproc: runtime.NumCPU(), kernel: kernel(), loadavg: loadAverage()}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if b, err := exec.CommandContext(ctx, "go", "version").Output(); err == nil {
		m.goTool = oneLine(string(b))
	}
	m.busy = "unknown"
	if b0, t0, err := machineCPU(); err == nil {
		time.Sleep(time.Second)
		if b1, t1, err := machineCPU(); err == nil && t1 > t0 {
			m.busy = fmt.Sprintf("%.2f of %d cores busy over the second before", float64(b1-b0)/float64(t1-t0)*float64(m.nproc), m.nproc)
		}
	}
	return m
}

type report struct {
	opts          options
	env           machine
	built         bool
	cold          []coldRun
	demoSeed      time.Duration
	memBeforeLoad *memory
	memAfterLoad  *memory
	load          []result
	finished      time.Time
	// -large only
	bulk          time.Duration // the bulk load of the large organisation, as the server said
	findings      int           // the findings its page showed once evaluated
	findingsAfter time.Duration // from the server running to that
	evaluation    time.Duration // how long that evaluation took, as the server logged it
}

func (r *report) write(w io.Writer) {
	o := r.opts
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	r.writeHeader(p)
	if o.large {
		r.writeLarge(p)
		return
	}

	// Targets first: what a reader looks for.
	dash := r.worst("/o/")
	var coldWalls, selfMS []time.Duration
	var freshRSS []float64
	for _, c := range r.cold {
		coldWalls = append(coldWalls, c.wall)
		selfMS = append(selfMS, time.Duration(c.selfMS)*time.Millisecond)
		freshRSS = append(freshRSS, c.rssMB)
	}
	coldMed := median(coldWalls)
	freshMB := median(freshRSS)
	p("#### Against the targets")
	p("")
	p("| figure | measured | target | |")
	p("|---|---:|---:|---|")
	if dash != nil {
		p("| dashboard p99, %d concurrent clients (worse of 2 passes) | %s | ≤ %s | %s |", o.c, ms(dash.p99), ms(targetDashboardP99), verdict(dash.p99 <= targetDashboardP99 && dash.errors == 0))
	}
	p("| cold start, exec to first 200 from /healthz, empty data dir (median of %d) | %s | ≤ %s | %s |", len(r.cold), ms(coldMed), ms(targetColdStart), verdict(coldMed <= targetColdStart))
	if len(r.cold) > 0 && r.cold[0].rssMB > 0 {
		p("| idle memory, fresh `serve` right after start (VmRSS, median) | %.1f MB | ≤ %.0f MB | %s |", freshMB, targetIdleMB, verdict(freshMB <= targetIdleMB))
	}
	if m := r.memAfterLoad; m != nil {
		p("| idle memory, demo server %s after the load (VmRSS) | %.1f MB | ≤ %.0f MB | %s |", o.idle, m.rssMB, targetIdleMB, verdict(m.rssMB <= targetIdleMB))
	}
	p("")
	for pass := 1; pass <= 2; pass++ {
		d, h := r.find(pass, "/o/"), r.find(pass, "/healthz")
		if d != nil && h != nil && h.p99 > 0 {
			p("Dashboard p99 / healthz p99, pass %d: %s / %s = **%.1f×**", pass, ms(d.p99), ms(h.p99), float64(d.p99)/float64(h.p99))
			p("")
		}
	}
	r.writeLoad(p, "Pass 1 runs healthz → sign-in → dashboard, pass 2 the reverse.")
	p("#### Cold start and memory")
	p("")
	p("| run | exec → first 200 | server's own startup_ms | VmRSS right after |")
	p("|---:|---:|---:|---:|")
	for i, c := range r.cold {
		p("| %d | %s | %d ms | %.1f MB |", i+1, ms(c.wall), c.selfMS, c.rssMB)
	}
	p("| min / median | %s / %s | %s median | %.1f MB median |", ms(minDur(coldWalls)), ms(coldMed), ms(median(selfMS)), freshMB)
	p("")
	p("Cold start includes creating and migrating the SQLite database. The demo")
	p("server (seeding the demo company) printed its sign-in link after %s.", r.demoSeed.Round(time.Millisecond))
	p("")
	if b, a := r.memBeforeLoad, r.memAfterLoad; b != nil && a != nil {
		p("| demo server | VmRSS | VmHWM (peak) |")
		p("|---|---:|---:|")
		p("| signed in, before the load | %.1f MB | %.1f MB |", b.rssMB, b.hwmMB)
		p("| %s idle after the load | %.1f MB | %.1f MB |", o.idle, a.rssMB, a.hwmMB)
		p("")
	}
}

// writeHeader is the run's table: command, binary, machine, duration.
func (r *report) writeHeader(p func(string, ...any)) {
	o := r.opts
	title := ""
	if o.large {
		title = ", inventory pages of " + largeOrg
	}
	p("### Run of %s%s", o.started.UTC().Format("2006-01-02 15:04 MST"), title)
	p("")
	p("| | |")
	p("|---|---|")
	p("| command | `%s` |", commandLine(o.args))
	if r.built {
		p("| server binary | built from ./cmd/mamori for this run |")
	} else {
		p("| server binary | `%s` |", o.bin)
	}
	if o.large || o.db != "" {
		p("| database of the demo server | %s |", describeDB(o.db))
	}
	p("| go version | %s (server built with %s) |", r.env.goTool, r.env.serverGo)
	p("| CPU | %s |", r.env.cpu)
	p("| nproc | %d (shared by the server and this load generator) |", r.env.nproc)
	p("| OS | %s |", r.env.kernel)
	p("| other load at start | load average %s; %s |", r.env.loadavg, r.env.busy)
	p("| duration | %s in all |", r.finished.Sub(o.started).Round(time.Second))
	p("")
}

// writeLoad is the table of every measurement, with order saying in which
// order the targets ran.
func (r *report) writeLoad(p func(string, ...any), order string) {
	o := r.opts
	p("#### Load: %d concurrent keep-alive clients, %s per target after %s warm-up", o.c, o.d, o.warmup)
	p("")
	p("%s Latency is", order)
	p("from sending the request to the last byte of the body. CPU/req: CPU time")
	p("the server and the load generator used in the window, per request. Cores")
	p("busy: server / load generator / whole machine, averaged over the window,")
	p("out of %d; the machine's figure above the sum of the other two is other", r.env.nproc)
	p("processes, or a hypervisor's steal.")
	p("")
	p("| pass | target | path | requests | errors | req/s | p50 | p90 | p99 | max | server CPU/req | client CPU/req | cores busy |")
	p("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, l := range r.load {
		p("| %d | %s | `%s` | %d | %d | %.0f | %s | %s | %s | %s | %s | %s | %s |", l.pass, l.name, displayPath(l.path), l.count, l.errors, l.rps,
			ms(l.p50), ms(l.p90), ms(l.p99), ms(l.max), perReq(l.serverCPU, l.count+l.errors), perReq(l.clientCPU, l.count+l.errors), cores(l))
	}
	p("")
	for _, l := range r.load {
		if l.errors > 0 {
			p("Errors, pass %d %s: %s", l.pass, l.name, strings.Join(l.errorSamples, "; "))
			p("")
		}
	}
}

// writeLarge is the report of -large: each page against the target of list
// pages, then every measurement, then the server's memory.
func (r *report) writeLarge(p func(string, ...any)) {
	o := r.opts
	p("#### Against the target: list pages with filters, p99 ≤ %s", ms(targetListP99))
	p("")
	p("Each page of %s, signed in as its owner, with %d concurrent clients; the", largeOrg, o.c)
	p("figures of the pass with the higher p99, errors of both passes.")
	p("")
	p("| target | path | p50 | p90 | p99 | max | req/s | errors | p99 ≤ %s |", ms(targetListP99))
	p("|---|---|---:|---:|---:|---:|---:|---:|---|")
	for _, t := range largeTargets(largeOrg, "") {
		w, errs := r.worstOf(t.path)
		if w == nil {
			continue
		}
		v := "(floor)"
		if t.limit > 0 {
			v = verdict(w.p99 <= t.limit && errs == 0)
		}
		p("| %s | `%s` | %s | %s | %s | %s | %.0f | %d | %s |", t.name, displayPath(t.path), ms(w.p50), ms(w.p90), ms(w.p99), ms(w.max), w.rps, errs, v)
	}
	p("")
	r.writeLoad(p, "Pass 1 runs the targets in the order above, pass 2 in reverse.")
	p("#### Server")
	p("")
	p("| | |")
	p("|---|---|")
	if r.bulk > 0 {
		p("| bulk load of %s, as the server reported it | %s |", largeOrg, r.bulk)
	}
	p("| exec to the sign-in link (demo company, bulk load, migration) | %s |", r.demoSeed.Round(time.Second))
	p("| then until its findings were evaluated (the page showed %d; the evaluation took %s) | %s |", r.findings, r.evaluation, r.findingsAfter.Round(time.Second))
	if b := r.memBeforeLoad; b != nil {
		p("| VmRSS / VmHWM (peak) before the load | %.1f MB / %.1f MB |", b.rssMB, b.hwmMB)
	}
	if a := r.memAfterLoad; a != nil {
		p("| VmRSS / VmHWM (peak) %s idle after the load | %.1f MB / %.1f MB |", o.idle, a.rssMB, a.hwmMB)
	}
	p("")
}

// worstOf is the result with the higher p99 of the passes on exactly path,
// and the errors of all of them.
func (r *report) worstOf(path string) (*result, int) {
	var w *result
	errs := 0
	for i := range r.load {
		l := &r.load[i]
		if l.path != path {
			continue
		}
		errs += l.errors
		if w == nil || l.p99 > w.p99 {
			w = l
		}
	}
	return w, errs
}

// displayPath is a path with its query decoded, as a reader types it.
func displayPath(p string) string {
	if d, err := url.QueryUnescape(p); err == nil {
		return d
	}
	return p
}

// describeDB names the engine of a database URL, without its password.
func describeDB(db string) string {
	if db == "" {
		return "SQLite, in the temporary data directory"
	}
	engine := "SQLite"
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		engine = "PostgreSQL"
	}
	return fmt.Sprintf("%s, `%s`", engine, redact(db))
}

// redact hides the password of a database URL.
func redact(db string) string {
	if u, err := url.Parse(db); err == nil && u.User != nil {
		return u.Redacted()
	}
	return db
}

// commandLine is how this program was started: `go run` builds into a
// go-build temporary directory.
func commandLine(args []string) string {
	name := os.Args[0]
	if strings.Contains(name, "go-build") {
		name = "go run ./cmd/mamori-load"
	}
	shown := make([]string, len(args))
	for i, a := range args {
		shown[i] = redact(a)
	}
	return strings.TrimSpace(name + " " + strings.Join(shown, " "))
}

// worst is the result with the higher p99 of the two passes on path prefix.
func (r *report) worst(prefix string) *result {
	var w *result
	for i := range r.load {
		l := &r.load[i]
		if strings.HasPrefix(l.path, prefix) && (w == nil || l.p99 > w.p99) {
			w = l
		}
	}
	return w
}

func (r *report) find(pass int, prefix string) *result {
	for i := range r.load {
		if l := &r.load[i]; l.pass == pass && strings.HasPrefix(l.path, prefix) {
			return l
		}
	}
	return nil
}

func perReq(cpu time.Duration, n int) string {
	if cpu == 0 || n == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f µs", float64(cpu)/float64(n)/float64(time.Microsecond))
}

func cores(l result) string {
	if l.cpuWindow <= 0 || l.machineBusy == 0 {
		return "–"
	}
	f := func(d time.Duration) float64 { return float64(d) / float64(l.cpuWindow) }
	return fmt.Sprintf("%.2f / %.2f / %.2f", f(l.serverCPU), f(l.clientCPU), f(l.machineBusy))
}

func minDur(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	m := ds[0]
	for _, d := range ds[1:] {
		m = min(m, d)
	}
	return m
}
