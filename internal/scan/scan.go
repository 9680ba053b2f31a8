// Package scan finds where personal data lives in folders, files and
// archives: it walks paths, extracts the text of each file (txt, csv/tsv,
// xlsx, docx, pptx, pdf, eml, zip archives nested within limits; UTF-8 with
// or without BOM, UTF-16 and CP932 detected per file), runs the detectors
// of package pii over it in parallel workers, and reports per file what was
// found — or, for a file it could not read, why (encrypted, corrupt,
// permission denied, symlink loop, changed during the scan, zip bomb…),
// without stopping.
//
// Members of an archive are reported under the archive's path
// ("archive.zip!inner/file.txt") and counted into it. Memory stays bounded
// whatever the files' sizes: text streams through the detectors, and the
// few things that must be held whole (a nested archive, an xlsx's shared
// strings) draw on one budget shared by the workers.
package scan

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/mamori-sec/mamori/internal/pii"
)

// Reason says why a file, or part of it, could not be read. Its value is
// the JSON value and the last part of the catalogue key scan.reason.*.
type Reason string

// The reasons.
const (
	Encrypted   Reason = "encrypted"
	Corrupt     Reason = "corrupt"
	Permission  Reason = "permission"
	SymlinkLoop Reason = "symlink_loop"
	Changed     Reason = "changed"
	ZipBomb     Reason = "zip_bomb"
	TooDeep     Reason = "too_deep"
	TooLarge    Reason = "too_large"
	Legacy      Reason = "legacy_format"
	NoText      Reason = "no_text"
	Missing     Reason = "not_found"
	ReadError   Reason = "read_error"
)

// Options bound the work.
type Options struct {
	// Workers scanning files at once; 0 means GOMAXPROCS.
	Workers int
	// MaxDepth is how deep archives may nest (a zip in a zip is depth 2).
	MaxDepth int
	// MaxArchiveBytes bounds the bytes decompressed from one top-level
	// archive, all members together.
	MaxArchiveBytes int64
	// MaxRatio is the decompressed/compressed ratio above which a large
	// member is a zip bomb.
	MaxRatio int64
	// MemoryBudget bounds what all workers hold whole at once (nested
	// archives, shared strings, PDF members); each worker has its share.
	MemoryBudget int64
	// Progress, if set, is called after each file with the running totals.
	Progress func(files, bytes int64)

	// afterRead, in tests, runs after a file's text was read and before
	// the file is checked for changes.
	afterRead func(path string)
	// builtinPDF, in tests, ignores an installed pdftotext.
	builtinPDF bool
}

// DefaultOptions are the limits the CLI uses.
func DefaultOptions() Options {
	return Options{MaxDepth: 4, MaxArchiveBytes: 4 << 30, MaxRatio: 200, MemoryBudget: 96 << 20}
}

// File is what one file (or archive member) holds.
type File struct {
	Path      string              `json:"path"`
	Counts    pii.Counts          `json:"counts"`
	Possible  pii.Counts          `json:"possible,omitempty"`
	Sensitive bool                `json:"sensitive"`
	Distinct  map[pii.Kind]int    `json:"distinct,omitempty"`
	Samples   map[pii.Kind]string `json:"samples,omitempty"`
	// Bytes is the size of the file as stored (for a member, decompressed).
	Bytes int64 `json:"bytes"`
	// Error, when set, is why the file (or part of it) could not be read.
	Error   Reason `json:"error,omitempty"`
	Members []File `json:"members,omitempty"`
}

// Found reports whether the file (with its members) holds personal data.
func (f *File) Found() bool {
	r := pii.Result{Counts: f.Counts}
	return r.Found()
}

// add merges a part's result into the file.
func (f *File) add(r pii.Result) {
	acc := pii.Result{Counts: f.Counts, Possible: f.Possible, Samples: f.Samples, Distinct: f.Distinct, Sensitive: f.Sensitive}
	acc.Add(r)
	f.Counts, f.Possible, f.Samples, f.Distinct, f.Sensitive = acc.Counts, acc.Possible, acc.Samples, acc.Distinct, acc.Sensitive
}

// Report is a whole scan.
type Report struct {
	Files   []File     `json:"files"`
	Totals  pii.Counts `json:"totals"`
	Bytes   int64      `json:"bytes"`
	Seconds float64    `json:"seconds"`
	// Scanned counts the files read (archive members included).
	Scanned int `json:"scanned"`
	// Unreadable counts the files and members that could not be read.
	Unreadable int `json:"unreadable"`
	// Sensitive counts the files holding 要配慮 data.
	Sensitive int `json:"sensitive"`
}

// Found reports whether any file holds personal data.
func (r *Report) Found() bool {
	for i := range r.Files {
		if r.Files[i].Found() {
			return true
		}
	}
	return false
}

// Scanner runs scans; it is safe for concurrent use.
type Scanner struct {
	opt     Options
	pii     *pii.Scanner
	streams sync.Pool // of *pii.Stream of this scanner, reused across files
}

// New returns a scanner with the given limits.
func New(opt Options) *Scanner {
	def := DefaultOptions()
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.MaxDepth <= 0 {
		opt.MaxDepth = def.MaxDepth
	}
	if opt.MaxArchiveBytes <= 0 {
		opt.MaxArchiveBytes = def.MaxArchiveBytes
	}
	if opt.MaxRatio <= 0 {
		opt.MaxRatio = def.MaxRatio
	}
	if opt.MemoryBudget <= 0 {
		opt.MemoryBudget = def.MemoryBudget
	}
	return &Scanner{opt: opt, pii: pii.NewScanner()}
}

// Run scans the paths (files or folders) and reports every file it found,
// sorted by path. It stops early only when ctx is done.
func (s *Scanner) Run(ctx context.Context, paths []string) (*Report, error) {
	start := time.Now()
	jobs := make(chan string, 64)
	results := make(chan File, 64)
	var wg sync.WaitGroup
	var nFiles, nBytes atomic.Int64
	for range s.opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range jobs {
				f := s.File(ctx, p)
				nFiles.Add(1)
				nBytes.Add(f.Bytes)
				if s.opt.Progress != nil {
					s.opt.Progress(nFiles.Load(), nBytes.Load())
				}
				results <- f
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, p := range paths {
			s.walk(ctx, p, nil, jobs, results)
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()
	rep := &Report{Totals: pii.Counts{}}
	for _, k := range pii.Kinds {
		rep.Totals[k] = 0 // every kind in the totals, so scripts read 0, not null
	}
	for f := range results {
		rep.Files = append(rep.Files, f)
	}
	sort.Slice(rep.Files, func(i, j int) bool { return rep.Files[i].Path < rep.Files[j].Path })
	for i := range rep.Files {
		f := &rep.Files[i]
		rep.Totals.Add(f.Counts)
		rep.Bytes += f.Bytes
		if f.Sensitive {
			rep.Sensitive++
		}
		countFiles(f, rep)
	}
	rep.Seconds = time.Since(start).Seconds()
	return rep, ctx.Err()
}

func countFiles(f *File, rep *Report) {
	if f.Counts == nil {
		f.Counts = pii.Counts{}
	}
	if f.Error != "" {
		rep.Unreadable++
	} else if len(f.Members) == 0 {
		rep.Scanned++
	}
	for i := range f.Members {
		countFiles(&f.Members[i], rep)
	}
}

// walk sends the files under p to jobs; what cannot be walked goes to
// results directly. ancestors are the folders above p, for loop checks.
func (s *Scanner) walk(ctx context.Context, p string, ancestors []os.FileInfo, jobs chan<- string, results chan<- File) {
	if ctx.Err() != nil {
		return
	}
	fi, err := os.Lstat(p)
	if err != nil {
		results <- File{Path: p, Error: reasonOf(err)}
		return
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		fi, err = os.Stat(p)
		if err != nil {
			results <- File{Path: p, Error: reasonOf(err)}
			return
		}
	}
	switch {
	case fi.IsDir():
		for _, a := range ancestors {
			if os.SameFile(a, fi) {
				results <- File{Path: p, Error: SymlinkLoop}
				return
			}
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			results <- File{Path: p, Error: reasonOf(err)}
			if entries == nil {
				return
			}
		}
		anc := append(ancestors[:len(ancestors):len(ancestors)], fi)
		for _, e := range entries {
			s.walk(ctx, filepath.Join(p, e.Name()), anc, jobs, results)
		}
	case fi.Mode().IsRegular():
		select {
		case jobs <- p:
		case <-ctx.Done():
		}
	}
	// Devices, sockets and pipes hold no files.
}

// reasonOf names an operating-system error.
func reasonOf(err error) Reason {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return Permission
	case errors.Is(err, syscall.ELOOP):
		return SymlinkLoop
	case errors.Is(err, fs.ErrNotExist):
		return Missing
	}
	return ReadError
}

// File scans one file on disk.
func (s *Scanner) File(ctx context.Context, path string) File {
	out := File{Path: path}
	f, err := os.Open(path)
	if err != nil {
		out.Error = reasonOf(err)
		return out
	}
	defer f.Close()
	before, err := f.Stat()
	if err != nil {
		out.Error = reasonOf(err)
		return out
	}
	out.Bytes = before.Size()
	x := s.extraction(ctx)
	x.file(&out, path, f, before.Size(), 0, path)
	if s.opt.afterRead != nil {
		s.opt.afterRead(path)
	}
	after, err := os.Stat(path)
	if err != nil || after.Size() != before.Size() || !after.ModTime().Equal(before.ModTime()) {
		if out.Error == "" {
			out.Error = Changed
		}
	}
	return out
}

// Reader scans content that is not on disk (an upload, a mail
// attachment: bytes.NewReader(b) will do), named for its type by name.
func (s *Scanner) Reader(ctx context.Context, name string, r io.ReaderAt, size int64) File {
	out := File{Path: name, Bytes: size}
	x := s.extraction(ctx)
	x.file(&out, name, io.NewSectionReader(r, 0, size), size, 0, "")
	if out.Counts == nil {
		out.Counts = pii.Counts{}
	}
	return out
}

func (s *Scanner) extraction(ctx context.Context) *extraction {
	return &extraction{s: s, ctx: ctx, archiveLeft: s.opt.MaxArchiveBytes, memLeft: s.opt.MemoryBudget / int64(s.opt.Workers)}
}
