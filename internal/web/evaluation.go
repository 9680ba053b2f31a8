package web

import (
	"net/http"

	"github.com/mamori-sec/mamori/internal/findings"
)

type evaluationPage struct {
	base
	Score findings.Score
}

// evaluationStatus answers the running-evaluation notice's polling: the
// same notice while the organisation's evaluation is pending or running,
// then its result. Without JavaScript the notice's reload link does the
// same.
func (s *Server) evaluationStatus(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := evaluationPage{base: s.page(r, "evaluation.title", "findings")}
	if !p.Evaluating {
		open, err := st.tenant.OpenByCheck(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		sum, err := st.tenant.Summary(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Score = findings.ScoreOf(open, sum.Records())
	}
	s.render(w, r, http.StatusOK, "evaluation", p)
}
