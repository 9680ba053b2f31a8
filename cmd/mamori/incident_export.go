package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/mamori-sec/mamori/internal/incident"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/seal"
	"github.com/mamori-sec/mamori/internal/store"
)

// ExportFile is the name of the JSON of an incident exported to a
// directory; its evidence files lie beside it, under evidence/.
const ExportFile = "incident.json"

// cmdIncidentExport writes an incident to a directory: the export's JSON
// (the timeline, the audit trail's hashes, each evidence file named) and
// each evidence file, unsealed, in evidence/ beside it — what
// `mamori incident verify DIR` checks, naming an edited file.
func cmdIncidentExport(e *env, args []string) error {
	var slug, dir string
	var id int64
	return withStore(e, "incident export", args, func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "org", "", e.cat.T(e.locale, "cli.flag.org"))
		fs.Int64Var(&id, "id", 0, e.cat.T(e.locale, "cli.flag.incident_id"))
		fs.StringVar(&dir, "dir", "", e.cat.T(e.locale, "cli.flag.export_dir"))
	}, func(cfg config, db *store.DB) error {
		if slug == "" || id == 0 || dir == "" {
			return usageError{e.cat.T(e.locale, "cli.need_flags", "--org --id --dir")}
		}
		o, err := db.OrgBySlug(e.ctx, slug)
		if err != nil {
			return problem.New(problem.NotFound, "cli.org_not_found", slug)
		}
		var box *seal.Box
		if secret, err := seal.ReadKey(cfg.keyPath()); err == nil {
			box, _ = seal.New(secret)
		}
		ex, err := store.ExportIncident(e.ctx, db.Tenant(o.ID), o.Slug, id, func(f store.IncidentEvidence) ([]byte, error) {
			if !f.Sealed {
				return f.Data, nil
			}
			if box == nil {
				return nil, errors.New("no key to open sealed evidence")
			}
			return box.OpenBytes(f.Data, store.IncidentSealContext(o.ID, id, f.SHA256))
		})
		if err != nil {
			return err
		}
		if err := writeExportDir(dir, &ex); err != nil {
			return err
		}
		e.say("cli.incident_export.ok", len(ex.Entries), len(ex.Evidence), filepath.Join(dir, ExportFile))
		return nil
	})
}

// writeExportDir writes ex's evidence files into dir/evidence and the
// export, naming them, as dir/incident.json. It refuses a directory that
// holds an export already.
func writeExportDir(dir string, ex *incident.Export) error {
	if _, err := os.Stat(filepath.Join(dir, ExportFile)); err == nil {
		return problem.New(problem.Conflict, "cli.incident_export.exists", filepath.Join(dir, ExportFile))
	}
	if err := os.MkdirAll(filepath.Join(dir, "evidence"), 0o700); err != nil {
		return err
	}
	for i := range ex.Evidence {
		f := &ex.Evidence[i]
		f.File = "evidence/" + fmt.Sprintf("%04d-%s", f.Seq, safeFileName(f.Name))
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(f.File)), f.Data, 0o600); err != nil {
			return err
		}
		f.Data = nil
	}
	b, err := json.MarshalIndent(ex, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, ExportFile), append(b, '\n'), 0o600)
}

// safeFileName keeps an evidence file's name readable (Japanese stays) but
// never a path: separators, control characters and leading dots go.
func safeFileName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || unicode.IsControl(r) {
			return '_'
		}
		return r
	}, name)
	name = strings.TrimLeft(name, ".")
	if name == "" {
		name = "file"
	}
	return name
}
