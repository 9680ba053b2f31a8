package web

import (
	"strings"
	"testing"
)

// FuzzLocalPath: whatever "next" a form carries, the redirect stays on
// this site.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/", "//evil.example", "/\\evil", "https://evil.example", "/o/a/?x=1", "/\r\nSet-Cookie: x", "", "javascript:alert(1)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		got := localPath(p)
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.HasPrefix(got, "/\\") || strings.ContainsAny(got, "\r\n") {
			t.Fatalf("localPath(%q) = %q leaves the site", p, got)
		}
	})
}
