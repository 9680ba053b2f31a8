package incident

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// Export is an incident with its timeline and evidence files, as the
// export download gives it and `mamori incident verify FILE` reads it.
type Export struct {
	Org      string  `json:"org"`
	Incident int64   `json:"incident"`
	Title    string  `json:"title"`
	Type     Type    `json:"type"`
	Drill    bool    `json:"drill"`
	Entries  []Entry `json:"entries"`
	// Audited is the hash the audit trail holds for each entry, by its
	// sequence number.
	Audited map[string]string `json:"audited"`
	// Evidence lists the files: their bytes (base64) inline, or in a
	// file beside the export (File, relative to it).
	Evidence []ExportedEvidence `json:"evidence"`
}

// ExportedEvidence is one evidence file of an export.
type ExportedEvidence struct {
	Seq    int64  `json:"seq"`
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Data   []byte `json:"data,omitempty"`
	File   string `json:"file,omitempty"`
}

// VerifyExport checks an export: the chain, each entry against the hash
// the audit trail held, and each evidence file (read with read when it is
// a file beside the export) against the SHA-256 its entry recorded. It
// returns a *Broken naming the first entry that fails, and the file.
func VerifyExport(ex Export, read func(name string) ([]byte, error)) error {
	audited := map[int64]string{}
	for k, v := range ex.Audited {
		n, err := strconv.ParseInt(k, 10, 64)
		if err != nil {
			return &Broken{Seq: 0, Reason: "audit"}
		}
		audited[n] = v
	}
	if err := Verify(ex.Incident, ex.Entries, audited); err != nil {
		return err
	}
	want := map[int64]string{}
	for _, e := range ex.Entries {
		if e.Kind == Evidence {
			want[e.Seq] = e.SHA256
		}
	}
	for _, f := range ex.Evidence {
		data := f.Data
		name := f.Name
		if f.File != "" {
			name = f.File
			var err error
			if data, err = read(f.File); err != nil {
				return &Broken{Seq: f.Seq, Reason: "file", File: name}
			}
		}
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != want[f.Seq] {
			return &Broken{Seq: f.Seq, Reason: "file", File: name}
		}
		delete(want, f.Seq)
	}
	for _, e := range ex.Entries {
		if _, missing := want[e.Seq]; missing {
			return &Broken{Seq: e.Seq, Reason: "file"}
		}
	}
	return nil
}
