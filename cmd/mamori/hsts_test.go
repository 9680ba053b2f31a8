package main

import (
	"net/http"
	"testing"
)

// TestBehindTLSProxySendsHSTS: --behind-tls-proxy (or its variable) makes
// every response pin browsers to HTTPS; without it, plain HTTP on
// localhost is not pinned.
func TestBehindTLSProxySendsHSTS(t *testing.T) {
	for _, c := range []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"flag", nil, []string{"--behind-tls-proxy"}, "max-age=63072000; includeSubDomains"},
		{"variable", []string{"MAMORI_BEHIND_TLS_PROXY", "1"}, nil, "max-age=63072000; includeSubDomains"},
		{"flag off wins", []string{"MAMORI_BEHIND_TLS_PROXY", "1"}, []string{"--behind-tls-proxy=false"}, ""},
		{"neither", nil, nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := envOf(append([]string{"LANG", "C"}, c.env...)...)
			args := append([]string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0"}, c.args...)
			base, _, stop := startServer(t, env, args...)
			for _, path := range []string{"/signin", "/healthz", "/nowhere"} {
				res, err := http.Get(base + path)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if got := res.Header.Get("Strict-Transport-Security"); got != c.want {
					t.Errorf("%s: got Strict-Transport-Security %q, want %q", path, got, c.want)
				}
			}
			if err := stop(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
