package selfdiag

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/mamori-sec/mamori/internal/problem"
)

// MaxFile is the largest answer file read, far above 25 lines.
const MaxFile = 64 << 10

// words are the spellings of each answer an answer file may use, compared
// after NFKC folding, lower-casing and removing spaces, "-" and "_".
var words = map[string]Answer{
	"done": Done, "yes": Done, "実施している": Done, "実施済み": Done, "実施済": Done, "実施": Done, "はい": Done, "○": Done, "4": Done,
	"partly": Partly, "partlydone": Partly, "partial": Partly, "partially": Partly, "一部実施": Partly, "一部実施している": Partly, "一部": Partly, "△": Partly, "2": Partly,
	"notdone": NotDone, "no": NotDone, "not": NotDone, "実施していない": NotDone, "未実施": NotDone, "いいえ": NotDone, "×": NotDone, "0": NotDone,
	"dontknow": DontKnow, "don'tknow": DontKnow, "donotknow": DontKnow, "unknown": DontKnow, "わからない": DontKnow, "分からない": DontKnow, "不明": DontKnow, "?": DontKnow, "-1": DontKnow,
}

// ParseWord reads one answer word in Japanese or English.
func ParseWord(s string) (Answer, bool) {
	k := strings.ToLower(norm.NFKC.String(strings.TrimSpace(s)))
	k = strings.NewReplacer(" ", "", "-", "", "_", "", "’", "'").Replace(k)
	if s := strings.TrimSpace(s); s == "-1" {
		k = s
	}
	a, ok := words[k]
	return a, ok
}

// ParseFile reads an answer file: CSV (question number, answer; a header
// line is allowed) or JSON (a list of {"question": n, "answer": "…"} or an
// object {"answers": [...]}). A question number that does not exist, a
// question given twice or an answer word it does not know refuses the
// whole file, naming the line (CSV) or the entry (JSON); questions not in
// the file stay unanswered.
func ParseFile(data []byte) (Answers, error) {
	var a Answers
	if len(data) > MaxFile {
		return a, problem.New(problem.TooLarge, "selfdiag.file.too_large")
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return a, problem.New(problem.Invalid, "selfdiag.file.empty")
	}
	if trimmed[0] == '[' || trimmed[0] == '{' {
		return parseJSON(trimmed)
	}
	return parseCSV(data)
}

type entry struct {
	line   int
	q      string
	answer string
}

func fill(entries []entry, what string) (Answers, error) {
	var a Answers
	seen := map[int]int{}
	for _, e := range entries {
		q, err := strconv.Atoi(strings.TrimSpace(norm.NFKC.String(strings.TrimPrefix(strings.TrimSpace(e.q), "No."))))
		if err != nil || !ValidQuestion(q) {
			return Answers{}, problem.New(problem.Invalid, "selfdiag.file."+what+"_question", e.line, e.q)
		}
		if first, ok := seen[q]; ok {
			return Answers{}, problem.New(problem.Invalid, "selfdiag.file."+what+"_duplicate", e.line, q, first)
		}
		seen[q] = e.line
		v, ok := ParseWord(e.answer)
		if !ok {
			return Answers{}, problem.New(problem.Invalid, "selfdiag.file."+what+"_word", e.line, e.answer)
		}
		a.Set(q, v)
	}
	if len(entries) == 0 {
		return a, problem.New(problem.Invalid, "selfdiag.file.empty")
	}
	return a, nil
}

func parseCSV(data []byte) (Answers, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	var entries []entry
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return Answers{}, problem.New(problem.Invalid, "selfdiag.file.line_unreadable", line)
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(entries) == 0 && isHeader(rec) {
			continue
		}
		if len(rec) < 2 {
			return Answers{}, problem.New(problem.Invalid, "selfdiag.file.line_columns", line)
		}
		entries = append(entries, entry{line: line, q: rec[0], answer: rec[1]})
	}
	return fill(entries, "line")
}

// isHeader reports a first line naming the columns rather than answering.
func isHeader(rec []string) bool {
	if len(rec) < 2 {
		return false
	}
	_, err := strconv.Atoi(strings.TrimSpace(norm.NFKC.String(strings.TrimPrefix(strings.TrimSpace(rec[0]), "No."))))
	_, word := ParseWord(rec[1])
	return err != nil && !word
}

func parseJSON(data []byte) (Answers, error) {
	type item struct {
		Question json.RawMessage `json:"question"`
		Answer   string          `json:"answer"`
	}
	var items []item
	if data[0] == '{' {
		var wrap struct {
			Answers []item `json:"answers"`
		}
		if err := json.Unmarshal(data, &wrap); err != nil {
			return Answers{}, problem.New(problem.Invalid, "selfdiag.file.json_unreadable")
		}
		items = wrap.Answers
	} else if err := json.Unmarshal(data, &items); err != nil {
		return Answers{}, problem.New(problem.Invalid, "selfdiag.file.json_unreadable")
	}
	entries := make([]entry, len(items))
	for i, it := range items {
		q := strings.Trim(string(it.Question), `"`)
		entries[i] = entry{line: i + 1, q: q, answer: it.Answer}
	}
	return fill(entries, "entry")
}
