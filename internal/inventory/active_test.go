package inventory

import (
	"testing"
	"time"
)

// TestActiveOnJapanDay: a person whose leave date is 1 April has left at
// 00:30 on 1 April in Tokyo, which is still 31 March in UTC.
func TestActiveOnJapanDay(t *testing.T) {
	p := Person{Name: "山田 太郎", LeaveDate: "2026-04-01"}
	for _, tt := range []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2026, 3, 31, 14, 59, 0, 0, time.UTC), true},  // 23:59 on 31 March in Japan
		{time.Date(2026, 3, 31, 15, 30, 0, 0, time.UTC), false}, // 00:30 on 1 April in Japan
	} {
		if got := p.Active(tt.now); got != tt.want {
			t.Errorf("Active(%s) = %v, want %v", tt.now, got, tt.want)
		}
	}
}
