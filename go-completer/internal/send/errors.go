package send

import (
	"context"
	"errors"
	"strings"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/model"
	"github.com/async-completion/go-completer/internal/temporalconn"
)

// InvalidTransition reports a standalone Activity's refusal of a request its
// state does not take: FAILED_PRECONDITION "invalid transition from STATE".
// Closed, or (cancel without a request) still running: its record says which.
func InvalidTransition(err error, t model.Target) bool {
	return t.WorkflowID == "" && isInvalidTransition(err)
}

func isInvalidTransition(err error) bool {
	code, message, ok := GRPCStatus(err)
	return ok && code == codes.FailedPrecondition && strings.Contains(strings.ToLower(message), "invalid transition")
}

// MapRequestError turns the error of a request into the CLI page's exit code
// and line. deadlineErr is the request context's error once the request has
// returned: when our own deadline has passed, the server did not answer in
// time, whatever the error says.
func MapRequestError(err error, deadlineErr error, req Request) *lines.Failure {
	if req.Verb == Cancel && req.WorkflowID == "" && isInvalidTransition(err) {
		return lines.StandaloneCancelNotRequested(req.Desc, req.ActivityID)
	}
	var canceled *temporal.CanceledError
	if req.Verb == Heartbeat && errors.As(err, &canceled) {
		return lines.CancelRequested(req.Desc)
	}
	// A heartbeat for an Activity paused or reset on the server.
	if errors.Is(err, activity.ErrActivityPaused) {
		return lines.Paused(req.Desc)
	}
	if errors.Is(err, activity.ErrActivityReset) {
		return lines.Reset(req.Desc)
	}

	if message, ok := temporalconn.NotSent(err); ok {
		return lines.NotSent(message)
	}
	code, message, ok := GRPCStatus(err)
	if !ok {
		if errors.Is(err, context.DeadlineExceeded) || deadlineErr != nil {
			return lines.Unreachable(req.Address, req.TimeoutText)
		}
		return lines.Other(err)
	}
	if failure := MapUnanswered(code, err, deadlineErr, req); failure != nil {
		return failure
	}
	if code == codes.NotFound {
		if NamespaceNotFound(message) {
			return lines.NamespaceNotFound(req.Namespace, req.Address)
		}
		return lines.NotPending(req.Desc)
	}
	lower := strings.ToLower(message)
	switch {
	case strings.Contains(lower, "different namespace"):
		return lines.OtherNamespace(req.Namespace)
	case strings.Contains(lower, "request canceled first") && req.WorkflowID == "":
		return lines.StandaloneCancelNotRequested(req.Desc, req.ActivityID)
	case strings.Contains(lower, "request canceled first"):
		return lines.CancelNotRequested(req.Desc, req.WorkflowID)
	case strings.Contains(lower, "deserializing task token"):
		return lines.ServerCannotReadToken()
	}
	return lines.Refused(message)
}

// MapUnanswered is the line of a call that the server did not answer (code
// Unavailable, DeadlineExceeded, or Canceled by our deadline), or nil when it
// answered.
func MapUnanswered(code codes.Code, err, deadlineErr error, req Request) *lines.Failure {
	switch code {
	case codes.Unavailable, codes.DeadlineExceeded:
		return lines.Unreachable(req.Address, req.TimeoutText)
	case codes.Canceled:
		if deadlineErr != nil {
			return lines.Unreachable(req.Address, req.TimeoutText)
		}
		return lines.Other(err)
	}
	return nil
}

// NamespaceNotFound reports whether a NOT_FOUND names a namespace the server
// does not know: "Namespace NS is not found." ("workflow not found for ID:
// my-namespace-wf" is not that case.)
func NamespaceNotFound(message string) bool {
	return strings.HasPrefix(message, "Namespace ")
}

// MapDialError is MapRequestError for an error of connecting. Dialling makes
// one call (GetSystemInfo) before the request: any status but a refusal of our
// credentials means no Temporal server answered at the address, for example an
// HTTP server that is not gRPC (HTTP 404 comes back as Unimplemented).
func MapDialError(err error, deadlineErr error, req Request) *lines.Failure {
	if req.TLS && mentionsTLS(err.Error()) {
		return lines.TLSHandshakeFailed(req.Address)
	}
	if message, ok := temporalconn.NotSent(err); ok {
		return lines.NotSent(message)
	}
	if code, _, ok := GRPCStatus(err); ok && code != codes.Unauthenticated && code != codes.PermissionDenied {
		return MapRequestError(status.Error(codes.Unavailable, err.Error()), deadlineErr, req)
	}
	return MapRequestError(err, deadlineErr, req)
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

// GRPCStatus finds the gRPC status of an error from the server, however the
// SDK wrapped it. It reports false for errors that did not come from a call.
func GRPCStatus(err error) (codes.Code, string, bool) {
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

// NotPending reports whether the server refused a request because it does not
// know the Activity (any more): NOT_FOUND, but not of a namespace.
func NotPending(err error) bool {
	code, message, ok := GRPCStatus(err)
	return ok && code == codes.NotFound && !NamespaceNotFound(message)
}

// retryable reports whether the server could not take a request for now.
func retryable(err error) bool {
	code, _, ok := GRPCStatus(err)
	return ok && (code == codes.Unavailable || code == codes.ResourceExhausted || code == codes.Aborted)
}
