package page

import (
	"strings"
	"testing"
)

func TestLinkFillsEveryFieldEscapedButTheForm(t *testing.T) {
	got := string(Link(LinkPage{
		Title: `Approve "x" & <y>?`, Message: "it's {{FOR}}", Form: `<form method="post"></form>`,
		WorkflowID: "wf<1>", RunID: "run", ActivityID: "a'1", Attempt: "2", Action: "Approve", TextLabel: "Result",
		Text: "Grüße & ✓", For: "ada", Expires: "2026-12-06T09:00:00Z",
		Summary: "Pay <b>3</b>", Input: "<script>alert('x')</script>\nline 2",
	}))
	for _, want := range []string{
		"<title>Approve &#34;x&#34; &amp; &lt;y&gt;?</title>",
		"<h1>Approve &#34;x&#34; &amp; &lt;y&gt;?</h1>",
		// One pass: a value that holds a placeholder keeps it.
		`<p id="outcome">it&#39;s {{FOR}}</p>`,
		"<dt>Workflow</dt><dd>wf&lt;1&gt;</dd>",
		"<dt>Activity</dt><dd>a&#39;1 (attempt 2)</dd>",
		"<dt>Result</dt><dd>Grüße &amp; ✓</dd>",
		"<dt>For</dt><dd>ada</dd>",
		"<dt>Expires</dt><dd>2026-12-06T09:00:00Z</dd>",
		// What the Activity asks, as text, its lines kept.
		`<dt>Summary</dt><dd id="summary">Pay &lt;b&gt;3&lt;/b&gt;</dd>`,
		"<dt>Input</dt><dd id=\"input\" class=\"asked\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;\nline 2</dd>",
		"\n<form method=\"post\"></form>\n</body>",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the page lacks %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, "{{TITLE}}") || strings.Contains(got, "{{TEXT}}") {
		t.Errorf("a placeholder is left:\n%s", got)
	}
}
