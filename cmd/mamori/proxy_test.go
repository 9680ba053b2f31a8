package main

import (
	"strings"
	"testing"
)

// A --trusted-proxy (or MAMORI_TRUSTED_PROXY) that is not a list of
// addresses and CIDRs stops serve before it listens, naming the value.
func TestServeRefusesBadTrustedProxy(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  []string
		args []string
	}{
		{"flag", nil, []string{"--trusted-proxy", "proxy.example,10.0.0.0/8"}},
		{"environment", []string{"MAMORI_TRUSTED_PROXY", "10.0.0.0/33"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := envOf(append([]string{"MAMORI_LANG", "en"}, tc.env...)...)
			args := append([]string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0"}, tc.args...)
			_, line, code := runCmd(t, env, args...)
			if code != 2 || !strings.Contains(line, "--trusted-proxy") {
				t.Fatalf("got exit %d %q, want 2 naming --trusted-proxy", code, line)
			}
		})
	}
}
