// Package nearmiss is the blame-free near-miss channel (ヒヤリハット): the
// kinds of near miss, what a report holds and how it is checked, the
// keeper's triage, the receipt code an anonymous reporter reads the reply
// with, and the limits that keep the public link from being flooded or
// its codes guessed. It holds the rules only; the store keeps what they
// decide.
package nearmiss

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mamori-sec/mamori/internal/problem"
)

// Category is the kind of near miss, from the seeds' everyday leaks.
type Category string

// The categories, in the form's order.
const (
	MisSend         Category = "mis_send"         // 誤送信
	WrongAttachment Category = "wrong_attachment" // 添付ファイルの取り違え
	ShareSetting    Category = "share_setting"    // 共有設定
	LostItem        Category = "lost_item"        // 紛失・置き忘れ
	SuspiciousMail  Category = "suspicious_mail"  // 不審メールを開いた・クリックした
	Tailgating      Category = "tailgating"       // 共連れ
	Other           Category = "other"
)

// Categories lists every category in display order.
var Categories = []Category{MisSend, WrongAttachment, ShareSetting, LostItem, SuspiciousMail, Tailgating, Other}

// Valid reports whether c is a known category.
func (c Category) Valid() bool {
	for _, x := range Categories {
		if c == x {
			return true
		}
	}
	return false
}

// Label is the catalogue key of the category's name.
func (c Category) Label() string { return "nearmiss.cat." + string(c) }

// Triage is what the keeper made of a report.
type Triage string

// The triage states. Thanks, Lesson, Action and Escalated are the
// keeper's answers; New is a report nobody has answered yet.
const (
	New       Triage = "new"
	Thanks    Triage = "thanks"    // noted with thanks
	Lesson    Triage = "lesson"    // a lesson for everyone (the monthly note)
	Action    Triage = "action"    // something to change
	Escalated Triage = "escalated" // handled as an incident
)

// Triages lists the keeper's answers in the form's order.
var Triages = []Triage{Thanks, Lesson, Action, Escalated}

// Valid reports whether t is one of the keeper's answers.
func (t Triage) Valid() bool {
	for _, x := range Triages {
		if t == x {
			return true
		}
	}
	return false
}

// Label is the catalogue key of the state's name.
func (t Triage) Label() string { return "nearmiss.triage." + string(t) }

// Limits on what one report holds, in characters.
const (
	MaxText = 2000 // each free-text field
	MaxNote = 2000 // a note added later, a reply, a lesson
)

// Report is what a person tells. Who told it is not part of it.
type Report struct {
	Category   Category
	Happened   string // what happened
	Almost     string // what almost happened
	Suggestion string
}

// Check trims the report's text and refuses an empty or oversized one;
// the refusal names the field.
func (r *Report) Check() error {
	if !r.Category.Valid() {
		return problem.Field("category", "nearmiss.category_required")
	}
	for _, f := range []struct {
		name string
		v    *string
		req  bool
	}{{"happened", &r.Happened, true}, {"almost", &r.Almost, false}, {"suggestion", &r.Suggestion, false}} {
		*f.v = strings.TrimSpace(*f.v)
		if err := CheckText(f.name, *f.v, MaxText, f.req); err != nil {
			return err
		}
	}
	return nil
}

// CheckText refuses text that is required and blank, longer than max
// characters, not UTF-8, or holding control characters other than line
// breaks and tabs.
func CheckText(field, v string, max int, required bool) error {
	switch {
	case required && v == "":
		return problem.Field(field, "nearmiss.text_required")
	case !utf8.ValidString(v):
		return problem.Field(field, "nearmiss.text_invalid")
	case utf8.RuneCountInString(v) > max:
		return problem.Field(field, "nearmiss.text_too_long", max)
	}
	for _, r := range v {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return problem.Field(field, "nearmiss.text_invalid")
		}
	}
	return nil
}

// receiptAlphabet is Crockford's base32: 32 symbols without I, L, O and
// U, so a code read aloud or copied from paper is typed right; 256 % 32
// == 0, so drawing from random bytes has no bias.
const receiptAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// receiptSymbols is the code's length: 20 symbols of 5 bits, 100 bits.
const receiptSymbols = 20

// NewReceipt draws a receipt code, grouped by four for reading, and the
// hash that is kept in its place.
func NewReceipt() (code, hash string) {
	b := make([]byte, receiptSymbols)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	var sb strings.Builder
	for i, x := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(receiptAlphabet[int(x)%32])
	}
	code = sb.String()
	return code, HashReceipt(code)
}

// NormaliseReceipt reads a code as typed: full-width characters, case,
// spaces and hyphens do not matter, and O, I and L are read as the digits
// they look like.
func NormaliseReceipt(s string) string {
	var sb strings.Builder
	for _, r := range s {
		switch {
		case r >= 'Ａ' && r <= 'Ｚ':
			r = r - 'Ａ' + 'A'
		case r >= 'ａ' && r <= 'ｚ':
			r = r - 'ａ' + 'a'
		case r >= '０' && r <= '９':
			r = r - '０' + '0'
		}
		r = unicode.ToUpper(r)
		switch r {
		case '-', ' ', '　', '－', '‐', 'ー':
			continue
		case 'O':
			r = '0'
		case 'I', 'L':
			r = '1'
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// HashReceipt is what the store keeps of a code: the SHA-256 of its
// normalised form, in hex. A code of the wrong length hashes to nothing.
func HashReceipt(code string) string {
	n := NormaliseReceipt(code)
	if len(n) != receiptSymbols || strings.Trim(n, receiptAlphabet) != "" {
		return ""
	}
	sum := sha256.Sum256([]byte("mamori near-miss receipt\x00" + n))
	return hex.EncodeToString(sum[:])
}

// SameReceipt compares a stored hash with a typed code's, in constant
// time; an empty hash matches nothing.
func SameReceipt(stored, typed string) bool {
	if stored == "" || typed == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(stored), []byte(typed)) == 1
}
