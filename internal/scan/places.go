package scan

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/pii"
)

// Into the map: what a scan leaves in an organisation's records. A run's
// files become Entries (never the values: counts, a masked sample, an
// estimate of people, and what identifies the file's version — size,
// modification time, SHA-256); the entries holding personal data are
// grouped by folder into Places, each a proposal for the ledger; a re-scan
// is compared with the last run by Compare. Pure functions: the store only
// keeps what they decide.

// Source says how a run was started.
type Source string

// The sources of a run.
const (
	FromCLI       Source = "cli"
	FromFolder    Source = "folder"
	FromUpload    Source = "upload"
	FromScheduled Source = "scheduled"
)

// Valid reports a known source.
func (s Source) Valid() bool {
	switch s {
	case FromCLI, FromFolder, FromUpload, FromScheduled:
		return true
	}
	return false
}

// Entry is one file as a run records it.
type Entry struct {
	Path      string
	Size      int64
	ModTime   time.Time // zero for an archive member or an upload
	Hash      string    // hex SHA-256 of the file, "" when not known (members)
	Counts    pii.Counts
	Sensitive bool
	People    int                 // estimated distinct people (see PeopleOf)
	Samples   map[pii.Kind]string // masked samples only
	Error     Reason
}

// Found reports whether the entry holds personal data.
func (e *Entry) Found() bool { return pii.Result{Counts: e.Counts}.Found() }

// PeopleOf estimates how many people a file concerns: the largest number of
// different values of one personal kind (120 different e-mail addresses
// are about 120 people; a list of 120 people with phone and e-mail is not
// 240). A floor, not a census: two files may hold the same people.
func PeopleOf(counts pii.Counts, distinct map[pii.Kind]int) int {
	n := 0
	for k, c := range counts {
		if !k.Personal() || c == 0 {
			continue
		}
		d, ok := distinct[k]
		if !ok {
			d = c
		}
		n = max(n, d)
	}
	return n
}

// Stat gives what identifies a file's version on disk; Entries calls it
// for each top-level file.
type Stat func(path string) (size int64, mod time.Time, hash string)

// DiskStat reads a file's size, modification time and SHA-256.
func DiskStat(path string) (int64, time.Time, string) {
	f, err := os.Open(path)
	if err != nil {
		return 0, time.Time{}, ""
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, time.Time{}, ""
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return fi.Size(), fi.ModTime().UTC(), ""
	}
	return fi.Size(), fi.ModTime().UTC(), hex.EncodeToString(h.Sum(nil))
}

// Entries flattens a report into the entries a run records: each file, or
// for an archive each member (an archive's own entry is kept only when it
// could not be read itself). stat, if not nil, gives the top-level files'
// size, time and hash.
func Entries(rep *Report, stat Stat) []Entry {
	var out []Entry
	var walk func(f *File, top bool)
	walk = func(f *File, top bool) {
		if len(f.Members) > 0 {
			if f.Error != "" {
				out = append(out, entryOf(f))
			}
			for i := range f.Members {
				walk(&f.Members[i], false)
			}
			return
		}
		e := entryOf(f)
		if top && stat != nil && f.Error != Missing && f.Error != Permission {
			size, mod, hash := stat(f.Path)
			e.ModTime, e.Hash = mod, hash
			if size > 0 {
				e.Size = size
			}
		}
		out = append(out, e)
	}
	for i := range rep.Files {
		walk(&rep.Files[i], true)
	}
	return out
}

func entryOf(f *File) Entry {
	e := Entry{Path: f.Path, Size: f.Bytes, Counts: pii.Counts{}, Sensitive: f.Sensitive, Error: f.Error,
		People: PeopleOf(f.Counts, f.Distinct)}
	for k, v := range f.Counts {
		if v > 0 {
			e.Counts[k] = v
		}
	}
	if len(f.Samples) > 0 {
		e.Samples = map[pii.Kind]string{}
		for k, s := range f.Samples {
			if e.Counts[k] > 0 {
				e.Samples[k] = s
			}
		}
	}
	return e
}

// Place is a folder holding personal data: what a run proposes to record
// on an information asset.
type Place struct {
	Folder    string
	Counts    pii.Counts
	Sensitive bool
	People    int // the largest estimate of its files
	Files     int // files with personal data
	Samples   map[pii.Kind]string
	// Paths are the files with personal data, for matching shares.
	Paths []string
}

// MyNumber reports whether the place holds My Numbers.
func (p *Place) MyNumber() bool { return p.Counts[pii.MyNumber] > 0 }

// FolderOf is the folder of a path: the part before its last separator (/
// or \, or ! for an archive's member), or the path itself when it has none.
func FolderOf(path string) string {
	i := strings.LastIndexAny(path, `/\!`)
	if i <= 0 {
		return path
	}
	if path[i] == '!' { // a member at the archive's top: the archive
		return path[:i]
	}
	return path[:i]
}

// Places groups the entries holding personal data by folder, sorted by
// folder.
func Places(entries []Entry) []Place {
	by := map[string]*Place{}
	for i := range entries {
		e := &entries[i]
		if !e.Found() {
			continue
		}
		dir := FolderOf(e.Path)
		p := by[dir]
		if p == nil {
			p = &Place{Folder: dir, Counts: pii.Counts{}, Samples: map[pii.Kind]string{}}
			by[dir] = p
		}
		p.Counts.Add(e.Counts)
		p.Sensitive = p.Sensitive || e.Sensitive
		p.People = max(p.People, e.People)
		p.Files++
		p.Paths = append(p.Paths, e.Path)
		for k, s := range e.Samples {
			if _, ok := p.Samples[k]; !ok {
				p.Samples[k] = s
			}
		}
	}
	out := make([]Place, 0, len(by))
	for _, p := range by {
		sort.Strings(p.Paths)
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Folder < out[j].Folder })
	return out
}

// Changes is what a re-scan found different from the run before it.
type Changes struct {
	NewPlaces     []string // folders holding personal data now, not before
	GrownPlaces   []string // folders whose counts of some kind grew
	RemovedPlaces []string // folders that held personal data and hold none now
	ChangedFiles  int      // files whose size, time or content changed
	NewFiles      int
	RemovedFiles  int
}

// Empty reports a re-scan that found nothing different.
func (c Changes) Empty() bool {
	return len(c.NewPlaces) == 0 && len(c.GrownPlaces) == 0 && len(c.RemovedPlaces) == 0 &&
		c.ChangedFiles == 0 && c.NewFiles == 0 && c.RemovedFiles == 0
}

// Same reports whether two entries are the same version of a file: same
// size and modification time, then — since a copy can keep its time, and a
// tool can rewrite a file to the same length — the same content hash when
// both have one. Members (no time, no hash) compare by size and counts.
func Same(a, b *Entry) bool {
	if a.Size != b.Size || !a.ModTime.Equal(b.ModTime) {
		return false
	}
	if a.Hash != "" && b.Hash != "" {
		return a.Hash == b.Hash
	}
	return countsEqual(a.Counts, b.Counts)
}

func countsEqual(a, b pii.Counts) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

// Compare reports what changed from the entries of the last run (before)
// to this one (after).
func Compare(before, after []Entry) Changes {
	var c Changes
	old := make(map[string]*Entry, len(before))
	for i := range before {
		old[before[i].Path] = &before[i]
	}
	seen := make(map[string]bool, len(after))
	for i := range after {
		e := &after[i]
		seen[e.Path] = true
		switch o := old[e.Path]; {
		case o == nil:
			c.NewFiles++
		case !Same(o, e):
			c.ChangedFiles++
		}
	}
	for i := range before {
		if !seen[before[i].Path] {
			c.RemovedFiles++
		}
	}
	pb, pa := map[string]Place{}, map[string]Place{}
	for _, p := range Places(before) {
		pb[p.Folder] = p
	}
	for _, p := range Places(after) {
		pa[p.Folder] = p
	}
	for _, p := range Places(after) {
		o, ok := pb[p.Folder]
		if !ok {
			c.NewPlaces = append(c.NewPlaces, p.Folder)
			continue
		}
		for k, v := range p.Counts {
			if v > o.Counts[k] {
				c.GrownPlaces = append(c.GrownPlaces, p.Folder)
				break
			}
		}
	}
	for _, p := range Places(before) {
		if _, ok := pa[p.Folder]; !ok {
			c.RemovedPlaces = append(c.RemovedPlaces, p.Folder)
		}
	}
	return c
}

// TrimArchive writes the members of an uploaded archive relative to it:
// "export.zip!経理/給与.csv" becomes "経理/給与.csv", so that the folders
// are the ones the archive was made from.
func TrimArchive(es []Entry, name string) []Entry {
	for i := range es {
		if rest, ok := strings.CutPrefix(es[i].Path, name+"!"); ok {
			es[i].Path = rest
		}
	}
	return es
}
