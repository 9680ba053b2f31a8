package web

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/importer"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/pii"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/scan"
	"github.com/mamori-sec/mamori/internal/store"
)

// Where personal data lives (issue 13 part 2): scan a folder the server
// may read, or an uploaded zip, in the background; the run's page lists
// the places by folder, with what they hold, the shares that cover them
// and the files that could not be read; each place is confirmed as a new
// asset, merged into a ledger row or dismissed. Re-scans by schedule. The
// rules are package scan's; the records store's.

// ScanBoard is what the pages ask of the queue about scans (*jobs.Queue).
type ScanBoard interface {
	ScanFolder(ctx context.Context, actor audit.Actor, orgID int64, dir string) (int64, error)
	ScanUploaded(ctx context.Context, actor audit.Actor, orgID int64, name, seenAs string, data []byte) (int64, error)
	ScanRoots() []scan.Root
}

type scansPage struct {
	base
	Runs      []scanRunView
	Roots     []scan.Root
	Schedules []store.ScanSchedule
	Folder    string
	SeenAs    string
	Max       int64
	// CanScan: the server has a queue to run scans.
	CanScan bool
}

type scanRunView struct {
	store.ScanRun
	Places int
}

// scanBoard is the queue as the scan pages use it, nil without one.
func (s *Server) scanBoard() ScanBoard {
	if b, ok := s.Jobs.(ScanBoard); ok {
		return b
	}
	return nil
}

func (s *Server) scansData(r *http.Request) (scansPage, error) {
	st := stateOf(r)
	p := scansPage{base: s.page(r, "scan.title", "inventory"), Max: importer.DefaultMaxBytes >> 20}
	if b := s.scanBoard(); b != nil {
		p.CanScan, p.Roots = true, b.ScanRoots()
	}
	runs, err := st.tenant.ScanRuns(r.Context(), 50)
	if err != nil {
		return p, err
	}
	for _, run := range runs {
		v := scanRunView{ScanRun: run}
		if run.Status == store.ScanDone {
			ps, err := st.tenant.ScanPlaces(r.Context(), run.ID)
			if err != nil {
				return p, err
			}
			v.Places = len(ps)
		}
		p.Runs = append(p.Runs, v)
	}
	p.Schedules, err = st.tenant.ScanSchedules(r.Context())
	return p, err
}

func (s *Server) scansList(w http.ResponseWriter, r *http.Request) {
	p, err := s.scansData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "scans", p)
}

// scanFolder queues the scan of a folder inside the allowed roots.
func (s *Server) scanFolder(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	dir := strings.TrimSpace(r.PostFormValue("folder"))
	b := s.scanBoard()
	var err error
	var id int64
	switch {
	case b == nil:
		err = problem.New(problem.Conflict, "scan.no_queue")
	case dir == "":
		err = problem.Field("folder", "scan.folder_required")
	default:
		id, err = b.ScanFolder(r.Context(), st.actor(r), st.org.ID, dir)
		if errors.Is(err, scan.ErrOutsideRoots) {
			err = problem.Field("folder", "scan.outside_roots")
		} else if err != nil && !isProblem(err) {
			s.fail(w, r, err) // the queue or the database: logged, not the form's fault
			return
		}
	}
	if err != nil {
		p, perr := s.scansData(r)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		p.Folder = dir
		s.formError(w, r, err, "scans", &p, &p.base)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/scans/"+strconv.FormatInt(id, 10), "scan_queued")
}

func isProblem(err error) bool {
	_, ok := problem.As(err)
	return ok
}

// scanUpload queues the scan of an uploaded zip archive (the importer's
// size limit; zip bombs are the scanner's to refuse, member by member).
func (s *Server) scanUpload(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	name, seenAs, data, err := readScanUpload(w, r)
	b := s.scanBoard()
	if err == nil && b == nil {
		err = problem.New(problem.Conflict, "scan.no_queue")
	}
	var id int64
	if err == nil {
		id, err = b.ScanUploaded(r.Context(), st.actor(r), st.org.ID, name, seenAs, data)
	}
	if err != nil {
		p, perr := s.scansData(r)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		p.SeenAs = seenAs
		s.formError(w, r, err, "scans", &p, &p.base)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/scans/"+strconv.FormatInt(id, 10), "scan_queued")
}

func readScanUpload(w http.ResponseWriter, r *http.Request) (name, seenAs string, data []byte, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, uploadLimit)
	mr, err := r.MultipartReader()
	if err != nil {
		return "", "", nil, problem.Field("file", "scan.zip_required")
	}
	for {
		part, perr := mr.NextPart()
		if perr == io.EOF {
			break
		}
		if perr != nil {
			return "", "", nil, bodyError(perr)
		}
		switch part.FormName() {
		case "file":
			name = fileName(part.FileName())
			if data, err = readLimited(part, importer.DefaultMaxBytes); err != nil {
				return "", "", nil, err
			}
		case "seen_as":
			seenAs, err = readField(part)
			if err != nil {
				return "", "", nil, err
			}
		}
		part.Close()
	}
	if len(data) == 0 || !strings.HasSuffix(strings.ToLower(name), ".zip") {
		return name, seenAs, nil, problem.Field("file", "scan.zip_required")
	}
	if len([]rune(seenAs)) > inventory.MaxName {
		return name, seenAs, nil, problem.Field("seen_as", "inventory.too_long", inventory.MaxName)
	}
	return name, seenAs, data, nil
}

func readField(part *multipart.Part) (string, error) {
	b, err := io.ReadAll(io.LimitReader(part, 1024))
	if err != nil {
		return "", bodyError(err)
	}
	return strings.TrimSpace(string(b)), nil
}

// scanPlaceView is a place in words.
type scanPlaceView struct {
	store.ScanPlace
	Kinds  []scanKindView
	Shares []string
	Asset  string
}

type scanKindView struct {
	Kind   string // catalogue key
	Count  int
	Sample string
}

type scanFileView struct {
	store.ScanFile
	Kinds []scanKindView
}

type scanRunPage struct {
	base
	Run      store.ScanRun
	Places   []scanPlaceView
	Files    []scanFileView // with personal data
	Errors   []scanFileView // could not be read
	Totals   []scanKindView
	Assets   []inventory.Asset
	Busy     bool
	Proposed int
}

func kindsOf(c pii.Counts, samples map[pii.Kind]string) []scanKindView {
	var out []scanKindView
	for _, k := range pii.Kinds {
		if c[k] > 0 {
			out = append(out, scanKindView{Kind: "scan.kind." + string(k), Count: c[k], Sample: samples[k]})
		}
	}
	return out
}

func (s *Server) scanRunShow(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	run, err := st.tenant.ScanRun(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := scanRunPage{base: s.page(r, "scan.run_title", "inventory"), Run: run, Busy: run.Status == store.ScanQueued || run.Status == store.ScanRunning,
		Totals: kindsOf(run.Totals, nil)}
	places, err := st.tenant.ScanPlaces(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	want := inventory.Want{}
	for _, pl := range places {
		for _, sh := range pl.ShareIDs {
			want.Add("share", sh)
		}
		want.Add("asset", pl.AssetID)
	}
	names, err := st.tenant.Names(ctx, want)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, pl := range places {
		v := scanPlaceView{ScanPlace: pl, Kinds: kindsOf(pl.Counts, pl.Samples)}
		for _, sh := range pl.ShareIDs {
			if n, ok := names[inventory.Ref{Kind: "share", ID: sh}]; ok {
				v.Shares = append(v.Shares, n.Label(p.T))
			}
		}
		if n, ok := names[inventory.Ref{Kind: "asset", ID: pl.AssetID}]; ok {
			v.Asset = n.Label(p.T)
		}
		if pl.Status == store.PlaceProposed {
			p.Proposed++
		}
		p.Places = append(p.Places, v)
	}
	files, err := st.tenant.ScanFiles(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, f := range files {
		v := scanFileView{ScanFile: f, Kinds: kindsOf(f.Counts, f.Samples)}
		if f.Error != "" {
			p.Errors = append(p.Errors, v)
		}
		if f.Found() {
			p.Files = append(p.Files, v)
		}
	}
	sort.SliceStable(p.Files, func(i, j int) bool { return p.Files[i].People > p.Files[j].People })
	if p.Proposed > 0 && p.Can("edit_programme") {
		if p.Assets, _, err = st.tenant.Assets(ctx, store.ListQuery{Sort: "name", Limit: 100000}); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "scan_run", p)
}

// placeAction confirms, merges or dismisses a proposed place.
func (s *Server) placeAction(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st := stateOf(r)
		ctx := r.Context()
		id, err := pathID(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if err := parseForm(r); err != nil {
			s.fail(w, r, err)
			return
		}
		p, err := st.tenant.ScanPlace(ctx, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		switch action {
		case "confirm":
			name := strings.TrimSpace(r.PostFormValue("name"))
			if name == "" {
				err = problem.Field("name", "inventory.name_required")
				break
			}
			_, err = st.tenant.ConfirmPlace(ctx, st.actor(r), id, name)
		case "merge":
			asset, _ := strconv.ParseInt(r.PostFormValue("asset_id"), 10, 64)
			if asset == 0 {
				err = problem.Field("asset_id", "scan.asset_unknown")
				break
			}
			err = st.tenant.MergePlace(ctx, st.actor(r), id, asset)
		default:
			err = st.tenant.DismissPlace(ctx, st.actor(r), id)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		redirect(w, r, "/o/"+st.org.Slug+"/scans/"+strconv.FormatInt(p.RunID, 10), "scan_place_"+action)
	}
}

// scanSchedule sets (or, with every_days 0, stops) the re-scans of a
// folder inside the allowed roots.
func (s *Server) scanSchedule(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	root := strings.TrimSpace(r.PostFormValue("folder"))
	every, _ := strconv.Atoi(r.PostFormValue("every_days"))
	var err error
	b := s.scanBoard()
	switch {
	case root == "":
		err = problem.Field("folder", "scan.folder_required")
	case b == nil:
		err = problem.New(problem.Conflict, "scan.no_queue")
	default:
		var real string
		if _, real, err = scan.Allowed(b.ScanRoots(), root); err != nil {
			err = problem.Field("folder", "scan.outside_roots")
			break
		}
		err = st.tenant.SaveScanSchedule(r.Context(), st.actor(r), real, every)
	}
	if err != nil {
		p, perr := s.scansData(r)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		p.Folder = root
		s.formError(w, r, err, "scans", &p, &p.base)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/scans", "scan_scheduled")
}

// scanUnschedule stops the re-scans of a folder.
func (s *Server) scanUnschedule(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	id, _ := strconv.ParseInt(r.PostFormValue("schedule"), 10, 64)
	if id == 0 {
		s.fail(w, r, problem.Field("schedule", "error.bad_form"))
		return
	}
	if err := st.tenant.DeleteScanSchedule(r.Context(), st.actor(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/o/"+st.org.Slug+"/scans", "scan_unscheduled")
}
