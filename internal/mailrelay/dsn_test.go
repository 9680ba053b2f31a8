package mailrelay_test

import (
	"bytes"
	"io"
	"mime"
	"strings"
	"testing"

	"github.com/emersion/go-message"

	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/store"
)

// TestFailureNotice: the smarthost refuses one recipient for good; the
// sender gets a delivery status notification (RFC 3464) in Japanese, sent
// with the null reverse path; a refused notice makes no second one.
func TestFailureNotice(t *testing.T) {
	each(t, func(t *testing.T, e store.Engine) {
		w := setup(t, e, func(s *mailguard.Settings) { s.HoldMode = mailguard.HoldRisky })
		w.sink.Refuse("nobody@cust.jp")
		msg := []byte("From: sato@example.co.jp\r\nTo: suzuki@cust.jp, nobody@cust.jp\r\nSubject: =?UTF-8?B?5pyI5qyh5aCx5ZGK?=\r\nMessage-ID: <orig@test>\r\n\r\nbody\r\n")
		if err := w.send([]string{"suzuki@cust.jp", "nobody@cust.jp"}, msg); err != nil {
			t.Fatal(err)
		}
		w.run()
		if got := w.delivered("suzuki@cust.jp"); len(got) != 1 {
			t.Fatalf("suzuki got %d, want 1", len(got))
		}
		got := w.delivered(w.email)
		if len(got) != 1 {
			t.Fatalf("the sender got %d notices, want 1", len(got))
		}
		dsn := got[0]
		if dsn.From != "" {
			t.Errorf("notice's reverse path = %q, want the null path", dsn.From)
		}
		ent, err := message.Read(bytes.NewReader(dsn.Data))
		if err != nil {
			t.Fatal(err)
		}
		mt, params, _ := ent.Header.ContentType()
		if mt != "multipart/report" || params["report-type"] != "delivery-status" {
			t.Fatalf("content type = %s %v, want multipart/report; report-type=delivery-status", mt, params)
		}
		subj, _ := new(mime.WordDecoder).DecodeHeader(ent.Header.Get("Subject"))
		if subj != "【配信エラー】月次報告" {
			t.Errorf("subject = %q, want it in the sender's language", subj)
		}
		var types []string
		var human, status, headers string
		mr := ent.MultipartReader()
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			pt, _, _ := p.Header.ContentType()
			types = append(types, pt)
			b, _ := io.ReadAll(p.Body)
			switch pt {
			case "text/plain":
				human = string(b)
			case "message/delivery-status":
				status = string(b)
			case "text/rfc822-headers":
				headers = string(b)
			}
		}
		if strings.Join(types, " ") != "text/plain message/delivery-status text/rfc822-headers" {
			t.Fatalf("parts = %v", types)
		}
		if !strings.Contains(human, "受け取りを拒否されたため") || !strings.Contains(human, "nobody@cust.jp") || strings.Contains(human, "suzuki@cust.jp") {
			t.Errorf("human part:\n%s", human)
		}
		for _, want := range []string{"Final-Recipient: rfc822; nobody@cust.jp", "Action: failed", "Status: 5.1.1", "Diagnostic-Code: smtp; 550 5.1.1 No such user here"} {
			if !strings.Contains(status, want) {
				t.Errorf("delivery status lacks %q:\n%s", want, status)
			}
		}
		if !strings.Contains(headers, "Message-ID: <orig@test>") {
			t.Errorf("original headers missing:\n%s", headers)
		}

		// A notice that is itself refused makes no notice of its own.
		w.sink.Refuse(w.email)
		if err := w.send([]string{"nobody@cust.jp"}, msg); err != nil {
			t.Fatal(err)
		}
		w.run()
		w.run()
		if n := len(w.sink.Messages()); n != 2 {
			t.Errorf("sink has %d messages, want still 2 (no notice loop)", n)
		}
	})
}
