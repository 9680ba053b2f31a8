package notify

import (
	"net/mail"
	"strconv"
	"strings"

	"github.com/mamori-sec/mamori/internal/problem"
)

// Channel is one channel of an organisation as kept: who may be reached
// and how. Secret is sealed (the SMTP password, the webhook URL, or the
// API token); it is opened only by the job that sends.
type Channel struct {
	Kind     Kind
	Enabled  bool
	Host     string // smarthost
	Port     int
	StartTLS bool
	Username string
	Sender   string // the From address of e-mail
	Room     string // Chatwork room id; LINE WORKS channel id
	Bot      string // LINE WORKS bot id
	Secret   string // sealed; "" when none is set
}

// SealContext binds a channel's sealed secret to its organisation and
// kind, so a value copied to another row does not open.
func SealContext(orgID int64, k Kind) string {
	return "notify:" + strconv.FormatInt(orgID, 10) + ":" + string(k)
}

// Check refuses settings that cannot work once enabled. A disabled
// channel may be incomplete (the owner fills it in over time).
func (c Channel) Check() error {
	if !c.Kind.Valid() {
		return problem.Field("kind", "notify.kind_invalid")
	}
	if !c.Enabled {
		return nil
	}
	switch c.Kind {
	case Email:
		if strings.TrimSpace(c.Host) == "" {
			return problem.Field("host", "notify.host_required")
		}
		if c.Port < 1 || c.Port > 65535 {
			return problem.Field("port", "notify.port_invalid")
		}
		if _, err := mail.ParseAddress(c.Sender); err != nil {
			return problem.Field("sender", "notify.sender_invalid")
		}
		if c.Username != "" && !c.StartTLS {
			return problem.Field("starttls", "notify.starttls_required")
		}
	case Chatwork:
		if c.Room == "" {
			return problem.Field("room", "notify.room_required")
		}
	case LineWorks:
		if c.Room == "" || c.Bot == "" {
			return problem.Field("room", "notify.room_required")
		}
	}
	if c.Kind != Email && c.Secret == "" {
		return problem.Field("secret", "notify.secret_required")
	}
	return nil
}

// CheckWebhook refuses a webhook URL that is not absolute HTTPS (plain
// HTTP is allowed on loopback, for a local test receiver).
func CheckWebhook(raw string) error {
	if checkURL(raw) != nil {
		return problem.Field("secret", "notify.webhook_invalid")
	}
	if strings.HasPrefix(raw, "http://") && !strings.HasPrefix(raw, "http://127.0.0.1") && !strings.HasPrefix(raw, "http://localhost") {
		return problem.Field("secret", "notify.webhook_invalid")
	}
	return nil
}

// Prefs are one user's wishes: the channel kinds that reach them and
// their hours.
type Prefs struct {
	Kinds []Kind
	Hours Hours
}

// DefaultPrefs apply to a user who has set nothing: e-mail, 9:00–18:00.
var DefaultPrefs = Prefs{Kinds: []Kind{Email}, Hours: DefaultHours}

// Wants reports whether k reaches the user.
func (p Prefs) Wants(k Kind) bool {
	for _, x := range p.Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Check refuses unknown kinds and empty hours.
func (p Prefs) Check() error {
	for _, k := range p.Kinds {
		if !k.Valid() {
			return problem.Field("channels", "notify.kind_invalid")
		}
	}
	if !p.Hours.Valid() {
		return problem.Field("start", "notify.hours_invalid")
	}
	return nil
}
