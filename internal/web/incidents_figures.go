package web

import "github.com/mamori-sec/mamori/internal/store"

// incidentFigures are the incident figures in words, for the dashboard's
// block and the portfolio's column.
type incidentFigures struct {
	Open, Closed, Drills         int
	ToDetect, ToContain, ToClose string
	Portfolio                    string
}

func newIncidentFigures(b base, f store.IncidentFigures) *incidentFigures {
	out := &incidentFigures{Open: f.Open, Closed: f.Closed, Drills: f.Drills, ToDetect: "—", ToContain: "—", ToClose: "—"}
	if f.Closed > 0 {
		out.ToDetect, out.ToContain, out.ToClose = b.duration(f.ToDetect), b.duration(f.ToContain), b.duration(f.ToClose)
	}
	out.Portfolio = b.T("portfolio.incidents_value", f.Open, out.ToClose)
	return out
}
