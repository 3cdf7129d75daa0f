package cli

import (
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/async-completion/go-completer/internal/tasktokenpb"

	"github.com/async-completion/go-completer/internal/batch"
	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/model"
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

// parseBatch is what runBatch makes of the lines of a batch.
func parseBatch(data []byte, base *command) ([]job, []model.Outcome) {
	return batch.Parse(data, func(number int, text string) (job, error) {
		return parseJobLine(number, text, base)
	})
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

func parsedLines(jobs []job, malformed []model.Outcome) []parsedLine {
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
		if m.Code != lines.ExitUsage {
			got = append(got, parsedLine{line: m.Line, malformed: fmt.Sprintf("code %d: %s", m.Code, m.Message)})
			continue
		}
		got = append(got, parsedLine{line: m.Line, malformed: m.Message})
	}
	slices.SortFunc(got, func(a, b parsedLine) int { return a.line - b.line })
	return got
}

func TestParseBatchComplete(t *testing.T) {
	tok1, tok2, tok3 := tokenFor(t, "wf-1"), tokenFor(t, "wf-2"), tokenFor(t, "wf-3")
	desc := func(workflowID string) string {
		return fmt.Sprintf(`Activity "1" of Workflow "%s" (attempt 1)`, workflowID)
	}
	input := []string{
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
		/* 23 */ `{"run_id": "r"}`,
		/* 24 */ `{"workflow_id": "", "activity_id": "", "run_id": "r"}`,
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
	jobs, malformed := parseBatch([]byte(strings.Join(input, "\n")), base)

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
		{line: 20, malformed: lines.NoActivity().Message},
		{line: 21, malformed: lines.TokenAndIDs().Message},
		{line: 22, malformed: lines.WorkflowIDAlone().Message},
		{line: 23, malformed: lines.RunIDAlone().Message},
		{line: 24, malformed: lines.RunIDAlone().Message},
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
	input := []string{
		/* 1 */ tok,
		/* 2 */ `{"tasktoken": "` + tok + `", "reason": "own"}`,
		/* 3 */ `{"tasktoken": "` + tok + `", "retryable": true}`,
		/* 4 */ `{"tasktoken": "` + tok + `", "reason": "own", "retryable": false}`,
		/* 5 */ `{"workflow_id": "w", "activity_id": "1", "retryable": "yes"}`,
		/* 6 */ `{"tasktoken": "` + tok + `", "result": "r"}`,
		/* 7 */ `{"workflow_id": "w", "activity_id": "1", "run_id": "r", "reason": "own"}`,
		/* 8 */ `{"tasktoken": "` + tok + `", "retryable": null}`,
	}
	data := []byte(strings.Join(input, "\r\n") + "\r\n")

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
			{line: 1, malformed: lines.FailNeedsReason().Message},
			{line: 2, token: "wf-1", reason: "own", desc: desc},
			{line: 3, malformed: lines.FailNeedsReason().Message},
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
		compareParsed(t, parsedLines(jobs, malformed), []parsedLine{{line: 1, malformed: lines.FailNeedsReason().Message}})
	})
	t.Run("the reason is checked before the token", func(t *testing.T) {
		base, err := parseArgs([]string{"fail", "--batch", "f"})
		if err != nil {
			t.Fatal(err)
		}
		jobs, malformed := parseBatch([]byte("xyz"), base)
		compareParsed(t, parsedLines(jobs, malformed), []parsedLine{{line: 1, malformed: lines.FailNeedsReason().Message}})
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

func TestParseBatchAcceptsListLines(t *testing.T) {
	line := `{"workflow_id":"order-17","run_id":"01a2","activity_id":"1","activity_type":"Activity","attempt":2,"maximum_attempts":3,"state":"scheduled","waiting_since":"2026-12-03T09:41:02.5Z","last_heartbeat_time":null,"heartbeat_details":{"any":["value"]},"last_failure":"Try later","next_attempt_time":"2026-12-03T09:41:05Z","paused_by":"ops","pause_reason":null,"input":["Pay",{"a":1},null],"summary":"Pay it"}`
	for _, args := range [][]string{{"complete", "--batch", "f", "--result", "Approved"}, {"fail", "--batch", "f", "--reason", "No"}} {
		base, err := parseArgs(args)
		if err != nil {
			t.Fatal(err)
		}
		jobs, malformed := parseBatch([]byte(line+"\n"+`{"workflow_id":"w","activity_id":"1","attempt":"x","other":1}`), base)
		compareParsed(t, parsedLines(jobs, malformed), []parsedLine{
			{line: 1, workflowID: "order-17", runID: "01a2", activityID: "1", result: base.result, reason: base.reason, desc: `Activity "1" of Workflow "order-17"`},
			{line: 2, malformed: `the line is not a hex task token or a JSON job: unknown key "other"`},
		})
	}
}

func TestParseBatchTakesStandaloneJobs(t *testing.T) {
	base, err := parseArgs([]string{"complete", "--batch", "f", "--result", "default"})
	if err != nil {
		t.Fatal(err)
	}
	jobs, malformed := parseBatch([]byte(`{"activity_id": "sa-1"}`+"\n"+`{"workflow_id": null, "activity_id": "sa-2", "run_id": "r2"}`), base)
	compareParsed(t, parsedLines(jobs, malformed), []parsedLine{
		{line: 1, activityID: "sa-1", result: "default", desc: `standalone Activity "sa-1"`},
		{line: 2, activityID: "sa-2", runID: "r2", result: "default", desc: `standalone Activity "sa-2"`},
	})
}
