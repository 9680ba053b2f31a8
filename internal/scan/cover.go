package scan

import (
	"context"
	"errors"
	"io/fs"
	"sort"

	"github.com/mamori-sec/mamori/internal/pii"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Which shares hold a place. A share's path (inventory.Share.Path) is
// written as people see it — \\NAS\share\経理, //nas/share, smb://nas/share,
// Z:\経理, /mnt/nas/経理, https://drive.example.com/… — while a scan sees
// the files as the server mounts them. The rule (docs/scanmap.md):
//
//  1. A scanned path is first written as people see it: a run may carry a
//     Seen-as prefix for its root (the operator's --scan-root
//     /mnt/nas=\\NAS\share, or the "where these files come from" of an
//     upload), which replaces the root.
//  2. Both paths are split into segments: separators / and \ alike, empty
//     and "." segments dropped, ".." taken back. A UNC or SMB path (\\host,
//     //host, smb://host) and a URL start with their host as one segment
//     ("//nas", "https://drive.example.com"), so that \\NAS\share and
//     smb://nas/share are the same place; a drive letter is its own segment.
//     A URL's query and fragment are dropped, its path percent-decoded.
//  3. Segments compare in Unicode NFC; Windows, UNC/SMB paths and URL hosts
//     also ignore case (SMB and NTFS do), POSIX paths do not.
//  4. A share covers a file when the share's segments are a prefix of the
//     file's, whole segments only: /nas/経理 covers /nas/経理/給与.xlsx but
//     not /nas/経理2/…; a member of an archive is covered by what covers the
//     archive (a.zip!x/y.csv is at a.zip).

// Segments is a path split for matching (rule 2 and 3 above).
type Segments struct {
	segs []string
	fold bool // compare ignoring case
}

var folder = cases.Fold()

// SplitPath splits a path or URL for matching.
func SplitPath(p string) Segments {
	p = strings.TrimSpace(p)
	if i := strings.IndexByte(p, '!'); i >= 0 {
		p = p[:i]
	}
	var head string
	var s Segments
	lower := strings.ToLower(p)
	switch {
	case strings.HasPrefix(lower, "smb://") || strings.HasPrefix(lower, "file://"):
		rest := p[strings.Index(p, "://")+3:]
		host, path, _ := strings.Cut(rest, "/")
		if host == "" { // file:///mnt/x is a local path
			return SplitPath("/" + path)
		}
		head, p, s.fold = "//"+strings.ToLower(host), path, true
	case strings.Contains(lower, "://"):
		u, err := url.Parse(p)
		if err == nil && u.Host != "" {
			head, p = strings.ToLower(u.Scheme)+"://"+strings.ToLower(u.Host), u.Path
		}
	case strings.HasPrefix(p, `\\`) || strings.HasPrefix(p, "//"):
		host, path, _ := strings.Cut(strings.TrimLeft(p, `\/`), `\`)
		if strings.Contains(host, "/") {
			host, path, _ = strings.Cut(strings.TrimLeft(p, `\/`), "/")
		}
		if i := strings.IndexAny(host, `/\`); i >= 0 {
			host, path = host[:i], host[i+1:]+"/"+path
		}
		head, p, s.fold = "//"+strings.ToLower(host), path, true
	case len(p) >= 2 && p[1] == ':' && (p[0]|0x20) >= 'a' && (p[0]|0x20) <= 'z':
		head, p, s.fold = strings.ToLower(p[:2]), p[2:], true
	}
	if head != "" {
		s.segs = append(s.segs, head)
	}
	for _, seg := range strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == '\\' }) {
		switch seg {
		case ".":
			continue
		case "..":
			if len(s.segs) > 0 && (head == "" || len(s.segs) > 1) {
				s.segs = s.segs[:len(s.segs)-1]
			}
			continue
		}
		s.segs = append(s.segs, norm.NFC.String(seg))
	}
	return s
}

// Covers reports whether a share at share covers the file at path.
func Covers(share, path string) bool {
	a, b := SplitPath(share), SplitPath(path)
	if len(a.segs) == 0 || len(a.segs) > len(b.segs) {
		return false
	}
	fold := a.fold || b.fold
	for i, s := range a.segs {
		t := b.segs[i]
		if fold {
			s, t = folder.String(s), folder.String(t)
		}
		if s != t {
			return false
		}
	}
	return true
}

// SeenAs writes a scanned path as people see it (rule 1): root replaced by
// alias. With root "" the path is relative (an upload's member) and alias
// is its folder. A path outside root, or an empty alias, stays as it is.
func SeenAs(path, root, alias string) string {
	if alias == "" {
		return path
	}
	rel := path
	if root != "" {
		r := strings.TrimRight(root, `/\`)
		var ok bool
		rel, ok = strings.CutPrefix(path, r)
		if !ok || (rel != "" && rel[0] != '/' && rel[0] != '\\') {
			return path
		}
	}
	rel = strings.TrimLeft(rel, `/\`)
	if rel == "" {
		return strings.TrimRight(alias, `/\`)
	}
	if strings.HasPrefix(alias, `\\`) || (len(alias) >= 2 && alias[1] == ':') {
		rel = strings.ReplaceAll(rel, "/", `\`)
		return strings.TrimRight(alias, `/\`) + `\` + rel
	}
	return strings.TrimRight(alias, `/\`) + "/" + rel
}

// ErrOutsideRoots refuses a folder that is not inside a root the operator
// allowed, or that leaves one through a symbolic link.
var ErrOutsideRoots = errors.New("scan: folder outside the allowed roots")

// Root is a folder the operator lets the web scan (mamori serve
// --scan-root PATH[=SEEN-AS]).
type Root struct {
	Path   string // as the server reads it
	SeenAs string // as people see it (\\NAS\share), "" the same
}

// ParseRoot reads PATH or PATH=SEEN-AS.
func ParseRoot(s string) Root {
	p, alias, _ := strings.Cut(s, "=")
	return Root{Path: filepath.Clean(p), SeenAs: alias}
}

// Allowed resolves dir (with its symbolic links) and returns the root it
// lies in (its path resolved too) and dir resolved, refusing one outside every root — a path with "..", or a link
// inside a root that points out of it — with ErrOutsideRoots.
func Allowed(roots []Root, dir string) (Root, string, error) {
	if dir == "" || !filepath.IsAbs(dir) {
		return Root{}, "", ErrOutsideRoots
	}
	real, err := filepath.EvalSymlinks(filepath.Clean(dir))
	if err != nil {
		return Root{}, "", err
	}
	for _, r := range roots {
		rr, err := filepath.EvalSymlinks(r.Path)
		if err != nil {
			continue
		}
		if real == rr || strings.HasPrefix(real, rr+string(os.PathSeparator)) {
			r.Path = rr
			return r, real, nil
		}
	}
	return Root{}, "", ErrOutsideRoots
}

// Escapes reports whether a scanned file lies outside root once its links
// are resolved: the scanner follows links inside a folder, so the worker
// drops what a link inside an allowed root leads to outside it.
func Escapes(root, path string) bool {
	rr, err := filepath.EvalSymlinks(root)
	if err != nil {
		return true
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return false // gone or unreadable: its entry says why
	}
	return real != rr && !strings.HasPrefix(real, rr+string(os.PathSeparator))
}

// OutsideRoot is a symbolic link leading out of the allowed root: listed,
// never read.
const OutsideRoot Reason = "outside_root"

// RunWithin scans the folder dir inside root, following no link out of
// root: each link that leads out is listed with OutsideRoot and not read.
// Links to folders are not followed (what they point to inside the root is
// scanned under its own path, if it lies under dir).
func (s *Scanner) RunWithin(ctx context.Context, root, dir string) (*Report, error) {
	rr, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, err
	}
	var paths []string
	var outside []File
	walkErr := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			paths = append(paths, p) // the scan names why it cannot be read
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			if Escapes(rr, p) {
				outside = append(outside, File{Path: p, Counts: pii.Counts{}, Error: OutsideRoot})
				return nil
			}
			if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
				paths = append(paths, p)
			}
		case d.Type().IsRegular():
			paths = append(paths, p)
		}
		return nil
	})
	if walkErr != nil {
		return nil, walkErr
	}
	rep, err := s.Run(ctx, paths)
	if rep != nil && len(outside) > 0 {
		rep.Files = append(rep.Files, outside...)
		rep.Unreadable += len(outside)
		sort.Slice(rep.Files, func(i, j int) bool { return rep.Files[i].Path < rep.Files[j].Path })
	}
	return rep, err
}
