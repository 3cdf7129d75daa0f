package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/async-completion/go-completer/internal/history"
	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/model"
	"github.com/async-completion/go-completer/internal/tasktoken"
	"github.com/async-completion/go-completer/internal/temporalconn"
)

// maxPayloadBytes is the server's default blob size limit. A larger result is
// not refused by the server: it fails the Activity instead, so the completer
// refuses it first.
const maxPayloadBytes = 2097152

// dataConverter encodes results and details as the SDK's client does with its
// default: a text is one json/plain payload.
var dataConverter = converter.GetDefaultDataConverter()

// activityService is the part of the WorkflowService that finishes and
// heartbeats Activities, and reads what closed one. The SDK's client sends
// these requests with one identity for all; the completer sends them itself,
// because each request records who acted (docs/completer-cli.md, "The recorded
// identity").
type activityService interface {
	RespondActivityTaskCompleted(ctx context.Context, request *workflowservice.RespondActivityTaskCompletedRequest, opts ...grpc.CallOption) (*workflowservice.RespondActivityTaskCompletedResponse, error)
	RespondActivityTaskCompletedById(ctx context.Context, request *workflowservice.RespondActivityTaskCompletedByIdRequest, opts ...grpc.CallOption) (*workflowservice.RespondActivityTaskCompletedByIdResponse, error)
	RespondActivityTaskFailed(ctx context.Context, request *workflowservice.RespondActivityTaskFailedRequest, opts ...grpc.CallOption) (*workflowservice.RespondActivityTaskFailedResponse, error)
	RespondActivityTaskFailedById(ctx context.Context, request *workflowservice.RespondActivityTaskFailedByIdRequest, opts ...grpc.CallOption) (*workflowservice.RespondActivityTaskFailedByIdResponse, error)
	RespondActivityTaskCanceled(ctx context.Context, request *workflowservice.RespondActivityTaskCanceledRequest, opts ...grpc.CallOption) (*workflowservice.RespondActivityTaskCanceledResponse, error)
	RespondActivityTaskCanceledById(ctx context.Context, request *workflowservice.RespondActivityTaskCanceledByIdRequest, opts ...grpc.CallOption) (*workflowservice.RespondActivityTaskCanceledByIdResponse, error)
	RecordActivityTaskHeartbeat(ctx context.Context, request *workflowservice.RecordActivityTaskHeartbeatRequest, opts ...grpc.CallOption) (*workflowservice.RecordActivityTaskHeartbeatResponse, error)
	RecordActivityTaskHeartbeatById(ctx context.Context, request *workflowservice.RecordActivityTaskHeartbeatByIdRequest, opts ...grpc.CallOption) (*workflowservice.RecordActivityTaskHeartbeatByIdResponse, error)
	history.Service
}

// resourceID routes a request by IDs, as the SDK's client sets it.
func resourceID(workflowID string) string {
	if workflowID == "" {
		return ""
	}
	return "workflow:" + workflowID
}

// job is one request about one Activity: a command's values with the Activity
// it names, by token or by IDs.
type job struct {
	// line is the job's line in a batch.
	line  int
	cmd   command
	token *tasktoken.Token
	desc  string
	// workflowID is the Activity's Workflow, for the lines of a refusal.
	workflowID string
	// identity is what the request records as who acted.
	identity string
}

// activityVerb is what a verb about one Activity sends, and its line when the
// server accepted it. Each verb's are in the file named for it.
type activityVerb struct {
	send      func(ctx context.Context, svc activityService, j *job, namespace string) error
	succeeded func(j *job) string
	// closes is the history event the verb writes, 0 for a heartbeat.
	closes model.Kind
}

var activityVerbs = map[string]activityVerb{
	verbComplete:  {sendComplete, completedLine, model.Completed},
	verbFail:      {sendFail, failedLine, model.Failed},
	verbHeartbeat: {sendHeartbeat, heartbeatLine, 0},
	verbCancel:    {sendCancel, cancelledLine, model.Canceled},
}

// request says what was asked of which server, for the lines of a failed
// request.
type request struct {
	verb        string
	desc        string
	workflowID  string
	namespace   string
	address     string
	timeoutText string
	// tls is whether Temporal's environment configuration turned TLS on.
	tls bool
}

// about is the request r for job j.
func (r request) about(j *job) request {
	r.verb = j.cmd.verb
	r.desc = j.desc
	r.workflowID = j.workflowID
	return r
}

// connect reads the connection settings and dials within ctx. The request it
// returns names the server, for the lines of a failed request.
func (r *runner) connect(ctx context.Context, cmd *command) (temporalClient, request, error) {
	options, err := temporalconn.Options(cmd.connectionFlags())
	if err != nil {
		return nil, request{}, err
	}
	server := request{
		verb:        cmd.verb,
		namespace:   options.Namespace,
		address:     options.HostPort,
		timeoutText: cmd.rpcTimeoutText,
		tls:         temporalconn.TLS(options),
	}
	c, err := r.dial(ctx, options)
	if err != nil {
		return nil, server, mapDialError(err, ctx.Err(), server)
	}
	return c, server, nil
}

// sent is what became of a job that the server answered as done: its success
// line, or the line of a request that repeated what closed the Activity.
type sent struct {
	message string
	already bool
}

// send makes the job's request within ctx. Its error is the job's failure
// line. When the server answers that the Activity is not pending any more,
// the Activity's history says why (bounded by --rpc-timeout on its own): a
// repeat of what closed it is done, anything else a refusal that says what
// closed it. The happy path reads nothing.
func (j *job) send(ctx context.Context, svc activityService, server request) (sent, error) {
	server = server.about(j)
	err := retrying(ctx, func(ctx context.Context) error {
		return activityVerbs[j.cmd.verb].send(ctx, svc, j, server.namespace)
	})
	if err == nil {
		return sent{message: activityVerbs[j.cmd.verb].succeeded(j)}, nil
	}
	if !notPending(err) {
		return sent{}, mapRequestError(err, ctx.Err(), server)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), j.cmd.rpcTimeout)
	defer cancel()
	return j.explainRefusal(ctx, svc, server)
}

// explainRefusal reads the Activity's history after the server answered that
// it is not pending any more.
func (j *job) explainRefusal(ctx context.Context, svc activityService, server request) (sent, error) {
	target := model.Target{WorkflowID: j.cmd.workflowID, RunID: j.cmd.runID, ActivityID: j.cmd.activityID}
	asked := history.Request{
		Kind:      activityVerbs[j.cmd.verb].closes,
		Result:    j.cmd.result,
		Reason:    j.cmd.reason,
		Retryable: j.cmd.retryable,
		Key:       j.cmd.idempotencyKey.value,
	}
	if j.cmd.details.set {
		asked.Details = &j.cmd.details.value
	}
	if j.token != nil {
		task := j.token.Task
		target = model.Target{
			WorkflowID:       task.GetWorkflowId(),
			RunID:            task.GetRunId(),
			ActivityID:       task.GetActivityId(),
			ScheduledEventID: task.GetScheduledEventId(),
			Attempt:          task.GetAttempt(),
		}
		asked.Attempt = task.GetAttempt()
	}
	found, err := history.Read(ctx, svc, server.namespace, target)
	if err != nil {
		return sent{}, lines.HistoryUnreadable(j.desc, historyError(err, ctx.Err(), server))
	}
	if history.Repeats(found.Closing, asked) {
		return sent{message: lines.AlreadyDone(j.desc, found.Closing), already: true}, nil
	}
	return sent{}, refusal(found, target, j.desc, server)
}

// refusal is the line of a request refused because its Activity is not
// pending any more: what its history found closed it.
func refusal(found model.Finding, target model.Target, desc string, server request) *lines.Failure {
	reason, ok := lines.ClosedReason(found, target.Attempt, server.namespace)
	if !ok {
		return lines.HistoryDoesNotSay(desc)
	}
	return lines.NotPendingBecause(desc, reason)
}

// explainNotPending reads the history of an Activity that is not pending any
// more, and says what closed it; a request that repeats it is not looked for
// (a signed link is never already done). ctx bounds the read.
func explainNotPending(ctx context.Context, svc history.Service, target model.Target, desc string, server request) *lines.Failure {
	found, err := history.Read(ctx, svc, server.namespace, target)
	if err != nil {
		return lines.HistoryUnreadable(desc, historyError(err, ctx.Err(), server))
	}
	return refusal(found, target, desc, server)
}

// historyError is why a history could not be read: that it did not answer in
// time, or the server's words (its status's name when it has none).
func historyError(err, deadlineErr error, server request) string {
	code, message, ok := grpcStatus(err)
	if deadlineErr != nil || errors.Is(err, context.DeadlineExceeded) || (ok && code == codes.DeadlineExceeded) {
		return "no answer within " + server.timeoutText
	}
	if !ok {
		return err.Error()
	}
	if message == "" {
		return statusNames[code]
	}
	return message
}

// statusNames name the gRPC status codes as gRPC's specification (and the
// Python SDK) does.
var statusNames = map[codes.Code]string{
	codes.OK: "OK", codes.Canceled: "CANCELLED", codes.Unknown: "UNKNOWN", codes.InvalidArgument: "INVALID_ARGUMENT",
	codes.DeadlineExceeded: "DEADLINE_EXCEEDED", codes.NotFound: "NOT_FOUND", codes.AlreadyExists: "ALREADY_EXISTS",
	codes.PermissionDenied: "PERMISSION_DENIED", codes.ResourceExhausted: "RESOURCE_EXHAUSTED",
	codes.FailedPrecondition: "FAILED_PRECONDITION", codes.Aborted: "ABORTED", codes.OutOfRange: "OUT_OF_RANGE",
	codes.Unimplemented: "UNIMPLEMENTED", codes.Internal: "INTERNAL", codes.Unavailable: "UNAVAILABLE",
	codes.DataLoss: "DATA_LOSS", codes.Unauthenticated: "UNAUTHENTICATED",
}

// notPending reports whether the server refused a request because it does not
// know the Activity (any more): NOT_FOUND, but not of a namespace.
func notPending(err error) bool {
	code, message, ok := grpcStatus(err)
	return ok && code == codes.NotFound && !namespaceNotFound(message)
}

// The SDK's client retries a request the server could not take (unavailable,
// overloaded) until its deadline, waiting longer each time; so does the
// completer, which sends the requests itself.
const (
	retryInitialInterval = 200 * time.Millisecond
	retryBackoff         = 2
)

// retrying calls send until it succeeds, fails for good, or ctx ends. A
// completion that went through although its answer was lost is refused as not
// pending when retried, and then answered as already done from the history.
func retrying(ctx context.Context, send func(ctx context.Context) error) error {
	maxInterval := retryInitialInterval
	if deadline, ok := ctx.Deadline(); ok {
		maxInterval = max(time.Until(deadline)/10, retryInitialInterval)
	}
	interval := retryInitialInterval
	for {
		err := send(ctx)
		if err == nil || !retryable(err) {
			return err
		}
		timer := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			timer.Stop()
			return err
		case <-timer.C:
		}
		interval = min(interval*retryBackoff, maxInterval)
	}
}

// retryable reports whether the server could not take a request for now.
func retryable(err error) bool {
	code, _, ok := grpcStatus(err)
	return ok && (code == codes.Unavailable || code == codes.ResourceExhausted || code == codes.Aborted)
}

// checkPayloadSize refuses a text whose payload, as the SDK's default converter
// encodes it, is larger than the server accepts. what is "result" or "details".
func checkPayloadSize(what, text string) error {
	payload, err := dataConverter.ToPayload(text)
	if err != nil {
		return fmt.Errorf("encoding the %s: %w", what, err)
	}
	// The server measures the Payloads message that wraps the payload: one tag
	// byte and the payload's length as a varint on top of the payload itself.
	p := proto.Size(payload)
	if size := p + 1 + protowire.SizeVarint(uint64(p)); size > maxPayloadBytes {
		return payloadTooLarge{lines.PayloadTooLarge(what, size, maxPayloadBytes)}
	}
	return nil
}

// payloadTooLarge is the failure of checkPayloadSize, told apart from the
// other usage failures: serve answers it with 413 rather than 400.
type payloadTooLarge struct{ *lines.Failure }

func (e payloadTooLarge) Unwrap() error { return e.Failure }

// mapRequestError turns the error of a request into the CLI page's exit code
// and line. deadlineErr is the request context's error once the request has
// returned: when our own deadline has passed, the server did not answer in
// time, whatever the error says.
func mapRequestError(err error, deadlineErr error, req request) *lines.Failure {
	var canceled *temporal.CanceledError
	if req.verb == verbHeartbeat && errors.As(err, &canceled) {
		return lines.CancelRequested(req.desc)
	}
	// The SDK reports a paused or reset Activity for a heartbeat by token only.
	if errors.Is(err, activity.ErrActivityPaused) {
		return lines.Paused(req.desc)
	}
	if errors.Is(err, activity.ErrActivityReset) {
		return lines.Reset(req.desc)
	}

	code, message, ok := grpcStatus(err)
	if !ok {
		if errors.Is(err, context.DeadlineExceeded) || deadlineErr != nil {
			return lines.Unreachable(req.address, req.timeoutText)
		}
		return lines.Other(err)
	}
	if failure := mapUnanswered(code, err, deadlineErr, req); failure != nil {
		return failure
	}
	if code == codes.NotFound {
		if namespaceNotFound(message) {
			return lines.NamespaceNotFound(req.namespace, req.address)
		}
		return lines.NotPending(req.desc)
	}
	lower := strings.ToLower(message)
	switch {
	case strings.Contains(lower, "different namespace"):
		return lines.OtherNamespace(req.namespace)
	case strings.Contains(lower, "request canceled first"):
		return lines.CancelNotRequested(req.desc, req.workflowID)
	case strings.Contains(lower, "deserializing task token"):
		return lines.ServerCannotReadToken()
	}
	return lines.Refused(message)
}

// mapUnanswered is the line of a call that the server did not answer (code
// Unavailable, DeadlineExceeded, or Canceled by our deadline), or nil when it
// answered.
func mapUnanswered(code codes.Code, err, deadlineErr error, req request) *lines.Failure {
	switch code {
	case codes.Unavailable, codes.DeadlineExceeded:
		return lines.Unreachable(req.address, req.timeoutText)
	case codes.Canceled:
		if deadlineErr != nil {
			return lines.Unreachable(req.address, req.timeoutText)
		}
		return lines.Other(err)
	}
	return nil
}

// namespaceNotFound reports whether a NOT_FOUND names a namespace the server
// does not know: "Namespace NS is not found." ("workflow not found for ID:
// my-namespace-wf" is not that case.)
func namespaceNotFound(message string) bool {
	return strings.HasPrefix(message, "Namespace ")
}

// mapDialError is mapRequestError for an error of connecting. Dialling makes
// one call (GetSystemInfo) before the request: any status but a refusal of our
// credentials means no Temporal server answered at the address, for example an
// HTTP server that is not gRPC (HTTP 404 comes back as Unimplemented).
func mapDialError(err error, deadlineErr error, req request) *lines.Failure {
	if req.tls && mentionsTLS(err.Error()) {
		return lines.TLSHandshakeFailed(req.address)
	}
	if code, _, ok := grpcStatus(err); ok && code != codes.Unauthenticated && code != codes.PermissionDenied {
		return mapRequestError(status.Error(codes.Unavailable, err.Error()), deadlineErr, req)
	}
	return mapRequestError(err, deadlineErr, req)
}

// mentionsTLS reports whether an error of connecting speaks of TLS: a
// certificate, x509 or a handshake, in any case.
func mentionsTLS(text string) bool {
	lower := strings.ToLower(text)
	for _, word := range []string{"tls", "certificate", "x509", "handshake"} {
		if strings.Contains(lower, word) {
			return true
		}
	}
	return false
}

// grpcStatus finds the gRPC status of an error from the server, however the
// SDK wrapped it. It reports false for errors that did not come from a call.
func grpcStatus(err error) (codes.Code, string, bool) {
	var serviceErr serviceerror.ServiceError
	if errors.As(err, &serviceErr) {
		st := serviceErr.Status()
		return st.Code(), st.Message(), true
	}
	// status.FromError unwraps to any error that carries a gRPC status.
	if st, ok := status.FromError(err); ok {
		return st.Code(), st.Message(), true
	}
	return codes.OK, "", false
}
