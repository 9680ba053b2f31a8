package main

import (
	"encoding/json"
	"flag"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/selfdiag"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/web"
)

// cmdSelfdiag saves an answer file (CSV or JSON) as a self-diagnosis
// sitting and prints the total, the band, the part totals and the
// questions answered "don't know" — or, with --json, the API's JSON.
// A bad file is refused naming the line; nothing is saved.
func cmdSelfdiag(e *env, args []string) error {
	var slug, file, department string
	var asJSON bool
	return withStore(e, "selfdiag", args, func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "org", "", e.cat.T(e.locale, "cli.flag.org_id"))
		fs.StringVar(&file, "answers", "", e.cat.T(e.locale, "cli.selfdiag.flag_answers"))
		fs.StringVar(&department, "department", "", e.cat.T(e.locale, "cli.selfdiag.flag_department"))
		fs.BoolVar(&asJSON, "json", false, e.cat.T(e.locale, "cli.flag.json"))
	}, func(cfg config, db *store.DB) error {
		if slug == "" || file == "" {
			return usageError{e.cat.T(e.locale, "cli.need_flags", "--org, --answers")}
		}
		o, err := db.OrgBySlug(e.ctx, slug)
		if err != nil {
			return problem.New(problem.NotFound, "cli.org_not_found", slug)
		}
		data, err := readAnswerFile(file)
		if err != nil {
			return err
		}
		answers, err := selfdiag.ParseFile(data)
		if err != nil {
			return err
		}
		t := db.Tenant(o.ID)
		id, err := web.TakeSitting(e.ctx, t, audit.CLI(), calendar.Of(db.Now()), store.SittingInput{Answers: answers, Source: "file", Department: department})
		if err != nil {
			return err
		}
		sit, err := t.Sitting(e.ctx, id)
		if err != nil {
			return err
		}
		j := web.SittingToJSON(e.cat, e.locale, sit)
		if asJSON {
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(j)
		}
		e.say("cli.selfdiag.total", j.Total, j.BandLabel)
		e.say("cli.selfdiag.next", j.NextStep)
		for _, p := range j.Parts {
			e.say("cli.selfdiag.part", p.Name, p.Total, p.Max)
		}
		if len(j.DontKnow) > 0 {
			e.say("cli.selfdiag.dont_know")
			for _, q := range j.DontKnow {
				e.say("cli.selfdiag.question", q.Question, q.Title)
			}
		}
		if len(j.Flagged) > 0 {
			qs := make([]string, len(j.Flagged))
			for i, q := range j.Flagged {
				qs[i] = strconv.Itoa(q)
			}
			e.say("cli.selfdiag.flagged", strings.Join(qs, ", "))
		}
		return nil
	})
}

// readAnswerFile reads at most selfdiag.MaxFile bytes and one more, so
// that a larger file is refused by the parser rather than read whole.
func readAnswerFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, problem.New(problem.Invalid, "cli.import.cannot_read", name)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, selfdiag.MaxFile+1))
	if err != nil {
		return nil, problem.New(problem.Invalid, "cli.import.cannot_read", name)
	}
	return data, nil
}
