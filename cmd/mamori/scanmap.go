package main

import (
	"flag"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/scan"
	"github.com/mamori-sec/mamori/internal/store"
)

// wantsApply reports `mamori scan --org ORG --apply PATH…`: the results
// go into the organisation's map (docs/scanmap.md).
func wantsApply(flagArgs []string) bool {
	return slices.ContainsFunc(flagArgs, func(a string) bool { return a == "--apply" || a == "-apply" || a == "--apply=true" })
}

// cmdScanApply scans each path as one run and records it for the
// organisation: files, places proposed for the ledger, covering shares.
// The keeper confirms, merges or dismisses the places on the web page.
func cmdScanApply(e *env, flagArgs, paths []string) error {
	var slug, seenAs string
	var apply, asJSON, quiet bool
	var workers int
	var exit error
	err := withStore(e, "scan", flagArgs, func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "org", "", e.cat.T(e.locale, "cli.flag.org"))
		fs.BoolVar(&apply, "apply", false, e.cat.T(e.locale, "cli.flag.scan_apply"))
		fs.StringVar(&seenAs, "seen-as", "", e.cat.T(e.locale, "cli.flag.scan_seen_as"))
		fs.BoolVar(&asJSON, "json", false, e.cat.T(e.locale, "cli.flag.scan_json"))
		fs.BoolVar(&quiet, "quiet", false, e.cat.T(e.locale, "cli.flag.quiet"))
		fs.IntVar(&workers, "workers", 0, e.cat.T(e.locale, "cli.flag.workers"))
	}, func(cfg config, db *store.DB) error {
		if slug == "" {
			return usageError{e.cat.T(e.locale, "cli.need_flags", "--org")}
		}
		if len(paths) == 0 {
			return usageError{e.cat.T(e.locale, "cli.scan.need_path")}
		}
		if seenAs != "" && len(paths) > 1 {
			return usageError{e.cat.T(e.locale, "cli.scan.seen_as_one")}
		}
		o, err := db.OrgBySlug(e.ctx, slug)
		if err != nil {
			return problem.New(problem.NotFound, "cli.org_not_found", slug)
		}
		t := db.Tenant(o.ID)
		opt := scan.DefaultOptions()
		opt.Workers = workers
		sc := scan.New(opt)
		var found, unread bool
		for _, p := range paths {
			root, err := filepath.Abs(p)
			if err != nil {
				return err
			}
			rep, err := sc.Run(e.ctx, []string{root})
			if err != nil {
				return err
			}
			if !asJSON && !quiet {
				e.printScan(rep)
			}
			found, unread = found || rep.Found(), unread || rep.Unreadable > 0
			entries := scan.Entries(rep, scan.DiskStat)
			id, err := t.SaveScan(e.ctx, audit.CLI(), 0, store.ScanRun{Source: scan.FromCLI, Root: root, SeenAs: seenAs,
				Duration: time.Duration(rep.Seconds * float64(time.Second))}, entries)
			if err != nil {
				return err
			}
			places, err := t.ScanPlaces(e.ctx, id)
			if err != nil {
				return err
			}
			shares := 0
			for _, pl := range places {
				shares += len(pl.ShareIDs)
			}
			e.say("cli.scan.applied", root, len(places), shares, "/o/"+slug+"/scans/"+strconv.FormatInt(id, 10))
		}
		switch {
		case found && unread:
			exit = exitStatus(scanFoundAndUnread)
		case found:
			exit = exitStatus(scanFound)
		case unread:
			exit = exitStatus(scanUnread)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return exit
}
