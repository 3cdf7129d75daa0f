package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/tasktoken"
	"github.com/async-completion/go-completer/internal/temporalconn"
)

// maxPayloadBytes is the server's default blob size limit. A larger result is
// not refused by the server: it fails the Activity instead, so the completer
// refuses it first.
const maxPayloadBytes = 2097152

// activityClient is the part of client.Client that finishes and heartbeats
// Activities.
type activityClient interface {
	CompleteActivity(ctx context.Context, taskToken []byte, result any, err error) error
	CompleteActivityByID(ctx context.Context, namespace, workflowID, runID, activityID string, result any, err error) error
	RecordActivityHeartbeat(ctx context.Context, taskToken []byte, details ...any) error
	RecordActivityHeartbeatByID(ctx context.Context, namespace, workflowID, runID, activityID string, details ...any) error
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
}

// activityVerb is what a verb about one Activity sends, and its line when the
// server accepted it. Each verb's are in the file named for it.
type activityVerb struct {
	send      func(ctx context.Context, c activityClient, j *job, namespace string) error
	succeeded func(j *job) string
}

var activityVerbs = map[string]activityVerb{
	verbComplete:  {sendComplete, completedLine},
	verbFail:      {sendFail, failedLine},
	verbHeartbeat: {sendHeartbeat, heartbeatLine},
	verbCancel:    {sendCancel, cancelledLine},
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

// send makes the job's request within ctx. Its error is the job's failure
// line; without one, the success line is j.succeeded().
func (j *job) send(ctx context.Context, c activityClient, server request) error {
	if err := activityVerbs[j.cmd.verb].send(ctx, c, j, server.namespace); err != nil {
		return mapRequestError(err, ctx.Err(), server.about(j))
	}
	return nil
}

func (j *job) succeeded() string {
	return activityVerbs[j.cmd.verb].succeeded(j)
}

// checkPayloadSize refuses a text whose payload, as the SDK's default converter
// encodes it, is larger than the server accepts. what is "result" or "details".
func checkPayloadSize(what, text string) error {
	payload, err := converter.GetDefaultDataConverter().ToPayload(text)
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
