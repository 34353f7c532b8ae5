package report

import (
	"fmt"
	"html/template"
	"io"
)

// The HTML page: one file, inline CSS and SVG, no script, nothing from the
// network; html/template escapes every value. Colours hold when printed
// (print-color-adjust) and charts never split across pages.
var page = template.Must(template.New("page").Funcs(template.FuncMap{"cell": text, "bar": barSVG, "isNum": isNum}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1f24; margin: 2em; }
h1 { font-size: 1.5em; margin: 0 0 .2em; }
p.sub { color: #57606a; margin: 0 0 1.5em; }
table { border-collapse: collapse; margin: 1em 0 2em; font-size: 13px; }
td.num { white-space: nowrap; }
th, td { border: 1px solid #d0d7de; padding: .3em .6em; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
section.chart { break-inside: avoid; page-break-inside: avoid; margin: 0 0 1.5em; }
section.chart h2 { font-size: 1.1em; margin: 0 0 .3em; }
.legend span { display: inline-block; margin-right: 1em; }
.legend i { display: inline-block; width: .9em; height: .9em; margin-right: .3em; vertical-align: -.1em; }
.installed { fill: #2da44e; background: #2da44e; }
.not_required { fill: #8ddb8c; background: #8ddb8c; }
.required { fill: #cf222e; background: #cf222e; }
.reboot_pending { fill: #bf8700; background: #bf8700; }
.unknown { fill: #8c959f; background: #8c959f; }
.reported { fill: #0969da; background: #0969da; }
.not_reported { fill: #d0d7de; background: #d0d7de; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@media print { body { margin: 1cm; } table { font-size: 10pt; } }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{if .Subtitle}}<p class="sub">{{.Subtitle}}</p>{{end}}
{{range .Charts}}<section class="chart" data-chart>
<h2>{{.Title}}</h2>
{{range .Bars}}{{bar .}}{{end}}
</section>
{{end}}{{if .Rows}}<table>
<thead><tr>{{range .Columns}}<th>{{.Name}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr>{{range .}}{{if isNum .}}<td class="num">{{cell .}}</td>{{else}}<td>{{cell .}}</td>{{end}}{{end}}</tr>
{{end}}</tbody>
</table>{{else}}<p>{{.Empty}}</p>{{end}}
</body>
</html>
`))

func isNum(v any) bool {
	switch v.(type) {
	case int64, int, float64:
		return true
	}
	return false
}

func writeHTML(w io.Writer, r *Report) error {
	return page.Execute(w, r)
}

// barSVG draws a stacked bar with its label and legend as inline SVG.
func barSVG(b Bar) template.HTML {
	const width, height = 600.0, 22.0
	var total int64
	for _, s := range b.Segments {
		total += s.Value
	}
	out := fmt.Sprintf(`<div class="bar"><div>%s (%d)</div><svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" viewBox="0 0 %g %g" role="img" aria-label="%s">`,
		template.HTMLEscapeString(b.Label), total, width, height, width, height, template.HTMLEscapeString(b.Label))
	if total == 0 {
		out += fmt.Sprintf(`<rect x="0" y="0" width="%g" height="%g" class="not_reported"><title>no data</title></rect>`, width, height)
	}
	x := 0.0
	for _, s := range b.Segments {
		if s.Value == 0 || total == 0 {
			continue
		}
		w := width * float64(s.Value) / float64(total)
		out += fmt.Sprintf(`<rect x="%.2f" y="0" width="%.2f" height="%g" class="%s"><title>%s: %d</title></rect>`,
			x, w, height, template.HTMLEscapeString(s.Class), template.HTMLEscapeString(s.Label), s.Value)
		x += w
	}
	out += `</svg><div class="legend">`
	for _, s := range b.Segments {
		out += fmt.Sprintf(`<span><i class="%s"></i>%s: %d</span>`, template.HTMLEscapeString(s.Class), template.HTMLEscapeString(s.Label), s.Value)
	}
	return template.HTML(out + `</div></div>`)
}
