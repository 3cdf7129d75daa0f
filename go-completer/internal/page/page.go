// Package page holds the pages that `serve` answers with: the approval page
// (GET /) and the pages of a signed link (/a/LINK). Their one source is the
// project's page/ folder: `make generate` copies it here (and into the Python
// completer), and `make checkgenerate` fails when a copy is stale, so both
// completers serve the same bytes.
package page

import (
	"html"
	"regexp"

	_ "embed"
)

// HTML is the approval page, byte for byte.
//
//go:embed index.html
var HTML []byte

//go:embed link.html
var linkTemplate string

// LinkPage is what one link page says (docs/completer-http.md, the table of
// the link pages). Every field is text, escaped as it is filled in, but Form,
// which is the page's own markup.
type LinkPage struct {
	Title, Message, Form                   string
	WorkflowID, RunID, ActivityID, Attempt string
	Action, TextLabel, Text, For, Expires  string
	// Summary and Input are what the Activity asks ("-": nothing to show).
	Summary, Input string
}

var placeholder = regexp.MustCompile(`\{\{([A-Z_]+)\}\}`)

// Link is the page of link.html with every {{NAME}} replaced by its value, in
// one pass (a value that holds {{NAME}} stays as it is), escaped as
// html.EscapeString escapes (& < > " ' as &amp; &lt; &gt; &#34; &#39;).
func Link(p LinkPage) []byte {
	values := map[string]string{
		"TITLE":       html.EscapeString(p.Title),
		"MESSAGE":     html.EscapeString(p.Message),
		"WORKFLOW_ID": html.EscapeString(p.WorkflowID),
		"RUN_ID":      html.EscapeString(p.RunID),
		"ACTIVITY_ID": html.EscapeString(p.ActivityID),
		"ATTEMPT":     html.EscapeString(p.Attempt),
		"ACTION":      html.EscapeString(p.Action),
		"TEXT_LABEL":  html.EscapeString(p.TextLabel),
		"TEXT":        html.EscapeString(p.Text),
		"FOR":         html.EscapeString(p.For),
		"EXPIRES":     html.EscapeString(p.Expires),
		"SUMMARY":     html.EscapeString(p.Summary),
		"INPUT":       html.EscapeString(p.Input),
		"FORM":        p.Form,
	}
	return []byte(placeholder.ReplaceAllStringFunc(linkTemplate, func(m string) string {
		if value, ok := values[m[2:len(m)-2]]; ok {
			return value
		}
		return m
	}))
}
