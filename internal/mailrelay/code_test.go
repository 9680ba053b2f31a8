package mailrelay_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/mailrelay"
	"github.com/mamori-sec/mamori/internal/store"
)

var codeRE = regexp.MustCompile(`tanaka@yamada-shoji\.co\.jp  (\d{4}) (\d{4})`)

// TestLinkCode: with codes on, the recipient's mail says a code is needed,
// the sender gets the code in a separate mail, the link does not open
// without it or with a wrong one, and five wrong codes stop the
// recipient's links even for the right code.
func TestLinkCode(t *testing.T) {
	each(t, func(t *testing.T, e store.Engine) {
		w := setup(t, e, func(s *mailguard.Settings) { s.LinkCode = true })
		if err := w.send([]string{"tanaka@yamada-shoji.co.jp"}, letter("tanaka@yamada-shoji.co.jp", "", true)); err != nil {
			t.Fatal(err)
		}
		w.clock.add(6 * time.Minute)
		w.run()
		w.run() // the code mail to the sender
		ext := w.delivered("tanaka@yamada-shoji.co.jp")
		if len(ext) != 1 {
			t.Fatalf("%d deliveries, want 1", len(ext))
		}
		s, _ := mailguard.Summarize(ext[0].Data, nil)
		if !strings.Contains(s.Text, "確認コード（8桁）が必要です") {
			t.Errorf("the recipient's mail does not say a code is needed:\n%s", s.Text)
		}
		if codeRE.MatchString(s.Text) {
			t.Fatal("the code travels with the link")
		}
		tok := linkRE.FindStringSubmatch(s.Text)[1]
		var code string
		for _, m := range w.delivered(w.email) {
			ms, _ := mailguard.Summarize(m.Data, nil)
			if c := codeRE.FindStringSubmatch(ms.Text); c != nil {
				code = c[1] + c[2]
			}
		}
		if code == "" {
			t.Fatal("the sender got no code")
		}
		fetch := func(c string) error {
			_, _, err := mailrelay.Fetch(context.Background(), w.db, w.box, w.spool, tok, c, "203.0.113.7", "x")
			return err
		}
		if err := fetch(""); !errors.Is(err, mailrelay.ErrCodeNeeded) {
			t.Fatalf("no code: %v, want the code asked for", err)
		}
		wrong := "00000000"
		if wrong == code {
			wrong = "11111111"
		}
		if err := fetch(wrong); !errors.Is(err, mailrelay.ErrCodeWrong) {
			t.Fatalf("wrong code: %v, want refused", err)
		}
		// Full-width digits and a space, as people type them, are the code.
		fw := strings.Map(func(r rune) rune { return r - '0' + '０' }, code[:4]) + " " + code[4:]
		if err := fetch(fw); err != nil {
			t.Fatalf("right code: %v", err)
		}
		for i := 0; i < mailguard.MaxCodeFails-1; i++ {
			fetch(wrong)
		}
		if err := fetch(code); err == nil {
			t.Fatal("after five wrong codes the link still opens")
		}
	})
}
