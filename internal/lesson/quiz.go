package lesson

// PassPercent is the share of right answers that passes a quiz: 3 of 3,
// 3 of 4, 4 of 5. A quiz not passed can be taken again at once; it is
// there to teach, not to rank.
const PassPercent = 70

// Answered is one question as answered, with its explanation to show.
type Answered struct {
	Question
	Chosen int // index into Choices; -1 when not answered
	Right  bool
}

// Result is a quiz as scored.
type Result struct {
	Answers []Answered
	Score   int // right answers
	Total   int
	Passed  bool
}

// Score marks answers (the chosen choice's index per question, -1 or out
// of range for none) against the quiz.
func Score(quiz []Question, answers []int) Result {
	r := Result{Total: len(quiz)}
	for i, q := range quiz {
		a := Answered{Question: q, Chosen: -1}
		if i < len(answers) && answers[i] >= 0 && answers[i] < len(q.Choices) {
			a.Chosen = answers[i]
			a.Right = q.Choices[a.Chosen].Correct
		}
		if a.Right {
			r.Score++
		}
		r.Answers = append(r.Answers, a)
	}
	r.Passed = r.Total > 0 && r.Score*100 >= r.Total*PassPercent
	return r
}
