package cli

import (
	"context"
	"fmt"
	"log/slog"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/contrib/envconfig"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/async-completion/go-completer/internal/tasktoken"
)

// maxPayloadBytes is the server's default blob size limit. A larger result is
// not refused by the server: it fails the Activity instead, so the completer
// refuses it first.
const maxPayloadBytes = 2097152

// failureType is the ApplicationError type of failures this completer sends.
const failureType = "GoCompleterFailure"

// activityClient is the part of client.Client that completes Activities.
type activityClient interface {
	CompleteActivity(ctx context.Context, taskToken []byte, result any, err error) error
	CompleteActivityByID(ctx context.Context, namespace, workflowID, runID, activityID string, result any, err error) error
	RecordActivityHeartbeat(ctx context.Context, taskToken []byte, details ...any) error
	RecordActivityHeartbeatByID(ctx context.Context, namespace, workflowID, runID, activityID string, details ...any) error
	Close()
}

// dialFunc connects to a Temporal server. Tests replace it with a fake.
type dialFunc func(ctx context.Context, options client.Options) (activityClient, error)

func dialTemporal(ctx context.Context, options client.Options) (activityClient, error) {
	c, err := client.DialContext(ctx, options)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// clientOptions reads Temporal's environment configuration and applies the
// command's --address and --namespace on top of it.
func clientOptions(cmd *command) (client.Options, error) {
	options, err := envconfig.LoadDefaultClientOptions()
	if err != nil {
		return client.Options{}, &ExitError{
			Code:    ExitFailure,
			Message: oneLine(fmt.Sprintf("could not load Temporal's environment configuration (TEMPORAL_* variables, TEMPORAL_CONFIG_FILE): %v", err)),
		}
	}
	if cmd.address != "" {
		options.HostPort = cmd.address
	}
	if cmd.namespace != "" {
		options.Namespace = cmd.namespace
	}
	if options.HostPort == "" {
		options.HostPort = client.DefaultHostPort
	}
	if options.Namespace == "" {
		options.Namespace = client.DefaultNamespace
	}
	// The SDK logs to standard error by default; a failure must print nothing
	// there but its one "error: " line.
	options.Logger = log.NewStructuredLogger(slog.New(slog.DiscardHandler))
	// Bound every call by --rpc-timeout rather than by the SDK's defaults (5 s
	// to reach the server, 10 s per call), so the bound the user gave is the
	// one that holds, longer or shorter.
	options.RPCTimeout = cmd.rpcTimeout
	options.ConnectionOptions.GetSystemInfoTimeout = cmd.rpcTimeout
	return options, nil
}

// newRequest is what the messages of a failed request need to know about the
// command and the connection; desc and workflowID are the Activity's.
func newRequest(cmd *command, options client.Options) request {
	return request{
		verb:        cmd.verb,
		namespace:   options.Namespace,
		address:     options.HostPort,
		timeoutText: cmd.rpcTimeoutText,
		tls:         options.ConnectionOptions.TLS != nil,
	}
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
		return usageError(fmt.Sprintf("the %s is %d bytes once encoded, more than the %d bytes the server accepts (its blob size limit): send a smaller %s, or a reference to where the data is",
			what, size, maxPayloadBytes, what))
	}
	return nil
}

// send makes the command's one request.
func send(ctx context.Context, c activityClient, cmd *command, token *tasktoken.Token, namespace string) error {
	switch cmd.verb {
	case verbComplete:
		if token != nil {
			return c.CompleteActivity(ctx, token.Bytes, cmd.result, nil)
		}
		return c.CompleteActivityByID(ctx, namespace, cmd.workflowID, cmd.runID, cmd.activityID, cmd.result, nil)
	case verbFail:
		failure := temporal.NewNonRetryableApplicationError(cmd.reason, failureType, nil)
		if cmd.retryable {
			failure = temporal.NewApplicationError(cmd.reason, failureType)
		}
		if token != nil {
			return c.CompleteActivity(ctx, token.Bytes, nil, failure)
		}
		return c.CompleteActivityByID(ctx, namespace, cmd.workflowID, cmd.runID, cmd.activityID, nil, failure)
	case verbHeartbeat:
		details := detailsArgs(cmd)
		if token != nil {
			return c.RecordActivityHeartbeat(ctx, token.Bytes, details...)
		}
		return c.RecordActivityHeartbeatByID(ctx, namespace, cmd.workflowID, cmd.runID, cmd.activityID, details...)
	case verbCancel:
		cancellation := temporal.NewCanceledError(detailsArgs(cmd)...)
		if token != nil {
			return c.CompleteActivity(ctx, token.Bytes, nil, cancellation)
		}
		return c.CompleteActivityByID(ctx, namespace, cmd.workflowID, cmd.runID, cmd.activityID, nil, cancellation)
	}
	return fmt.Errorf("no request for the command %q", cmd.verb)
}

// detailsArgs is no details at all when --details was not given, so that the
// server records none rather than an empty text.
func detailsArgs(cmd *command) []any {
	if !cmd.details.set {
		return nil
	}
	return []any{cmd.details.value}
}

// successLine is the one line printed when the request was accepted.
func successLine(cmd *command, desc string) string {
	switch cmd.verb {
	case verbFail:
		if cmd.retryable {
			return fmt.Sprintf("Failed %s (retryable: the server will run it again)", desc)
		}
		return fmt.Sprintf("Failed %s (non-retryable)", desc)
	case verbHeartbeat:
		return "Recorded a heartbeat for " + desc
	case verbCancel:
		return fmt.Sprintf("Reported %s as cancelled", desc)
	}
	return "Completed " + desc
}
