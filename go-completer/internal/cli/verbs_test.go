package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"

	"github.com/async-completion/go-completer/internal/lines"
)

func TestRunSendsEachVerb(t *testing.T) {
	cleanEnvironment(t)
	tokenHex, tokenBytes := fixtureToken(t)
	const desc = `Activity "a1" of Workflow "order-7" (attempt 2)`
	const descIDs = `Activity "a1" of Workflow "order-7"`
	tests := []struct {
		name  string
		args  []string
		want  string
		check func(t *testing.T, c call)
	}{
		{"bare form", []string{"--tasktoken", tokenHex, "--result", "done"}, "Completed " + desc, func(t *testing.T, c call) {
			wantCall(t, c, "RespondActivityTaskCompleted", tokenBytes)
			if c.result != "done" || c.err != nil {
				t.Errorf("sent result %#v, err %v; want \"done\", nil", c.result, c.err)
			}
		}},
		{"complete with the default result", []string{"complete", "--tasktoken", tokenHex}, "Completed " + desc, func(t *testing.T, c call) {
			// An empty text, not nil: the Workflow's str Activity gets "".
			if c.result != "" {
				t.Errorf("sent result %#v, want empty text", c.result)
			}
		}},
		{"complete by IDs", []string{"complete", "--workflow-id", "order-7", "--activity-id", "a1", "--run-id", "r9", "--result", "x"}, "Completed " + descIDs, func(t *testing.T, c call) {
			wantCall(t, c, "RespondActivityTaskCompletedById", nil)
			if c.namespace != "default" || c.workflowID != "order-7" || c.runID != "r9" || c.activityID != "a1" || c.result != "x" {
				t.Errorf("sent %+v", c)
			}
		}},
		{"fail, non-retryable", []string{"fail", "--tasktoken", tokenHex, "--reason", "out of stock"}, "Failed " + desc + " (non-retryable)", func(t *testing.T, c call) {
			wantCall(t, c, "RespondActivityTaskFailed", tokenBytes)
			wantApplicationError(t, c.err, "out of stock", true)
		}},
		{"fail, retryable", []string{"fail", "--tasktoken", tokenHex, "--reason", "try later", "--retryable"}, "Failed " + desc + " (retryable: the server will run it again)", func(t *testing.T, c call) {
			wantApplicationError(t, c.err, "try later", false)
		}},
		{"fail by IDs", []string{"fail", "--workflow-id", "order-7", "--activity-id", "a1", "--reason", "r"}, "Failed " + descIDs + " (non-retryable)", func(t *testing.T, c call) {
			wantCall(t, c, "RespondActivityTaskFailedById", nil)
			wantApplicationError(t, c.err, "r", true)
		}},
		{"heartbeat without details", []string{"heartbeat", "--tasktoken", tokenHex}, "Recorded a heartbeat for " + desc, func(t *testing.T, c call) {
			wantCall(t, c, "RecordActivityTaskHeartbeat", tokenBytes)
			if len(c.details) != 0 {
				t.Errorf("sent details %#v, want none", c.details)
			}
		}},
		{"heartbeat with details by IDs", []string{"heartbeat", "--workflow-id", "order-7", "--activity-id", "a1", "--details", "50%"}, "Recorded a heartbeat for " + descIDs, func(t *testing.T, c call) {
			wantCall(t, c, "RecordActivityTaskHeartbeatById", nil)
			if len(c.details) != 1 || c.details[0] != "50%" {
				t.Errorf("sent details %#v, want [50%%]", c.details)
			}
		}},
		{"heartbeat with empty details", []string{"heartbeat", "--tasktoken", tokenHex, "--details="}, "Recorded a heartbeat for " + desc, func(t *testing.T, c call) {
			if len(c.details) != 1 || c.details[0] != "" {
				t.Errorf("sent details %#v, want one empty text", c.details)
			}
		}},
		{"cancel with details", []string{"cancel", "--tasktoken", tokenHex, "--details", "stopped"}, "Reported " + desc + " as cancelled", func(t *testing.T, c call) {
			wantCall(t, c, "RespondActivityTaskCanceled", tokenBytes)
			var canceled *temporal.CanceledError
			if !errors.As(c.err, &canceled) {
				t.Fatalf("sent %v, want a CanceledError", c.err)
			}
			var details string
			if err := canceled.Details(&details); err != nil || details != "stopped" {
				t.Errorf("cancellation details %q (%v), want \"stopped\"", details, err)
			}
			if c.result != nil {
				t.Errorf("sent result %#v with a cancellation", c.result)
			}
		}},
		{"cancel by IDs without details", []string{"cancel", "--workflow-id", "order-7", "--activity-id", "a1"}, "Reported " + descIDs + " as cancelled", func(t *testing.T, c call) {
			wantCall(t, c, "RespondActivityTaskCanceledById", nil)
			var canceled *temporal.CanceledError
			if !errors.As(c.err, &canceled) || canceled.HasDetails() {
				t.Errorf("sent %v, want a CanceledError without details", c.err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &harness{fake: &fakeClient{}}
			code, stdout, stderr := h.run(t, tt.args...)
			if code != lines.ExitOK || stdout != tt.want+"\n" || stderr != "" {
				t.Fatalf("run = %d, stdout %q, stderr %q; want 0, %q", code, stdout, stderr, tt.want+"\n")
			}
			if len(h.fake.calls) != 1 {
				t.Fatalf("sent %d requests, want 1", len(h.fake.calls))
			}
			if !h.fake.calls[0].deadline {
				t.Error("request sent without a deadline")
			}
			if !h.fake.closed {
				t.Error("client not closed")
			}
			tt.check(t, h.fake.calls[0])
		})
	}
}

func TestRunRefusesOversizedPayloads(t *testing.T) {
	cleanEnvironment(t)
	tokenHex, _ := fixtureToken(t)
	// The payload of an ASCII text of n characters is 24 bytes of metadata
	// ("encoding": "json/plain"), the data field's tag and length, and the n
	// characters in JSON quotes; the Payloads message around it adds 4 bytes
	// (tag and a 3-byte length): n = 2097118 gives exactly 2097152 bytes.
	const largestAccepted = 2097118
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"result at the limit", []string{"--tasktoken", tokenHex, "--result", strings.Repeat("x", largestAccepted)}, lines.ExitOK, ""},
		{"result over the limit", []string{"--tasktoken", tokenHex, "--result", strings.Repeat("x", largestAccepted+1)}, lines.ExitUsage,
			"error: the result is 2097153 bytes once encoded, more than the 2097152 bytes the server accepts (its blob size limit): send a smaller result, or a reference to where the data is\n"},
		{"details over the limit", []string{"heartbeat", "--tasktoken", tokenHex, "--details", strings.Repeat("x", largestAccepted+1)}, lines.ExitUsage,
			"error: the details is 2097153 bytes once encoded, more than the 2097152 bytes the server accepts (its blob size limit): send a smaller details, or a reference to where the data is\n"},
		{"cancellation details over the limit", []string{"cancel", "--tasktoken", tokenHex, "--details", strings.Repeat("x", largestAccepted+1)}, lines.ExitUsage,
			"error: the details is 2097153 bytes once encoded, more than the 2097152 bytes the server accepts (its blob size limit): send a smaller details, or a reference to where the data is\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &harness{fake: &fakeClient{}}
			code, _, stderr := h.run(t, tt.args...)
			if code != tt.wantCode || stderr != tt.wantErr {
				t.Errorf("run = %d, %q; want %d, %q", code, stderr, tt.wantCode, tt.wantErr)
			}
			if sent := len(h.fake.calls) > 0; sent != (tt.wantCode == lines.ExitOK) {
				t.Errorf("request sent: %v", sent)
			}
		})
	}
}

func TestRunSendsTheResultFile(t *testing.T) {
	cleanEnvironment(t)
	tokenHex, _ := fixtureToken(t)
	// Unchanged: the byte order mark, the line ends and the trailing newline stay.
	content := "\ufeffline one\r\nzwei – drei\n"
	path := filepath.Join(t.TempDir(), "result.txt")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	h := &harness{fake: &fakeClient{}}
	code, stdout, stderr := h.run(t, "complete", "--tasktoken", tokenHex, "--result-file", path)
	if code != lines.ExitOK || stderr != "" || stdout != "Completed Activity \"a1\" of Workflow \"order-7\" (attempt 2)\n" {
		t.Fatalf("run = %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if got := h.fake.calls[0].result; got != content {
		t.Errorf("sent result %q, want %q", got, content)
	}
}

func TestRunResultFileFailures(t *testing.T) {
	cleanEnvironment(t)
	tokenHex, _ := fixtureToken(t)
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.txt")
	latin1 := filepath.Join(dir, "latin1.txt")
	large := filepath.Join(dir, "large.txt")
	for path, content := range map[string]string{latin1: "caf\xe9", large: strings.Repeat("x", 2097123)} {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		args []string
		// want is the start of the error line.
		want string
	}{
		{"missing file", []string{"--tasktoken", tokenHex, "--result-file", missing},
			`error: cannot read the result file "` + missing + `": no such file or directory` + "\n"},
		{"a directory", []string{"--tasktoken", tokenHex, "--result-file", dir},
			`error: cannot read the result file "` + dir + `": is a directory` + "\n"},
		{"not UTF-8", []string{"--tasktoken", tokenHex, "--result-file", latin1},
			`error: the result file "` + latin1 + `" is not UTF-8 text` + "\n"},
		{"too large once encoded", []string{"--tasktoken", tokenHex, "--result-file", large},
			"error: the result is 2097158 bytes once encoded, more than the 2097152 bytes the server accepts"},
		{"order: the token is checked before the file is read", []string{"--tasktoken", "xyz", "--result-file", missing},
			`error: the task token is not hex: "x" at position 1`},
		{"order: the file is read before the size is checked", []string{"--workflow-id", "w", "--activity-id", "1", "--result-file", missing},
			`error: cannot read the result file "` + missing + `": `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &harness{fake: &fakeClient{}}
			code, stdout, stderr := h.run(t, tt.args...)
			if code != lines.ExitUsage || !strings.HasPrefix(stderr, tt.want) || strings.Count(stderr, "\n") != 1 || stdout != "" {
				t.Errorf("run = %d, stdout %q, stderr %q\nwant 2, stderr starting %q", code, stdout, stderr, tt.want)
			}
			if len(h.dialed) != 0 {
				t.Error("dialled a server")
			}
		})
	}
}
