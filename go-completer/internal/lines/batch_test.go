package lines

import (
	"strings"
	"testing"
)

// jobLine is the outcome of one batch job.
type jobLine struct {
	line    int
	code    int
	message string
}

func TestAppendJobLine(t *testing.T) {
	tests := []struct {
		outcome jobLine
		want    string
	}{
		{jobLine{3, ExitOK, `Completed Activity "1" of Workflow "wf-1" (attempt 1)`},
			`{"line":3,"outcome":"ok","code":0,"message":"Completed Activity \"1\" of Workflow \"wf-1\" (attempt 1)"}` + "\n"},
		{jobLine{12, ExitUsage, "m"}, `{"line":12,"outcome":"malformed","code":2,"message":"m"}` + "\n"},
		{jobLine{1, ExitRefused, "m"}, `{"line":1,"outcome":"refused","code":3,"message":"m"}` + "\n"},
		{jobLine{100000, ExitUnreachable, "m"}, `{"line":100000,"outcome":"unreachable","code":4,"message":"m"}` + "\n"},
		{jobLine{7, ExitFailure, ""}, `{"line":7,"outcome":"error","code":1,"message":""}` + "\n"},
		// What Python's json.dumps(ensure_ascii=False, separators=(",", ":"))
		// prints for the same text: control characters escaped, \u00XX in lower
		// case, DEL, <>&, U+2028, U+2029 and every other character as is.
		{jobLine{3, ExitOK, "tab\there\\back\nnl\r\x00\x1f\x7f <>&\u2028\u2029 é 日本 😀 \b\f /"},
			`{"line":3,"outcome":"ok","code":0,"message":"tab\there\\back\nnl\r\u0000\u001f` + "\x7f <>&\u2028\u2029 é 日本 😀 " + `\b\f /"}` + "\n"},
	}
	for _, tt := range tests {
		if got := string(AppendJobLine(nil, tt.outcome.line, tt.outcome.code, tt.outcome.message, false)); got != tt.want {
			t.Errorf("AppendJobLine(%+v)\n got: %s\nwant: %s", tt.outcome, got, tt.want)
		}
	}
	if got := string(AppendJobLine([]byte("kept"), 1, 0, "x", false)); !strings.HasPrefix(got, `kept{"line":1,`) {
		t.Errorf("AppendJobLine does not append: %q", got)
	}
}
