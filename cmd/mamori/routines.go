package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/routine"
	"github.com/mamori-sec/mamori/internal/safecsv"
	"github.com/mamori-sec/mamori/internal/seal"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/web"
)

// routinesTenant finds the organisation and brings its routines up to
// date, as the daily job would.
func routinesTenant(e *env, db *store.DB, slug string) (store.Tenant, calendar.Day, error) {
	today := calendar.Of(db.Now())
	if slug == "" {
		return store.Tenant{}, today, usageError{e.cat.T(e.locale, "cli.need_flags", "--org")}
	}
	o, err := db.OrgBySlug(e.ctx, slug)
	if err != nil {
		return store.Tenant{}, today, problem.New(problem.NotFound, "cli.org_not_found", slug)
	}
	t := db.Tenant(o.ID)
	if _, err := t.SyncRoutines(e.ctx, audit.CLI(), today); err != nil {
		return t, today, err
	}
	return t, today, nil
}

func (e *env) title(o store.Occurrence) string {
	t := e.cat.T(e.locale, o.Chore.TitleKey())
	if o.Service != "" {
		t = e.cat.T(e.locale, "routines.title_service", t, o.Service)
	}
	return t
}

// cmdRoutinesList lists the occurrences waiting (overdue and due within
// --days), as a table or as the API's JSON.
func cmdRoutinesList(e *env, args []string) error {
	var slug string
	var days int
	var asJSON bool
	return withStore(e, "routines list", args, func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "org", "", e.cat.T(e.locale, "cli.flag.org_id"))
		fs.IntVar(&days, "days", 7, e.cat.T(e.locale, "cli.routines.flag_days"))
		fs.BoolVar(&asJSON, "json", false, e.cat.T(e.locale, "cli.flag.json"))
	}, func(cfg config, db *store.DB) error {
		t, today, err := routinesTenant(e, db, slug)
		if err != nil {
			return err
		}
		occ, err := t.Occurrences(e.ctx, store.OccurrenceQuery{Through: today.AddDays(days), Waiting: true, AnyAssignee: true})
		if err != nil {
			return err
		}
		if asJSON {
			out := make([]web.OccurrenceJSON, len(occ))
			for i, o := range occ {
				out[i] = web.OccurrenceToJSON(e.cat, o, today)
			}
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(map[string]any{"occurrences": out})
		}
		e.say("cli.routines.listed", len(occ), today.AddDays(days).Slashed())
		for _, o := range occ {
			who := o.Assignee
			if who == "" {
				who = e.cat.T(e.locale, "routines.keepers")
			}
			fmt.Fprintf(e.stdout, "%6d  %s  %-10s %s — %s\n", o.ID, o.On.Slashed(), e.cat.T(e.locale, o.Status(today).Label()), e.title(o), who)
		}
		return nil
	})
}

// cmdRoutinesComplete completes an occurrence with a note and, with
// --file, a file of evidence sealed like the server's uploads.
func cmdRoutinesComplete(e *env, args []string) error {
	var slug, note, file string
	var id int64
	return withStore(e, "routines complete", args, func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "org", "", e.cat.T(e.locale, "cli.flag.org_id"))
		fs.Int64Var(&id, "id", 0, e.cat.T(e.locale, "cli.routines.flag_id"))
		fs.StringVar(&note, "note", "", e.cat.T(e.locale, "cli.routines.flag_note"))
		fs.StringVar(&file, "file", "", e.cat.T(e.locale, "cli.routines.flag_file"))
	}, func(cfg config, db *store.DB) error {
		if id == 0 {
			return usageError{e.cat.T(e.locale, "cli.need_flags", "--id")}
		}
		t, _, err := routinesTenant(e, db, slug)
		if err != nil {
			return err
		}
		var ev *store.EvidenceFile
		if file != "" {
			data, err := readEvidence(file)
			if err != nil {
				return err
			}
			name := filepath.Base(file)
			mt, key := routine.CheckFile(name, data)
			switch key {
			case "":
			case "routines.evidence_too_large":
				return problem.Field("file", key, routine.MaxEvidenceBytes>>20)
			default:
				return problem.Field("file", key, routine.AllowedEvidence)
			}
			secret, err := seal.LoadOrCreateKey(cfg.keyPath())
			if err != nil {
				return problem.New(problem.Invalid, "cli.key_unreadable", cfg.keyPath())
			}
			box, err := seal.New(secret)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(data)
			hexSum := hex.EncodeToString(sum[:])
			ev = &store.EvidenceFile{Name: name, MIME: mt, Size: int64(len(data)), SHA256: hexSum,
				Data: box.SealBytes(data, store.EvidenceSealContext(t.OrgID(), id, hexSum)), Sealed: true}
		}
		if err := t.CompleteOccurrence(e.ctx, audit.CLI(), id, routine.Completion{Note: note}, ev); err != nil {
			return err
		}
		o, err := t.Occurrence(e.ctx, id)
		if err != nil {
			return err
		}
		e.say("cli.routines.completed", e.title(o), o.On.Slashed())
		return nil
	})
}

// readEvidence reads a file, refusing one larger than an evidence file
// may be before reading it.
func readEvidence(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil || st.IsDir() {
		return nil, problem.New(problem.Invalid, "cli.import.cannot_read", path)
	}
	if st.Size() > routine.MaxEvidenceBytes {
		return nil, problem.Field("file", "routines.evidence_too_large", routine.MaxEvidenceBytes>>20)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, problem.New(problem.Invalid, "cli.import.cannot_read", path)
	}
	return data, nil
}

// cmdRoutinesCalendar exports the due days of the coming --days as ICS
// (for a calendar program) or CSV (for a spreadsheet, through safecsv).
func cmdRoutinesCalendar(e *env, args []string) error {
	var slug, format, out string
	var days int
	return withStore(e, "routines calendar", args, func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "org", "", e.cat.T(e.locale, "cli.flag.org_id"))
		fs.StringVar(&format, "format", "ics", e.cat.T(e.locale, "cli.routines.flag_format"))
		fs.StringVar(&out, "out", "", e.cat.T(e.locale, "cli.routines.flag_out"))
		fs.IntVar(&days, "days", 365, e.cat.T(e.locale, "cli.routines.flag_days"))
	}, func(cfg config, db *store.DB) error {
		if format != "ics" && format != "csv" {
			return usageError{e.cat.T(e.locale, "cli.routines.bad_format", format)}
		}
		t, today, err := routinesTenant(e, db, slug)
		if err != nil {
			return err
		}
		o, err := t.Org(e.ctx)
		if err != nil {
			return err
		}
		rs, err := t.Routines(e.ctx)
		if err != nil {
			return err
		}
		occ, err := t.Occurrences(e.ctx, store.OccurrenceQuery{Through: today.AddDays(days), Waiting: true, AnyAssignee: true})
		if err != nil {
			return err
		}
		type row struct {
			id    string
			on    calendar.Day
			title string
			who   string
		}
		var rows []row
		have := map[string]bool{}
		for _, x := range occ {
			who := x.Assignee
			if who == "" {
				who = e.cat.T(e.locale, "routines.keepers")
			}
			rows = append(rows, row{"occurrence-" + strconv.FormatInt(x.ID, 10), x.On, e.title(x), who})
			have[strconv.FormatInt(x.RoutineID, 10)+"@"+x.On.String()] = true
		}
		for _, r := range rs {
			if !r.Active() {
				continue
			}
			ds, err := r.Schedule.Due(today.AddDays(1), today.AddDays(days))
			if err != nil {
				continue // beyond the holiday table
			}
			for _, d := range ds {
				k := strconv.FormatInt(r.ID, 10) + "@" + d.String()
				if d <= today || have[k] {
					continue
				}
				who := r.Assignee
				if who == "" {
					who = e.cat.T(e.locale, "routines.keepers")
				}
				title := e.title(store.Occurrence{Chore: r.Chore, Service: r.Service})
				rows = append(rows, row{"routine-" + k, d, title, who})
			}
		}
		for i := 1; i < len(rows); i++ {
			for j := i; j > 0 && rows[j].on < rows[j-1].on; j-- {
				rows[j], rows[j-1] = rows[j-1], rows[j]
			}
		}
		var w io.Writer = e.stdout
		if out != "" {
			f, err := os.Create(out)
			if err != nil {
				return problem.New(problem.Invalid, "cli.routines.cannot_write", out)
			}
			defer f.Close()
			w = f
		}
		if format == "csv" {
			cw := safecsv.NewWriter(w, true)
			cw.Write([]string{e.cat.T(e.locale, "routines.due"), e.cat.T(e.locale, "routines.chore"), e.cat.T(e.locale, "routines.assignee")})
			for _, r := range rows {
				cw.Write([]string{r.on.String(), r.title, r.who})
			}
			return cw.Flush()
		}
		events := make([]routine.Event, len(rows))
		for i, r := range rows {
			events[i] = routine.Event{UID: r.id + "@" + o.Slug + ".mamori", On: r.on, Summary: r.title, Description: r.who}
		}
		return routine.WriteICS(w, "mamori "+o.Name, events, db.Now())
	})
}
