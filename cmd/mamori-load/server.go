package main

import (
	"bufio"
	"bytes"
	"context"
	"debug/buildinfo"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// buildServer builds ./cmd/mamori of the module in root into bin.
func buildServer(ctx context.Context, root, bin string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/mamori")
	cmd.Dir = root
	outb, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go build ./cmd/mamori: %w\n%s", err, outb)
	}
	return nil
}

func binaryGoVersion(bin string) string {
	bi, err := buildinfo.ReadFile(bin)
	if err != nil {
		return "unknown"
	}
	return bi.GoVersion
}

// freeAddr returns a loopback address with a port nobody listens on now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// syncBuffer keeps the first 64 KiB a process writes, for diagnostics.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if room := 64<<10 - s.b.Len(); room > 0 {
		s.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// proc is one server process.
type proc struct {
	cmd    *exec.Cmd
	done   chan struct{} // closed when the process has exited
	err    error         // of Wait, once done
	stdout syncBuffer
	stderr syncBuffer
	lines  chan string // stdout lines, while someone reads them
	once   sync.Once
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop asks the server to shut down (SIGTERM), then kills it if it has not
// within 10 s, and waits for it.
func (p *proc) stop() {
	p.once.Do(func() {
		if p.exited() {
			return
		}
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			p.cmd.Process.Kill()
		}
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			p.cmd.Process.Kill()
			<-p.done
		}
	})
}

// registry remembers the processes started, to stop them all on the way out.
type registry struct {
	mu    sync.Mutex
	procs []*proc
	env   []string // added to the environment of the processes started next
}

func (r *registry) stopAll() {
	r.mu.Lock()
	ps := r.procs
	r.procs = nil
	r.mu.Unlock()
	for _, p := range ps {
		p.stop()
	}
}

// start runs bin with args and an environment without MAMORI_* variables
// or locale settings, in English. Its stdout lines go to p.lines as well as
// to p.stdout.
func (r *registry) start(bin string, args ...string) (*proc, error) {
	cmd := exec.Command(bin, args...)
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "MAMORI_"), k == "LANG", k == "LC_ALL", k == "LC_MESSAGES", k == "LANGUAGE":
			continue
		}
		env = append(env, kv)
	}
	cmd.Env = append(append(env, "LANG=C"), r.env...)
	cmd.SysProcAttr = procAttr()
	p := &proc{cmd: cmd, done: make(chan struct{}), lines: make(chan string, 1024)}
	cmd.Stderr = &p.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.procs = append(r.procs, p)
	r.mu.Unlock()
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			p.stdout.Write([]byte(line + "\n"))
			select {
			case p.lines <- line:
			default: // nobody listens any more
			}
		}
		io.Copy(io.Discard, out)
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// coldRun is one timed cold start.
type coldRun struct {
	wall   time.Duration // exec to the first 200 from /healthz
	selfMS int           // startup_ms the server logged
	rssMB  float64       // resident set right after the first 200
}

var startupMS = regexp.MustCompile(`startup_ms=(\d+)`)

// coldStart times `mamori serve` on an empty data directory, from exec to
// the first 200 from /healthz, polled every 2 ms.
func coldStart(ctx context.Context, procs *registry, bin, dataDir string) (coldRun, error) {
	addr, err := freeAddr()
	if err != nil {
		return coldRun{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	// A fresh connection per poll: nothing is listening for the first ones.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	defer client.CloseIdleConnections()
	health := "http://" + addr + "/healthz"

	t0 := time.Now()
	p, err := procs.start(bin, "serve", "--data", dataDir, "--addr", addr)
	if err != nil {
		return coldRun{}, err
	}
	defer p.stop()
	var cr coldRun
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		if ok := healthy(ctx, client, health); ok {
			cr.wall = time.Since(t0)
			break
		}
		if p.exited() {
			return cr, fmt.Errorf("server exited: %v\n%s", p.err, p.stderr.String())
		}
		select {
		case <-ctx.Done():
			return cr, fmt.Errorf("no 200 from /healthz: %w\n%s", ctx.Err(), p.stderr.String())
		case <-tick.C:
		}
	}
	if m, err := readMemory(p.pid()); err == nil {
		cr.rssMB = m.rssMB
	}
	p.stop()
	if m := startupMS.FindStringSubmatch(p.stderr.String()); m != nil {
		cr.selfMS, _ = strconv.Atoi(m[1])
	}
	return cr, nil
}

func healthy(ctx context.Context, client *http.Client, u string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// demoServer is the running demo company with a signed-in owner.
type demoServer struct {
	proc      *proc
	base      string // http://127.0.0.1:PORT
	cookie    string // "mamori_session=…"
	dashPath  string // /o/sakura-seiki/
	ready     time.Duration
	bulk      time.Duration // how long the large organisation's bulk load took, as the server says; 0 if none
	pprofAddr string        // the server's profiler (MAMORI_DEBUG_PPROF); "" for none
}

// demoSpec says which demo server to start.
type demoSpec struct {
	extra []string      // more arguments of `mamori demo`: --large, --db URL
	wait  time.Duration // for the sign-in link: seeding may take long
	org   string        // slug of the organisation to load; "" for the one GET / leads to
	pprof bool          // serve the profiler on a loopback port
}

var (
	linkLine    = regexp.MustCompile(`(https?://\S+/signin/link/\S+)`)
	runningLine = regexp.MustCompile(`mamori is running: (https?://\S+)`)
	bulkLine    = regexp.MustCompile(`large synthetic organisation \S+ \(([^)]+)\)`)
)

// startDemo starts `mamori demo`, reads the one-time sign-in link and the
// address from its stdout, signs in and finds the dashboard.
func startDemo(ctx context.Context, procs *registry, bin, dataDir string, spec demoSpec) (*demoServer, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	var pprofAddr string
	if spec.pprof {
		if pprofAddr, err = freeAddr(); err != nil {
			return nil, err
		}
		procs.env = []string{"MAMORI_DEBUG_PPROF=" + pprofAddr}
		defer func() { procs.env = nil }()
	}
	t0 := time.Now()
	p, err := procs.start(bin, append([]string{"demo", "--data", dataDir, "--addr", addr}, spec.extra...)...)
	if err != nil {
		return nil, err
	}
	d := &demoServer{proc: p, pprofAddr: pprofAddr}
	wait, cancel := context.WithTimeout(ctx, spec.wait)
	defer cancel()
	var link string
	for link == "" || d.base == "" {
		select {
		case line := <-p.lines:
			if m := linkLine.FindStringSubmatch(line); m != nil {
				link = m[1]
			}
			if m := runningLine.FindStringSubmatch(line); m != nil {
				d.base = strings.TrimRight(m[1], "/")
			}
			if m := bulkLine.FindStringSubmatch(line); m != nil {
				d.bulk, _ = time.ParseDuration(m[1])
				logf("%s", line)
			}
		case <-p.done:
			return nil, fmt.Errorf("demo server exited: %v\n%s\n%s", p.err, p.stdout.String(), p.stderr.String())
		case <-wait.Done():
			return nil, fmt.Errorf("demo server printed no sign-in link: %w\n%s", wait.Err(), p.stderr.String())
		}
	}
	d.ready = time.Since(t0)
	wait, cancel = context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()

	client := &http.Client{
		Timeout:       time.Minute, // the first page of a large organisation may be slow
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	defer client.CloseIdleConnections()
	// POST the link: the GET only shows a button. The cookie is Secure, which
	// a cookie jar would not send back over http, so it is kept by hand.
	resp, err := do(wait, client, http.MethodPost, link, "")
	if err != nil {
		return nil, fmt.Errorf("sign in with the one-time link: %w", err)
	}
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("sign in with the one-time link: status %d", resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "mamori_session" && c.Value != "" {
			d.cookie = c.Name + "=" + c.Value
		}
	}
	if d.cookie == "" {
		return nil, errors.New("sign in with the one-time link: no mamori_session cookie")
	}
	if spec.org != "" {
		d.dashPath = "/o/" + spec.org + "/"
	} else if d.dashPath, err = homeDashboard(wait, client, d); err != nil {
		return nil, err
	}
	resp, err = do(wait, client, http.MethodGet, d.base+d.dashPath, d.cookie)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: status %d", d.dashPath, resp.StatusCode)
	}
	return d, nil
}

// homeDashboard is where the home page sends the owner of the one
// organisation: its dashboard.
func homeDashboard(ctx context.Context, client *http.Client, d *demoServer) (string, error) {
	resp, err := do(ctx, client, http.MethodGet, d.base+"/", d.cookie)
	if err != nil {
		return "", err
	}
	loc, err := resp.Location()
	if resp.StatusCode != http.StatusSeeOther || err != nil {
		return "", fmt.Errorf("GET / signed in: status %d, no redirect to the dashboard", resp.StatusCode)
	}
	if !strings.HasPrefix(loc.Path, "/o/") {
		return "", fmt.Errorf("GET / signed in: redirect to %s, not to a dashboard", loc)
	}
	return loc.Path, nil
}

var (
	findingsCount = regexp.MustCompile(`<p class="count">\D*(\d+)`)
	evaluatedLine = regexp.MustCompile(`msg=evaluated .*\bfindings=(\d+) .*\bduration_ms=(\d+)`)
)

// waitFindings waits until the background runner has evaluated the demo
// server's organisation: its findings page shows findings (polled every
// 2 s) and the server has logged an evaluation that found at least as many
// (the page may say "more than 1000"; the demo companies have fewer). It
// returns the page's count and how long the evaluation took, as logged.
func waitFindings(ctx context.Context, d *demoServer, limit time.Duration) (int, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	client := &http.Client{Timeout: time.Minute}
	defer client.CloseIdleConnections()
	u := d.base + d.dashPath + "findings"
	shown := 0
	for {
		if shown == 0 {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
			if err != nil {
				return 0, 0, err
			}
			req.Header.Set("Cookie", d.cookie)
			if resp, err := client.Do(req); err == nil {
				body, rerr := io.ReadAll(resp.Body)
				resp.Body.Close()
				if rerr == nil && resp.StatusCode != http.StatusOK {
					return 0, 0, fmt.Errorf("GET %s: status %d", u, resp.StatusCode)
				}
				if m := findingsCount.FindSubmatch(body); m != nil {
					shown, _ = strconv.Atoi(string(m[1]))
				}
			}
		}
		if shown > 0 {
			for _, m := range evaluatedLine.FindAllStringSubmatch(d.proc.stderr.String(), -1) {
				n, _ := strconv.Atoi(m[1])
				took, _ := strconv.Atoi(m[2])
				if n >= shown {
					return shown, time.Duration(took) * time.Millisecond, nil
				}
			}
		}
		if d.proc.exited() {
			return 0, 0, fmt.Errorf("demo server exited: %v\n%s", d.proc.err, d.proc.stderr.String())
		}
		select {
		case <-ctx.Done():
			return 0, 0, fmt.Errorf("no evaluated findings on %s after %s: %w", u, limit, ctx.Err())
		case <-time.After(2 * time.Second):
		}
	}
}

// do sends one request, reads the body and closes it.
func do(ctx context.Context, client *http.Client, method, u, cookie string) (*http.Response, error) {
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(url.Values{}.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp, nil
}

// captureProfile waits out the warm-up, then saves a CPU profile of the
// server over the measured window d to file.
func captureProfile(ctx context.Context, addr string, warmup, d time.Duration, file string) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(warmup):
	}
	secs := max(1, int(d/time.Second))
	ctx, cancel := context.WithTimeout(ctx, d+30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, secs), nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("profile: status %d", resp.StatusCode)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	return os.WriteFile(file, b, 0o644)
}

// slug makes a target's name usable in a file name.
func slug(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
