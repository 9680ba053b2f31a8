package selfdiag

import (
	"testing"

	"github.com/mamori-sec/mamori/internal/problem"
)

// FuzzParseFile: any file is either refused with a message for people
// (never a panic, never a bare error) or read into valid answers.
func FuzzParseFile(f *testing.F) {
	for _, s := range []string{
		"設問,回答\n1,実施している\n2,一部実施\n",
		"1,done\n2,don't know\n",
		`[{"question":1,"answer":"done"}]`,
		`{"answers":[{"question":"25","answer":"わからない"}]}`,
		"1,\"done\n",
		"\xef\xbb\xbf1,done",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseFile(data)
		if err != nil {
			if _, ok := problem.As(err); !ok {
				t.Fatalf("error without a message: %v", err)
			}
			if a != (Answers{}) {
				t.Fatalf("refused file left answers: %v", a)
			}
			return
		}
		for q := 1; q <= Questions; q++ {
			if v := a.Get(q); v < Unanswered || v > DontKnow {
				t.Fatalf("question %d: answer %d out of range", q, v)
			}
		}
	})
}
