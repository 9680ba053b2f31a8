package importer

// Present lists the columns a file's header carries, by key: mamori's
// Column.Key for mamori's own files, the console layout's keys (e.g.
// "department", "is_admin", "2sv_enrolled") for an admin-console export.
// A column that is not there holds a parser default in every record, and
// an import must not write that default over what the inventory knows.
func Present(f File, kind Kind, format Format) map[string]bool {
	var l *layout
	if format == Mamori {
		l = mamoriLayouts[kind]
	} else {
		l = consoleLayout(format)
	}
	out := map[string]bool{}
	if l == nil {
		return out
	}
	cols, _ := l.columnsIn(f.Header)
	for k := range cols {
		out[k] = true
	}
	for k := range l.parts {
		if l.hasParts(cols, k) {
			out[k] = true
		}
	}
	return out
}
