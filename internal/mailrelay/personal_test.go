package mailrelay_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/mailrelay"
	"github.com/mamori-sec/mamori/internal/store"
)

// myNumber returns the n-th 12-digit individual number with a valid
// check digit (weights 6,5,4,3,2,7,6,5,4,3,2).
func myNumber(n int) string {
	s := fmt.Sprintf("%011d", 10000000000+n*7919)
	weights := []int{6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i, w := range weights {
		sum += int(s[i]-'0') * w
	}
	check := 0
	if r := sum % 11; r > 1 {
		check = 11 - r
	}
	return s + fmt.Sprint(check)
}

// myNumberCSV is a staff list of n people with their individual numbers.
func myNumberCSV(n int) []byte {
	var b strings.Builder
	b.WriteString("氏名,個人番号\r\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "社員%d,%s\r\n", i, myNumber(i))
	}
	return []byte(b.String())
}

// phoneCSV is a contact list of three people.
func phoneCSV() []byte {
	return []byte("氏名,電話番号\r\n山田 太郎,03-1234-5678\r\n鈴木 花子,090-2345-6789\r\n田中 一郎,06-6123-4567\r\n")
}

// withFile is a message carrying one attachment.
func withFile(to, name, ctype string, data []byte) []byte {
	return []byte("From: sato@example.co.jp\r\nTo: " + to + "\r\nSubject: list\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" +
		"--b\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nご確認ください。\r\n--b\r\nContent-Type: " + ctype + "\r\nContent-Disposition: attachment; filename=\"" + name +
		"\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + wrap(base64.StdEncoding.EncodeToString(data)) + "\r\n--b--\r\n")
}

func zipOf(name string, data []byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create(name)
	w.Write(data)
	zw.Close()
	return buf.Bytes()
}

// TestPersonalDataDetected sends real attachments through the relay with
// the scanner's detectors wired in, under both personal-data settings.
func TestPersonalDataDetected(t *testing.T) {
	const to = "tanaka@yamada-shoji.co.jp"
	body := "From: sato@example.co.jp\r\nTo: " + to + "\r\nSubject: =?ISO-2022-JP?B?" + base64.StdEncoding.EncodeToString([]byte(iso2022("連絡先"))) +
		"?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n\r\n" +
		iso2022("山田様の電話番号：03-1234-5678\r\n鈴木様の電話番号：090-2345-6789\r\n") + "\r\n"
	cases := []struct {
		name   string
		action mailguard.PersonalAction
		msg    []byte
		refuse bool   // 550 at DATA
		code   string // else the reason it is held for
		people string
	}{
		{"my numbers of 1,001 people, confirm", mailguard.PersonalConfirm, withFile(to, "staff.csv", "text/csv", myNumberCSV(1001)), false, "many_people", "1001"},
		{"my numbers of 1,001 people, refuse: held all the same", mailguard.PersonalRefuse, withFile(to, "staff.csv", "text/csv", myNumberCSV(1001)), false, "many_people", "1001"},
		{"three phone numbers, confirm", mailguard.PersonalConfirm, withFile(to, "contacts.csv", "text/csv", phoneCSV()), false, "personal_data", "3"},
		{"three phone numbers, refuse", mailguard.PersonalRefuse, withFile(to, "contacts.csv", "text/csv", phoneCSV()), true, "", ""},
		{"three phone numbers in a zip", mailguard.PersonalConfirm, withFile(to, "contacts.zip", "application/zip", zipOf("contacts.csv", phoneCSV())), false, "personal_data", "3"},
		{"two phone numbers in an ISO-2022-JP body", mailguard.PersonalConfirm, []byte(body), false, "personal_data", "2"},
	}
	each(t, func(t *testing.T, e store.Engine) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				w := setupWith(t, e, func(s *mailguard.Settings) {
					s.HoldMode, s.LinkAttachments, s.PersonalAction = mailguard.HoldRisky, false, c.action
				}, mailrelay.NewPersonal())
				err := w.send([]string{to}, c.msg)
				all, lerr := w.db.Tenant(w.orgID).MailMessages(context.Background(), store.MailFilter{})
				if lerr != nil {
					t.Fatal(lerr)
				}
				var ms []mailguard.Message // the sender's own, not the hold notice to them
				for _, m := range all {
					if m.From == w.email {
						ms = append(ms, m)
					}
				}
				if c.refuse {
					if smtpCode(err) != 550 || !strings.Contains(err.Error(), "個人データ（3 人分）") {
						t.Fatalf("send = %v, want 550 naming the personal data", err)
					}
					if len(ms) != 0 {
						t.Fatalf("%d messages kept, want none", len(ms))
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if len(ms) != 1 || ms[0].State != mailguard.StateConfirm || len(ms[0].Reasons) == 0 {
					t.Fatalf("messages = %+v, want one waiting for confirmation", ms)
				}
				if r := ms[0].Reasons[0]; r.Code != c.code || r.Args[0] != c.people {
					t.Fatalf("reason = %s %v, want %s %s", r.Code, r.Args, c.code, c.people)
				}
				w.clock.add(48 * time.Hour)
				w.run()
				if got := w.delivered(to); len(got) != 0 {
					t.Fatalf("%d deliveries, want none before confirmation", len(got))
				}
			})
		}
	})
}
