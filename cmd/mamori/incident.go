package main

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"

	"github.com/mamori-sec/mamori/internal/incident"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/seal"
	"github.com/mamori-sec/mamori/internal/store"
)

// cmdIncidentVerify checks an incident's timeline for tampering: an
// exported JSON file (its evidence inline or in files beside it), or an
// incident in the database (--org, --id) with its sealed evidence. It
// names the first entry that cannot be trusted, and the evidence file.
func cmdIncidentVerify(e *env, args []string) error {
	var slug string
	var id int64
	register := func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "org", "", e.cat.T(e.locale, "cli.flag.org"))
		fs.Int64Var(&id, "id", 0, e.cat.T(e.locale, "cli.flag.incident_id"))
	}
	// A file to check needs no database: with no --org, the argument is
	// an exported file.
	byOrg := false
	for _, a := range args {
		byOrg = byOrg || a == "--org" || a == "-org" || strings.HasPrefix(a, "--org=") || strings.HasPrefix(a, "-org=")
	}
	if !byOrg && len(args) > 0 {
		fs := e.flags("incident verify")
		var cfg config
		cfg.register(fs, e) // the same options as the database form, for one help
		register(fs)
		if err := e.parse(fs, args); err != nil {
			return err
		}
		return e.verifyExport(fs.Arg(0))
	}
	return withStore(e, "incident verify", args, register, func(cfg config, db *store.DB) error {
		if slug == "" || id == 0 {
			return usageError{e.cat.T(e.locale, "cli.need_flags", "--org --id")}
		}
		o, err := db.OrgBySlug(e.ctx, slug)
		if err != nil {
			return problem.New(problem.NotFound, "cli.org_not_found", slug)
		}
		t := db.Tenant(o.ID)
		var box *seal.Box
		if secret, err := seal.ReadKey(cfg.keyPath()); err == nil {
			box, _ = seal.New(secret)
		}
		files, err := t.IncidentEvidenceFiles(e.ctx, id)
		if err != nil {
			return err
		}
		n, err := t.VerifyIncident(e.ctx, id, func(f store.IncidentEvidence) ([]byte, error) {
			if !f.Sealed {
				return f.Data, nil
			}
			if box == nil {
				return nil, errors.New("no key to open sealed evidence")
			}
			return box.OpenBytes(f.Data, store.IncidentSealContext(o.ID, id, f.SHA256))
		})
		if err != nil {
			return e.broken(err)
		}
		e.say("cli.incident_verify.ok", n, len(files))
		return nil
	})
}

// verifyExport checks an exported incident file, or a directory an
// export was written to (incident.json and its evidence files).
func (e *env) verifyExport(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, ExportFile)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var ex incident.Export
	if err := json.Unmarshal(b, &ex); err != nil {
		return problem.New(problem.Invalid, "appi.error.not_object")
	}
	dir := filepath.Dir(path)
	err = incident.VerifyExport(ex, func(name string) ([]byte, error) {
		if filepath.IsAbs(name) || strings.Contains(name, "..") {
			return nil, errors.New("evidence outside the export")
		}
		return os.ReadFile(filepath.Join(dir, name))
	})
	if err != nil {
		return e.broken(err)
	}
	e.say("cli.incident_verify.ok", len(ex.Entries), len(ex.Evidence))
	return nil
}

// broken puts a broken timeline into words.
func (e *env) broken(err error) error {
	var b *incident.Broken
	if !errors.As(err, &b) {
		return err
	}
	return problem.New(problem.Conflict, "cli.incident_verify.broken", b.Seq, e.cat.T(e.locale, "incident.broken."+b.Reason), b.File)
}
