package mailrelay

import (
	"bytes"
	"context"
	"io"

	"github.com/mamori-sec/mamori/internal/pii"
	"github.com/mamori-sec/mamori/internal/scan"
)

// Personal finds personal data in a message's parts with the scanner's
// detectors (internal/pii): a body as the text it is (go-message has
// already decoded its charset), an attachment through the scanner's
// extractors when its format needs one (xlsx, docx, pptx, PDF, zip; CSV
// in Shift_JIS or UTF-16). People is the distinct-value estimate: the
// largest number of different values of one personal kind in a file
// (one person has a phone number and an address); the members of an
// archive add up.
type Personal struct {
	s *scan.Scanner
}

// maxPersonalBytes bounds what one part may decompress to (a zip bomb
// in an attachment is cut off there, and what was read still counts).
const maxPersonalBytes = 256 << 20

// NewPersonal returns the detector the relay's Config.PersonalData takes.
func NewPersonal() *Personal {
	return &Personal{s: scan.New(scan.Options{Workers: 1, MaxArchiveBytes: maxPersonalBytes, MemoryBudget: 64 << 20})}
}

// Check implements mailguard.PersonalData. A body part has no name; it
// is read as text.
func (p *Personal) Check(name string, r io.Reader) (int, []string, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return 0, nil, err
	}
	if name == "" {
		name = "body.txt"
	}
	f := p.s.Reader(context.Background(), name, bytes.NewReader(b), int64(len(b)))
	kinds := map[pii.Kind]bool{}
	people := countPeople(f, kinds)
	var keys []string
	for _, k := range pii.Kinds {
		if kinds[k] {
			keys = append(keys, "scan.kind."+string(k))
		}
	}
	return people, keys, nil
}

// countPeople is the file's estimate (an archive's already holds its
// members', added up); kinds collects the personal kinds found.
func countPeople(f scan.File, kinds map[pii.Kind]bool) int {
	most := 0
	for k, n := range f.Counts {
		if n == 0 || !k.Personal() {
			continue
		}
		kinds[k] = true
		d := f.Distinct[k]
		if d == 0 {
			d = n
		}
		most = max(most, d)
	}
	return most
}
