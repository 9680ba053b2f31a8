package mailrelay

import (
	"context"
	"strconv"

	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/seal"
	"github.com/mamori-sec/mamori/internal/store"
)

// Fetch opens the file behind a download link and logs the download (time,
// address, user agent): the keeper can later tell whether a wrong
// recipient ever opened it. An expired or revoked link is not found; its
// attempt is not logged as a download.
func Fetch(ctx context.Context, db *store.DB, box *seal.Box, spoolDir, token, code, addr, userAgent string) (mailguard.Link, []byte, error) {
	l, err := db.MailLinkByToken(ctx, token)
	if err != nil {
		return l, nil, err
	}
	if !l.Usable(db.Now()) {
		return l, nil, problem.New(problem.NotFound, "mailguard.link_gone")
	}
	if err := checkCode(ctx, db, box, l, code); err != nil {
		return l, nil, err
	}
	sealed, err := mailguard.Spool{Dir: spoolDir}.ReadAux(l.MessageID, "f"+strconv.Itoa(l.FileIndex))
	if err != nil {
		return l, nil, err
	}
	data, err := box.OpenBytes(sealed, mailguard.FileSealContext(l.MessageID, l.FileIndex))
	if err != nil {
		return l, nil, err
	}
	if err := db.RecordMailDownload(ctx, l, addr, userAgent); err != nil {
		return l, nil, err
	}
	return l, data, nil
}
