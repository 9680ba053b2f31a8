// Package lesson is mamori's three-minute lessons for staff: short texts
// on the everyday risks (a mis-sent mail, a link open to anyone, a bag left
// on a train) with a picture and a small quiz. Lessons are data — Markdown
// with a small front matter and a quiz section — so the keeper can edit
// ours or add their own; this package parses and validates them, renders
// their safe Markdown subset, scores quizzes and decides, as pure rules,
// who should take which lesson and by when.
package lesson

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:embed content pictures
var files embed.FS

// Locales are the languages a lesson is written in, Japanese first.
var Locales = []string{"ja", "en"}

// Audiences a lesson may be meant for.
var Audiences = []string{"all", "remote", "managers", "accounting"}

// Categories are the kinds of near miss and incident that assign a lesson
// to the department where one happened (AssignForEvent): the near-miss
// categories first, then the incident kinds.
var Categories = []string{"mis_send", "wrong_attachment", "share_setting", "lost_item", "suspicious_mail", "tailgating", "other", "malware", "account_takeover"}

// Lesson is one lesson in every language it is written in.
type Lesson struct {
	ID         string
	Topic      string
	Minutes    int
	Audience   string
	Categories []string // near-miss and incident categories it answers
	Basics     bool     // part of the basics set for new joiners and the yearly refresh
	Picture    string   // file name of its illustration (ours), "" for none
	Texts      map[string]Text
	Custom     bool // written or edited by the organisation
	Version    int  // the organisation's version; 0 for ours as shipped
}

// Text is a lesson in one language.
type Text struct {
	Title string
	Body  string // Markdown, the safe subset Render accepts
	Quiz  []Question
}

// Question is one question of a quiz with a single right answer.
type Question struct {
	Text        string
	Choices     []Choice
	Explanation string // shown after answering
}

// Choice is one answer offered.
type Choice struct {
	Text    string
	Correct bool
}

// In returns the lesson's text in locale, or in the other language when
// the organisation wrote it in one only.
func (l Lesson) In(locale string) Text {
	if t, ok := l.Texts[locale]; ok {
		return t
	}
	for _, loc := range Locales {
		if t, ok := l.Texts[loc]; ok {
			return t
		}
	}
	return Text{}
}

// Answers reports whether the lesson is the one to take after a near miss
// or incident of category.
func (l Lesson) Answers(category string) bool { return slices.Contains(l.Categories, category) }

// Error is a fault in a lesson's source, naming the line (1-based, 0 for
// the whole file) and a catalogue key under "lesson.err."; Arg, when set,
// is the field or id the message names.
type Error struct {
	Line int
	Code string
	Arg  string
}

func (e *Error) Error() string {
	return fmt.Sprintf("lesson: line %d: %s %s", e.Line, e.Code, e.Arg)
}

// MaxSource bounds one language's source, so an edit cannot store a book.
const MaxSource = 32 << 10

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$`)

// ValidID reports whether id can name a lesson in URLs.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// quizMarker starts the quiz section of a source.
const quizMarker = "=== quiz"

// Parse reads one language of a lesson: front matter between "---" lines,
// the Markdown body, then after a line "=== quiz" the questions:
//
//	? question
//	- a wrong answer
//	+ the right answer
//	> the explanation
func Parse(src string) (Lesson, Text, error) {
	var l Lesson
	var t Text
	if len(src) > MaxSource {
		return l, t, &Error{Code: "too_long"}
	}
	if strings.ContainsRune(src, 0) {
		return l, t, &Error{Code: "binary"}
	}
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		return l, t, &Error{Line: 1, Code: "front_start"}
	}
	i := 1
	seen := map[string]bool{}
	for ; i < len(lines) && strings.TrimSpace(lines[i]) != "---"; i++ {
		line := strings.TrimSpace(lines[i])
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return l, t, &Error{Line: i + 1, Code: "front_line"}
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if seen[k] {
			return l, t, &Error{Line: i + 1, Code: "front_twice", Arg: k}
		}
		seen[k] = true
		if err := l.set(&t, k, v); err != "" {
			e := &Error{Line: i + 1, Code: err}
			if err == "front_unknown" {
				e.Arg = k
			}
			return l, t, e
		}
	}
	if i >= len(lines) {
		return l, t, &Error{Line: len(lines), Code: "front_end"}
	}
	for _, k := range []string{"id", "title", "minutes"} {
		if !seen[k] {
			return l, t, &Error{Line: i + 1, Code: "front_missing", Arg: k}
		}
	}
	if l.Audience == "" {
		l.Audience = "all"
	}
	i++
	start := i
	for ; i < len(lines) && strings.TrimSpace(lines[i]) != quizMarker; i++ {
		if line := strings.TrimSpace(lines[i]); strings.HasPrefix(line, "<") {
			return l, t, &Error{Line: i + 1, Code: "html"}
		}
	}
	t.Body = strings.TrimSpace(strings.Join(lines[start:i], "\n"))
	if t.Body == "" {
		return l, t, &Error{Line: start + 1, Code: "body_empty"}
	}
	if i >= len(lines) {
		return l, t, &Error{Line: len(lines), Code: "quiz_missing"}
	}
	quizLine := i + 1
	var q *Question
	finish := func(line int) *Error {
		if q == nil {
			return nil
		}
		right := 0
		for _, c := range q.Choices {
			if c.Correct {
				right++
			}
		}
		switch {
		case len(q.Choices) < 2 || len(q.Choices) > 5:
			return &Error{Line: line, Code: "choices_count"}
		case right != 1:
			return &Error{Line: line, Code: "one_right"}
		case q.Explanation == "":
			return &Error{Line: line, Code: "explanation_missing"}
		}
		t.Quiz = append(t.Quiz, *q)
		q = nil
		return nil
	}
	qStart := 0
	for i++; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if line == "" {
			continue
		}
		mark, text := line[0], strings.TrimSpace(line[1:])
		if text == "" && strings.ContainsRune("?-+>", rune(mark)) {
			return l, t, &Error{Line: i + 1, Code: "quiz_empty_line"}
		}
		switch mark {
		case '?':
			if err := finish(qStart); err != nil {
				return l, t, err
			}
			q, qStart = &Question{Text: text}, i+1
		case '-', '+':
			if q == nil || q.Explanation != "" {
				return l, t, &Error{Line: i + 1, Code: "quiz_order"}
			}
			q.Choices = append(q.Choices, Choice{Text: text, Correct: mark == '+'})
		case '>':
			if q == nil || len(q.Choices) == 0 {
				return l, t, &Error{Line: i + 1, Code: "quiz_order"}
			}
			q.Explanation = strings.TrimSpace(q.Explanation + " " + text)
		default:
			return l, t, &Error{Line: i + 1, Code: "quiz_line"}
		}
	}
	if err := finish(qStart); err != nil {
		return l, t, err
	}
	if len(t.Quiz) < 3 || len(t.Quiz) > 5 {
		return l, t, &Error{Line: quizLine, Code: "quiz_count"}
	}
	return l, t, nil
}

// set applies one front-matter field; it returns an error code or "".
func (l *Lesson) set(t *Text, k, v string) string {
	switch k {
	case "id":
		if !ValidID(v) {
			return "bad_id"
		}
		l.ID = v
	case "title":
		if v == "" || len(v) > 200 {
			return "bad_title"
		}
		t.Title = v
	case "topic":
		l.Topic = v
	case "minutes":
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 15 {
			return "bad_minutes"
		}
		l.Minutes = n
	case "audience":
		if !slices.Contains(Audiences, v) {
			return "bad_audience"
		}
		l.Audience = v
	case "categories":
		for c := range strings.SplitSeq(v, ",") {
			c = strings.TrimSpace(c)
			if c == "" {
				continue
			}
			if !slices.Contains(Categories, c) {
				return "bad_category"
			}
			l.Categories = append(l.Categories, c)
		}
	case "basics":
		switch v {
		case "yes", "true":
			l.Basics = true
		case "no", "false", "":
		default:
			return "bad_basics"
		}
	case "picture":
		if v != "" && !PictureExists(v) {
			return "bad_picture"
		}
		l.Picture = v
	default:
		return "front_unknown"
	}
	return ""
}

// Build puts the languages of one lesson together, each parsed source by
// locale; the front matter (all but the title) comes from the first
// language and the others must name the same id. An error names the
// language at fault (its locale) with the line.
func Build(sources map[string]string) (Lesson, error) {
	var out Lesson
	out.Texts = map[string]Text{}
	for _, loc := range Locales {
		src, ok := sources[loc]
		if !ok || strings.TrimSpace(src) == "" {
			continue
		}
		l, t, err := Parse(src)
		if err != nil {
			return out, &SourceError{Locale: loc, Err: err.(*Error)}
		}
		if out.ID == "" {
			l.Texts = out.Texts
			out = l
		} else if l.ID != out.ID {
			return out, &SourceError{Locale: loc, Err: &Error{Line: 2, Code: "id_differs", Arg: out.ID}}
		}
		out.Texts[loc] = t
	}
	if len(out.Texts) == 0 {
		return out, &SourceError{Locale: Locales[0], Err: &Error{Code: "empty"}}
	}
	return out, nil
}

// SourceError is a fault in one language's source.
type SourceError struct {
	Locale string
	Err    *Error
}

func (e *SourceError) Error() string { return e.Locale + ": " + e.Err.Error() }

// Builtin returns our lessons as shipped, in their order. They are parsed
// once; the lessons returned share their texts, which nobody changes.
func Builtin() ([]Lesson, error) {
	ls, err := builtin()
	return slices.Clone(ls), err
}

var builtin = sync.OnceValues(parseBuiltin)

func parseBuiltin() ([]Lesson, error) {
	names, err := fs.Glob(files, "content/ja/*.md")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	var out []Lesson
	for _, n := range names {
		base := path.Base(n)
		srcs := map[string]string{}
		for _, loc := range Locales {
			b, err := files.ReadFile("content/" + loc + "/" + base)
			if err != nil {
				return nil, fmt.Errorf("lesson %s: %w", base, err)
			}
			srcs[loc] = string(b)
		}
		l, err := Build(srcs)
		if err != nil {
			return nil, fmt.Errorf("lesson %s: %w", base, err)
		}
		out = append(out, l)
	}
	return out, nil
}

// BuiltinSource returns the source of one of our lessons in every
// language, for the keeper to start an edit from.
func BuiltinSource(id string) (map[string]string, bool) {
	names, _ := fs.Glob(files, "content/ja/*.md")
	for _, n := range names {
		b, _ := files.ReadFile(n)
		l, _, err := Parse(string(b))
		if err != nil || l.ID != id {
			continue
		}
		out := map[string]string{}
		for _, loc := range Locales {
			src, _ := files.ReadFile("content/" + loc + "/" + path.Base(n))
			out[loc] = string(src)
		}
		return out, true
	}
	return nil, false
}

// Picture returns one of our illustrations (SVG).
func Picture(name string) ([]byte, bool) {
	if !PictureExists(name) {
		return nil, false
	}
	b, err := files.ReadFile("pictures/" + name)
	return b, err == nil
}

var pictureName = regexp.MustCompile(`^[a-z0-9-]+\.svg$`)

// PictureExists reports whether name is one of our illustrations.
func PictureExists(name string) bool {
	if !pictureName.MatchString(name) {
		return false
	}
	_, err := fs.Stat(files, "pictures/"+name)
	return err == nil
}

// Merge lays the organisation's lessons over ours: an edited lesson of
// ours replaces it in place, lessons of their own follow.
func Merge(ours, theirs []Lesson) []Lesson {
	byID := map[string]Lesson{}
	for _, l := range theirs {
		byID[l.ID] = l
	}
	out := make([]Lesson, 0, len(ours)+len(theirs))
	seen := map[string]bool{}
	for _, l := range ours {
		if c, ok := byID[l.ID]; ok {
			l = c
		}
		seen[l.ID] = true
		out = append(out, l)
	}
	for _, l := range theirs {
		if !seen[l.ID] {
			out = append(out, l)
		}
	}
	return out
}
