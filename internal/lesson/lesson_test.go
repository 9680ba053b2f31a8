package lesson

import (
	"errors"
	"strings"
	"testing"
)

// TestBuiltinLessons: every lesson we ship parses in Japanese and English,
// has 3–5 questions each with one right answer and an explanation, an
// illustration that is a titled SVG, and the two languages agree.
func TestBuiltinLessons(t *testing.T) {
	ls, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) < 12 {
		t.Fatalf("got %d lessons, want at least 12", len(ls))
	}
	ids := map[string]bool{}
	basics := 0
	for _, l := range ls {
		if ids[l.ID] {
			t.Errorf("lesson %s: id used twice", l.ID)
		}
		ids[l.ID] = true
		if l.Basics {
			basics++
		}
		for _, loc := range Locales {
			tx, ok := l.Texts[loc]
			if !ok {
				t.Errorf("lesson %s: no %s text", l.ID, loc)
				continue
			}
			if n := len(tx.Quiz); n < 3 || n > 5 {
				t.Errorf("lesson %s %s: got %d questions, want 3–5", l.ID, loc, n)
			}
			if len(tx.Quiz) != len(l.Texts["ja"].Quiz) {
				t.Errorf("lesson %s: %s has %d questions, ja %d", l.ID, loc, len(tx.Quiz), len(l.Texts["ja"].Quiz))
			}
			for i, q := range tx.Quiz {
				ja := l.Texts["ja"].Quiz[min(i, len(l.Texts["ja"].Quiz)-1)]
				if len(q.Choices) != len(ja.Choices) || right(q) != right(ja) {
					t.Errorf("lesson %s %s question %d: the right answer differs from Japanese", l.ID, loc, i+1)
				}
			}
		}
		svg, ok := Picture(l.Picture)
		if !ok {
			t.Errorf("lesson %s: no picture %q", l.ID, l.Picture)
			continue
		}
		s := string(svg)
		if !strings.HasPrefix(s, "<svg") || !strings.Contains(s, "<title") || strings.Contains(strings.ToLower(s), "<script") || strings.Contains(s, "style") || strings.Contains(s, "href") {
			t.Errorf("lesson %s: picture is not a plain titled SVG", l.ID)
		}
	}
	if basics < 3 {
		t.Errorf("got %d basics lessons, want a basics set", basics)
	}
	for _, c := range Categories {
		found := false
		for _, l := range ls {
			found = found || l.Answers(c)
		}
		if !found {
			t.Errorf("category %s: no lesson answers it", c)
		}
	}
}

func right(q Question) int {
	for i, c := range q.Choices {
		if c.Correct {
			return i
		}
	}
	return -1
}

const good = `---
id: own-lesson
title: 自社の決まり
minutes: 3
---
本文です。

=== quiz
? 一問目
- いいえ
+ はい
> 解説一
? 二問目
+ はい
- いいえ
> 解説二
? 三問目
+ はい
- いいえ
> 解説三
`

// TestParseErrorsNameTheLine: a broken source is refused with the line at
// fault.
func TestParseErrorsNameTheLine(t *testing.T) {
	if _, _, err := Parse(good); err != nil {
		t.Fatalf("good source: %v", err)
	}
	cases := []struct {
		name, src, code string
		line            int
	}{
		{"no front matter", "本文", "front_start", 1},
		{"unknown field", strings.Replace(good, "minutes: 3", "colour: red", 1), "front_unknown", 4},
		{"bad minutes", strings.Replace(good, "minutes: 3", "minutes: 99", 1), "bad_minutes", 4},
		{"bad id", strings.Replace(good, "id: own-lesson", "id: Own Lesson!", 1), "bad_id", 2},
		{"missing title", strings.Replace(good, "title: 自社の決まり\n", "", 1), "front_missing", 4},
		{"unknown category", strings.Replace(good, "minutes: 3", "minutes: 3\ncategories: mis_send, gossip", 1), "bad_category", 5},
		{"raw html", strings.Replace(good, "本文です。", "<script>alert(1)</script>", 1), "html", 6},
		{"two right answers", strings.Replace(good, "- いいえ\n+ はい\n> 解説一", "+ いいえ\n+ はい\n> 解説一", 1), "one_right", 9},
		{"no explanation", strings.Replace(good, "> 解説二\n", "", 1), "explanation_missing", 13},
		{"two questions", good[:strings.Index(good, "? 三問目")], "quiz_count", 8},
		{"no quiz", good[:strings.Index(good, "=== quiz")], "quiz_missing", 8},
		{"stray line", strings.Replace(good, "> 解説三", "解説三", 1), "quiz_line", 20},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := Parse(c.src)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want a lesson error", err)
			}
			if e.Code != c.code || e.Line != c.line {
				t.Fatalf("got %s at line %d, want %s at line %d", e.Code, e.Line, c.code, c.line)
			}
		})
	}
}

// TestBuildLanguages: the languages of one lesson must name the same id;
// one language alone is enough for a lesson of one's own, the other falls
// back to it.
func TestBuildLanguages(t *testing.T) {
	l, err := Build(map[string]string{"ja": good})
	if err != nil {
		t.Fatal(err)
	}
	if l.In("en").Title != "自社の決まり" {
		t.Fatalf("got English title %q, want the Japanese as fallback", l.In("en").Title)
	}
	_, err = Build(map[string]string{"ja": good, "en": strings.Replace(good, "own-lesson", "other", 1)})
	var se *SourceError
	if !errors.As(err, &se) || se.Locale != "en" || se.Err.Code != "id_differs" {
		t.Fatalf("got %v, want the English source refused for another id", err)
	}
	if _, err := Build(map[string]string{}); err == nil {
		t.Fatal("got no error for an empty lesson")
	}
}

// TestScore: the pass mark and the answers kept for the explanations.
func TestScore(t *testing.T) {
	q := func(n int) []Question {
		var out []Question
		for range n {
			out = append(out, Question{Text: "q", Choices: []Choice{{Text: "a"}, {Text: "b", Correct: true}}, Explanation: "why"})
		}
		return out
	}
	cases := []struct {
		n       int
		answers []int
		score   int
		passed  bool
	}{
		{3, []int{1, 1, 1}, 3, true},
		{3, []int{1, 1, 0}, 2, false},
		{4, []int{1, 1, 1, 0}, 3, true},
		{5, []int{1, 1, 1, 0, 0}, 3, false},
		{5, []int{1, 1, 1, 1, 0}, 4, true},
		{3, []int{1, -1, 7}, 1, false},
		{3, nil, 0, false},
	}
	for _, c := range cases {
		r := Score(q(c.n), c.answers)
		if r.Score != c.score || r.Passed != c.passed || r.Total != c.n || len(r.Answers) != c.n {
			t.Errorf("%d questions, answers %v: got %d/%d passed %v, want %d passed %v", c.n, c.answers, r.Score, r.Total, r.Passed, c.score, c.passed)
		}
		for i, a := range r.Answers {
			if a.Explanation != "why" {
				t.Errorf("answer %d: got explanation %q, want it kept", i, a.Explanation)
			}
		}
	}
	if r := Score(q(3), []int{1, 7, -1}); r.Answers[1].Chosen != -1 || r.Answers[2].Chosen != -1 {
		t.Errorf("got chosen %d %d for out-of-range answers, want -1", r.Answers[1].Chosen, r.Answers[2].Chosen)
	}
}
