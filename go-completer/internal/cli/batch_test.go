package cli

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/proto"

	"github.com/async-completion/go-completer/internal/tasktokenpb"
)

// tokenFor is the hex token of attempt 1 of Activity "1" of workflowID.
func tokenFor(t *testing.T, workflowID string) string {
	t.Helper()
	raw, err := proto.Marshal(&tasktokenpb.Task{
		NamespaceId: "ns-id",
		WorkflowId:  workflowID,
		RunId:       "run-1",
		Attempt:     1,
		ActivityId:  "1",
	})
	if err != nil {
		t.Fatalf("marshalling a token: %v", err)
	}
	return hex.EncodeToString(raw)
}

func TestAppendJobLine(t *testing.T) {
	tests := []struct {
		outcome jobOutcome
		want    string
	}{
		{jobOutcome{3, ExitOK, `Completed Activity "1" of Workflow "wf-1" (attempt 1)`},
			`{"line":3,"outcome":"ok","code":0,"message":"Completed Activity \"1\" of Workflow \"wf-1\" (attempt 1)"}` + "\n"},
		{jobOutcome{12, ExitUsage, "m"}, `{"line":12,"outcome":"malformed","code":2,"message":"m"}` + "\n"},
		{jobOutcome{1, ExitRefused, "m"}, `{"line":1,"outcome":"refused","code":3,"message":"m"}` + "\n"},
		{jobOutcome{100000, ExitUnreachable, "m"}, `{"line":100000,"outcome":"unreachable","code":4,"message":"m"}` + "\n"},
		{jobOutcome{7, ExitFailure, ""}, `{"line":7,"outcome":"error","code":1,"message":""}` + "\n"},
		// What Python's json.dumps(ensure_ascii=False, separators=(",", ":"))
		// prints for the same text: control characters escaped, \u00XX in lower
		// case, DEL, <>&, U+2028, U+2029 and every other character as is.
		{jobOutcome{3, ExitOK, "tab\there\\back\nnl\r\x00\x1f\x7f <>&\u2028\u2029 é 日本 😀 \b\f /"},
			`{"line":3,"outcome":"ok","code":0,"message":"tab\there\\back\nnl\r\u0000\u001f` + "\x7f <>&\u2028\u2029 é 日本 😀 " + `\b\f /"}` + "\n"},
	}
	for _, tt := range tests {
		if got := string(appendJobLine(nil, tt.outcome)); got != tt.want {
			t.Errorf("appendJobLine(%+v)\n got: %s\nwant: %s", tt.outcome, got, tt.want)
		}
	}
	if got := string(appendJobLine([]byte("kept"), jobOutcome{1, 0, "x"})); !strings.HasPrefix(got, `kept{"line":1,`) {
		t.Errorf("appendJobLine does not append: %q", got)
	}
}

// parsedLine is what parseBatch made of one line, for comparison.
type parsedLine struct {
	line int
	// For a job: how it is addressed, and what it sends.
	token      string // the workflow ID in the token, when by token
	workflowID string
	runID      string
	activityID string
	result     string
	reason     string
	retryable  bool
	desc       string
	// For a malformed line: the start of its message.
	malformed string
}

func parsedLines(jobs []batchJob, malformed []jobOutcome) []parsedLine {
	var got []parsedLine
	for _, j := range jobs {
		p := parsedLine{line: j.line, workflowID: j.cmd.workflowID, runID: j.cmd.runID, activityID: j.cmd.activityID,
			result: j.cmd.result, reason: j.cmd.reason, retryable: j.cmd.retryable, desc: j.desc}
		if j.token != nil {
			p.token = j.token.Task.GetWorkflowId()
		}
		got = append(got, p)
	}
	for _, m := range malformed {
		if m.code != ExitUsage {
			got = append(got, parsedLine{line: m.line, malformed: fmt.Sprintf("code %d: %s", m.code, m.message)})
			continue
		}
		got = append(got, parsedLine{line: m.line, malformed: m.message})
	}
	slices.SortFunc(got, func(a, b parsedLine) int { return a.line - b.line })
	return got
}

func TestParseBatchComplete(t *testing.T) {
	tok1, tok2, tok3 := tokenFor(t, "wf-1"), tokenFor(t, "wf-2"), tokenFor(t, "wf-3")
	desc := func(workflowID string) string {
		return fmt.Sprintf(`Activity "1" of Workflow "%s" (attempt 1)`, workflowID)
	}
	lines := []string{
		/* 1 */ tok1,
		/* 2 */ "",
		/* 3 */ "   \t ",
		/* 4 */ "# a comment " + tok1,
		/* 5 */ "  # an indented comment",
		/* 6 */ "  0X" + strings.ToUpper(tok2) + "  \r",
		/* 7 */ `{"tasktoken": "` + tok3 + `"}`,
		/* 8 */ `{"tasktoken": "` + tok3 + `", "result": "own result"}`,
		/* 9 */ `{"workflow_id": "order-7", "activity_id": "a1"}`,
		/* 10 */ `{"workflow_id": "order-7", "activity_id": "a1", "run_id": "r9", "result": ""}`,
		/* 11 */ `{"tasktoken": "` + tok1 + `", "reason": "no"}`,
		/* 12 */ `{"tasktoken": "` + tok1 + `", "bogus": 1}`,
		/* 13 */ `{"tasktoken": "` + tok1 + `",}`,
		/* 14 */ `{"tasktoken": 12}`,
		/* 15 */ `{"tasktoken": null}`,
		/* 16 */ `{"workflow_id": "order-7", "activity_id": "a1", "result": 5}`,
		/* 17 */ "xyz",
		/* 18 */ tok1[:len(tok1)-1],
		/* 19 */ `{"tasktoken": ""}`,
		/* 20 */ `{}`,
		/* 21 */ `{"tasktoken": "` + tok1 + `", "workflow_id": "w", "activity_id": "1"}`,
		/* 22 */ `{"workflow_id": "w"}`,
		/* 23 */ `{"activity_id": "1", "run_id": "r"}`,
		/* 24 */ `{"workflow_id": "", "activity_id": "1"}`,
		/* 25 */ `{"tasktoken": "0a0b"}`,
		/* 26 */ `{"workflow_id": "w", "activity_id": "1", "result": "` + strings.Repeat("x", 2097123) + `"}`,
		/* 27 */ "\xff\xfe",
		/* 28 */ `["not", "an", "object"]`,
		/* 29 */ `{"workflow_id": "w", "activity_id": "1"} trailing`,
		/* 30 */ `{"workflow_id": "日本 \"q\"", "activity_id": "1"}`,
		/* 31 */ tok1 + " # not a comment",
		// The last line has no newline.
		/* 32 */ tok2,
	}
	base, err := parseArgs([]string{"complete", "--batch", "f", "--result", "default"})
	if err != nil {
		t.Fatal(err)
	}
	jobs, malformed := parseBatch([]byte(strings.Join(lines, "\n")), base)

	notAJob := "the line is not a hex task token or a JSON job: "
	want := []parsedLine{
		{line: 1, token: "wf-1", result: "default", desc: desc("wf-1")},
		{line: 6, token: "wf-2", result: "default", desc: desc("wf-2")},
		{line: 7, token: "wf-3", result: "default", desc: desc("wf-3")},
		{line: 8, token: "wf-3", result: "own result", desc: desc("wf-3")},
		{line: 9, workflowID: "order-7", activityID: "a1", result: "default", desc: `Activity "a1" of Workflow "order-7"`},
		{line: 10, workflowID: "order-7", runID: "r9", activityID: "a1", result: "", desc: `Activity "a1" of Workflow "order-7"`},
		{line: 11, malformed: notAJob + `unknown key "reason"`},
		{line: 12, malformed: notAJob + `unknown key "bogus"`},
		{line: 13, malformed: notAJob},
		{line: 14, malformed: notAJob + `"tasktoken" must be a text`},
		{line: 15, malformed: notAJob + `"tasktoken" must be a text`},
		{line: 16, malformed: notAJob + `"result" must be a text`},
		{line: 17, malformed: `the task token is not hex: "x" at position 1 is not 0-9 or a-f; copy the taskToken= value from the Worker's log`},
		{line: 18, malformed: "the task token has an odd number of hex digits"},
		{line: 19, malformed: "the task token is empty: copy the taskToken= value from the Worker's log"},
		{line: 20, malformed: msgNoActivity},
		{line: 21, malformed: msgTokenAndIDs},
		{line: 22, malformed: msgWorkflowIDAlone},
		{line: 23, malformed: msgActivityIDAlone},
		{line: 24, malformed: msgActivityIDAlone},
		{line: 25, malformed: "the task token is not a Temporal task token (was it cut short?)"},
		{line: 26, malformed: "the result is 2097158 bytes once encoded, more than the 2097152 bytes the server accepts"},
		{line: 27, malformed: notAJob},
		{line: 28, malformed: `the task token is not hex: "[" at position 1`},
		{line: 29, malformed: notAJob},
		{line: 30, workflowID: `日本 "q"`, activityID: "1", result: "default", desc: `Activity "1" of Workflow "日本 "q""`},
		{line: 31, malformed: `the task token is not hex: " " at position`},
		{line: 32, token: "wf-2", result: "default", desc: desc("wf-2")},
	}
	compareParsed(t, parsedLines(jobs, malformed), want)
}

func TestParseBatchFail(t *testing.T) {
	tok := tokenFor(t, "wf-1")
	desc := `Activity "1" of Workflow "wf-1" (attempt 1)`
	lines := []string{
		/* 1 */ tok,
		/* 2 */ `{"tasktoken": "` + tok + `", "reason": "own"}`,
		/* 3 */ `{"tasktoken": "` + tok + `", "retryable": true}`,
		/* 4 */ `{"tasktoken": "` + tok + `", "reason": "own", "retryable": false}`,
		/* 5 */ `{"workflow_id": "w", "activity_id": "1", "retryable": "yes"}`,
		/* 6 */ `{"tasktoken": "` + tok + `", "result": "r"}`,
		/* 7 */ `{"workflow_id": "w", "activity_id": "1", "run_id": "r", "reason": "own"}`,
		/* 8 */ `{"tasktoken": "` + tok + `", "retryable": null}`,
	}
	data := []byte(strings.Join(lines, "\r\n") + "\r\n")

	t.Run("with --reason and --retryable", func(t *testing.T) {
		base, err := parseArgs([]string{"fail", "--batch", "f", "--reason", "default", "--retryable"})
		if err != nil {
			t.Fatal(err)
		}
		jobs, malformed := parseBatch(data, base)
		compareParsed(t, parsedLines(jobs, malformed), []parsedLine{
			{line: 1, token: "wf-1", reason: "default", retryable: true, desc: desc},
			{line: 2, token: "wf-1", reason: "own", retryable: true, desc: desc},
			{line: 3, token: "wf-1", reason: "default", retryable: true, desc: desc},
			{line: 4, token: "wf-1", reason: "own", retryable: false, desc: desc},
			{line: 5, malformed: `the line is not a hex task token or a JSON job: "retryable" must be true or false`},
			{line: 6, malformed: `the line is not a hex task token or a JSON job: unknown key "result"`},
			{line: 7, workflowID: "w", runID: "r", activityID: "1", reason: "own", retryable: true, desc: `Activity "1" of Workflow "w"`},
			{line: 8, malformed: `the line is not a hex task token or a JSON job: "retryable" must be true or false`},
		})
	})
	t.Run("without --reason", func(t *testing.T) {
		base, err := parseArgs([]string{"fail", "--batch", "f"})
		if err != nil {
			t.Fatal(err)
		}
		jobs, malformed := parseBatch(data, base)
		compareParsed(t, parsedLines(jobs, malformed), []parsedLine{
			{line: 1, malformed: msgFailNeedsReason},
			{line: 2, token: "wf-1", reason: "own", desc: desc},
			{line: 3, malformed: msgFailNeedsReason},
			{line: 4, token: "wf-1", reason: "own", desc: desc},
			{line: 5, malformed: `the line is not a hex task token or a JSON job: "retryable" must be true or false`},
			{line: 6, malformed: `the line is not a hex task token or a JSON job: unknown key "result"`},
			{line: 7, workflowID: "w", runID: "r", activityID: "1", reason: "own", desc: `Activity "1" of Workflow "w"`},
			{line: 8, malformed: `the line is not a hex task token or a JSON job: "retryable" must be true or false`},
		})
	})
	t.Run("an empty reason in the job is no reason", func(t *testing.T) {
		base, err := parseArgs([]string{"fail", "--batch", "f", "--reason", "default"})
		if err != nil {
			t.Fatal(err)
		}
		jobs, malformed := parseBatch([]byte(`{"tasktoken": "`+tok+`", "reason": ""}`), base)
		compareParsed(t, parsedLines(jobs, malformed), []parsedLine{{line: 1, malformed: msgFailNeedsReason}})
	})
	t.Run("the reason is checked before the token", func(t *testing.T) {
		base, err := parseArgs([]string{"fail", "--batch", "f"})
		if err != nil {
			t.Fatal(err)
		}
		jobs, malformed := parseBatch([]byte("xyz"), base)
		compareParsed(t, parsedLines(jobs, malformed), []parsedLine{{line: 1, malformed: msgFailNeedsReason}})
	})
}

func TestParseBatchEmpty(t *testing.T) {
	base, err := parseArgs([]string{"complete", "--batch", "f"})
	if err != nil {
		t.Fatal(err)
	}
	for _, data := range []string{"", "\n", "\n\n  \n# only comments\n", "\r\n"} {
		jobs, malformed := parseBatch([]byte(data), base)
		if len(jobs) != 0 || len(malformed) != 0 {
			t.Errorf("parseBatch(%q) = %d jobs, %d malformed; want none", data, len(jobs), len(malformed))
		}
	}
}

// compareParsed compares line by line; a malformed line's message is compared
// up to the length of the wanted start.
func compareParsed(t *testing.T, got, want []parsedLine) {
	t.Helper()
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(got):
			t.Errorf("line %d missing, want %+v", want[i].line, want[i])
		case i >= len(want):
			t.Errorf("unexpected %+v", got[i])
		case want[i].malformed != "":
			if got[i].line != want[i].line || !strings.HasPrefix(got[i].malformed, want[i].malformed) {
				t.Errorf("line %d: got %+v\nwant a malformed line starting %q", want[i].line, got[i], want[i].malformed)
			}
		case got[i] != want[i]:
			t.Errorf("line %d:\n got %+v\nwant %+v", want[i].line, got[i], want[i])
		}
	}
}

func TestBatchSummary(t *testing.T) {
	tests := []struct {
		name     string
		codes    []int
		wantCode int
		want     string
	}{
		{"no jobs", nil, ExitOK, ""},
		{"all ok", []int{0, 0, 0}, ExitOK, ""},
		{"one refused", []int{0, 3, 0}, ExitRefused,
			"1 of 3 jobs did not succeed (1 refused, 0 malformed, 0 unreachable, 0 other errors); see the JSON lines on standard output"},
		{"every kind", []int{0, 2, 3, 3, 4, 1, 0, 2}, ExitUnreachable,
			"6 of 8 jobs did not succeed (2 refused, 2 malformed, 1 unreachable, 1 other errors); see the JSON lines on standard output"},
		{"malformed only", []int{2}, ExitUsage,
			"1 of 1 jobs did not succeed (0 refused, 1 malformed, 0 unreachable, 0 other errors); see the JSON lines on standard output"},
		{"other errors rank below malformed", []int{1, 2}, ExitUsage,
			"2 of 2 jobs did not succeed (0 refused, 1 malformed, 0 unreachable, 1 other errors); see the JSON lines on standard output"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			b := newBatchOutput(&out, &out, false, len(tt.codes))
			for i, code := range tt.codes {
				b.add(jobOutcome{i + 1, code, "m"})
			}
			err := b.summary()
			if tt.want == "" {
				if err != nil {
					t.Errorf("summary() = %v, want none", err)
				}
				return
			}
			var exitErr *ExitError
			if !errors.As(err, &exitErr) || exitErr.Code != tt.wantCode || exitErr.Message != tt.want {
				t.Errorf("summary() = %v\nwant %d %q", err, tt.wantCode, tt.want)
			}
		})
	}
}

// splitOutput splits what a batch printed into its lines, sorted: jobs finish
// in any order.
func splitOutput(stdout string) []string {
	lines := strings.SplitAfter(stdout, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	slices.Sort(lines)
	return lines
}

func TestRunBatchWithMixedJobs(t *testing.T) {
	cleanEnvironment(t)
	good, stale, other := tokenFor(t, "wf-good"), tokenFor(t, "wf-stale"), tokenFor(t, "wf-other")
	batch := strings.Join([]string{
		"# jobs for the test",
		good,
		stale,
		"xyz",
		`{"workflow_id": "wf-ids", "activity_id": "1", "result": "by IDs"}`,
		`{"workflow_id": "wf-gone", "activity_id": "1"}`,
		other,
		`{"tasktoken": "` + good + `", "oops": true}`,
		"",
		`{"workflow_id": "wf-slow", "activity_id": "1"}`,
	}, "\n") + "\n"
	path := filepath.Join(t.TempDir(), "jobs.txt")
	if err := os.WriteFile(path, []byte(batch), 0o600); err != nil {
		t.Fatal(err)
	}

	fake := &fakeClient{answer: func(c call) error {
		workflowID := c.workflowID
		if c.token != nil {
			task := &tasktokenpb.Task{}
			if err := proto.Unmarshal(c.token, task); err != nil {
				return err
			}
			workflowID = task.GetWorkflowId()
		}
		switch workflowID {
		case "wf-stale", "wf-gone":
			return serviceerror.NewNotFound("activity task not found")
		case "wf-other":
			return serviceerror.NewInvalidArgument("Operation requested with a token from a different namespace.")
		case "wf-slow":
			return fmt.Errorf("failed: %w", context.DeadlineExceeded)
		}
		return nil
	}}
	h := &harness{fake: fake}
	code, stdout, stderr := h.run(t, "complete", "--batch", path, "--result", "done", "--address", "h:1", "--rpc-timeout", "2s")

	notPending := "is not pending any more: it was completed, failed, timed out or retried, or its Workflow closed; a retry logs a new token in the Worker's log"
	want := []string{
		`{"line":2,"outcome":"ok","code":0,"message":"Completed Activity \"1\" of Workflow \"wf-good\" (attempt 1)"}` + "\n",
		`{"line":3,"outcome":"refused","code":3,"message":"Activity \"1\" of Workflow \"wf-stale\" (attempt 1) ` + notPending + `"}` + "\n",
		`{"line":4,"outcome":"malformed","code":2,"message":"the task token is not hex: \"x\" at position 1 is not 0-9 or a-f; copy the taskToken= value from the Worker's log"}` + "\n",
		`{"line":5,"outcome":"ok","code":0,"message":"Completed Activity \"1\" of Workflow \"wf-ids\""}` + "\n",
		`{"line":6,"outcome":"refused","code":3,"message":"Activity \"1\" of Workflow \"wf-gone\" ` + notPending + `"}` + "\n",
		`{"line":7,"outcome":"refused","code":3,"message":"the task token is for another namespace than \"default\": set --namespace or TEMPORAL_NAMESPACE to the namespace of its Workflow"}` + "\n",
		`{"line":8,"outcome":"malformed","code":2,"message":"the line is not a hex task token or a JSON job: unknown key \"oops\" (complete takes tasktoken, workflow_id, activity_id, run_id, result)"}` + "\n",
		`{"line":10,"outcome":"unreachable","code":4,"message":"could not reach the Temporal server at h:1 within 2s: start one with make server, or point TEMPORAL_ADDRESS or --address at yours"}` + "\n",
	}
	slices.Sort(want)
	if got := splitOutput(stdout); !slices.Equal(got, want) {
		t.Errorf("stdout lines:\n%s\nwant:\n%s", strings.Join(got, ""), strings.Join(want, ""))
	}
	// Malformed lines are reported first, before anything is sent.
	if !strings.HasPrefix(stdout, `{"line":4,`) || !strings.Contains(stdout, "\n"+`{"line":8,`) {
		t.Errorf("malformed lines not first:\n%s", stdout)
	}
	wantErr := "error: 6 of 8 jobs did not succeed (3 refused, 2 malformed, 1 unreachable, 0 other errors); see the JSON lines on standard output\n"
	if code != ExitUnreachable || stderr != wantErr {
		t.Errorf("run = %d, stderr %q; want 4, %q", code, stderr, wantErr)
	}
	if len(h.dialed) != 1 {
		t.Errorf("dialled %d times, want once", len(h.dialed))
	}
	if len(fake.calls) != 6 || !fake.closed {
		t.Errorf("sent %d requests (closed %v), want 6 and closed", len(fake.calls), fake.closed)
	}
	for _, c := range fake.calls {
		if !c.deadline {
			t.Errorf("request %+v without a deadline", c)
		}
		switch c.workflowID {
		case "wf-ids":
			if c.method != "CompleteActivityByID" || c.result != "by IDs" || c.namespace != "default" {
				t.Errorf("by-IDs job sent as %+v", c)
			}
		case "":
			if c.method != "CompleteActivity" || c.result != "done" {
				t.Errorf("token job sent as %+v", c)
			}
		}
	}
}

func TestRunBatchFail(t *testing.T) {
	cleanEnvironment(t)
	tok := tokenFor(t, "wf-1")
	h := &harness{fake: &fakeClient{}, stdin: tok + "\n" + `{"workflow_id": "w", "activity_id": "1", "reason": "own", "retryable": true}` + "\n"}
	code, stdout, stderr := h.run(t, "fail", "--batch", "-", "--reason", "default")
	want := []string{
		`{"line":1,"outcome":"ok","code":0,"message":"Failed Activity \"1\" of Workflow \"wf-1\" (attempt 1) (non-retryable)"}` + "\n",
		`{"line":2,"outcome":"ok","code":0,"message":"Failed Activity \"1\" of Workflow \"w\" (retryable: the server will run it again)"}` + "\n",
	}
	if got := splitOutput(stdout); code != ExitOK || stderr != "" || !slices.Equal(got, want) {
		t.Fatalf("run = %d, stderr %q, stdout:\n%s", code, stderr, stdout)
	}
	for _, c := range h.fake.calls {
		if c.token != nil {
			wantApplicationError(t, c.err, "default", true)
		} else {
			wantApplicationError(t, c.err, "own", false)
		}
	}
}

func TestRunBatchKeepsToTheConcurrency(t *testing.T) {
	cleanEnvironment(t)
	var jobs strings.Builder
	for i := range 40 {
		fmt.Fprintf(&jobs, "{\"workflow_id\": \"wf-%d\", \"activity_id\": \"1\"}\n", i)
	}
	for _, concurrency := range []int{1, 3, 32} {
		t.Run(fmt.Sprint(concurrency), func(t *testing.T) {
			// Each request waits a little, so that requests overlap when they may.
			fake := &fakeClient{answer: func(call) error { time.Sleep(2 * time.Millisecond); return nil }}
			h := &harness{fake: fake, stdin: jobs.String()}
			code, stdout, stderr := h.run(t, "complete", "--batch", "-", "--concurrency", fmt.Sprint(concurrency))
			if code != ExitOK || stderr != "" || strings.Count(stdout, "\n") != 40 {
				t.Fatalf("run = %d, stderr %q, %d lines", code, stderr, strings.Count(stdout, "\n"))
			}
			if fake.maxInFlight > concurrency {
				t.Errorf("%d requests in flight, more than --concurrency %d", fake.maxInFlight, concurrency)
			}
			if concurrency > 1 && fake.maxInFlight < 2 {
				t.Errorf("requests never overlapped (--concurrency %d)", concurrency)
			}
		})
	}
}

func TestRunBatchWritesWholeLines(t *testing.T) {
	cleanEnvironment(t)
	var jobs strings.Builder
	for i := range 500 {
		fmt.Fprintf(&jobs, "{\"workflow_id\": \"wf-%d-%s\", \"activity_id\": \"1\"}\n", i, strings.Repeat("x", i))
	}
	h := &harness{fake: &fakeClient{}, stdin: jobs.String()}
	code, stdout, _ := h.run(t, "complete", "--batch", "-", "--concurrency", "64")
	if code != ExitOK {
		t.Fatalf("run = %d", code)
	}
	seen := map[string]bool{}
	for _, line := range splitOutput(stdout) {
		var lineNo, i int
		var rest string
		if _, err := fmt.Sscanf(line, `{"line":%d,"outcome":"ok","code":0,"message":"Completed Activity \"1\" of Workflow \"wf-%d-%s`, &lineNo, &i, &rest); err != nil || lineNo != i+1 {
			t.Fatalf("torn or wrong line %q (%v)", line, err)
		}
		seen[line] = true
	}
	if len(seen) != 500 {
		t.Errorf("%d distinct lines, want 500", len(seen))
	}
}

func TestRunBatchShowsProgressOnATerminal(t *testing.T) {
	cleanEnvironment(t)
	tok := tokenFor(t, "wf-1")
	h := &harness{fake: &fakeClient{}, stdin: "bad\n" + tok + "\n" + tok + "\n", progress: true}
	code, _, stderr := h.run(t, "complete", "--batch", "-", "--concurrency", "1")
	want := "\r1/3 jobs\r2/3 jobs\r3/3 jobs\n" +
		"error: 1 of 3 jobs did not succeed (0 refused, 1 malformed, 0 unreachable, 0 other errors); see the JSON lines on standard output\n"
	if code != ExitUsage || stderr != want {
		t.Errorf("run = %d, stderr %q; want 2, %q", code, stderr, want)
	}
}

func TestRunBatchWithoutJobs(t *testing.T) {
	cleanEnvironment(t)
	h := &harness{fake: &fakeClient{}, stdin: "\n# nothing to do\n\n"}
	code, stdout, stderr := h.run(t, "complete", "--batch", "-")
	if code != ExitOK || stdout != "" || stderr != "" {
		t.Errorf("run = %d, stdout %q, stderr %q; want 0 and no output", code, stdout, stderr)
	}
	if len(h.dialed) != 0 {
		t.Error("dialled a server with no job to send")
	}
}

func TestRunBatchOnlyMalformed(t *testing.T) {
	cleanEnvironment(t)
	h := &harness{fake: &fakeClient{}, stdin: "xyz\n{\n"}
	code, stdout, stderr := h.run(t, "complete", "--batch", "-")
	wantErr := "error: 2 of 2 jobs did not succeed (0 refused, 2 malformed, 0 unreachable, 0 other errors); see the JSON lines on standard output\n"
	if code != ExitUsage || stderr != wantErr || strings.Count(stdout, "\n") != 2 {
		t.Errorf("run = %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if len(h.dialed) != 0 {
		t.Error("dialled a server with no job to send")
	}
}

func TestRunBatchCannotConnect(t *testing.T) {
	cleanEnvironment(t)
	tok := tokenFor(t, "wf-1")
	h := &harness{fake: &fakeClient{}, stdin: tok + "\nxyz\n",
		dialErr: fmt.Errorf("failed reaching server: %w", serviceerror.NewUnavailable("connection refused"))}
	code, stdout, stderr := h.run(t, "complete", "--batch", "-", "--address", "nowhere:1", "--rpc-timeout", "250ms")
	// The malformed line was reported before connecting; then one error line.
	wantOut := `{"line":2,"outcome":"malformed","code":2,"message":"the task token is not hex: \"x\" at position 1 is not 0-9 or a-f; copy the taskToken= value from the Worker's log"}` + "\n"
	wantErr := "error: could not reach the Temporal server at nowhere:1 within 250ms: start one with make server, or point TEMPORAL_ADDRESS or --address at yours\n"
	if code != ExitUnreachable || stdout != wantOut || stderr != wantErr {
		t.Errorf("run = %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if len(h.fake.calls) != 0 {
		t.Error("a job was sent")
	}
}

func TestRunBatchFatalErrors(t *testing.T) {
	cleanEnvironment(t)
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.txt")
	jobs := filepath.Join(dir, "jobs.txt")
	if err := os.WriteFile(jobs, []byte(tokenFor(t, "wf-1")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing batch file", []string{"complete", "--batch", missing},
			`error: cannot read the batch file "` + missing + `": no such file or directory` + "\n"},
		{"batch file is a directory", []string{"fail", "--batch", dir, "--reason", "r"},
			`error: cannot read the batch file "` + dir + `": is a directory` + "\n"},
		{"empty batch path", []string{"complete", "--batch", ""}, `error: cannot read the batch file "": `},
		{"missing result file", []string{"complete", "--batch", jobs, "--result-file", missing},
			`error: cannot read the result file "` + missing + `": `},
		{"order: the batch file is read before the result file", []string{"complete", "--batch", missing, "--result-file", missing},
			`error: cannot read the batch file "`},
		{"default result too large", []string{"complete", "--batch", jobs, "--result", strings.Repeat("x", 2097123)},
			"error: the result is 2097158 bytes once encoded, more than the 2097152 bytes the server accepts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &harness{fake: &fakeClient{}}
			code, stdout, stderr := h.run(t, tt.args...)
			if code != ExitUsage || stdout != "" || !strings.HasPrefix(stderr, tt.want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("run = %d, stdout %q, stderr %q\nwant 2, stderr starting %q", code, stdout, stderr, tt.want)
			}
			if len(h.dialed) != 0 {
				t.Error("dialled a server")
			}
		})
	}
}

func TestRunBatchSurvivesAPanickingJob(t *testing.T) {
	cleanEnvironment(t)
	var mu sync.Mutex
	panicked := false
	fake := &fakeClient{answer: func(call) error {
		mu.Lock()
		defer mu.Unlock()
		if !panicked {
			panicked = true
			panic("bug")
		}
		return nil
	}}
	h := &harness{fake: fake, stdin: tokenFor(t, "a") + "\n" + tokenFor(t, "b") + "\n"}
	code, stdout, stderr := h.run(t, "complete", "--batch", "-", "--concurrency", "1")
	if code != ExitFailure || !strings.Contains(stdout, `"outcome":"error","code":1,"message":"internal error: bug"`) ||
		!strings.Contains(stdout, `"outcome":"ok"`) ||
		stderr != "error: 1 of 2 jobs did not succeed (0 refused, 0 malformed, 0 unreachable, 1 other errors); see the JSON lines on standard output\n" {
		t.Errorf("run = %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// The harness's dial must see the batch's connection settings, like a single
// job's.
func TestRunBatchConnectionSettings(t *testing.T) {
	cleanEnvironment(t)
	t.Setenv("TEMPORAL_NAMESPACE", "envns")
	h := &harness{fake: &fakeClient{}, stdin: `{"workflow_id": "w", "activity_id": "1"}`}
	code, _, stderr := h.run(t, "complete", "--batch", "-", "--address", "flag:2", "--rpc-timeout", "1m")
	if code != ExitOK {
		t.Fatalf("run = %d, stderr %q", code, stderr)
	}
	got := h.dialed[0]
	want := client.Options{HostPort: "flag:2", Namespace: "envns"}
	if got.HostPort != want.HostPort || got.Namespace != want.Namespace || got.RPCTimeout != time.Minute {
		t.Errorf("dialled %s namespace %s timeout %v", got.HostPort, got.Namespace, got.RPCTimeout)
	}
	if h.fake.calls[0].namespace != "envns" {
		t.Errorf("sent to namespace %q, want envns", h.fake.calls[0].namespace)
	}
}
