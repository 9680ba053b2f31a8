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

// Pending is a message file written and synced, waiting for Place.
type Pending struct {
	ID  string
	tmp string
}

// Prepare writes data as message id's file and syncs it. Several
// clients' files are prepared at once; Place then syncs the directory
// once for all of them (group commit). The file gets its final name at
// once (no rename): a file whose index row was never committed is what
// the start-up sweep removes (the relay's Recover), whether it is
// complete or not, since its client never heard 250.
func (s Spool) Prepare(id string, data []byte) (Pending, error) {
	if !validID(id) {
		return Pending{}, fmt.Errorf("spool: bad id %q", id)
	}
	tmp, err := os.OpenFile(s.Path(id), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return Pending{}, fmt.Errorf("spool: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return Pending{}, fmt.Errorf("spool: write: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return Pending{}, fmt.Errorf("spool: sync: %w", err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return Pending{}, fmt.Errorf("spool: %w", err)
	}
	return Pending{ID: id, tmp: tmp.Name()}, nil
}

// Place syncs the directory once for prepared files: when it returns nil
// every one of them is durable.
func (s Spool) Place(ps []Pending) error { return syncDir(s.Dir) }

// Discard removes a prepared file that will not be placed.
func (s Spool) Discard(p Pending) { os.Remove(p.tmp) }

// Sweep removes temporary files a crash left behind.
func (s Spool) Sweep() error {
	ents, err := os.ReadDir(s.Dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			os.Remove(filepath.Join(s.Dir, e.Name()))
		}
	}
	return nil
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

// Purge deletes message id's file and every other file of it (sealed
// attachments), for the retention job.
func (s Spool) Purge(id string) error {
	if !validID(id) {
		return nil
	}
	names, err := filepath.Glob(filepath.Join(s.Dir, id+".*"))
	if err != nil {
		return err
	}
	for _, n := range names {
		if err := os.Remove(n); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
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
	return syncDir(dir)
}

func syncDir(dir string) error {
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
