package findings

import (
	"encoding/json"
	"fmt"
	"testing"
)

// TestMessage: a message keeps its key and arguments as JSON that reads
// back to the same values, and renders them in the language given: days
// by the language's own format, numbers and text as they are.
func TestMessage(t *testing.T) {
	d := parseDay("2025-04-01")
	m := Msg("k", 3, int64(-4), `名前 "引用" \ <b>`, d)
	var back []any
	if err := json.Unmarshal([]byte(m.Args), &back); err != nil {
		t.Fatalf("args %s: %v", m.Args, err)
	}
	if want := `[3,-4,"名前 \"引用\" \\ \u003cb\u003e",{"day":"2025-04-01"}]`; m.Args != want {
		t.Errorf("args: got %s, want %s", m.Args, want)
	}
	formats := map[string]string{"k": "%[1]d|%[2]d|%[3]s|%[4]s", "finding.day": "%[3]d.%[2]d.%[1]d"}
	tr := func(key string, args ...any) string { return fmt.Sprintf(formats[key], args...) }
	if got, want := m.Render(tr), `3|-4|名前 "引用" \ <b>|1.4.2025`; got != want {
		t.Errorf("render: got %q, want %q", got, want)
	}
	if (Message{}).Render(tr) != "" || !(Message{}).IsZero() || Msg("k") != (Message{Key: "k"}) {
		t.Error("an empty message must render nothing; a message without arguments must have none")
	}
}
