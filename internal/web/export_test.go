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

// DashboardModuleKeys are the catalogue keys the dashboard's "what mamori
// does" builds at run time.
func DashboardModuleKeys() []string {
	var keys []string
	for _, m := range dashboardModules {
		keys = append(keys, m.label, m.summary)
	}
	return keys
}
