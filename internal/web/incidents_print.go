package web

import (
	"net/http"
)

// incidentPrintPage is the A4 report of a whole incident.
type incidentPrintPage struct {
	*incidentPage
	Printed string
	// Actions are the review's actions with the state of their tasks.
	Actions []printAction
}

type printAction struct {
	What, Owner, Due, State string
}

// incidentPrint is the A4 report of a whole incident, for the file and
// for whoever must read it on paper: the facts, the affected records by
// name, the timeline with when each thing happened and when it was
// recorded, the steps done and skipped, the APPI ruling with its rule
// version, the review and its actions with their tasks' state.
func (s *Server) incidentPrint(w http.ResponseWriter, r *http.Request) {
	p, err := s.incidentView(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pp := incidentPrintPage{incidentPage: p, Printed: p.DateTime(s.Now())}
	if p.Review != nil {
		state := map[int]incidentTaskRow{}
		for _, k := range p.Tasks {
			state[k.ActionNo] = k
		}
		for i, a := range p.Review.Actions {
			pa := printAction{What: a.What, Owner: a.Owner, Due: p.Day(a.Due.String()), State: "—"}
			if k, ok := state[i+1]; ok {
				pa.State = p.T("incident.task_waiting")
				if !k.DoneAt.IsZero() {
					pa.State = p.T("incident.task_done", p.DateTime(k.DoneAt))
				}
			}
			pp.Actions = append(pp.Actions, pa)
		}
	}
	s.render(w, r, http.StatusOK, "incident_print", pp)
}
