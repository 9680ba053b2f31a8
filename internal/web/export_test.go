package web

// HoldImportSlots takes every import slot, as that many imports in flight
// would, until release is called.
func (s *Server) HoldImportSlots() (release func()) {
	for range cap(s.importSlots) {
		s.importSlots <- struct{}{}
	}
	return func() {
		for range cap(s.importSlots) {
			<-s.importSlots
		}
	}
}
