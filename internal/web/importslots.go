package web

import "github.com/mamori-sec/mamori/internal/problem"

// DefaultMaxImports is how many imports (preview or apply, web or API)
// one server reads at once when Deps.MaxImports is 0: each may hold up to
// the importer's limits in memory for a few seconds, and this box has two
// cores.
const DefaultMaxImports = 2

// importSlot takes one of the server's import slots without waiting. A
// request that finds none free is refused at once with a message asking
// to try again; queueing it would keep its upload in memory meanwhile.
func (s *Server) importSlot() (release func(), err error) {
	select {
	case s.importSlots <- struct{}{}:
		return func() { <-s.importSlots }, nil
	default:
		s.Logger.Warn("import refused: all slots busy", "component", "import", "slots", cap(s.importSlots))
		return nil, problem.New(problem.TooMany, "intake.busy")
	}
}
