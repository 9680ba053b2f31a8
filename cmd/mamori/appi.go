package main

import (
	"encoding/json"
	"io"
	"os"
	"time"

	"github.com/mamori-sec/mamori/internal/appi"
)

// cmdAPPIDecide rules on a breach's facts — must it be reported to the
// PPC, why, and by when — and prints the ruling as the API returns it.
// It needs no database: advisors check a case before it is an incident.
func cmdAPPIDecide(e *env, args []string) error {
	fs := e.flags("appi decide")
	var file string
	fs.StringVar(&file, "json", "", e.cat.T(e.locale, "cli.flag.appi_json"))
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if file == "" {
		return usageError{e.cat.T(e.locale, "cli.need_flags", "--json")}
	}
	var b []byte
	var err error
	if file == "-" {
		b, err = io.ReadAll(io.LimitReader(e.stdin, 1<<20))
	} else {
		b, err = os.ReadFile(file)
	}
	if err != nil {
		return err
	}
	rules, err := appi.Rules()
	if err != nil {
		return err
	}
	facts, err := appi.ParseFacts(b, time.Now())
	if err != nil {
		return err
	}
	d, err := appi.Decide(facts, rules)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(d.Explain(func(key string, args ...any) string { return e.cat.T(e.locale, key, args...) }))
}
