package web

import (
	"testing"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/importer"
)

func TestNormaliseDay(t *testing.T) {
	tests := map[string]string{
		"2026-04-01":       "2026-04-01",
		"2026/4/1":         "2026-04-01",
		"２０２６／０４／０１":       "2026-04-01",
		"2026年4月1日":        "2026-04-01",
		"令和8年4月1日":         "2026-04-01",
		"令和元年5月1日":         "2019-05-01",
		"平成31年4月30日":       "2019-04-30",
		"R8.4.1":           "2026-04-01",
		"h31/4/30":         "2019-04-30",
		"昭和64年1月7日":        "1989-01-07",
		"2026-02-30":       "2026-02-30",
		"26/4/1":           "26/4/1",
		"元年5月1日":           "元年5月1日",
		"":                 "",
		"来月":               "来月",
		"2026-04-01T00:00": "2026-04-01T00:00",
		// Days outside their era are refused, as the importer refuses them
		// (the form's own parser took them before).
		"平成31年5月1日":  "平成31年5月1日",
		"平成32年1月1日":  "平成32年1月1日",
		"令和元年4月30日":  "令和元年4月30日",
		"昭和64年1月8日":  "昭和64年1月8日",
		"令和100年1月1日": "令和100年1月1日",
		"令和八年四月一日":   "2026-04-01",
	}
	for in, want := range tests {
		if got := normaliseDay(in); got != want {
			t.Errorf("normaliseDay(%q): got %q, want %q", in, got, want)
		}
	}
}

// TestFormAndImportReadDaysAlike: the form and the importer read a day
// by the same rules, so a day the form refuses is refused by an import
// and the other way round.
func TestFormAndImportReadDaysAlike(t *testing.T) {
	for _, in := range []string{"2026-04-01", "2026/4/1", "令和8年4月1日", "R8.4.1", "H31.4.30", "S64.1.7", "平成元年1月8日",
		"平成31年5月1日", "令和元年4月30日", "昭和64年1月8日", "平成元年1月7日", "平成32年1月1日", "令和八年四月一日", "Ｒ８．４．１"} {
		form := normaliseDay(in)
		imported, err := importer.ParseDate(in)
		_, ferr := calendar.ParseISO(form)
		if (ferr == nil) != (err == nil) || err == nil && form != imported {
			t.Errorf("%q: the form reads %q, the import %q (%v)", in, form, imported, err)
		}
	}
}

func TestListQueryKeepsOnlyOfferedColumns(t *testing.T) {
	q := listQuery(map[string][]string{"q": {" 名簿 "}, "kind": {"pc"}, "org_id": {"2"}, "sort": {"-name"}, "offset": {"-5"}},
		[]string{"kind", "ownership"}, []string{"name"})
	if q.Search != "名簿" || len(q.Filters) != 1 || q.Filters["kind"] != "pc" || q.Sort != "-name" || q.Offset != 0 || q.Limit != listPageSize {
		t.Fatalf("got %+v", q)
	}
	if q := listQuery(map[string][]string{"sort": {"org_id"}}, nil, []string{"name"}); q.Sort != "" {
		t.Fatalf("sort by a column not offered: got %q", q.Sort)
	}
	if got := listURL(q, "name", 50); got != "?kind=pc&offset=50&q=%E5%90%8D%E7%B0%BF&sort=name" {
		t.Fatalf("got %q", got)
	}
}
