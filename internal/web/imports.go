package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/mamori-sec/mamori/internal/importer"
	"github.com/mamori-sec/mamori/internal/intake"
	"github.com/mamori-sec/mamori/internal/problem"
)

// multipartSlack is what a multipart body may carry besides the file:
// boundaries, part headers and the few form fields.
const multipartSlack = 1 << 20

// uploadLimit bounds the body of an upload route. limitBody lets these
// routes through and their handlers apply this larger limit themselves.
const uploadLimit = importer.DefaultMaxBytes + multipartSlack

// isUpload reports the routes that take a file: the import preview form
// and the API's import. Only they may send more than MaxFormBytes.
func isUpload(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	seg := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case len(seg) == 4 && seg[0] == "o" && seg[2] == "import" && seg[3] == "preview":
		return true
	case len(seg) == 5 && seg[0] == "api" && seg[1] == "v1" && seg[2] == "orgs" && seg[4] == "import":
		return true
	case len(seg) == 4 && seg[0] == "o" && seg[2] == "scans" && seg[3] == "upload":
		return true // a zip to scan, bounded like an import
	case isEvidenceUpload(seg):
		return true // bounded by readCompletion
	case len(seg) == 5 && seg[0] == "o" && seg[2] == "incidents" && seg[4] == "evidence":
		return true // bounded by incidentEvidenceUpload
	}
	return false
}

type importPage struct {
	base
	Kinds   []importer.Kind
	Formats []importer.Format
	Kind    string
	Format  string
	Service string
	Max     int64 // MB
	// A refused file: its name and its bad cells, for a corrected upload
	// with the kind, format and service still chosen.
	FileName   string
	Errors     []importer.Described
	MoreErrors string
}

func (s *Server) newImportPage(r *http.Request) importPage {
	return importPage{base: s.page(r, "intake.title", "inventory"), Kinds: importer.Kinds, Formats: importer.Formats, Max: importer.DefaultMaxBytes >> 20}
}

// importForm asks for a file, and offers the templates and exports.
func (s *Server) importForm(w http.ResponseWriter, r *http.Request) {
	p := s.newImportPage(r)
	if k, ok := intake.ParseKind(r.URL.Query().Get("kind")); ok {
		p.Kind = string(k)
	}
	s.render(w, r, http.StatusOK, "import", p)
}

type previewPage struct {
	base
	Preview intake.Preview
	ID      string
	Cancel  string
	// What the examples leave out.
	MoreWarnings, MoreAdded, MoreNotInFile int
}

// Text picks the page's language of a value in both.
func (p previewPage) Text(t intake.Text) string {
	if v := t.In(string(p.Locale)); v != "" {
		return v
	}
	return p.T("intake.blank")
}

// importPreview reads the uploaded file and shows what importing it would
// do. The file stays on the server for the apply step.
func (s *Server) importPreview(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := s.newImportPage(r)
	release, err := s.importSlot()
	if err != nil {
		s.importError(w, r, err, &p)
		return
	}
	defer release()
	u, err := readUpload(w, r)
	p.Kind, p.Format, p.Service, p.FileName = string(u.kind), string(u.format), u.service, u.name
	if err != nil {
		s.importError(w, r, err, &p)
		return
	}
	pv, err := s.runImport(r, &u, false)
	if err != nil {
		s.importError(w, r, err, &p)
		return
	}
	id, err := s.keepUpload(r.Context(), st.org.ID, st.user.ID, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := previewPage{base: s.page(r, "intake.preview_title", "inventory"), Preview: pv, ID: id, Cancel: p.OrgURL("/import"),
		MoreWarnings: pv.WarningCount - len(pv.Warnings), MoreAdded: pv.Added - len(pv.Examples.Added), MoreNotInFile: pv.NotInFile - len(pv.Examples.NotInFile)}
	s.render(w, r, http.StatusOK, "import_preview", page)
}

// importApply applies the file previewed, found by its id: only the user
// who uploaded it, in the same organisation, within the hour.
func (s *Server) importApply(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	id := r.PostFormValue("id")
	if id == "" {
		s.fail(w, r, problem.Field("id", "error.bad_form"))
		return
	}
	release, err := s.importSlot()
	if err != nil {
		p := s.newImportPage(r)
		s.importError(w, r, err, &p)
		return
	}
	defer release()
	u, err := s.pendingUpload(r.Context(), st.org.ID, st.user.ID, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pv, err := s.runImport(r, &u, true)
	if err != nil {
		p := s.newImportPage(r)
		p.Kind, p.Format, p.Service, p.FileName = string(u.kind), string(u.format), u.service, u.name
		s.importError(w, r, err, &p)
		return
	}
	if err := s.dropUpload(r.Context(), st.org.ID, st.user.ID, id); err != nil {
		s.Logger.Warn("drop pending import", "component", "import", "error", err)
	}
	redirect(w, r, st.listURL(pv.Kind), "imported")
}

// listURL is the page listing records of kind.
func (st *state) listURL(kind importer.Kind) string {
	return "/o/" + st.org.Slug + "/" + string(kind)
}

// runImport reads u and plans it, or applies it.
func (s *Server) runImport(r *http.Request, u *upload, apply bool) (intake.Preview, error) {
	st := stateOf(r)
	opt := intake.Options{Service: u.service, Today: s.Now()}
	parsed, src, err := intake.Read(r.Context(), st.tenant, u.name, u.data, u.kind, u.format, opt)
	if err != nil {
		return intake.Preview{}, err
	}
	opt.Source = src
	var pv intake.Preview
	if apply {
		pv, err = intake.Apply(r.Context(), st.tenant, st.actor(r), parsed, opt)
	} else {
		pv, err = intake.Plan(r.Context(), st.tenant, parsed, opt)
	}
	if err != nil {
		return pv, err
	}
	pv.Translate(func(key string, args ...any) string { return s.Catalogue.T(st.locale, key, args...) })
	return pv, nil
}

// importError shows the form again with what is wrong with the file:
// every bad cell with its row, column, value and fix, the limit for a file
// too large. The kind, format and service stay chosen, so a corrected
// file is one choice away.
func (s *Server) importError(w http.ResponseWriter, r *http.Request, err error, p *importPage) {
	e, ok := problem.As(err)
	if !ok || (e.Code != problem.Invalid && e.Code != problem.TooLarge && e.Code != problem.TooMany) {
		s.fail(w, r, err)
		return
	}
	p.Error, p.Field = p.T(e.Key, e.Args...), e.Field
	if all, ok := importer.AllRowErrors(err); ok {
		p.Field = "file"
		p.Errors, p.MoreErrors = all.Describe(p.T), all.MoreText(p.T)
	}
	s.render(w, r, statusOf[e.Code], "import", p)
}

// readUpload reads the multipart form of the import page: the file and
// the kind, format and service chosen.
func readUpload(w http.ResponseWriter, r *http.Request) (upload, error) {
	var u upload
	if r.ContentLength > uploadLimit {
		return u, tooLarge()
	}
	r.Body = http.MaxBytesReader(w, r.Body, uploadLimit)
	mr, err := r.MultipartReader()
	if err != nil {
		return u, problem.Field("file", "intake.no_file")
	}
	fields := map[string]string{}
	seen := false
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return u, bodyError(err)
		}
		switch name := part.FormName(); name {
		case "file":
			seen = true
			u.name = fileName(part.FileName())
			if u.data, err = readLimited(part, importer.DefaultMaxBytes); err != nil {
				return u, err
			}
		case "kind", "format", "service":
			b, err := io.ReadAll(io.LimitReader(part, 1024))
			if err != nil {
				return u, bodyError(err)
			}
			fields[name] = strings.TrimSpace(string(b))
		}
		part.Close()
	}
	u.service = fields["service"]
	var ok bool
	if u.kind, ok = intake.ParseKind(fields["kind"]); !ok && fields["kind"] != "" {
		return u, problem.Field("kind", "error.bad_form")
	}
	if u.format, ok = intake.ParseFormat(fields["format"]); !ok {
		return u, problem.Field("format", "error.bad_form")
	}
	if !seen || (len(u.data) == 0 && u.name == "") {
		return u, problem.Field("file", "intake.no_file")
	}
	return u, nil
}

// readLimited reads at most max bytes of r, refusing more.
func readLimited(r io.Reader, max int64) ([]byte, error) {
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(r, max+1)); err != nil {
		return nil, bodyError(err)
	}
	if int64(buf.Len()) > max {
		return nil, tooLarge()
	}
	return buf.Bytes(), nil
}

func tooLarge() error {
	return problem.New(problem.TooLarge, "import.too_large", importer.DefaultMaxBytes>>20)
}

// bodyError maps a failed read of the request body.
func bodyError(err error) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return tooLarge()
	}
	return &problem.Error{Code: problem.Invalid, Key: "error.bad_form", Field: "file", Err: err}
}

// fileName keeps the base name of an uploaded file, as the audit trail
// records it.
func fileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	if name == "." || name == "/" {
		return ""
	}
	if len(name) > 200 {
		name = name[:200]
	}
	return name
}

// importTemplate offers the fill-in template of a kind.
func (s *Server) importTemplate(w http.ResponseWriter, r *http.Request) {
	k, ok := intake.ParseKind(r.PathValue("kind"))
	if !ok {
		s.notFound(w, r)
		return
	}
	lang := fileLang(r)
	b, err := importer.Template(k, lang)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	download(w, importer.SheetName(k, lang)+".xlsx", string(k)+"-template.xlsx", b)
}

// exportKind offers the records of a kind as CSV or Excel, in the columns
// the import reads.
func (s *Server) exportKind(k importer.Kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st := stateOf(r)
		format := r.URL.Query().Get("format")
		if format == "" {
			format = "csv"
		}
		if format != "csv" && format != "xlsx" {
			s.fail(w, r, problem.Field("format", "error.bad_form"))
			return
		}
		lang := fileLang(r)
		var b bytes.Buffer
		if _, err := intake.Export(r.Context(), st.tenant, &b, k, format, lang); err != nil {
			s.fail(w, r, err)
			return
		}
		download(w, intake.FileName(k, format, lang), string(k)+"."+format, b.Bytes())
	}
}

// fileLang is the language of a file's headers: ?lang=, else the page's.
func fileLang(r *http.Request) string {
	switch l := r.URL.Query().Get("lang"); l {
	case "ja", "en":
		return l
	}
	return string(stateOf(r).locale)
}

// download sends a file to save, named name (ascii for old browsers).
func download(w http.ResponseWriter, name, ascii string, body []byte) {
	typ := "text/csv; charset=utf-8"
	if strings.HasSuffix(ascii, ".xlsx") {
		typ = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	h := w.Header()
	h.Set("Content-Type", typ)
	h.Set("Content-Disposition", `attachment; filename="`+ascii+`"; filename*=UTF-8''`+url.PathEscape(name))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "no-store")
	w.Write(body)
}
