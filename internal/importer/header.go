package importer

// field is one column a layout knows, under every header it goes by.
type field struct {
	key      string
	names    []string
	required bool
}

// layout is the set of columns of one format (and, for mamori's own
// files, one kind).
type layout struct {
	format   Format
	kind     Kind
	index    map[string]string // normalised header → key
	required []string
	// signals are columns of which at least one must be present, next to
	// the required ones, for a console format to be recognised.
	signals []string
	// display names the required columns in messages.
	display map[string][2]string
	// parts are the columns a file may split in two (氏 and 名), by the
	// column they make up: see nameParts.
	parts map[string][2]string
}

func newLayout(format Format, kind Kind, fields []field, signals ...string) *layout {
	l := &layout{format: format, kind: kind, index: map[string]string{}, signals: signals, display: map[string][2]string{}}
	for _, f := range fields {
		for _, n := range f.names {
			if k := normHeader(n); k != "" {
				if _, dup := l.index[k]; !dup {
					l.index[k] = f.key
				}
			}
		}
		if f.required {
			l.required = append(l.required, f.key)
		}
		ja, en := f.names[0], f.names[0]
		if len(f.names) > 1 {
			en = f.names[1]
		}
		l.display[f.key] = [2]string{ja, en}
	}
	return l
}

// mamoriLayouts are the layouts of mamori's own files, by kind.
var mamoriLayouts = func() map[Kind]*layout {
	m := map[Kind]*layout{}
	for _, k := range Kinds {
		var fields []field
		for _, c := range columnsOf[k] {
			fields = append(fields, field{key: c.Key, names: append([]string{c.JA, c.EN}, c.aliases...), required: c.Required})
		}
		m[k] = newLayout(Mamori, k, fields)
	}
	m[People].splitNames()
	m[Risks] = riskLayout()
	return m
}()

// columnsIn maps each key the layout knows to its first column in header;
// unknown lists the columns it does not know.
func (l *layout) columnsIn(header []string) (cols map[string]int, unknown []int) {
	cols = map[string]int{}
	for i, h := range header {
		n := normHeader(h)
		if n == "" {
			continue
		}
		key, ok := l.index[n]
		if !ok {
			unknown = append(unknown, i)
			continue
		}
		if _, seen := cols[key]; !seen {
			cols[key] = i
		}
	}
	return cols, unknown
}

// fits reports whether a console layout recognises header.
func (l *layout) fits(cols map[string]int) bool {
	for _, k := range l.required {
		if _, ok := cols[k]; !ok {
			return false
		}
	}
	for _, k := range l.signals {
		if _, ok := cols[k]; ok {
			return true
		}
	}
	return len(l.signals) == 0
}

// detectHeader recognises a header row. Console exports are tried first
// because their columns are specific, then mamori's own kinds. ok is false
// when the row does not look like a header at all.
func detectHeader(header []string) (kind Kind, format Format, ok bool) {
	if isRiskHeader(header) {
		return Risks, Mamori, true
	}
	if format, ok := consoleFormat(header); ok {
		return kindsOf[format][0], format, true
	}
	if kind, ok := mamoriKind(header); ok {
		return kind, Mamori, true
	}
	return "", "", false
}

func consoleFormat(header []string) (Format, bool) {
	for _, l := range consoleLayouts {
		if cols, _ := l.columnsIn(header); l.fits(cols) {
			return l.format, true
		}
	}
	return "", false
}

// mamoriKind picks the kind whose columns the header names most; on a
// tie, one with all its required columns. Picking by count rather than
// completeness means a people list that lacks 雇用形態 is still read as
// people, and told the column is missing. One column is enough only when
// it is the only one and all the kind needs.
func mamoriKind(header []string) (Kind, bool) {
	nonEmpty := 0
	for _, h := range header {
		if h != "" {
			nonEmpty++
		}
	}
	best, bestScore, bestComplete := Kind(""), 0, false
	for _, k := range Kinds {
		l := mamoriLayouts[k]
		cols, _ := l.columnsIn(header)
		complete := true
		for _, r := range l.required {
			if _, ok := cols[r]; !ok {
				complete = false
			}
		}
		score := len(cols)
		if score > bestScore || (score == bestScore && score > 0 && complete && !bestComplete) {
			best, bestScore, bestComplete = k, score, complete
		}
	}
	if bestScore >= 2 || (bestScore == 1 && nonEmpty == 1 && bestComplete) {
		return best, true
	}
	return "", false
}

// Detect tells which list a file fills and who wrote it, from its header.
func Detect(f File) (Kind, Format, error) {
	kind, format, ok := detectHeader(f.Header)
	if !ok {
		return "", "", invalid("import.unknown_format")
	}
	return kind, format, nil
}
