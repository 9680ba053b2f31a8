package mailguard

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Spool is the directory accepted messages live in until every recipient
// has them: one file per message, named by its id. A file is complete and
// on disk (file and directory synced) before Write returns, so the relay
// answers 250 only for a message a crash cannot take away (RFC 5321 §6.1).
type Spool struct {
	Dir string
}

// NewID returns a fresh message id: 16 random bytes in hex.
func NewID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b)
}

func validID(id string) bool {
	if len(id) != 32 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil && strings.ToLower(id) == id
}

// Path is where a message's file lives.
func (s Spool) Path(id string) string { return filepath.Join(s.Dir, id+".eml") }

// Open makes the directory.
func (s Spool) Open() error { return os.MkdirAll(s.Dir, 0o700) }

// Write stores data as message id durably: a temporary file, synced,
// renamed into place, and the directory synced.
func (s Spool) Write(id string, data []byte) error {
	if !validID(id) {
		return fmt.Errorf("spool: bad id %q", id)
	}
	return writeDurable(s.Dir, id+".eml", data)
}

// WriteAux stores another file of a message (a sealed attachment) the
// same way, named id.suffix.
func (s Spool) WriteAux(id, suffix string, data []byte) error {
	if !validID(id) || strings.ContainsAny(suffix, "/\\.") {
		return fmt.Errorf("spool: bad name %q.%q", id, suffix)
	}
	return writeDurable(s.Dir, id+"."+suffix, data)
}

// ReadAux reads a file written by WriteAux.
func (s Spool) ReadAux(id, suffix string) ([]byte, error) {
	if !validID(id) || strings.ContainsAny(suffix, "/\\.") {
		return nil, os.ErrNotExist
	}
	return os.ReadFile(filepath.Join(s.Dir, id+"."+suffix))
}

// Read returns message id.
func (s Spool) Read(id string) ([]byte, error) {
	if !validID(id) {
		return nil, os.ErrNotExist
	}
	return os.ReadFile(s.Path(id))
}

// Remove deletes message id's file (its attachments stay while links
// may still be used).
func (s Spool) Remove(id string) error {
	if !validID(id) {
		return nil
	}
	err := os.Remove(s.Path(id))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// IDs lists the messages in the spool, for the start-up sweep of files
// whose client never heard 250.
func (s Spool) IDs() ([]string, error) {
	ents, err := os.ReadDir(s.Dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if id, ok := strings.CutSuffix(e.Name(), ".eml"); ok && validID(id) {
			out = append(out, id)
		}
	}
	return out, nil
}

func writeDurable(dir, name string, data []byte) error {
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("spool: write: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("spool: sync: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("spool: rename: %w", err)
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("spool: sync dir: %w", err)
	}
	return nil
}
