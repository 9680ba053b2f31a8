package i18n

import (
	"testing"
	"time"
)

func TestDates(t *testing.T) {
	at := time.Date(2026, 12, 6, 9, 5, 0, 0, time.UTC)
	tests := []struct {
		name, got, want string
	}{
		{"ja date", FormatDate(Japanese, at), "2026年12月6日"},
		{"en date", FormatDate(English, at), "6 Dec 2026"},
		{"ja datetime", FormatDateTime(Japanese, at), "2026年12月6日 09:05"},
		{"en datetime", FormatDateTime(English, at), "6 Dec 2026, 09:05"},
		{"ja day", FormatDay(Japanese, "2027-01-31"), "2027年1月31日"},
		{"en day", FormatDay(English, "2027-01-31"), "31 Jan 2027"},
		{"rule kept", FormatDay(Japanese, "退職後7年"), "退職後7年"},
		{"empty day", FormatDay(English, ""), ""},
		{"zero time", FormatDate(English, time.Time{}), ""},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}
