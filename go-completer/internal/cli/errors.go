package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Exit codes of the project contract (shared/DESIGN.md).
const (
	ExitOK          = 0
	ExitFailure     = 1
	ExitUsage       = 2
	ExitRefused     = 3
	ExitUnreachable = 4
	ExitCancelled   = 5
)

// ExitError is a failure with its exit code. Message is the line to print
// after "error: ".
type ExitError struct {
	Code    int
	Message string
}

func (e *ExitError) Error() string { return e.Message }

func usageError(message string) *ExitError {
	return &ExitError{Code: ExitUsage, Message: message}
}

// request says what was asked of which server, for the messages of a failed request.
type request struct {
	verb        string
	desc        string
	workflowID  string
	namespace   string
	address     string
	timeoutText string
	// tls is whether Temporal's environment configuration turned TLS on (a
	// TEMPORAL_TLS* setting, a profile with tls, or an API key).
	tls bool
}

// mapRequestError turns the error of dialling or of the request into the CLI
// page's exit code and message. deadlineErr is the request context's error
// once the request has returned: when our own deadline has passed, the server
// did not answer in time, whatever the error says.
func mapRequestError(err error, deadlineErr error, req request) *ExitError {
	unreachable := &ExitError{
		Code: ExitUnreachable,
		Message: fmt.Sprintf("could not reach the Temporal server at %s within %s: start one with make server, or point TEMPORAL_ADDRESS or --address at yours",
			req.address, req.timeoutText),
	}

	var canceled *temporal.CanceledError
	if req.verb == verbHeartbeat && errors.As(err, &canceled) {
		return &ExitError{
			Code:    ExitCancelled,
			Message: fmt.Sprintf("cancellation was requested for %s: stop its work, then report it with the cancel command", req.desc),
		}
	}

	// The page does not cover a paused or reset Activity (exit 1, "anything
	// else"). The SDK reports them for a heartbeat by token only.
	if errors.Is(err, activity.ErrActivityPaused) {
		return &ExitError{
			Code:    ExitFailure,
			Message: fmt.Sprintf("%s is paused on the server: the heartbeat was recorded; stop its work until it is unpaused", req.desc),
		}
	}
	if errors.Is(err, activity.ErrActivityReset) {
		return &ExitError{
			Code:    ExitFailure,
			Message: fmt.Sprintf("%s was reset on the server: the heartbeat was recorded; stop its work, its next attempt logs a new token in the Worker's log", req.desc),
		}
	}

	if code, message, ok := grpcStatus(err); ok {
		switch code {
		case codes.Unavailable, codes.DeadlineExceeded:
			return unreachable
		case codes.Canceled:
			if deadlineErr != nil {
				return unreachable
			}
			return &ExitError{Code: ExitFailure, Message: oneLine(err.Error())}
		case codes.NotFound:
			// The server names a namespace it does not know: "Namespace NS is
			// not found." The namespace named is the one the completer sent.
			// ("workflow not found for ID: my-namespace-wf" is not that case.)
			if strings.HasPrefix(message, "Namespace ") {
				return &ExitError{
					Code:    ExitRefused,
					Message: fmt.Sprintf("namespace \"%s\" was not found on the server at %s: check --namespace or TEMPORAL_NAMESPACE", req.namespace, req.address),
				}
			}
			return &ExitError{
				Code:    ExitRefused,
				Message: fmt.Sprintf("%s is not pending any more: it was completed, failed, timed out or retried, or its Workflow closed; a retry logs a new token in the Worker's log", req.desc),
			}
		}
		lower := strings.ToLower(message)
		switch {
		case strings.Contains(lower, "different namespace"):
			return &ExitError{
				Code:    ExitRefused,
				Message: fmt.Sprintf("the task token is for another namespace than \"%s\": set --namespace or TEMPORAL_NAMESPACE to the namespace of its Workflow", req.namespace),
			}
		case strings.Contains(lower, "request canceled first"):
			return &ExitError{
				Code:    ExitRefused,
				Message: fmt.Sprintf("the server refused to report %s as cancelled: no cancellation was requested for it; request one first (make cancel WORKFLOW_ID=%s)", req.desc, req.workflowID),
			}
		case strings.Contains(lower, "deserializing task token"):
			return &ExitError{
				Code:    ExitRefused,
				Message: "the server could not read the task token (was it cut short?): copy the whole taskToken= value from the Worker's log",
			}
		}
		return &ExitError{Code: ExitRefused, Message: "the server refused the request: " + oneLine(message)}
	}

	if errors.Is(err, context.DeadlineExceeded) || deadlineErr != nil {
		return unreachable
	}
	return &ExitError{Code: ExitFailure, Message: oneLine(err.Error())}
}

// mapDialError is mapRequestError for an error of connecting. Dialling makes
// one call (GetSystemInfo) before the request: any status but a refusal of our
// credentials means no Temporal server answered at the address, for example an
// HTTP server that is not gRPC (HTTP 404 comes back as Unimplemented).
func mapDialError(err error, deadlineErr error, req request) *ExitError {
	if req.tls && mentionsTLS(err.Error()) {
		return &ExitError{
			Code: ExitUnreachable,
			Message: fmt.Sprintf("could not reach the Temporal server at %s over TLS: the TLS handshake failed; check TEMPORAL_TLS_SERVER_CA_CERT_PATH (or _DATA) and TEMPORAL_TLS_SERVER_NAME",
				req.address),
		}
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

// oneLine keeps a message on the one line that a failure may print.
func oneLine(message string) string {
	return strings.Join(strings.Fields(message), " ")
}
