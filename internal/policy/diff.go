package policy

// Op is what happened to a line between two versions.
type Op string

// The operations of a line diff.
const (
	Same    Op = "same"
	Added   Op = "added"
	Removed Op = "removed"
	Skipped Op = "skipped" // unchanged lines left out; Text says how many
)

// Line is one line of a diff. Skip counts the lines a Skipped line stands for.
type Line struct {
	Op   Op
	Text string
	Skip int
}

// maxDiffLines bounds the table a diff builds: texts are at most MaxText
// characters, so a longer one has very short lines; beyond it the diff is
// shown as the old text removed and the new one added.
const maxDiffLines = 4000

// Diff compares two texts line by line (longest common subsequence) and
// returns the changed lines with context lines around them; runs of
// unchanged lines further than context from a change are folded into one
// Skipped line.
func Diff(a, b string, context int) []Line {
	x, y := Lines(a), Lines(b)
	full := lcs(x, y)
	var out []Line
	for i := 0; i < len(full); {
		if full[i].Op != Same {
			out = append(out, full[i])
			i++
			continue
		}
		j := i
		for j < len(full) && full[j].Op == Same {
			j++
		}
		// full[i:j] is a run of unchanged lines.
		head, tail := context, context
		if i == 0 {
			head = 0
		}
		if j == len(full) {
			tail = 0
		}
		if j-i <= head+tail+1 {
			out = append(out, full[i:j]...)
		} else {
			out = append(out, full[i:i+head]...)
			out = append(out, Line{Op: Skipped, Skip: j - i - head - tail})
			out = append(out, full[j-tail:j]...)
		}
		i = j
	}
	return out
}

// Changed reports whether a diff has any added or removed line.
func Changed(d []Line) bool {
	for _, l := range d {
		if l.Op == Added || l.Op == Removed {
			return true
		}
	}
	return false
}

func lcs(x, y []string) []Line {
	if len(x) > maxDiffLines || len(y) > maxDiffLines {
		var out []Line
		for _, l := range x {
			out = append(out, Line{Op: Removed, Text: l})
		}
		for _, l := range y {
			out = append(out, Line{Op: Added, Text: l})
		}
		return out
	}
	// Strip the common prefix and suffix first: versions differ little.
	pre := 0
	for pre < len(x) && pre < len(y) && x[pre] == y[pre] {
		pre++
	}
	suf := 0
	for suf < len(x)-pre && suf < len(y)-pre && x[len(x)-1-suf] == y[len(y)-1-suf] {
		suf++
	}
	var out []Line
	for _, l := range x[:pre] {
		out = append(out, Line{Op: Same, Text: l})
	}
	mx, my := x[pre:len(x)-suf], y[pre:len(y)-suf]
	n, m := len(mx), len(my)
	// t[i][j] is the length of the LCS of mx[i:] and my[j:].
	t := make([][]int32, n+1)
	for i := range t {
		t[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if mx[i] == my[j] {
				t[i][j] = t[i+1][j+1] + 1
			} else {
				t[i][j] = max(t[i+1][j], t[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case mx[i] == my[j]:
			out = append(out, Line{Op: Same, Text: mx[i]})
			i++
			j++
		case t[i+1][j] >= t[i][j+1]:
			out = append(out, Line{Op: Removed, Text: mx[i]})
			i++
		default:
			out = append(out, Line{Op: Added, Text: my[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, Line{Op: Removed, Text: mx[i]})
	}
	for ; j < m; j++ {
		out = append(out, Line{Op: Added, Text: my[j]})
	}
	for _, l := range x[len(x)-suf:] {
		out = append(out, Line{Op: Same, Text: l})
	}
	return out
}
