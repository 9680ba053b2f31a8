package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/importer"
	"github.com/mamori-sec/mamori/internal/intake"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

// cmdImport previews an import, and applies it with --apply.
func cmdImport(e *env, args []string) error {
	var slug, kind, format, service string
	var apply, asJSON bool
	flagArgs, files := splitArgs(args, "apply", "json", "h", "help")
	return withStore(e, "import", flagArgs, func(fs *flag.FlagSet) {
		t := func(k string) string { return e.cat.T(e.locale, k) }
		fs.StringVar(&slug, "org", "", t("cli.flag.org_id"))
		fs.StringVar(&kind, "kind", "", t("cli.flag.kind"))
		fs.StringVar(&format, "format", "auto", t("cli.flag.format"))
		fs.StringVar(&service, "service", "", t("cli.flag.service"))
		fs.BoolVar(&apply, "apply", false, t("cli.flag.apply"))
		fs.BoolVar(&asJSON, "json", false, t("cli.flag.json"))
	}, func(cfg config, db *store.DB) error {
		if slug == "" {
			return usageError{e.cat.T(e.locale, "cli.need_flags", "--org")}
		}
		if len(files) != 1 {
			return usageError{e.cat.T(e.locale, "cli.import.need_file")}
		}
		k, ok := intake.ParseKind(kind)
		if !ok && kind != "" {
			return usageError{e.cat.T(e.locale, "cli.import.bad_kind", kind)}
		}
		f, ok := intake.ParseFormat(format)
		if !ok {
			return usageError{e.cat.T(e.locale, "cli.import.bad_format", format)}
		}
		o, err := db.OrgBySlug(e.ctx, slug)
		if err != nil {
			return problem.New(problem.NotFound, "cli.org_not_found", slug)
		}
		data, err := readFile(files[0])
		if err != nil {
			return err
		}
		t := db.Tenant(o.ID)
		opt := intake.Options{Service: service, Today: time.Now()}
		p, src, err := intake.Read(e.ctx, t, filepath.Base(files[0]), data, k, f, opt)
		if err != nil {
			return err
		}
		opt.Source = src
		var pv intake.Preview
		if apply {
			pv, err = intake.Apply(e.ctx, t, audit.CLI(), p, opt)
		} else {
			pv, err = intake.Plan(e.ctx, t, p, opt)
		}
		if err != nil {
			return err
		}
		pv.Translate(func(key string, args ...any) string { return e.cat.T(e.locale, key, args...) })
		if asJSON {
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(pv)
		}
		printPreview(e, pv)
		return nil
	})
}

// readFile reads an import file, refusing one larger than the web upload
// takes before reading it.
func readFile(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil || st.IsDir() {
		return nil, problem.New(problem.Invalid, "cli.import.cannot_read", path)
	}
	if st.Size() > importer.DefaultMaxBytes {
		return nil, problem.New(problem.TooLarge, "import.too_large", importer.DefaultMaxBytes>>20)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, problem.New(problem.Invalid, "cli.import.cannot_read", path)
	}
	return data, nil
}

// printPreview writes a preview as the keeper reads it.
func printPreview(e *env, pv intake.Preview) {
	t := func(k string, a ...any) string { return e.cat.T(e.locale, k, a...) }
	lang := string(e.locale)
	out := e.stdout
	fmt.Fprintln(out, t("cli.import.file", pv.File, t("intake.kind."+string(pv.Kind)), t("intake.format."+string(pv.Format)), pv.Rows))
	if len(pv.Services) > 0 {
		fmt.Fprintln(out, t("cli.import.services", strings.Join(pv.Services, t("intake.list_sep"))))
	}
	fmt.Fprintln(out, t("intake.counts", pv.Added, pv.Changed, pv.Unchanged, pv.NotInFile))
	if pv.NotInFile > 0 {
		fmt.Fprintln(out, t("intake.not_in_file_kept", pv.NotInFile))
	}
	if pv.Skipped > 0 {
		fmt.Fprintln(out, t("intake.skipped", pv.Skipped))
	}
	section := func(key string, n int) {
		if n > 0 {
			fmt.Fprintln(out)
			fmt.Fprintln(out, t(key))
		}
	}
	section("intake.new_services", len(pv.NewServices))
	for _, s := range pv.NewServices {
		where := t("intake.new_service.catalogue")
		if s.CatalogueKey == "" {
			where = t("intake.new_service.other")
		}
		fmt.Fprintln(out, "  "+t("intake.new_service_line", s.Name, where))
	}
	section("intake.unmatched", len(pv.Unmatched))
	for _, u := range pv.Unmatched {
		fmt.Fprintf(out, "  %s  %s\n", t("intake.line", u.Line), u.Email)
	}
	section("intake.warnings", len(pv.Warnings))
	for _, w := range pv.Warnings {
		fmt.Fprintf(out, "  %s\n", w.Message)
	}
	if pv.WarningCount > len(pv.Warnings) {
		fmt.Fprintf(out, "  %s\n", t("intake.more_warnings", pv.WarningCount-len(pv.Warnings)))
	}
	section("intake.gaps", len(pv.Gaps))
	for _, g := range pv.Gaps {
		fmt.Fprintf(out, "  %s\n", g.Message)
	}
	examples := func(key, mark string, list []intake.Example) {
		section(key, len(list))
		for _, ex := range list {
			line := ""
			if ex.Line > 0 {
				line = t("intake.line", ex.Line) + "  "
			}
			fmt.Fprintf(out, "  %s %s%s\n", mark, line, ex.Label)
			for _, c := range ex.Changes {
				fmt.Fprintf(out, "      %s: %s → %s\n", c.Label.In(lang), orBlank(t, c.Before.In(lang)), orBlank(t, c.After.In(lang)))
			}
		}
	}
	examples("intake.examples.added", "+", pv.Examples.Added)
	examples("intake.examples.changed", "~", pv.Examples.Changed)
	examples("intake.examples.not_in_file", "=", pv.Examples.NotInFile)
	fmt.Fprintln(out)
	switch {
	case pv.Applied && pv.Added+pv.Changed == 0:
		fmt.Fprintln(out, t("intake.nothing_to_do"))
	case pv.Applied:
		fmt.Fprintln(out, t("cli.import.queued"))
	default:
		fmt.Fprintln(out, t("cli.import.dry_run"))
	}
}

func orBlank(t func(string, ...any) string, s string) string {
	if s == "" {
		return t("intake.blank")
	}
	return s
}

// cmdExport writes one kind of records as CSV (to stdout unless --out) or
// Excel, in the columns import reads.
func cmdExport(e *env, args []string) error {
	var slug, kind, format, lang, out string
	return withStore(e, "export", args, func(fs *flag.FlagSet) {
		t := func(k string) string { return e.cat.T(e.locale, k) }
		fs.StringVar(&slug, "org", "", t("cli.flag.org_id"))
		fs.StringVar(&kind, "kind", "", t("cli.flag.kind"))
		fs.StringVar(&format, "format", "csv", t("cli.flag.export_format"))
		fs.StringVar(&lang, "lang", string(e.locale), t("cli.flag.lang"))
		fs.StringVar(&out, "out", "", t("cli.flag.export_out"))
	}, func(cfg config, db *store.DB) error {
		if slug == "" || kind == "" {
			return usageError{e.cat.T(e.locale, "cli.need_flags", "--org, --kind")}
		}
		k, ok := intake.ParseKind(kind)
		if !ok {
			return usageError{e.cat.T(e.locale, "cli.import.bad_kind", kind)}
		}
		if format != "csv" && format != "xlsx" {
			return usageError{e.cat.T(e.locale, "cli.export.bad_format", format)}
		}
		if lang != "ja" && lang != "en" {
			return usageError{e.cat.T(e.locale, "cli.export.bad_lang", lang)}
		}
		if format == "xlsx" && out == "" {
			return usageError{e.cat.T(e.locale, "cli.export.need_out")}
		}
		o, err := db.OrgBySlug(e.ctx, slug)
		if err != nil {
			return problem.New(problem.NotFound, "cli.org_not_found", slug)
		}
		t := db.Tenant(o.ID)
		if out == "" {
			_, err := intake.Export(e.ctx, t, e.stdout, k, format, lang)
			return err
		}
		// Written beside the target and renamed, so a failed export never
		// leaves half a file under the name asked for.
		tmp, err := os.CreateTemp(filepath.Dir(out), ".mamori-export-*")
		if err != nil {
			return problem.New(problem.Invalid, "cli.export.cannot_write", out)
		}
		defer os.Remove(tmp.Name())
		n, err := intake.Export(e.ctx, t, tmp, k, format, lang)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		if err := os.Rename(tmp.Name(), out); err != nil {
			return problem.New(problem.Invalid, "cli.export.cannot_write", out)
		}
		e.say("cli.export.done", n, out)
		return nil
	})
}

// splitArgs separates the file names from the options, so that a file may
// come before or after them: every argument starting with "-" is an
// option, followed by its value unless it is one of bools or written
// --name=value.
func splitArgs(args []string, bools ...string) (flags, files []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return flags, append(files, args[i+1:]...)
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			files = append(files, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		isBool := false
		for _, b := range bools {
			isBool = isBool || name == b
		}
		if !isBool && i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	return flags, files
}
