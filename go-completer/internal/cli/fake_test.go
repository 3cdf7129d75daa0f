package cli

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

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
	// fakeVisibility answers list; the harness gives one that finds nothing
	// when a test does not.
	*fakeVisibility

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
	// now, when set, is the clock of list's ages.
	now time.Time
	// stdout, when set, stands for standard output; run then returns only
	// what it let through.
	stdout *closingWriter
}

// closingWriter is a standard output whose reader goes away after it has
// taken okWrites writes: later writes fail as writes to a closed pipe do.
type closingWriter struct {
	okWrites int
	mu       sync.Mutex
	taken    bytes.Buffer
	writes   int
}

func (w *closingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes++
	if w.writes > w.okWrites {
		return 0, &fs.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.EPIPE}
	}
	return w.taken.Write(p)
}

func (h *harness) run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	if h.fake.fakeVisibility == nil {
		h.fake.fakeVisibility = &fakeVisibility{}
	}
	var out, errOut bytes.Buffer
	var stdoutWriter io.Writer = &out
	if h.stdout != nil {
		stdoutWriter = h.stdout
	}
	r := &runner{
		stdin:    strings.NewReader(h.stdin),
		stdout:   stdoutWriter,
		stderr:   &errOut,
		progress: h.progress,
		now: func() time.Time {
			if h.now.IsZero() {
				return time.Now()
			}
			return h.now
		},
		dial: func(ctx context.Context, options client.Options) (temporalClient, error) {
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
	if h.stdout != nil {
		return code, h.stdout.taken.String(), errOut.String()
	}
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
