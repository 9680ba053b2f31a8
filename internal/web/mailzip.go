package web

import (
	"context"

	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/store"
)

// fillMyZips attaches to the sender's own messages the password zips they
// went as, with the passwords opened: the sender passes each on by phone.
// Only the member's own messages are read (SenderMailZips), so no one else
// sees a password.
func (s *Server) fillMyZips(ctx context.Context, t store.Tenant, userID int64, mail []mailView) error {
	zips, err := t.SenderMailZips(ctx, userID, 200)
	if err != nil || len(zips) == 0 {
		return err
	}
	at := make(map[string]int, len(mail))
	for i, v := range mail {
		at[v.ID] = i
	}
	for _, z := range zips {
		i, ok := at[z.MessageID]
		if !ok || z.PasswordSealed == "" { // cleared with the files after retention
			continue
		}
		pw, err := s.Box.Open(z.PasswordSealed, mailguard.ZipSealContext(z.MessageID, z.Rcpt))
		if err != nil {
			return err
		}
		z.Password = string(pw)
		mail[i].Zips = append(mail[i].Zips, z)
	}
	return nil
}
