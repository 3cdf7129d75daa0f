package send

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/async-completion/go-completer/internal/lines"
)

func TestMapRequestError(t *testing.T) {
	byToken := Request{
		Verb:       Complete,
		Desc:       `Activity "1" of Workflow "w" (attempt 2)`,
		WorkflowID: "w",
		Server:     Server{Namespace: "default", Address: "localhost:7233", TimeoutText: "1.5"},
	}
	heartbeat := byToken
	heartbeat.Verb = Heartbeat
	cancel := byToken
	cancel.Verb = Cancel
	cancel.Desc = `Activity "a" of Workflow "order-7"`
	cancel.WorkflowID = "order-7"
	other := byToken
	other.Namespace = "other"
	nosuch := byToken
	nosuch.Namespace = "nosuch"

	notPending := `Activity "1" of Workflow "w" (attempt 2) is not pending any more: it was completed, failed, timed out or retried, or its Workflow closed; a retry logs a new token in the Worker's log`
	unreachable := "could not reach the Temporal server at localhost:7233 within 1.5: start one with make server, or point TEMPORAL_ADDRESS or --address at yours"

	tests := []struct {
		name        string
		req         Request
		err         error
		deadlineErr error
		wantCode    int
		want        string
	}{
		{"not found", byToken, serviceerror.NewNotFound("workflow execution already completed"), nil, lines.ExitRefused, notPending},
		{"not found, wrapped", byToken, fmt.Errorf("completing: %w", serviceerror.NewNotFound("activity task not found")), nil, lines.ExitRefused, notPending},
		{"not found as a raw gRPC status", byToken, status.Error(codes.NotFound, "x"), nil, lines.ExitRefused, notPending},
		// A namespace that does not exist is NOT_FOUND too; the server's message names it.
		{"namespace not found", nosuch, serviceerror.NewNamespaceNotFound("nosuch"), nil, lines.ExitRefused,
			`namespace "nosuch" was not found on the server at localhost:7233: check --namespace or TEMPORAL_NAMESPACE`},
		{"namespace not found, as a raw gRPC status", nosuch, status.Error(codes.NotFound, "Namespace nosuch is not found."), nil, lines.ExitRefused,
			`namespace "nosuch" was not found on the server at localhost:7233: check --namespace or TEMPORAL_NAMESPACE`},
		{"a Workflow ID that mentions a namespace is no namespace row", nosuch, status.Error(codes.NotFound, "workflow not found for ID: my-namespace-wf"), nil, lines.ExitRefused,
			`Activity "1" of Workflow "w" (attempt 2) is not pending any more: it was completed, failed, timed out or retried, or its Workflow closed; a retry logs a new token in the Worker's log`},
		{"a namespace named only by other statuses is no namespace row", nosuch, serviceerror.NewInvalidArgument("Namespace nosuch is invalid."), nil, lines.ExitRefused,
			"the server refused the request: Namespace nosuch is invalid."},
		{"token from another namespace", other, serviceerror.NewInvalidArgument("Operation requested with a token from a different namespace."), nil, lines.ExitRefused,
			`the task token is for another namespace than "other": set --namespace or TEMPORAL_NAMESPACE to the namespace of its Workflow`},
		{"cancel without a cancel request", cancel, serviceerror.NewInvalidArgument("unable to mark activity as canceled without activity being request canceled first"), nil, lines.ExitRefused,
			`the server refused to report Activity "a" of Workflow "order-7" as cancelled: no cancellation was requested for it; request one first (make cancel WORKFLOW_ID=order-7)`},
		{"special messages match whatever their case", cancel, serviceerror.NewFailedPrecondition("Unable to mark activity as canceled without activity being REQUEST CANCELED FIRST"), nil, lines.ExitRefused,
			`the server refused to report Activity "a" of Workflow "order-7" as cancelled: no cancellation was requested for it; request one first (make cancel WORKFLOW_ID=order-7)`},
		{"token the server cannot read", byToken, serviceerror.NewInvalidArgument("Error deserializing task token."), nil, lines.ExitRefused,
			"the server could not read the task token (was it cut short?): copy the whole taskToken= value from the Worker's log"},
		{"other invalid argument", byToken, serviceerror.NewInvalidArgument("RunId is not valid UUID."), nil, lines.ExitRefused,
			"the server refused the request: RunId is not valid UUID."},
		{"permission denied", byToken, serviceerror.NewPermissionDenied("Request unauthorized.", ""), nil, lines.ExitRefused,
			"the server refused the request: Request unauthorized."},
		{"failed precondition as a raw gRPC status", byToken, status.Error(codes.FailedPrecondition, "not now"), nil, lines.ExitRefused,
			"the server refused the request: not now"},
		{"unavailable", byToken, serviceerror.NewUnavailable("connection refused"), nil, lines.ExitUnreachable, unreachable},
		{"unavailable while dialling", byToken, fmt.Errorf("failed reaching server: %w", serviceerror.NewUnavailable("dial tcp: connection refused")), nil, lines.ExitUnreachable, unreachable},
		{"deadline exceeded from the server", byToken, serviceerror.NewDeadlineExceeded("context deadline exceeded"), nil, lines.ExitUnreachable, unreachable},
		{"our deadline", byToken, fmt.Errorf("failed reaching server: %w", context.DeadlineExceeded), context.DeadlineExceeded, lines.ExitUnreachable, unreachable},
		{"canceled by our deadline", byToken, serviceerror.NewCanceled("context canceled"), context.DeadlineExceeded, lines.ExitUnreachable, unreachable},
		{"heartbeat answered with a cancel request", heartbeat, temporal.NewCanceledError(), nil, lines.ExitCancelled,
			`cancellation was requested for Activity "1" of Workflow "w" (attempt 2): stop its work, then report it with the cancel command`},
		{"a canceled error is not a cancel request outside heartbeat", byToken, temporal.NewCanceledError(), nil, lines.ExitFailure, "canceled"},
		{"heartbeat of a paused Activity", heartbeat, activity.ErrActivityPaused, nil, lines.ExitCancelled,
			`Activity "1" of Workflow "w" (attempt 2) is paused on the server: the heartbeat was recorded; stop its work until it is unpaused`},
		{"heartbeat of a reset Activity", heartbeat, activity.ErrActivityReset, nil, lines.ExitCancelled,
			`Activity "1" of Workflow "w" (attempt 2) was reset on the server: the heartbeat was recorded; stop its work, its next attempt logs a new token in the Worker's log`},
		{"anything else, on one line", byToken, errors.New("something\nbroke"), nil, lines.ExitFailure, "something broke"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MapRequestError(tt.err, tt.deadlineErr, tt.req)
			if got.Code != tt.wantCode || got.Message != tt.want {
				t.Errorf("MapRequestError(%v) = %d %q\nwant %d %q", tt.err, got.Code, got.Message, tt.wantCode, tt.want)
			}
		})
	}
}

func TestMapDialError(t *testing.T) {
	req := Request{Verb: Complete, Desc: "D", Server: Server{Namespace: "default", Address: "h:1", TimeoutText: "10s"}}
	unreachable := "could not reach the Temporal server at h:1 within 10s: start one with make server, or point TEMPORAL_ADDRESS or --address at yours"
	tests := []struct {
		name     string
		err      error
		wantCode int
		want     string
	}{
		{"not a gRPC server", fmt.Errorf("failed reaching server: %w",
			status.Error(codes.Unimplemented, "unexpected HTTP status code received from server: 404 (Not Found)")), lines.ExitUnreachable, unreachable},
		{"connection refused", fmt.Errorf("failed reaching server: %w", serviceerror.NewUnavailable("connection refused")), lines.ExitUnreachable, unreachable},
		{"credentials refused", fmt.Errorf("failed reaching server: %w", serviceerror.NewPermissionDenied("Request unauthorized.", "")), lines.ExitRefused,
			"the server refused the request: Request unauthorized."},
		{"a setting that cannot work", errors.New("cannot set both TLS and TLSDisabled in ConnectionOptions"), lines.ExitFailure,
			"cannot set both TLS and TLSDisabled in ConnectionOptions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MapDialError(tt.err, nil, req)
			if got.Code != tt.wantCode || got.Message != tt.want {
				t.Errorf("MapDialError(%v) = %d %q\nwant %d %q", tt.err, got.Code, got.Message, tt.wantCode, tt.want)
			}
		})
	}
}

func TestMapDialErrorOverTLS(t *testing.T) {
	req := Request{Verb: Complete, Desc: "D", Server: Server{Namespace: "default", Address: "h:1", TimeoutText: "10s"}}
	withTLS := req
	withTLS.TLS = true
	unreachable := "could not reach the Temporal server at h:1 within 10s: start one with make server, or point TEMPORAL_ADDRESS or --address at yours"
	handshake := "could not reach the Temporal server at h:1 over TLS: the TLS handshake failed; check TEMPORAL_TLS_SERVER_CA_CERT_PATH (or _DATA) and TEMPORAL_TLS_SERVER_NAME"
	tests := []struct {
		name     string
		req      Request
		err      error
		wantCode int
		want     string
	}{
		{"TLS client, plain server", withTLS, fmt.Errorf("failed reaching server: %w", serviceerror.NewUnavailable(
			`connection error: desc = "transport: authentication handshake failed: tls: first record does not look like a TLS handshake"`)), lines.ExitUnreachable, handshake},
		{"unknown authority", withTLS, fmt.Errorf("failed reaching server: %w", serviceerror.NewUnavailable(
			`connection error: desc = "transport: authentication handshake failed: x509: certificate signed by unknown authority"`)), lines.ExitUnreachable, handshake},
		{"words matched whatever their case", withTLS, errors.New("Bad CERTIFICATE"), lines.ExitUnreachable, handshake},
		{"TLS on, but no TLS in the error", withTLS, fmt.Errorf("failed reaching server: %w", serviceerror.NewUnavailable("connection refused")), lines.ExitUnreachable, unreachable},
		{"TLS in the error, but TLS off", req, fmt.Errorf("failed reaching server: %w", serviceerror.NewUnavailable(
			`transport: authentication handshake failed: tls: first record does not look like a TLS handshake`)), lines.ExitUnreachable, unreachable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MapDialError(tt.err, nil, tt.req)
			if got.Code != tt.wantCode || got.Message != tt.want {
				t.Errorf("MapDialError(%v) = %d %q\nwant %d %q", tt.err, got.Code, got.Message, tt.wantCode, tt.want)
			}
		})
	}
}
