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

	commonpb "go.temporal.io/api/common/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	"github.com/async-completion/go-completer/internal/tasktokenpb"
)

// call is one request the fake client received, decoded back into what the
// SDK's client would have been asked to send: the result as a text, the
// failure and the cancellation as errors, the details as texts.
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
	identity   string
	resourceID string
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
	// histories answer GetWorkflowExecutionHistory by Workflow ID, one page
	// of events each; a Workflow not in it is answered with historyErr, or
	// NOT_FOUND.
	histories  map[string][]*historypb.HistoryEvent
	historyErr error
	// systemInfoErr answers GetSystemInfo, which serve sends once before its
	// first request.
	systemInfoErr error

	mu       sync.Mutex
	calls    []call
	reads    []*workflowservice.GetWorkflowExecutionHistoryRequest
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

func (f *fakeClient) WorkflowService() workflowservice.WorkflowServiceClient {
	return &fakeService{f: f}
}

func (f *fakeClient) Close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
}

// fakeService is the fake client's WorkflowService: the requests the
// completer sends itself. Any other method panics (the embedded interface is
// nil): the completer must not call it.
type fakeService struct {
	workflowservice.WorkflowServiceClient
	f *fakeClient
}

// texts decodes payloads of texts, as the default converter encoded them.
func texts(payloads *commonpb.Payloads) []any {
	var decoded []any
	for _, p := range payloads.GetPayloads() {
		var text string
		if err := converter.GetDefaultDataConverter().FromPayload(p, &text); err != nil {
			panic(err)
		}
		decoded = append(decoded, text)
	}
	return decoded
}

func firstText(payloads *commonpb.Payloads) any {
	if decoded := texts(payloads); len(decoded) == 1 {
		return decoded[0]
	}
	return nil
}

func canceledError(details *commonpb.Payloads) error {
	return temporal.NewCanceledError(texts(details)...)
}

func (s *fakeService) RespondActivityTaskCompleted(ctx context.Context, r *workflowservice.RespondActivityTaskCompletedRequest, _ ...grpc.CallOption) (*workflowservice.RespondActivityTaskCompletedResponse, error) {
	return &workflowservice.RespondActivityTaskCompletedResponse{}, s.f.record(ctx, call{method: "RespondActivityTaskCompleted", token: r.TaskToken, namespace: r.Namespace,
		result: firstText(r.Result), identity: r.Identity, resourceID: r.ResourceId})
}

func (s *fakeService) RespondActivityTaskCompletedById(ctx context.Context, r *workflowservice.RespondActivityTaskCompletedByIdRequest, _ ...grpc.CallOption) (*workflowservice.RespondActivityTaskCompletedByIdResponse, error) {
	return &workflowservice.RespondActivityTaskCompletedByIdResponse{}, s.f.record(ctx, call{method: "RespondActivityTaskCompletedById", namespace: r.Namespace,
		workflowID: r.WorkflowId, runID: r.RunId, activityID: r.ActivityId, result: firstText(r.Result), identity: r.Identity, resourceID: r.ResourceId})
}

func (s *fakeService) RespondActivityTaskFailed(ctx context.Context, r *workflowservice.RespondActivityTaskFailedRequest, _ ...grpc.CallOption) (*workflowservice.RespondActivityTaskFailedResponse, error) {
	return &workflowservice.RespondActivityTaskFailedResponse{}, s.f.record(ctx, call{method: "RespondActivityTaskFailed", token: r.TaskToken, namespace: r.Namespace,
		err: temporal.GetDefaultFailureConverter().FailureToError(r.Failure), identity: r.Identity, resourceID: r.ResourceId})
}

func (s *fakeService) RespondActivityTaskFailedById(ctx context.Context, r *workflowservice.RespondActivityTaskFailedByIdRequest, _ ...grpc.CallOption) (*workflowservice.RespondActivityTaskFailedByIdResponse, error) {
	return &workflowservice.RespondActivityTaskFailedByIdResponse{}, s.f.record(ctx, call{method: "RespondActivityTaskFailedById", namespace: r.Namespace,
		workflowID: r.WorkflowId, runID: r.RunId, activityID: r.ActivityId, err: temporal.GetDefaultFailureConverter().FailureToError(r.Failure),
		identity: r.Identity, resourceID: r.ResourceId})
}

func (s *fakeService) RespondActivityTaskCanceled(ctx context.Context, r *workflowservice.RespondActivityTaskCanceledRequest, _ ...grpc.CallOption) (*workflowservice.RespondActivityTaskCanceledResponse, error) {
	return &workflowservice.RespondActivityTaskCanceledResponse{}, s.f.record(ctx, call{method: "RespondActivityTaskCanceled", token: r.TaskToken, namespace: r.Namespace,
		err: canceledError(r.Details), details: texts(r.Details), identity: r.Identity, resourceID: r.ResourceId})
}

func (s *fakeService) RespondActivityTaskCanceledById(ctx context.Context, r *workflowservice.RespondActivityTaskCanceledByIdRequest, _ ...grpc.CallOption) (*workflowservice.RespondActivityTaskCanceledByIdResponse, error) {
	return &workflowservice.RespondActivityTaskCanceledByIdResponse{}, s.f.record(ctx, call{method: "RespondActivityTaskCanceledById", namespace: r.Namespace,
		workflowID: r.WorkflowId, runID: r.RunId, activityID: r.ActivityId, err: canceledError(r.Details), details: texts(r.Details),
		identity: r.Identity, resourceID: r.ResourceId})
}

// heartbeatAnswer turns the errors that the SDK's client makes of a
// heartbeat's answer back into the answer.
func heartbeatAnswer(err error) (cancelRequested, paused, reset bool, _ error) {
	var canceled *temporal.CanceledError
	switch {
	case errors.As(err, &canceled):
		return true, false, false, nil
	case errors.Is(err, activity.ErrActivityPaused):
		return false, true, false, nil
	case errors.Is(err, activity.ErrActivityReset):
		return false, false, true, nil
	}
	return false, false, false, err
}

func (s *fakeService) RecordActivityTaskHeartbeat(ctx context.Context, r *workflowservice.RecordActivityTaskHeartbeatRequest, _ ...grpc.CallOption) (*workflowservice.RecordActivityTaskHeartbeatResponse, error) {
	cancelRequested, paused, reset, err := heartbeatAnswer(s.f.record(ctx, call{method: "RecordActivityTaskHeartbeat", token: r.TaskToken, namespace: r.Namespace,
		details: texts(r.Details), identity: r.Identity, resourceID: r.ResourceId}))
	return &workflowservice.RecordActivityTaskHeartbeatResponse{CancelRequested: cancelRequested, ActivityPaused: paused, ActivityReset: reset}, err
}

func (s *fakeService) RecordActivityTaskHeartbeatById(ctx context.Context, r *workflowservice.RecordActivityTaskHeartbeatByIdRequest, _ ...grpc.CallOption) (*workflowservice.RecordActivityTaskHeartbeatByIdResponse, error) {
	cancelRequested, paused, reset, err := heartbeatAnswer(s.f.record(ctx, call{method: "RecordActivityTaskHeartbeatById", namespace: r.Namespace,
		workflowID: r.WorkflowId, runID: r.RunId, activityID: r.ActivityId, details: texts(r.Details), identity: r.Identity, resourceID: r.ResourceId}))
	return &workflowservice.RecordActivityTaskHeartbeatByIdResponse{CancelRequested: cancelRequested, ActivityPaused: paused, ActivityReset: reset}, err
}

func (s *fakeService) GetWorkflowExecutionHistory(ctx context.Context, r *workflowservice.GetWorkflowExecutionHistoryRequest, _ ...grpc.CallOption) (*workflowservice.GetWorkflowExecutionHistoryResponse, error) {
	s.f.mu.Lock()
	s.f.reads = append(s.f.reads, r)
	events, ok := s.f.histories[r.GetExecution().GetWorkflowId()]
	s.f.mu.Unlock()
	if _, hasDeadline := ctx.Deadline(); !hasDeadline {
		return nil, errors.New("a history read without a deadline")
	}
	if !ok {
		if s.f.historyErr != nil {
			return nil, s.f.historyErr
		}
		return nil, serviceerror.NewNotFound("workflow execution not found")
	}
	return &workflowservice.GetWorkflowExecutionHistoryResponse{History: &historypb.History{Events: events}}, nil
}

func (s *fakeService) DescribeWorkflowExecution(ctx context.Context, r *workflowservice.DescribeWorkflowExecutionRequest, _ ...grpc.CallOption) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	return s.f.fakeVisibility.DescribeWorkflowExecution(ctx, r.GetExecution().GetWorkflowId(), r.GetExecution().GetRunId())
}

func (s *fakeService) GetSystemInfo(ctx context.Context, r *workflowservice.GetSystemInfoRequest, _ ...grpc.CallOption) (*workflowservice.GetSystemInfoResponse, error) {
	return &workflowservice.GetSystemInfoResponse{}, s.f.systemInfoErr
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
