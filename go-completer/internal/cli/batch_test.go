package cli

import (
	"context"
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

	"github.com/async-completion/go-completer/internal/lines"
)

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

	// Neither Workflow is in the fake's histories: the server does not know them.
	notPending := `is not pending any more: no such Workflow run in namespace \"default\"`
	want := []string{
		`{"line":2,"outcome":"ok","code":0,"message":"Completed Activity \"1\" of Workflow \"wf-good\" (attempt 1)"}` + "\n",
		`{"line":3,"outcome":"refused","code":3,"message":"Activity \"1\" of Workflow \"wf-stale\" (attempt 1) ` + notPending + `"}` + "\n",
		`{"line":4,"outcome":"malformed","code":2,"message":"the task token is not hex: \"x\" at position 1 is not 0-9 or a-f; copy the taskToken= value from the Worker's log"}` + "\n",
		`{"line":5,"outcome":"ok","code":0,"message":"Completed Activity \"1\" of Workflow \"wf-ids\""}` + "\n",
		`{"line":6,"outcome":"refused","code":3,"message":"Activity \"1\" of Workflow \"wf-gone\" ` + notPending + `"}` + "\n",
		`{"line":7,"outcome":"refused","code":3,"message":"the task token is for another namespace than \"default\": set --namespace or TEMPORAL_NAMESPACE to the namespace of its Workflow"}` + "\n",
		`{"line":8,"outcome":"malformed","code":2,"message":"the line is not a hex task token or a JSON job: unknown key \"oops\" (complete takes tasktoken, workflow_id, activity_id, run_id, result, identity, idempotency_key)"}` + "\n",
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
	if code != lines.ExitUnreachable || stderr != wantErr {
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
			if c.method != "RespondActivityTaskCompletedById" || c.result != "by IDs" || c.namespace != "default" {
				t.Errorf("by-IDs job sent as %+v", c)
			}
		case "":
			if c.method != "RespondActivityTaskCompleted" || c.result != "done" {
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
	if got := splitOutput(stdout); code != lines.ExitOK || stderr != "" || !slices.Equal(got, want) {
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
			if code != lines.ExitOK || stderr != "" || strings.Count(stdout, "\n") != 40 {
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
	if code != lines.ExitOK {
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
	if code != lines.ExitUsage || stderr != want {
		t.Errorf("run = %d, stderr %q; want 2, %q", code, stderr, want)
	}
}

func TestRunBatchWithoutJobs(t *testing.T) {
	cleanEnvironment(t)
	h := &harness{fake: &fakeClient{}, stdin: "\n# nothing to do\n\n"}
	code, stdout, stderr := h.run(t, "complete", "--batch", "-")
	if code != lines.ExitOK || stdout != "" || stderr != "" {
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
	if code != lines.ExitUsage || stderr != wantErr || strings.Count(stdout, "\n") != 2 {
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
	if code != lines.ExitUnreachable || stdout != wantOut || stderr != wantErr {
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
			if code != lines.ExitUsage || stdout != "" || !strings.HasPrefix(stderr, tt.want) || strings.Count(stderr, "\n") != 1 {
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
	if code != lines.ExitFailure || !strings.Contains(stdout, `"outcome":"error","code":1,"message":"internal error: bug"`) ||
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
	if code != lines.ExitOK {
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
