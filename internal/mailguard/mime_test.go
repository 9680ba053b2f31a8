package mailguard

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

func iso2022(s string) string {
	b, err := japanese.ISO2022JP.NewEncoder().String(s)
	if err != nil {
		panic(err)
	}
	return b
}

func sjis(s string) string {
	b, err := japanese.ShiftJIS.NewEncoder().String(s)
	if err != nil {
		panic(err)
	}
	return b
}

// japaneseMessage is the kind of message a Japanese mail client writes:
// an ISO-2022-JP subject in an encoded word, a Shift_JIS body, and two
// attachments, one named with an encoded word inside a quoted parameter
// (Outlook, Becky!) and one with an RFC 2231 name.
func japaneseMessage(to string) []byte {
	subj := "=?ISO-2022-JP?B?" + base64.StdEncoding.EncodeToString([]byte(iso2022("御見積書の送付"))) + "?="
	name1 := "=?ISO-2022-JP?B?" + base64.StdEncoding.EncodeToString([]byte(iso2022("見積書.pdf"))) + "?="
	return []byte("From: =?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte("佐藤")) + "?= <sato@example.co.jp>\r\n" +
		"To: " + to + "\r\n" +
		"Subject: " + subj + "\r\n" +
		"X-Custom:  keep   this   spacing\r\n" +
		"\tand this folded line\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\n" +
		"\r\n" +
		"preamble\r\n" +
		"--b1\r\n" +
		"Content-Type: text/plain; charset=Shift_JIS\r\n" +
		"Content-Transfer-Encoding: 8bit\r\n" +
		"\r\n" +
		sjis("山田商事 御中\r\nいつもお世話になっております。") + "\r\n" +
		"--b1\r\n" +
		"Content-Type: application/pdf; name=\"" + name1 + "\"\r\n" +
		"Content-Disposition: attachment; filename=\"" + name1 + "\"\r\n" +
		"Content-Transfer-Encoding: base64\r\n" +
		"\r\n" +
		base64.StdEncoding.EncodeToString([]byte("%PDF-1.4 quote")) + "\r\n" +
		"--b1\r\n" +
		"Content-Type: text/csv\r\n" +
		"Content-Disposition: attachment; filename*=UTF-8''%E5%90%8D%E7%B0%BF.csv\r\n" +
		"\r\n" +
		"name,mail\r\n" +
		"--b1--\r\n" +
		"epilogue\r\n")
}

func TestSummarizeJapanese(t *testing.T) {
	s, err := Summarize(japaneseMessage("a@cust.jp, =?UTF-8?B?5bGx55Sw?= <b@cust.jp>"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Subject != "御見積書の送付" {
		t.Errorf("subject = %q, want 御見積書の送付", s.Subject)
	}
	if len(s.To) != 2 || s.To[1] != "b@cust.jp" || s.From != "sato@example.co.jp" {
		t.Errorf("from, to = %q %v", s.From, s.To)
	}
	if !strings.Contains(s.Text, "山田商事") {
		t.Errorf("text = %q, want the Shift_JIS body decoded", s.Text)
	}
	if len(s.Attachments) != 2 || s.Attachments[0].Name != "見積書.pdf" || s.Attachments[1].Name != "名簿.csv" {
		t.Errorf("attachments = %+v, want 見積書.pdf and 名簿.csv", s.Attachments)
	}
}

func TestToBccKeepsEverythingElse(t *testing.T) {
	raw := japaneseMessage("a@cust.jp,\r\n b@cust.jp")
	raw = bytes.Replace(raw, []byte("Subject:"), []byte("Cc: c@cust.jp\r\nBcc: secret@cust.jp\r\nSubject:"), 1)
	out, err := ToBcc(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{"a@cust.jp", "b@cust.jp", "c@cust.jp", "secret@cust.jp"} {
		if bytes.Contains(out, []byte(gone)) {
			t.Errorf("%s still in the message", gone)
		}
	}
	want := bytes.Replace(raw, []byte("To: a@cust.jp,\r\n b@cust.jp\r\n"), nil, 1)
	want = bytes.Replace(want, []byte("Cc: c@cust.jp\r\nBcc: secret@cust.jp\r\n"), nil, 1)
	want = append([]byte("To: undisclosed-recipients:;\r\n"), want...)
	if !bytes.Equal(out, want) {
		t.Errorf("got\n%q\nwant\n%q", out, want)
	}
}

func TestReplaceFiles(t *testing.T) {
	raw := japaneseMessage("a@cust.jp")
	files, err := Files(raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || string(files[0].Data) != "%PDF-1.4 quote" || files[0].Name != "見積書.pdf" || string(files[1].Data) != "name,mail" {
		t.Fatalf("files = %+v", files)
	}
	out, err := ReplaceFiles(raw, "ダウンロード: https://mamori.example/m/abc")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("%PDF")) || bytes.Contains(out, []byte(base64.StdEncoding.EncodeToString([]byte("%PDF-1.4 quote")))) || bytes.Contains(out, []byte("name,mail")) {
		t.Errorf("an attachment is still in the message:\n%s", out)
	}
	// The text part and the header are kept byte for byte.
	hdr, _, _ := split(raw)
	if !bytes.HasPrefix(out, hdr) || !bytes.Contains(out, []byte(sjis("いつもお世話になっております。"))) {
		t.Errorf("header or text part changed")
	}
	s, err := Summarize(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Attachments) != 0 || !strings.Contains(s.Text, "https://mamori.example/m/abc") || !strings.Contains(s.Text, "山田商事") {
		t.Errorf("after replacing: attachments %v, text %q", s.Attachments, s.Text)
	}
	if again, _ := ReplaceFiles(out, "x"); !bytes.Equal(again, out) {
		t.Errorf("a message without attachments changed")
	}
}

func FuzzMIME(f *testing.F) {
	f.Add(japaneseMessage("a@cust.jp"))
	f.Add([]byte("To: a@b\r\n\r\nbody"))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Disposition: attachment\r\n\r\nA\r\n--x--\r\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		Summarize(raw, nil)
		Files(raw)
		out, err := ReplaceFiles(raw, "link")
		if err == nil {
			if files, _ := Files(out); len(files) != 0 {
				t.Errorf("attachments left after ReplaceFiles: %d", len(files))
			}
		}
		if b, err := ToBcc(raw); err == nil {
			if _, body, err := split(b); err != nil || !bytes.HasSuffix(raw, body) {
				t.Errorf("ToBcc changed the body")
			}
		}
	})
}
