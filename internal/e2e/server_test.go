package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startTimeout bounds each wait while the server starts.
const startTimeout = 15 * time.Second

// urlPattern finds the addresses serve prints.
var urlPattern = regexp.MustCompile(`http://127\.0\.0\.1:\d+\S*`)

// moduleRoot walks up from the test's working directory to go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("got no go.mod above the working directory, want the module root")
		}
		dir = parent
	}
}

// buildBinary builds cmd/mamori into a temporary directory.
func buildBinary(t *testing.T, root string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mamori")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/mamori")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/mamori: %v\n%s", err, out)
	}
	return bin
}

// server is a running "mamori serve".
type server struct {
	base     string // http://127.0.0.1:PORT
	setupURL string // the one-time first-run link
	data     string // the data directory, for commands run beside the server
}

// startServer runs "mamori serve" on a fresh data directory with LANG=lang,
// waits for the setup link and for the line that starts with running (the
// localised "mamori is running: URL"), then for /healthz. The server is
// stopped with SIGTERM when the test ends.
func startServer(t *testing.T, bin, lang, running string) *server {
	t.Helper()
	data := filepath.Join(t.TempDir(), "data")
	cmd := exec.Command(bin, "serve", "--data", data, "--addr", "127.0.0.1:0")
	cmd.Env = serverEnv(lang)
	var stdout, stderr lockedBuffer
	cmd.Stderr = &stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s serve: %v", bin, err)
	}
	lines, readDone := make(chan string, 64), make(chan struct{})
	go func() {
		defer close(readDone)
		defer close(lines)
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			fmt.Fprintln(&stdout, sc.Text())
			select {
			case lines <- sc.Text():
			default: // nobody listens once the server is up
			}
		}
	}()
	t.Cleanup(func() {
		stopServer(t, cmd, readDone)
		if t.Failed() {
			t.Logf("server stdout:\n%s\nserver stderr:\n%s", stdout.String(), stderr.String())
		}
	})

	s := &server{data: data}
	timeout := time.After(startTimeout)
	for s.base == "" {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("server exited early; got stdout %q, want a line starting %q", stdout.String(), running)
			}
			switch {
			case strings.Contains(line, "/setup?token="):
				s.setupURL = urlPattern.FindString(line)
			case strings.HasPrefix(line, running):
				s.base = urlPattern.FindString(line)
			}
		case <-timeout:
			t.Fatalf("got stdout %q after %s, want a line starting %q", stdout.String(), startTimeout, running)
		}
	}
	if !strings.HasPrefix(s.setupURL, s.base+"/setup?token=") {
		t.Fatalf("got setup link %q, want one starting %s/setup?token=", s.setupURL, s.base)
	}
	waitHealthy(t, s.base)
	return s
}

// serverEnv is the test's environment with the language set to lang and
// without settings that would override the command line (data directory,
// database, language).
func serverEnv(lang string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "MAMORI_") || k == "LANG" || k == "LANGUAGE" || strings.HasPrefix(k, "LC_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LANG="+lang)
}

// waitHealthy polls /healthz until it answers 200.
func waitHealthy(t *testing.T, base string) {
	t.Helper()
	client := &http.Client{Timeout: 2 * time.Second}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	deadline := time.Now().Add(startTimeout)
	for {
		got := ""
		resp, err := client.Get(base + "/healthz")
		if err != nil {
			got = err.Error()
		} else {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
			got = resp.Status
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET /healthz: got %s, want 200 OK within %s", got, startTimeout)
		}
		<-tick.C
	}
}

// stopServer sends SIGTERM and expects a clean exit within ten seconds.
func stopServer(t *testing.T, cmd *exec.Cmd, readDone <-chan struct{}) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("SIGTERM to server: %v", err)
	}
	exited := make(chan error, 1)
	go func() {
		<-readDone // Wait must not run before the output is read
		exited <- cmd.Wait()
	}()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("server exit after SIGTERM: got %v, want a clean exit", err)
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-exited
		t.Errorf("server exit: got still running 10 s after SIGTERM (killed), want a clean exit")
	}
}

// lockedBuffer collects output written by other goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// printf suits chromedp's logging options.
func (b *lockedBuffer) printf(format string, args ...any) {
	fmt.Fprintf(b, format+"\n", args...)
}
