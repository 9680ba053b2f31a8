package web

import (
	"fmt"
	"strings"

	"github.com/mamori-sec/mamori/internal/store"
)

// trendChart is the score over time drawn as server-side SVG: no script,
// prints as it shows.
type trendChart struct {
	Points  string // polyline points
	Dots    []trendDot
	Width   int
	Height  int
	First   string
	Last    string
	Empty   bool
	Summary string // the same data in words, for screen readers
	// Changed marks the first day scored by area when earlier days were
	// scored the old way: those are kept as they were, on their scale.
	Changed *trendMark
}

// trendMark is a dated vertical line on the chart.
type trendMark struct {
	X     int
	Day   string
	Label string
}

type trendDot struct {
	X, Y  int
	Label string
}

// newTrend draws history, writing its days with day (base.Day); changed
// says, in the page's language, that the way of scoring changed on the day
// it marks.
func newTrend(history []store.PosturePoint, day func(string) string, changed string) trendChart {
	c := trendChart{Width: 600, Height: 160, Empty: len(history) == 0}
	if c.Empty {
		return c
	}
	const pad = 20
	n := len(history)
	var pts, words []string
	for i, p := range history {
		x := pad
		if n > 1 {
			x = pad + i*(c.Width-2*pad)/(n-1)
		}
		y := pad + (100-p.Score)*(c.Height-2*pad)/100
		pts = append(pts, fmt.Sprintf("%d,%d", x, y))
		c.Dots = append(c.Dots, trendDot{X: x, Y: y, Label: fmt.Sprintf("%s: %d", day(p.Day), p.Score)})
		words = append(words, fmt.Sprintf("%s %d", day(p.Day), p.Score))
		if i > 0 && c.Changed == nil && p.Method == store.ScoreByArea && history[i-1].Method != store.ScoreByArea {
			c.Changed = &trendMark{X: x, Day: day(p.Day), Label: changed}
			words = append(words, changed)
		}
	}
	c.Points = strings.Join(pts, " ")
	c.First, c.Last = day(history[0].Day), day(history[n-1].Day)
	c.Summary = strings.Join(words, ", ")
	return c
}
