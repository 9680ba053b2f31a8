package appi

// Ruling is a decision in words, as the CLI prints it and the API returns
// it: the same JSON in both.
type Ruling struct {
	MustReport          bool         `json:"must_report"`
	NotifyPeople        bool         `json:"notify_people"`
	Triggers            []ReasonText `json:"triggers"`
	Reasons             []ReasonText `json:"reasons"`
	RuleVersion         string       `json:"rule_version"`
	RuleEffectiveFrom   string       `json:"rule_effective_from"`
	RuleTitle           string       `json:"rule_title"`
	Awareness           string       `json:"awareness"`
	PreliminaryReport   *Preliminary `json:"preliminary_report,omitempty"`
	FinalReportDays     int          `json:"final_report_days,omitempty"`
	FinalReportDeadline string       `json:"final_report_deadline,omitempty"`
	GDPRDeadline        string       `json:"gdpr_deadline,omitempty"`
	Summary             string       `json:"summary"`
}

// ReasonText is one reason in the reader's language.
type ReasonText struct {
	Code    string `json:"code"`
	Article string `json:"article,omitempty"`
	Text    string `json:"text"`
}

// Preliminary is the 速報 window: the target day and the latest day the
// guidelines' "about 3 to 5 days" allows.
type Preliminary struct {
	Target string `json:"target"`
	Latest string `json:"latest"`
}

// Explain puts d into words with tr (a catalogue lookup).
func (d Decision) Explain(tr func(key string, args ...any) string) Ruling {
	text := func(rs []Reason) []ReasonText {
		out := make([]ReasonText, 0, len(rs))
		for _, r := range rs {
			out = append(out, ReasonText{Code: r.Code, Article: r.Article, Text: tr(r.Key, r.Args...)})
		}
		return out
	}
	out := Ruling{
		MustReport:        d.MustReport,
		NotifyPeople:      d.NotifyPeople,
		Triggers:          text(d.Triggers),
		Reasons:           text(d.Reasons),
		RuleVersion:       d.Rule.Version,
		RuleEffectiveFrom: d.Rule.EffectiveFrom,
		RuleTitle:         tr(d.Rule.TitleKey),
		Awareness:         d.Awareness.String(),
	}
	if d.MustReport {
		out.PreliminaryReport = &Preliminary{Target: d.PreliminaryTarget.String(), Latest: d.PreliminaryLatest.String()}
		out.FinalReportDays = d.FinalDays
		out.FinalReportDeadline = d.FinalDeadline.String()
		out.Summary = tr("appi.summary.report", d.PreliminaryTarget.String(), d.FinalDeadline.String())
	} else {
		out.Summary = tr("appi.summary.no_report")
	}
	if d.GDPRDeadline != nil {
		out.GDPRDeadline = d.GDPRDeadline.Format("2006-01-02T15:04:05Z07:00")
	}
	return out
}
