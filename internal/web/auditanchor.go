package web

import (
	"errors"
	"net/http"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/store"
)

// anchorView is the audit chain's head as the audit page shows it: the
// value an owner copies or downloads and keeps outside mamori, so that a
// later removal or rewrite of entries up to it can be detected
// (`mamori audit verify --anchor`).
type anchorView struct {
	Seq   string // grouped digits, as people read it
	Short string // first characters of the hash
	Line  string // the whole anchor line, as the download holds it
}

// auditAnchorView signs the head now; nil when there is nothing to show
// (an empty chain, or a store without the key, as in some tests).
func (s *Server) auditAnchorView(r *http.Request) (*anchorView, error) {
	a, err := s.DB.AuditAnchor(r.Context())
	if errors.Is(err, store.ErrNoAuditKey) || (err == nil && a.Seq == 0) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &anchorView{
		Seq:   message.NewPrinter(language.English).Sprint(a.Seq),
		Short: a.Hash[:12],
		Line:  a.AnchorLine(),
	}, nil
}

// auditAnchor downloads the anchor as a one-line text file.
func (s *Server) auditAnchor(w http.ResponseWriter, r *http.Request) {
	a, err := s.DB.AuditAnchor(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if a.Seq == 0 {
		s.fail(w, r, store.ErrNoAuditKey)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="mamori-audit-anchor-`+a.At.In(calendar.Japan).Format("20060102-150405")+`.txt"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte(a.AnchorLine() + "\n"))
}
