// Command mamori-load is the load benchmark of mamori. It measures the real
// server from a second process over loopback, the way a browser sees it,
// and prints a Markdown report for docs/perf.md.
//
// It builds the server (or takes -bin), then:
//
//   - cold start: starts `mamori serve` on an empty data directory and times
//     exec to the first 200 from /healthz, five times with fresh directories
//     (this includes creating and migrating the SQLite database);
//   - load: starts `mamori demo`, signs in with the one-time link it prints,
//     and loads /healthz (the floor: routing, middleware and a database ping),
//     GET /signin (anonymous) and the demo company's dashboard with -c
//     concurrent keep-alive clients for -d each after -warmup, then once more
//     in reverse order to show how noisy the machine is;
//   - idle memory: the resident set of a fresh `serve`, and of the demo server
//     after the load and 5 s of rest.
//
// Every figure is printed next to the target of the issue (dashboard p99
// ≤ 20 ms at 32 concurrent clients, cold start ≤ 300 ms, idle memory
// ≤ 60 MB). Timings are a report, never a test assertion: they depend on the
// machine and on whatever else runs on it.
//
// With -large it measures the inventory pages of a 10,000-person tenant
// instead: it starts `mamori demo --large` (which bulk-loads the synthetic
// organisation synth-large: 10,000 people, 50,000 accounts, 20,000 devices,
// 5,000 assets, 1,000,000 shares; minutes), waits until the background
// runner has evaluated its findings, and loads its filtered and searched
// list pages, its findings page and its dashboard the same way, each against
// the target of list pages with filters (p99 ≤ 50 ms). No cold starts. -db
// runs the demo server on another database, such as an empty PostgreSQL one.
//
// Usage, from anywhere in the module:
//
//	go run ./cmd/mamori-load [-bin PATH] [-c 32] [-d 10s] [-warmup 2s]
//	go run ./cmd/mamori-load -large [-db postgres://…] [-c 32] [-d 10s]
//
// The report goes to stdout, progress to stderr. Linux only for the memory
// and CPU figures (read from /proc); elsewhere they are left out.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// The targets of the issue.
const (
	targetDashboardP99 = 20 * time.Millisecond
	targetColdStart    = 300 * time.Millisecond
	targetIdleMB       = 60.0 // megabytes of 10^6 bytes
	targetListP99      = 50 * time.Millisecond
)

type options struct {
	bin     string
	c       int
	d       time.Duration
	warmup  time.Duration
	cold    int
	idle    time.Duration
	large   bool          // the inventory pages of the large synthetic organisation
	db      string        // database URL for the demo server; "" for SQLite in its data directory
	pprof   string        // directory for CPU profiles of the server, one per measurement; "" for none
	wait    time.Duration // for the bulk load of -large, and again for its findings
	args    []string
	started time.Time
}

func main() {
	var o options
	fs := flag.NewFlagSet("mamori-load", flag.ExitOnError)
	fs.StringVar(&o.bin, "bin", "", "mamori binary to measure; empty builds ./cmd/mamori into a temporary directory")
	fs.IntVar(&o.c, "c", 32, "concurrent clients")
	fs.DurationVar(&o.d, "d", 10*time.Second, "measured duration per target and pass")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured load before each measurement")
	fs.IntVar(&o.cold, "cold", 5, "cold starts to time")
	fs.DurationVar(&o.idle, "idle", 5*time.Second, "rest after the load before reading the resident set")
	fs.BoolVar(&o.large, "large", false, "measure the list pages of the 10,000-person organisation of `mamori demo --large` instead (no cold starts)")
	fs.StringVar(&o.db, "db", "", "database `URL` of the demo server, e.g. an empty PostgreSQL database; empty: SQLite in its data directory")
	fs.DurationVar(&o.wait, "large-wait", largeStart, "how long -large waits for the bulk load, and again for the first evaluation (a busy machine needs more)")
	fs.StringVar(&o.pprof, "pprof", "", "write a CPU profile of the demo server for each measurement into `DIR` (go tool pprof DIR/FILE)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: go run ./cmd/mamori-load [-large] [-db URL] [-bin PATH] [-c 32] [-d 10s] [-warmup 2s]")
		fs.PrintDefaults()
	}
	fs.Parse(os.Args[1:])
	if fs.NArg() > 0 || o.c < 1 || o.d <= 0 || o.warmup < 0 || o.cold < 1 || o.idle < 0 {
		fs.Usage()
		os.Exit(2)
	}
	o.args = os.Args[1:]
	o.started = time.Now()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first Ctrl-C the cleanup runs; a second one ends at once.
	go func() { <-ctx.Done(); stop() }()
	// A bound on the whole run, generous: building alone can take minutes on
	// a cold cache.
	budget := 10*time.Minute + time.Duration(o.cold)*40*time.Second + 2*time.Minute +
		6*(o.warmup+o.d+30*time.Second) + o.idle
	if o.large {
		budget = 10*time.Minute + 2*o.wait + findingsWait + 2*time.Minute +
			time.Duration(2*len(largeTargets("", "")))*(o.warmup+o.d+30*time.Second) + o.idle
	}
	ctx, cancel := context.WithTimeout(ctx, budget)
	rep, err := run(ctx, o)
	cancel()
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(os.Stderr, "mamori-load: interrupted")
		os.Exit(1)
	case err != nil:
		fmt.Fprintln(os.Stderr, "mamori-load:", err)
		os.Exit(1)
	}
	// Only now, with the servers stopped and the files removed: a closed
	// stdout (| head) ends this program at the first write.
	rep.write(os.Stdout)
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "mamori-load: "+format+"\n", args...)
}

// run does the whole benchmark; every process it starts and the temporary
// directory are gone when it returns, whatever happened.
func run(ctx context.Context, o options) (*report, error) {
	tmp, err := os.MkdirTemp("", "mamori-load-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	procs := &registry{}
	if o.pprof != "" {
		if err := os.MkdirAll(o.pprof, 0o755); err != nil {
			return nil, err
		}
	}
	defer procs.stopAll()

	rep := report{opts: o, env: describeMachine()}
	if o.bin == "" {
		root, err := moduleRoot()
		if err != nil {
			return nil, err
		}
		o.bin = filepath.Join(tmp, "mamori")
		logf("building ./cmd/mamori in %s", root)
		if err := buildServer(ctx, root, o.bin); err != nil {
			return nil, err
		}
		rep.built = true
	}
	rep.env.serverGo = binaryGoVersion(o.bin)
	if o.large {
		err = runLarge(ctx, o, procs, tmp, &rep)
	} else {
		err = runDemo(ctx, o, procs, tmp, &rep)
	}
	if err != nil {
		return nil, err
	}
	rep.finished = time.Now()
	return &rep, nil
}

// demoArgs are the arguments of `mamori demo` beyond its data directory
// and address.
func demoArgs(o options) []string {
	var args []string
	if o.large {
		args = append(args, "--large")
	}
	if o.db != "" {
		args = append(args, "--db", o.db)
	}
	return args
}

// runDemo is the default benchmark: cold starts, then the demo company.
func runDemo(ctx context.Context, o options, procs *registry, tmp string, rep *report) error {
	// Cold start on empty data directories.
	for i := range o.cold {
		cs, err := coldStart(ctx, procs, o.bin, filepath.Join(tmp, fmt.Sprintf("cold-%d", i)))
		if err != nil {
			return fmt.Errorf("cold start %d: %w", i+1, err)
		}
		logf("cold start %d: %s (server says %d ms), RSS %.1f MB", i+1, ms(cs.wall), cs.selfMS, cs.rssMB)
		rep.cold = append(rep.cold, cs)
	}

	// The demo company, signed in as its owner.
	logf("starting the demo company")
	d, err := startDemo(ctx, procs, o.bin, filepath.Join(tmp, "demo"), demoSpec{extra: demoArgs(o), wait: 2 * time.Minute, pprof: o.pprof != ""})
	if err != nil {
		return err
	}
	rep.demoSeed = d.ready
	return loadAndRest(ctx, o, d, []target{
		{name: "healthz (floor)", path: "/healthz"},
		{name: "sign-in page", path: "/signin"},
		{name: "dashboard", path: d.dashPath, cookie: d.cookie},
	}, rep)
}

// Bounds of the large benchmark's waits: the bulk load of a million shares
// takes minutes, on PostgreSQL more than on SQLite, and so does the first
// findings evaluation.
const (
	largeStart   = 10 * time.Minute
	findingsWait = 15 * time.Minute
	largeOrg     = "synth-large"
)

// largeTargets are the pages of the large organisation to load, after the
// floor: every list with the filter, search or order a keeper uses most,
// the findings and the dashboard. cookie is the owner's session.
func largeTargets(org, cookie string) []target {
	o := "/o/" + org
	page := func(name, path string, q ...string) target {
		v := url.Values{}
		for i := 0; i+1 < len(q); i += 2 {
			v.Set(q[i], q[i+1])
		}
		if len(v) > 0 {
			path += "?" + v.Encode()
		}
		return target{name: name, path: o + path, cookie: cookie, limit: targetListP99}
	}
	return []target{
		{name: "healthz (floor)", path: "/healthz"},
		page("people, one department", "/people", "dept", "営業部"),
		page("people, search 田中", "/people", "q", "田中"),
		page("accounts, admins", "/accounts", "privilege", "admin"),
		page("accounts, search tanaka", "/accounts", "q", "tanaka"),
		page("devices, VPN appliances", "/devices", "kind", "vpn"),
		page("shares, anyone with the link", "/shares", "scope", "anyone_link"),
		// created_on is not a column of the list, so not an order it offers.
		page("shares, latest review first", "/shares", "sort", "-last_reviewed"),
		page("assets", "/assets"),
		page("where is what", "/inventory/where"),
		page("findings", "/findings"),
		page("dashboard", "/"),
	}
}

// runLarge loads the inventory pages of the large synthetic organisation.
func runLarge(ctx context.Context, o options, procs *registry, tmp string, rep *report) error {
	logf("starting `mamori demo --large`: the bulk load takes minutes")
	d, err := startDemo(ctx, procs, o.bin, filepath.Join(tmp, "demo"), demoSpec{extra: demoArgs(o), wait: o.wait, org: largeOrg, pprof: o.pprof != ""})
	if err != nil {
		return err
	}
	rep.demoSeed, rep.bulk = d.ready, d.bulk
	logf("running after %s; waiting for the findings of %s", d.ready.Round(time.Second), largeOrg)
	t0 := time.Now()
	if rep.findings, rep.evaluation, err = waitFindings(ctx, d, max(findingsWait, o.wait)); err != nil {
		return err
	}
	rep.findingsAfter = time.Since(t0)
	logf("findings evaluated after %s (the evaluation took %s)", rep.findingsAfter.Round(time.Second), rep.evaluation)
	return loadAndRest(ctx, o, d, largeTargets(largeOrg, d.cookie), rep)
}

// loadAndRest loads the targets on the demo server, in order and then in
// reverse, and reads its resident set before and after, after a rest.
func loadAndRest(ctx context.Context, o options, d *demoServer, targets []target, rep *report) error {
	if m, err := readMemory(d.proc.pid()); err == nil {
		rep.memBeforeLoad = &m
	}
	lt := newLoadTransport(o.c)
	defer lt.CloseIdleConnections()
	var order []int
	for i := range targets {
		order = append(order, i)
	}
	for i := range targets {
		order = append(order, len(targets)-1-i)
	}
	for n, i := range order {
		t := targets[i]
		pass := 1 + n/len(targets)
		logf("pass %d: %s %s, %d clients, %s after %s warm-up", pass, t.name, t.path, o.c, o.d, o.warmup)
		var prof chan error
		if o.pprof != "" && d.pprofAddr != "" {
			prof = make(chan error, 1)
			file := filepath.Join(o.pprof, fmt.Sprintf("pass%d-%02d-%s.pprof", pass, i, slug(t.name)))
			go func() { prof <- captureProfile(ctx, d.pprofAddr, o.warmup, o.d, file) }()
		}
		r, err := measure(ctx, lt, d.base, t, o.c, o.warmup, o.d, d.proc.pid())
		if err != nil {
			return err
		}
		if prof != nil {
			if err := <-prof; err != nil {
				logf("  profile: %v", err)
			}
		}
		r.pass = pass
		logf("  %d requests, %d errors, %.0f req/s, p50 %s p99 %s", r.count, r.errors, r.rps, ms(r.p50), ms(r.p99))
		rep.load = append(rep.load, r)
	}
	lt.CloseIdleConnections()

	logf("resting %s before reading the resident set", o.idle)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(o.idle):
	}
	if m, err := readMemory(d.proc.pid()); err == nil {
		rep.memAfterLoad = &m
	}
	return nil
}

// moduleRoot walks up from the working directory to the go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory: run from the module, or pass -bin")
		}
		dir = parent
	}
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

func median[T time.Duration | float64](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func verdict(ok bool) string {
	if ok {
		return "meets"
	}
	return "**misses**"
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
