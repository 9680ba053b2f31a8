package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/posture"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

// cmdFindings evaluates an organisation and lists its findings, as a table
// or as the same JSON the API serves.
func cmdFindings(e *env, args []string) error {
	var slug, status string
	var asJSON, evaluate bool
	return withStore(e, "findings", args, func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "org", "", e.cat.T(e.locale, "cli.flag.org"))
		fs.StringVar(&status, "status", "", e.cat.T(e.locale, "cli.flag.status"))
		fs.BoolVar(&asJSON, "json", false, e.cat.T(e.locale, "cli.flag.json"))
		fs.BoolVar(&evaluate, "evaluate", true, e.cat.T(e.locale, "cli.flag.evaluate"))
	}, func(cfg config, db *store.DB) error {
		if slug == "" {
			return usageError{e.cat.T(e.locale, "cli.need_flags", "--org")}
		}
		o, err := db.OrgBySlug(e.ctx, slug)
		if err != nil {
			return problem.New(problem.NotFound, "cli.org_not_found", slug)
		}
		t := db.Tenant(o.ID)
		if evaluate {
			if _, err := posture.Evaluate(e.ctx, t, audit.CLI(), time.Now()); err != nil {
				return err
			}
		}
		tr := func(key string, args ...any) string { return e.cat.T(e.locale, key, args...) }
		rep, err := posture.BuildReport(e.ctx, t, slug, status, tr)
		if err != nil {
			return err
		}
		if asJSON {
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(rep)
		}
		if rep.Score == nil {
			e.say("cli.findings.not_assessed", len(rep.Findings))
		} else {
			e.say("cli.findings.score", *rep.Score, len(rep.Findings))
		}
		for _, f := range rep.Findings {
			sev := findings.Severity(0)
			for s := findings.Low; s <= findings.Critical; s++ {
				if s.String() == f.Severity {
					sev = s
				}
			}
			line := tr("cli.findings.line", f.ID, tr(sev.Key()), tr("findings.status."+f.Status), f.Title, f.Subject.Name)
			if f.Detail != "" {
				line += tr("cli.findings.detail", f.Detail)
			}
			fmt.Fprintln(e.stdout, line)
		}
		return nil
	})
}
