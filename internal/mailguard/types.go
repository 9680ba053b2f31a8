package mailguard

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"strings"
	"time"
)

// Settings are an organisation's mail guard settings as stored.
type Settings struct {
	Enabled bool
	Policy
	LinkDays int
	// Approval lists the reason codes an approver (or their deputy) must
	// release; the sender may only cancel such mail.
	Approval   []string
	ApproverID int64
	DeputyID   int64
	Smarthost  Smarthost
	// LinkCode: download links ask for a one-time code per recipient,
	// which the sender passes on by phone.
	LinkCode bool
	// RetentionDays is how long after its final state a message's spool
	// file and sealed attachments are kept (never while a link works).
	RetentionDays int
}

// ZipFor reports whether mail to addr carries its attachments as a
// password zip (addr's domain, or a parent of it, is in ZipDomains).
func (s Settings) ZipFor(addr string) bool { return domainIn(Domain(addr), s.ZipDomains) }

// ZipSealContext binds a zip password to its message and recipient.
func ZipSealContext(messageID, rcpt string) string {
	return "mailguard-zip:" + messageID + ":" + rcpt
}

// Zip is the password zip one recipient got instead of the attachments.
type Zip struct {
	MessageID string
	Rcpt      string
	OrgID     int64
	FileName  string
	Files     int // attachments inside
	Size      int // bytes of the zip
	// PasswordSealed is the zip's password, sealed (ZipSealContext).
	PasswordSealed string
	CreatedAt      time.Time
	Password       string // opened for the sender's page only
}

// DefaultSettings are the settings before the company changes anything.
var DefaultSettings = Settings{Policy: DefaultPolicy, LinkDays: 7, Smarthost: Smarthost{Port: 587, StartTLS: true}, RetentionDays: 30}

// Smarthost is the provider's relay that mail leaves through. Secret is
// the password sealed at rest (SealContext).
type Smarthost struct {
	Host     string
	Port     int
	StartTLS bool
	Username string
	Secret   string
}

// SealContext binds a smarthost password to its organisation.
func SealContext(orgID int64) string { return "mailguard:" + itoa(int(orgID)) }

// FileSealContext binds a sealed attachment to its message and place.
func FileSealContext(messageID string, i int) string {
	return "mailguard-file:" + messageID + ":" + itoa(i)
}

// NeedsApproval reports whether one of the reasons must be released by
// the approver.
func (s Settings) NeedsApproval(rs []Reason) bool {
	for _, r := range rs {
		for _, c := range s.Approval {
			if r.Code == c {
				return true
			}
		}
	}
	return false
}

// The message states.
const (
	StateHeld      = "held"      // leaves at ReleaseAt unless cancelled
	StateConfirm   = "confirm"   // waits for the sender or an approver
	StateReleased  = "released"  // leaves now
	StateSending   = "sending"   // being relayed
	StateDone      = "done"      // every recipient dealt with
	StateCancelled = "cancelled" // stopped before it left
)

// The recipient states.
const (
	RcptWaiting   = "waiting"
	RcptSending   = "sending"
	RcptSent      = "sent"
	RcptFailed    = "failed"
	RcptCancelled = "cancelled"
	RcptUnsure    = "unsure" // a crash came while it was being relayed
)

// Message is one accepted message as the index keeps it.
type Message struct {
	ID            string
	OrgID, UserID int64
	From          string
	Subject       string
	Recipients    []string // envelope recipients
	Attachments   []Attachment
	Size          int
	State         string
	Reasons       []Reason
	Bcc, Split    bool
	Links         bool
	NeedsApproval bool
	ReleaseAt     time.Time
	CreatedAt     time.Time
	DecidedAt     time.Time
	DecidedBy     int64
	SenderName    string // filled by lists
}

// Pending reports whether the message can still be cancelled.
func (m Message) Pending() bool { return m.State == StateHeld || m.State == StateConfirm }

// Rcpt is one recipient's relay record.
type Rcpt struct {
	MessageID string
	Addr      string
	External  bool
	State     string
	Attempts  int
	Error     string
	SentAt    time.Time
}

// AppPassword is a password a mail client signs in to the relay with.
type AppPassword struct {
	ID         int64
	UserID     int64
	UserEmail  string
	Label      string
	CreatedAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// NewAppPassword returns a fresh app password and the hash the store
// keeps: 120 random bits, in groups people can type.
func NewAppPassword() (password, hash string) {
	b := make([]byte, 15)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	s := strings.ToLower(base32.StdEncoding.EncodeToString(b))
	password = s[:6] + "-" + s[6:12] + "-" + s[12:18] + "-" + s[18:]
	return password, HashSecret(password)
}

// HashSecret is the stored form of an app password or a link token: both
// carry at least 120 random bits, so SHA-256 suffices where a password a
// person chose would need argon2id.
func HashSecret(s string) string {
	h := sha256.Sum256([]byte(strings.TrimSpace(s)))
	return hex.EncodeToString(h[:])
}

// NewToken returns a link token (URL-safe) and its hash.
func NewToken() (token, hash string) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	token = strings.ToLower(strings.TrimRight(base32.StdEncoding.EncodeToString(b), "="))
	return token, HashSecret(token)
}

// Link is one recipient's download link for one file.
type Link struct {
	ID        int64
	OrgID     int64
	MessageID string
	Rcpt      string
	FileIndex int
	FileName  string
	Size      int
	ExpiresAt time.Time
	RevokedAt time.Time
	CreatedAt time.Time
	Downloads []Download
	// CodeSealed is the recipient's one-time code, sealed
	// (CodeSealContext); empty when the link needs none.
	CodeSealed string
	// CodeFails counts the wrong codes tried on the recipient's links.
	CodeFails int
}

// MaxCodeFails is how many wrong codes stop a recipient's links.
const MaxCodeFails = 5

// Usable reports whether the link may still be used at now.
func (l Link) Usable(now time.Time) bool {
	return l.RevokedAt.IsZero() && now.Before(l.ExpiresAt) && l.CodeFails < MaxCodeFails
}

// CodeSealContext binds a one-time code to its message and recipient.
func CodeSealContext(messageID, rcpt string) string {
	return "mailguard-code:" + messageID + ":" + rcpt
}

// NewCode returns a one-time code: 8 digits, easy to read out on the
// phone; with 5 tries it is guessed once in 20 million.
func NewCode() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	out := make([]byte, 8)
	for i, c := range b {
		out[i] = '0' + c%10 // 256 = 25×10 + 6: a bias of under 3 %, harmless for 5 tries
	}
	return string(out)
}

// Download is one use of a link.
type Download struct {
	LinkID    int64
	FileName  string
	Rcpt      string
	At        time.Time
	Addr      string
	UserAgent string
}

// Day is one day's counts for the dashboard.
type Day struct {
	Held, Cancelled, Bcc, Downloads int
}

// MayApprove reports whether a user may release mail that needs
// approval: the approver, their deputy.
func (s Settings) MayApprove(userID int64) bool {
	return userID != 0 && (userID == s.ApproverID || userID == s.DeputyID)
}
