package web

import (
	"html/template"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/inventory"
)

// rowsTemplate is how the inventory list wrote its rows before cellRows:
// the reference the Go writer must match byte for byte.
const rowsTemplate = `{{define "shown-one"}}{{if .Link}}<a href="{{.Link}}">{{.Text}}</a>{{else if .Class}}<span class="{{.Class}}">{{.Text}}</span>{{else}}{{.Text}}{{end}}{{end}}` +
	`{{define "rows"}}{{range .}}
    <tr>{{range .}}<td data-label="{{.Label}}"{{if .Short}} class="nowrap"{{end}}>{{if .Link}}<a href="{{.Link}}">{{range .Items}}{{.Text}}{{end}}</a>{{else if .One}}{{template "shown-one" .One}}{{else if .Items}}<ul class="plain">{{range .Items}}<li>{{template "shown-one" .}}</li>{{end}}</ul>{{else}}<span class="muted">—</span>{{end}}</td>{{end}}</tr>{{end}}{{end}}`

// TestRowsRenderAsTheTemplateDid writes hostile rows (markup, quotes, NUL,
// invalid UTF-8, script and data URLs, odd percent escapes, Japanese in
// links) both ways and wants the same bytes: the Go writer escapes exactly
// as html/template does.
func TestRowsRenderAsTheTemplateDid(t *testing.T) {
	texts := []string{"", "名簿", `<script>alert("x")</script>`, "a&b+c'd", "nul\x00here", "bad\xffutf8", "&amp;", "﷐\uffff"}
	links := []string{"/o/a/services/1", "/o/a/shares?asset_id=3&scope=anyone_link", "/o/日本/x y", "javascript:alert(1)", "JaVaScRiPt:alert(1)",
		" javascript:x", "data:text/html,<b>", "http://example.com/a b?c=d#e", "HTTPS://example.com", "mailto:a@b.example", "//evil.example/",
		"/p%41%zz%4", "/q?'\"<>", "vbscript:x", "/a:b", "x:y/z"}
	var rows [][]cell
	for i, l := range links {
		tx := texts[i%len(texts)]
		one := shown{Text: tx, Link: links[(i+3)%len(links)]}
		cls := shown{Text: tx, Class: `badge "x" <y>`}
		plain := shown{Text: texts[(i+1)%len(texts)]}
		rows = append(rows, []cell{
			{Label: tx, Items: []shown{{Text: tx}, {Text: "・"}}, Link: l},
			{Label: `data "label" <&>`, Items: []shown{one}, One: &one, Short: i%2 == 0},
			{Label: "class", Items: []shown{cls}, One: &cls},
			{Label: "many", Items: []shown{one, cls, plain}},
			{Label: "none"},
			{Label: "plain", Items: []shown{plain}, One: &plain},
		})
	}
	ref := template.Must(template.New("r").Parse(rowsTemplate))
	var want strings.Builder
	if err := ref.ExecuteTemplate(&want, "rows", rows); err != nil {
		t.Fatal(err)
	}
	if got := string(cellRows(rows)); got != want.String() {
		g, w := got, want.String()
		i := 0
		for i < len(g) && i < len(w) && g[i] == w[i] {
			i++
		}
		t.Fatalf("rows differ at byte %d:\ngot  …%q\nwant …%q", i, g[max(0, i-40):min(len(g), i+60)], w[max(0, i-40):min(len(w), i+60)])
	}
}

// peopleRowsTemplate is how the people list wrote its rows before
// peoplePage.RowsHTML.
const peopleRowsTemplate = `{{range .People}}
    <tr>
      <td data-label="{{$.T "person.name"}}"><a href="{{$.OrgURL "/people/"}}{{.ID}}"><ruby>{{.Name}}<rt>{{.Kana}}</rt></ruby></a></td>
      <td data-label="{{$.T "person.department"}}">{{.Department}}</td>
      <td data-label="{{$.T "person.employment_type"}}">{{$.T (print "employment." .EmploymentType)}}</td>
      <td class="mono" data-label="{{$.T "person.email"}}">{{.Email}}</td>
      <td data-label="{{$.T "person.join_date"}}">{{$.Day .JoinDate}}</td>
      {{if $.ShowLeft}}<td data-label="{{$.T "person.leave_date"}}">{{$.Day .LeaveDate}}</td>{{end}}
    </tr>{{end}}`

// TestPeopleRowsRenderAsTheTemplateDid: the people list's rows, hostile
// values included, in both languages, with and without leave dates.
func TestPeopleRowsRenderAsTheTemplateDid(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	people := []inventory.Person{
		{ID: 1, Name: "山田花子", Kana: "ヤマダハナコ", Email: "hanako@example.jp", Department: "総務部", EmploymentType: inventory.FullTime, JoinDate: "2020-04-01"},
		{ID: 22, Name: `<img src=x onerror="alert(1)">`, Kana: "a&b+'c", Email: "x\x00y@example.jp", Department: "bad\xffutf8", EmploymentType: "odd\"type", LeaveDate: "2026-03-31"},
	}
	ref := template.Must(template.New("people").Parse(peopleRowsTemplate))
	for _, loc := range []i18n.Locale{i18n.Japanese, i18n.English} {
		for _, left := range []bool{false, true} {
			p := peoplePage{base: base{cat: cat, Locale: loc}, People: people, ShowLeft: left}
			p.Org.Slug = "alpha"
			var want strings.Builder
			if err := ref.Execute(&want, p); err != nil {
				t.Fatal(err)
			}
			if got := string(p.RowsHTML()); got != want.String() {
				t.Fatalf("%s, leave dates %v:\ngot  %q\nwant %q", loc, left, got, want.String())
			}
		}
	}
}
