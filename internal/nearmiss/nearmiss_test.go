package nearmiss

import (
	"github.com/mamori-sec/mamori/internal/problem"
	"strings"
	"testing"
	"time"
)

func TestReceipt(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		code, hash := NewReceipt()
		if len(code) != 24 || strings.Count(code, "-") != 4 {
			t.Fatalf("code %q: want five groups of four", code)
		}
		if seen[code] {
			t.Fatalf("code %q drawn twice", code)
		}
		seen[code] = true
		if hash == "" || strings.Contains(hash, NormaliseReceipt(code)) {
			t.Fatalf("hash %q of %q", hash, code)
		}
		for _, typed := range []string{code, strings.ToLower(code), strings.ReplaceAll(code, "-", " "), toFullWidth(code)} {
			if !SameReceipt(hash, HashReceipt(typed)) {
				t.Errorf("code %q typed as %q: not recognised", code, typed)
			}
		}
	}
	for _, bad := range []string{"", "short", strings.Repeat("U", 20), strings.Repeat("0", 21), "<script>alert(1)</script>"} {
		if h := HashReceipt(bad); h != "" {
			t.Errorf("HashReceipt(%q) = %q, want nothing", bad, h)
		}
	}
	if SameReceipt("", "") {
		t.Error("an empty hash matches")
	}
	// O, I and L read as the digits they look like.
	if NormaliseReceipt("oil-0") != "0110" {
		t.Errorf("got %q", NormaliseReceipt("oil-0"))
	}
}

func toFullWidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			r = r - 'A' + 'Ａ'
		case r >= '0' && r <= '9':
			r = r - '0' + '０'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func TestReportCheck(t *testing.T) {
	for _, tc := range []struct {
		name  string
		r     Report
		field string
	}{
		{"ok", Report{Category: MisSend, Happened: " 宛先を間違えそうになった "}, ""},
		{"no category", Report{Happened: "x"}, "category"},
		{"unknown category", Report{Category: "blame", Happened: "x"}, "category"},
		{"blank", Report{Category: Other, Happened: "  \n "}, "happened"},
		{"too long", Report{Category: Other, Happened: "x", Almost: strings.Repeat("あ", MaxText+1)}, "almost"},
		{"control", Report{Category: Other, Happened: "x", Suggestion: "a\x00b"}, "suggestion"},
		{"not utf-8", Report{Category: Other, Happened: "\xff"}, "happened"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.r.Check()
			got := ""
			if err != nil {
				got = fieldOf(err)
			}
			if got != tc.field || (tc.field != "") != (err != nil) {
				t.Fatalf("got %v (field %q), want field %q", err, got, tc.field)
			}
		})
	}
}

func TestLimiter(t *testing.T) {
	l := Limiter{Max: 3, Window: time.Hour}
	now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	for i := range 3 {
		if ok, _ := l.Allow("a", now.Add(time.Duration(i)*time.Minute)); !ok {
			t.Fatalf("event %d refused", i+1)
		}
	}
	ok, wait := l.Allow("a", now.Add(10*time.Minute))
	if ok || wait != 50*time.Minute {
		t.Fatalf("fourth: got %v %v, want refused for 50m", ok, wait)
	}
	if held, _ := l.Blocked("a", now.Add(10*time.Minute)); !held {
		t.Fatal("Blocked: want held")
	}
	if ok, _ := l.Allow("b", now); !ok {
		t.Fatal("another key refused")
	}
	if ok, _ := l.Allow("a", now.Add(time.Hour)); !ok {
		t.Fatal("after the window: refused")
	}
}

func fieldOf(err error) string {
	if e, ok := problem.As(err); ok {
		return e.Field
	}
	return "?"
}
