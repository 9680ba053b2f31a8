package web

import (
	"testing"

	"github.com/mamori-sec/mamori/internal/store"
)

// TestTrendMarksScoreMethodChange: days scored the old way are kept as
// they were, and the chart marks the first day scored by area.
func TestTrendMarksScoreMethodChange(t *testing.T) {
	history := []store.PosturePoint{
		{Day: "2026-11-01", Score: 0, Method: store.ScoreLegacy},
		{Day: "2026-11-02", Score: 0, Method: store.ScoreLegacy},
		{Day: "2026-11-03", Score: 42, Method: store.ScoreByArea},
		{Day: "2026-11-04", Score: 45, Method: store.ScoreByArea},
	}
	c := newTrend(history, func(d string) string { return d }, "changed")
	if c.Changed == nil || c.Changed.Day != "2026-11-03" || c.Changed.X != c.Dots[2].X {
		t.Fatalf("got mark %+v, want it on 2026-11-03", c.Changed)
	}
	if len(c.Dots) != 4 || c.Dots[0].Y == c.Dots[2].Y {
		t.Fatalf("got %d dots, want every day kept at its own score", len(c.Dots))
	}
	if c := newTrend(history[2:], func(d string) string { return d }, "changed"); c.Changed != nil {
		t.Fatalf("only new days: got mark %+v, want none", c.Changed)
	}
}
