package web

import (
	"net/url"
	"strings"
	"testing"
)

// browserTarget is where a browser goes when a page on
// https://mamori.example/ redirects to location: it removes ASCII tab, LF
// and CR anywhere and C0 controls and spaces at either end, reads a
// backslash as a slash (WHATWG URL standard, special schemes), then
// resolves what is left against the page.
func browserTarget(location string) (*url.URL, error) {
	s := strings.TrimFunc(location, func(r rune) bool { return r <= ' ' })
	s = strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(s)
	ref, err := url.Parse(s)
	if err != nil {
		return nil, err
	}
	base, _ := url.Parse("https://mamori.example/signin")
	return base.ResolveReference(ref), nil
}

// onSite fails t unless location keeps a browser on mamori.example.
func onSite(t *testing.T, in, location string) {
	t.Helper()
	u, err := browserTarget(location)
	if err != nil {
		t.Fatalf("localPath(%q) = %q, which does not parse: %v", in, location, err)
	}
	if u.Scheme != "https" || u.Host != "mamori.example" || u.User != nil {
		t.Fatalf("localPath(%q) = %q: a browser goes to %s, want https://mamori.example", in, location, u)
	}
	if !strings.HasPrefix(location, "/") || strings.HasPrefix(location, "//") {
		t.Fatalf("localPath(%q) = %q, want a path starting with one slash", in, location)
	}
}

func TestLocalPathAttacks(t *testing.T) {
	attacks := []string{
		"//evil.example",
		"/\t/evil.example",
		"/\n/evil.example",
		"/\r/evil.example",
		"/\r\n/evil.example",
		"\t//evil.example",
		" //evil.example",
		"/\x00/evil.example",
		"/\x0b/evil.example",
		"/\x7f/evil.example",
		"/\\evil.example",
		"\\\\evil.example",
		"/\t\\evil.example",
		"\\/evil.example",
		"/%2F%2Fevil.example",
		"/%2f/evil.example",
		"/%5Cevil.example",
		"/%5cevil.example",
		"/%09/evil.example",
		"/%0d%0a/evil.example",
		"/.//evil.example",
		"/./%2Fevil.example",
		"/%2e//evil.example",
		"/a/..//evil.example",
		"/../evil.example",
		"http:evil.example",
		"http://evil.example",
		"https:/evil.example",
		"HTTPS://evil.example/",
		"javascript:alert(1)",
		"JaVaScRiPt:alert(1)",
		"data:text/html,<script>alert(1)</script>",
		"evil.example",
		"@evil.example",
		"//user@evil.example",
		"／／evil.example",
		"",
	}
	for _, in := range attacks {
		got := localPath(in)
		onSite(t, in, got)
		if got != "/" {
			t.Errorf("localPath(%q) = %q, want /", in, got)
		}
	}
}

func TestLocalPathKeepsOwnPaths(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"/", "/"},
		{"/o/alpha/people", "/o/alpha/people"},
		{"/o/alpha/people?q=%E5%B1%B1%E7%94%B0&dept=x", "/o/alpha/people?q=%E5%B1%B1%E7%94%B0&dept=x"},
		{"/o/alpha/audit?from=2026-01-01&before=42", "/o/alpha/audit?from=2026-01-01&before=42"},
		{"/o/alpha/people?q=山田", "/o/alpha/people?q=%E5%B1%B1%E7%94%B0"},
		{"/o/alpha/people?q=a b", "/o/alpha/people?q=a%20b"},
		{"/o/alpha/people#top", "/o/alpha/people"},
		{"/a%2Fb", "/a%2Fb"},
		// Not a host to a browser: a full-width solidus or a space is part of the path.
		{"/／evil.example", "/%EF%BC%8Fevil.example"},
		{"/ /evil.example", "/%20/evil.example"},
		{"/evil.example", "/evil.example"},
	} {
		got := localPath(c.in)
		onSite(t, c.in, got)
		if got != c.want {
			t.Errorf("localPath(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzLocalPath: whatever return path a request carries, the place a
// browser goes to after the redirect is on this site.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/", "/o/a/?x=1", "//evil.example", "/\t/evil.example", "/\\evil", "/%2F%2Fevil",
		"/.//evil", "https://evil.example", "/\r\nSet-Cookie: x", "", "javascript:alert(1)", "/／evil", "/ /x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		onSite(t, p, localPath(p))
	})
}
