package web

import (
	"net/http/httptest"
	"testing"

	"github.com/mamori-sec/mamori/internal/store"
)

// clientAddr with spoofed and forwarded headers, with and without trusted
// proxies.
func TestClientAddr(t *testing.T) {
	trusted, err := ParseTrustedProxies(" 10.0.0.1, 192.168.0.0/16,2001:db8:ffff::/48 ,")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		trusted bool
		peer    string
		xff     []string // one X-Forwarded-For header per entry
		want    string
	}{
		{"no proxies configured: header ignored", false, "203.0.113.5:4000", []string{"198.51.100.1"}, "203.0.113.5"},
		{"untrusted peer: spoofed header ignored", true, "203.0.113.5:4000", []string{"10.0.0.1, 198.51.100.1"}, "203.0.113.5"},
		{"trusted peer without header", true, "10.0.0.1:4000", nil, "10.0.0.1"},
		{"trusted peer: right-most entry", true, "10.0.0.1:4000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"client-written entries on the left are ignored", true, "10.0.0.1:4000", []string{"127.0.0.1, 203.0.113.99, 198.51.100.1"}, "198.51.100.1"},
		{"trusted inner proxies are skipped", true, "10.0.0.1:4000", []string{"203.0.113.99, 198.51.100.1, 192.168.4.4"}, "198.51.100.1"},
		{"several headers read as one list", true, "10.0.0.1:4000", []string{"203.0.113.99", "198.51.100.1, 192.168.4.4"}, "198.51.100.1"},
		{"garbage stops at the nearest trusted hop", true, "10.0.0.1:4000", []string{"198.51.100.1, not-an-address, 192.168.4.4"}, "192.168.4.4"},
		{"all trusted: the farthest hop", true, "10.0.0.1:4000", []string{"192.168.1.1, 192.168.4.4"}, "192.168.1.1"},
		{"entries with ports", true, "10.0.0.1:4000", []string{"198.51.100.1:5555"}, "198.51.100.1"},
		{"IPv6 peer trusted, IPv6 client", true, "[2001:db8:ffff::1]:4000", []string{"2001:db8:1::7"}, "2001:db8:1::7"},
		{"IPv4-mapped peer counts as IPv4", true, "[::ffff:10.0.0.1]:4000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"empty header", true, "10.0.0.1:4000", []string{""}, "10.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.peer
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			list := trusted
			if !tt.trusted {
				list = nil
			}
			if got := clientAddr(r, list); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseTrustedProxiesRefusesNonsense(t *testing.T) {
	for _, s := range []string{"proxy.example", "10.0.0.0/33", "10.0.0.1;10.0.0.2", "300.1.1.1"} {
		if _, err := ParseTrustedProxies(s); err == nil {
			t.Errorf("ParseTrustedProxies(%q): got no error, want one", s)
		}
	}
	if p, err := ParseTrustedProxies(""); err != nil || len(p) != 0 {
		t.Fatalf("empty list: got %v, %v, want none", p, err)
	}
}

func TestPairLocks(t *testing.T) {
	var l pairLocks
	a := store.SignInClient{Account: "a@example.jp"}
	release, ok := l.take(a)
	if !ok {
		t.Fatal("first take: got refused, want taken")
	}
	if _, ok := l.take(a); ok {
		t.Fatal("second take while held: got taken, want refused")
	}
	if r, ok := l.take(store.SignInClient{Account: "b@example.jp"}); !ok {
		t.Fatal("another key: got refused, want taken")
	} else {
		r()
	}
	release()
	if _, ok := l.take(a); !ok {
		t.Fatal("take after release: got refused, want taken")
	}
}
