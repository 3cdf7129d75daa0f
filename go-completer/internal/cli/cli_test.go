package cli

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"

	"github.com/async-completion/go-completer/internal/tasktokenpb"
)

// call is one request the fake client received.
type call struct {
	method     string
	token      []byte
	namespace  string
	workflowID string
	runID      string
	activityID string
	result     any
	err        error
	details    []any
	deadline   bool
}

// fakeClient records requests and answers each with err, or with what answer
// says when it is set. It is safe for concurrent use, as a batch uses it.
type fakeClient struct {
	err    error
	answer func(c call) error

	mu       sync.Mutex
	calls    []call
	closed   bool
	inFlight int
	// maxInFlight is the most requests that were in flight at once.
	maxInFlight int
}

func (f *fakeClient) record(ctx context.Context, c call) error {
	_, c.deadline = ctx.Deadline()
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.inFlight++
	f.maxInFlight = max(f.maxInFlight, f.inFlight)
	f.mu.Unlock()
	err := f.err
	if f.answer != nil {
		err = f.answer(c)
	}
	f.mu.Lock()
	f.inFlight--
	f.mu.Unlock()
	return err
}

func (f *fakeClient) CompleteActivity(ctx context.Context, taskToken []byte, result any, err error) error {
	return f.record(ctx, call{method: "CompleteActivity", token: taskToken, result: result, err: err})
}

func (f *fakeClient) CompleteActivityByID(ctx context.Context, namespace, workflowID, runID, activityID string, result any, err error) error {
	return f.record(ctx, call{method: "CompleteActivityByID", namespace: namespace, workflowID: workflowID, runID: runID,
		activityID: activityID, result: result, err: err})
}

func (f *fakeClient) RecordActivityHeartbeat(ctx context.Context, taskToken []byte, details ...any) error {
	return f.record(ctx, call{method: "RecordActivityHeartbeat", token: taskToken, details: details})
}

func (f *fakeClient) RecordActivityHeartbeatByID(ctx context.Context, namespace, workflowID, runID, activityID string, details ...any) error {
	return f.record(ctx, call{method: "RecordActivityHeartbeatByID", namespace: namespace, workflowID: workflowID, runID: runID,
		activityID: activityID, details: details})
}

func (f *fakeClient) Close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
}

// harness runs the CLI in process against a fake client.
type harness struct {
	fake     *fakeClient
	dialErr  error
	dialed   []client.Options
	stdin    string
	progress bool
}

func (h *harness) run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	r := &runner{
		stdin:    strings.NewReader(h.stdin),
		stdout:   &out,
		stderr:   &errOut,
		progress: h.progress,
		dial: func(ctx context.Context, options client.Options) (activityClient, error) {
			if _, ok := ctx.Deadline(); !ok {
				t.Error("dial without a deadline")
			}
			h.dialed = append(h.dialed, options)
			if h.dialErr != nil {
				return nil, h.dialErr
			}
			return h.fake, nil
		},
	}
	code = r.run(args)
	return code, out.String(), errOut.String()
}

// cleanEnvironment keeps the developer's Temporal settings out of the tests.
// The variables are unset, not emptied: Go's envconfig turns TLS on for a
// TEMPORAL_TLS_* variable that is set, even to nothing.
func cleanEnvironment(t *testing.T) {
	t.Helper()
	t.Setenv("TEMPORAL_CONFIG_FILE", filepath.Join(t.TempDir(), "absent.toml"))
	for _, name := range []string{"TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "TEMPORAL_API_KEY", "TEMPORAL_PROFILE", "TEMPORAL_CLIENT_AUTHORITY",
		"TEMPORAL_TLS", "TEMPORAL_TLS_CLIENT_CERT_PATH", "TEMPORAL_TLS_CLIENT_CERT_DATA", "TEMPORAL_TLS_CLIENT_KEY_PATH", "TEMPORAL_TLS_CLIENT_KEY_DATA",
		"TEMPORAL_TLS_SERVER_CA_CERT_PATH", "TEMPORAL_TLS_SERVER_CA_CERT_DATA", "TEMPORAL_TLS_SERVER_NAME", "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION"} {
		t.Setenv(name, "") // restores the variable after the test
		os.Unsetenv(name)
	}
}

func fixtureToken(t *testing.T) (string, []byte) {
	t.Helper()
	raw, err := proto.Marshal(&tasktokenpb.Task{
		NamespaceId:  "ns-id",
		WorkflowId:   "order-7",
		RunId:        "run-1",
		Attempt:      2,
		ActivityId:   "a1",
		ActivityType: "Activity",
	})
	if err != nil {
		t.Fatalf("marshalling the fixture token: %v", err)
	}
	return hex.EncodeToString(raw), raw
}

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
			wantCall(t, c, "CompleteActivity", tokenBytes)
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
			wantCall(t, c, "CompleteActivityByID", nil)
			if c.namespace != "default" || c.workflowID != "order-7" || c.runID != "r9" || c.activityID != "a1" || c.result != "x" {
				t.Errorf("sent %+v", c)
			}
		}},
		{"fail, non-retryable", []string{"fail", "--tasktoken", tokenHex, "--reason", "out of stock"}, "Failed " + desc + " (non-retryable)", func(t *testing.T, c call) {
			wantCall(t, c, "CompleteActivity", tokenBytes)
			wantApplicationError(t, c.err, "out of stock", true)
		}},
		{"fail, retryable", []string{"fail", "--tasktoken", tokenHex, "--reason", "try later", "--retryable"}, "Failed " + desc + " (retryable: the server will run it again)", func(t *testing.T, c call) {
			wantApplicationError(t, c.err, "try later", false)
		}},
		{"fail by IDs", []string{"fail", "--workflow-id", "order-7", "--activity-id", "a1", "--reason", "r"}, "Failed " + descIDs + " (non-retryable)", func(t *testing.T, c call) {
			wantCall(t, c, "CompleteActivityByID", nil)
			wantApplicationError(t, c.err, "r", true)
		}},
		{"heartbeat without details", []string{"heartbeat", "--tasktoken", tokenHex}, "Recorded a heartbeat for " + desc, func(t *testing.T, c call) {
			wantCall(t, c, "RecordActivityHeartbeat", tokenBytes)
			if len(c.details) != 0 {
				t.Errorf("sent details %#v, want none", c.details)
			}
		}},
		{"heartbeat with details by IDs", []string{"heartbeat", "--workflow-id", "order-7", "--activity-id", "a1", "--details", "50%"}, "Recorded a heartbeat for " + descIDs, func(t *testing.T, c call) {
			wantCall(t, c, "RecordActivityHeartbeatByID", nil)
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
			wantCall(t, c, "CompleteActivity", tokenBytes)
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
			wantCall(t, c, "CompleteActivityByID", nil)
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
			if code != ExitOK || stdout != tt.want+"\n" || stderr != "" {
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

func wantCall(t *testing.T, c call, method string, token []byte) {
	t.Helper()
	if c.method != method {
		t.Errorf("called %s, want %s", c.method, method)
	}
	if !bytes.Equal(c.token, token) {
		t.Errorf("sent token %x, want %x", c.token, token)
	}
}

func wantApplicationError(t *testing.T, err error, message string, nonRetryable bool) {
	t.Helper()
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) {
		t.Fatalf("sent %v, want an ApplicationError", err)
	}
	if appErr.Message() != message || appErr.Type() != "GoCompleterFailure" || appErr.NonRetryable() != nonRetryable {
		t.Errorf("sent message %q type %q non-retryable %v; want %q GoCompleterFailure %v",
			appErr.Message(), appErr.Type(), appErr.NonRetryable(), message, nonRetryable)
	}
}

func TestRunFailuresPrintOneLine(t *testing.T) {
	cleanEnvironment(t)
	tokenHex, _ := fixtureToken(t)
	tests := []struct {
		name     string
		args     []string
		stdin    string
		sendErr  error
		dialErr  error
		wantCode int
		want     string
		wantSent bool
	}{
		{"usage error", []string{"complete"}, "", nil, nil, ExitUsage,
			"no Activity given: pass --tasktoken HEX, or --workflow-id ID with --activity-id ID (see --help)", false},
		{"bad token", []string{"--tasktoken", "xyz"}, "", nil, nil, ExitUsage,
			`the task token is not hex: "x" at position 1 is not 0-9 or a-f; copy the taskToken= value from the Worker's log`, false},
		{"empty token from standard input", []string{"--tasktoken", "-"}, "", nil, nil, ExitUsage,
			"the task token is empty: copy the taskToken= value from the Worker's log", false},
		{"only the first line of standard input", []string{"--tasktoken", "-"}, "\n" + tokenHex + "\n", nil, nil, ExitUsage,
			"the task token is empty: copy the taskToken= value from the Worker's log", false},
		{"not pending", []string{"--tasktoken", tokenHex}, "", serviceerror.NewNotFound("activity task not found"), nil, ExitRefused,
			`Activity "a1" of Workflow "order-7" (attempt 2) is not pending any more: it was completed, failed, timed out or retried, or its Workflow closed; a retry logs a new token in the Worker's log`, true},
		{"cancel requested", []string{"heartbeat", "--workflow-id", "order-7", "--activity-id", "a1"}, "", temporal.NewCanceledError(), nil, ExitCancelled,
			`cancellation was requested for Activity "a1" of Workflow "order-7": stop its work, then report it with the cancel command`, true},
		{"unreachable", []string{"--tasktoken", tokenHex, "--address", "nowhere:1", "--rpc-timeout", "250ms"}, "",
			nil, fmt.Errorf("failed reaching server: %w", serviceerror.NewUnavailable("connection refused")), ExitUnreachable,
			"could not reach the Temporal server at nowhere:1 within 250ms: start one with make server, or point TEMPORAL_ADDRESS or --address at yours", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &harness{fake: &fakeClient{err: tt.sendErr}, dialErr: tt.dialErr, stdin: tt.stdin}
			code, stdout, stderr := h.run(t, tt.args...)
			if code != tt.wantCode || stderr != "error: "+tt.want+"\n" || stdout != "" {
				t.Errorf("run = %d, stdout %q, stderr %q\nwant %d, stderr %q", code, stdout, stderr, tt.wantCode, "error: "+tt.want+"\n")
			}
			if sent := len(h.fake.calls) > 0; sent != tt.wantSent {
				t.Errorf("request sent: %v, want %v", sent, tt.wantSent)
			}
		})
	}
}

func TestRunReadsTheTokenFromStandardInput(t *testing.T) {
	cleanEnvironment(t)
	tokenHex, tokenBytes := fixtureToken(t)
	h := &harness{fake: &fakeClient{}, stdin: "  0x" + strings.ToUpper(tokenHex) + "\r\nsecond line\n"}
	code, stdout, stderr := h.run(t, "--tasktoken", "-")
	if code != ExitOK || stderr != "" {
		t.Fatalf("run = %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	wantCall(t, h.fake.calls[0], "CompleteActivity", tokenBytes)
}

func TestRunConnectionSettings(t *testing.T) {
	tokenHex, _ := fixtureToken(t)
	tests := []struct {
		name          string
		env           map[string]string
		args          []string
		wantAddress   string
		wantNamespace string
		wantTimeout   time.Duration
	}{
		{"defaults", nil, nil, "localhost:7233", "default", 10 * time.Second},
		{"environment", map[string]string{"TEMPORAL_ADDRESS": "env:1", "TEMPORAL_NAMESPACE": "envns"}, nil, "env:1", "envns", 10 * time.Second},
		{"flags override the environment", map[string]string{"TEMPORAL_ADDRESS": "env:1", "TEMPORAL_NAMESPACE": "envns"},
			[]string{"--address", "flag:2", "--namespace", "flagns", "--rpc-timeout", "1m"}, "flag:2", "flagns", time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnvironment(t)
			for name, value := range tt.env {
				t.Setenv(name, value)
			}
			h := &harness{fake: &fakeClient{}}
			code, _, stderr := h.run(t, append([]string{"--tasktoken", tokenHex}, tt.args...)...)
			if code != ExitOK {
				t.Fatalf("run = %d, stderr %q", code, stderr)
			}
			got := h.dialed[0]
			if got.HostPort != tt.wantAddress || got.Namespace != tt.wantNamespace {
				t.Errorf("dialled %s namespace %s, want %s namespace %s", got.HostPort, got.Namespace, tt.wantAddress, tt.wantNamespace)
			}
			if got.RPCTimeout != tt.wantTimeout || got.ConnectionOptions.GetSystemInfoTimeout != tt.wantTimeout {
				t.Errorf("timeouts %v and %v, want %v", got.RPCTimeout, got.ConnectionOptions.GetSystemInfoTimeout, tt.wantTimeout)
			}
			if got.Logger == nil {
				t.Error("no logger set: the SDK would log to standard error")
			}
		})
	}
}

func TestRunNamesTheNamespaceUsedWhenTheTokenIsForAnother(t *testing.T) {
	cleanEnvironment(t)
	t.Setenv("TEMPORAL_NAMESPACE", "staging")
	tokenHex, _ := fixtureToken(t)
	h := &harness{fake: &fakeClient{err: serviceerror.NewInvalidArgument("Operation requested with a token from a different namespace.")}}
	code, _, stderr := h.run(t, "--tasktoken", tokenHex)
	want := "error: the task token is for another namespace than \"staging\": set --namespace or TEMPORAL_NAMESPACE to the namespace of its Workflow\n"
	if code != ExitRefused || stderr != want {
		t.Errorf("run = %d, %q; want 3, %q", code, stderr, want)
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
		{"result at the limit", []string{"--tasktoken", tokenHex, "--result", strings.Repeat("x", largestAccepted)}, ExitOK, ""},
		{"result over the limit", []string{"--tasktoken", tokenHex, "--result", strings.Repeat("x", largestAccepted+1)}, ExitUsage,
			"error: the result is 2097153 bytes once encoded, more than the 2097152 bytes the server accepts (its blob size limit): send a smaller result, or a reference to where the data is\n"},
		{"details over the limit", []string{"heartbeat", "--tasktoken", tokenHex, "--details", strings.Repeat("x", largestAccepted+1)}, ExitUsage,
			"error: the details is 2097153 bytes once encoded, more than the 2097152 bytes the server accepts (its blob size limit): send a smaller details, or a reference to where the data is\n"},
		{"cancellation details over the limit", []string{"cancel", "--tasktoken", tokenHex, "--details", strings.Repeat("x", largestAccepted+1)}, ExitUsage,
			"error: the details is 2097153 bytes once encoded, more than the 2097152 bytes the server accepts (its blob size limit): send a smaller details, or a reference to where the data is\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &harness{fake: &fakeClient{}}
			code, _, stderr := h.run(t, tt.args...)
			if code != tt.wantCode || stderr != tt.wantErr {
				t.Errorf("run = %d, %q; want %d, %q", code, stderr, tt.wantCode, tt.wantErr)
			}
			if sent := len(h.fake.calls) > 0; sent != (tt.wantCode == ExitOK) {
				t.Errorf("request sent: %v", sent)
			}
		})
	}
}

func TestRunInspectContactsNoServer(t *testing.T) {
	tokenHex, _ := fixtureToken(t)
	h := &harness{fake: &fakeClient{}}
	code, stdout, stderr := h.run(t, "inspect", "--task-token", tokenHex)
	if code != ExitOK || stderr != "" {
		t.Fatalf("run = %d, stderr %q", code, stderr)
	}
	if len(h.dialed) != 0 {
		t.Error("inspect dialled a server")
	}
	if !strings.HasPrefix(stdout, "{\n  \"namespace_id\": \"ns-id\",\n  \"workflow_id\": \"order-7\",\n") || !strings.HasSuffix(stdout, "\n}\n") {
		t.Errorf("inspect printed %q", stdout)
	}
}

func TestRunHelpGoesToStandardOutput(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"fail", "--help"}, {"inspect", "-help"}} {
		h := &harness{fake: &fakeClient{}}
		code, stdout, stderr := h.run(t, args...)
		if code != ExitOK || stderr != "" || !strings.HasPrefix(stdout, "Usage:\n") {
			t.Errorf("run %q = %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
}

func TestRunRecoversFromAPanic(t *testing.T) {
	cleanEnvironment(t)
	tokenHex, _ := fixtureToken(t)
	var out, errOut bytes.Buffer
	r := &runner{
		stdin:  strings.NewReader(""),
		stdout: &out,
		stderr: &errOut,
		dial: func(context.Context, client.Options) (activityClient, error) {
			panic("bug\nin dial")
		},
	}
	code := r.run([]string{"--tasktoken", tokenHex})
	if code != ExitFailure || errOut.String() != "error: internal error: bug in dial\n" || out.Len() != 0 {
		t.Errorf("run = %d, stdout %q, stderr %q", code, out.String(), errOut.String())
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
	if code != ExitOK || stderr != "" || stdout != "Completed Activity \"a1\" of Workflow \"order-7\" (attempt 2)\n" {
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
			if code != ExitUsage || !strings.HasPrefix(stderr, tt.want) || strings.Count(stderr, "\n") != 1 || stdout != "" {
				t.Errorf("run = %d, stdout %q, stderr %q\nwant 2, stderr starting %q", code, stdout, stderr, tt.want)
			}
			if len(h.dialed) != 0 {
				t.Error("dialled a server")
			}
		})
	}
}

func TestRunNamesAMissingNamespace(t *testing.T) {
	cleanEnvironment(t)
	tokenHex, _ := fixtureToken(t)
	h := &harness{fake: &fakeClient{err: serviceerror.NewNamespaceNotFound("nosuch")}}
	code, stdout, stderr := h.run(t, "--tasktoken", tokenHex, "--namespace", "nosuch", "--address", "h:7")
	want := "error: namespace \"nosuch\" was not found on the server at h:7: check --namespace or TEMPORAL_NAMESPACE\n"
	if code != ExitRefused || stderr != want || stdout != "" {
		t.Errorf("run = %d, %q; want 3, %q", code, stderr, want)
	}
}

func TestRunReportsAFailedTLSHandshake(t *testing.T) {
	handshake := "error: could not reach the Temporal server at h:1 over TLS: the TLS handshake failed; check TEMPORAL_TLS_SERVER_CA_CERT_PATH (or _DATA) and TEMPORAL_TLS_SERVER_NAME\n"
	unreachable := "error: could not reach the Temporal server at h:1 within 10s: start one with make server, or point TEMPORAL_ADDRESS or --address at yours\n"
	dialErr := fmt.Errorf("failed reaching server: %w", serviceerror.NewUnavailable(
		`connection error: desc = "transport: authentication handshake failed: tls: first record does not look like a TLS handshake"`))
	tests := []struct {
		name    string
		env     map[string]string
		profile string
		want    string
	}{
		{"TEMPORAL_TLS=true", map[string]string{"TEMPORAL_TLS": "true"}, "", handshake},
		{"a server CA", map[string]string{"TEMPORAL_TLS_SERVER_NAME": "temporal.example"}, "", handshake},
		{"an API key", map[string]string{"TEMPORAL_API_KEY": "secret"}, "", handshake},
		{"a profile with tls", nil, "[profile.default]\naddress = \"h:1\"\n[profile.default.tls]\nserver_name = \"temporal.example\"\n", handshake},
		{"TLS turned off", map[string]string{"TEMPORAL_TLS": "false", "TEMPORAL_TLS_SERVER_NAME": "temporal.example"}, "", unreachable},
		{"no TLS configured", nil, "", unreachable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnvironment(t)
			if tt.profile != "" {
				path := filepath.Join(t.TempDir(), "temporal.toml")
				if err := os.WriteFile(path, []byte(tt.profile), 0o600); err != nil {
					t.Fatal(err)
				}
				t.Setenv("TEMPORAL_CONFIG_FILE", path)
			}
			for name, value := range tt.env {
				t.Setenv(name, value)
			}
			tokenHex, _ := fixtureToken(t)
			h := &harness{fake: &fakeClient{}, dialErr: dialErr}
			code, _, stderr := h.run(t, "--tasktoken", tokenHex, "--address", "h:1")
			if code != ExitUnreachable || stderr != tt.want {
				t.Errorf("run = %d, %q; want 4, %q", code, stderr, tt.want)
			}
		})
	}
}
