package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/netip"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-smtp"
)

// outboxKeep is how many messages the demo outbox keeps (the newest).
const outboxKeep = 500

// outbox is the demo's stand-in for the mail provider: an SMTP server on
// loopback that accepts every message, writes it as an .eml file into its
// folder and logs one line about it. Only `mamori demo` runs one, so that
// mail the demo company sends through the mail guard lands somewhere a
// person can open it.
type outbox struct {
	dir string
	log *slog.Logger
	srv *smtp.Server
	wg  sync.WaitGroup

	mu  sync.Mutex // orders writes and the pruning after them
	seq int
}

// startOutbox listens on addr (which must be a loopback address) and
// serves until ctx ends; Wait waits for it.
func startOutbox(ctx context.Context, addr, dir string, log *slog.Logger) (*outbox, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if a, ok := ln.Addr().(*net.TCPAddr); !ok || !a.IP.IsLoopback() {
		ln.Close()
		return nil, fmt.Errorf("demo outbox: %s is not a loopback address", addr)
	}
	o := &outbox{dir: dir, log: log.With("component", "demo_outbox")}
	o.srv = smtp.NewServer(o)
	o.srv.Domain = "demo-outbox.localhost"
	o.srv.MaxMessageBytes = 64 << 20
	o.srv.ReadTimeout, o.srv.WriteTimeout = time.Minute, time.Minute
	o.srv.EnableSMTPUTF8 = true
	o.srv.ErrorLog = slog.NewLogLogger(o.log.Handler(), slog.LevelDebug)
	o.wg.Add(2)
	go func() { defer o.wg.Done(); o.srv.Serve(ln) }()
	go func() { defer o.wg.Done(); <-ctx.Done(); o.srv.Close() }()
	o.log.Info("listening", "addr", ln.Addr().String(), "dir", dir)
	return o, nil
}

// Wait waits for the server to stop.
func (o *outbox) Wait() { o.wg.Wait() }

// NewSession refuses anyone not on this machine, whatever the listener.
func (o *outbox) NewSession(c *smtp.Conn) (smtp.Session, error) {
	if a, err := netip.ParseAddrPort(c.Conn().RemoteAddr().String()); err != nil || !a.Addr().Unmap().IsLoopback() {
		return nil, &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "loopback only"}
	}
	return &outboxSession{o: o}, nil
}

type outboxSession struct {
	o    *outbox
	from string
	to   []string
}

func (s *outboxSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *outboxSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *outboxSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	path, err := s.o.write(s.from, s.to, raw)
	if err != nil {
		s.o.log.Error("write message", "error", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "cannot store the message"}
	}
	s.o.log.Info("message delivered", "from", s.from, "to", strings.Join(s.to, ", "), "subject", subjectOf(raw), "file", path)
	return nil
}

func (s *outboxSession) Reset()        { s.from, s.to = "", nil }
func (s *outboxSession) Logout() error { return nil }

// write stores one message as <time>-<seq>.eml, with the envelope in
// X-Demo-Outbox headers before it (the envelope names the Bcc recipients
// that the header no longer does), then keeps only the newest outboxKeep.
// The file appears whole (written aside, then renamed).
func (o *outbox) write(from string, to []string, raw []byte) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.seq++
	var b [4]byte
	rand.Read(b[:])
	name := fmt.Sprintf("%s-%06d-%s.eml", time.Now().UTC().Format("20060102T150405.000000000Z"), o.seq, hex.EncodeToString(b[:]))
	var env strings.Builder
	env.WriteString("X-Demo-Outbox-From: <" + from + ">\r\n")
	for _, a := range to {
		env.WriteString("X-Demo-Outbox-To: <" + a + ">\r\n")
	}
	tmp := filepath.Join(o.dir, "."+name+".tmp")
	if err := os.WriteFile(tmp, append([]byte(env.String()), raw...), 0o600); err != nil {
		return "", err
	}
	path := filepath.Join(o.dir, name)
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return "", err
	}
	return path, o.prune()
}

// prune removes all but the newest outboxKeep messages (names sort by
// time).
func (o *outbox) prune() error {
	ents, err := os.ReadDir(o.dir)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range ents {
		if n := e.Name(); strings.HasSuffix(n, ".eml") && !strings.HasPrefix(n, ".") {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	var errs []error
	for len(names) > outboxKeep {
		errs = append(errs, os.Remove(filepath.Join(o.dir, names[0])))
		names = names[1:]
	}
	return errors.Join(errs...)
}

// subjectOf returns a message's Subject, decoded (encoded words in any
// charset Japanese mail uses), or "" when it has none.
func subjectOf(raw []byte) string {
	h, err := textproto.NewReader(bufio.NewReader(strings.NewReader(string(raw)))).ReadMIMEHeader()
	if err != nil && len(h) == 0 {
		return ""
	}
	s := h.Get("Subject")
	d := mime.WordDecoder{CharsetReader: charset.Reader}
	if dec, err := d.DecodeHeader(s); err == nil {
		return dec
	}
	return s
}
