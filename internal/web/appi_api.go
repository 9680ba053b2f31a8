package web

import (
	"io"
	"net/http"

	"github.com/mamori-sec/mamori/internal/appi"
	"github.com/mamori-sec/mamori/internal/problem"
)

// apiAPPIDecide rules on a breach's facts, posted as the JSON object `mamori
// appi decide` reads, and answers with the same ruling. Any signed-in user
// (an advisor's API token) may ask: it reads and writes no company's data,
// so it is not scoped to an organisation.
func (s *Server) apiAPPIDecide(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		s.fail(w, r, problem.New(problem.TooLarge, "error.too_large"))
		return
	}
	rules, err := appi.Rules()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	facts, err := appi.ParseFacts(b, s.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := appi.Decide(facts, rules)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := apiLocale(r)
	writeJSON(w, http.StatusOK, d.Explain(func(key string, args ...any) string { return s.Catalogue.T(l, key, args...) }))
}
