package cli

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/grpc/codes"

	"github.com/async-completion/go-completer/internal/identity"
	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/links"
	"github.com/async-completion/go-completer/internal/model"
	"github.com/async-completion/go-completer/internal/pending"
	"github.com/async-completion/go-completer/internal/send"
	"github.com/async-completion/go-completer/internal/serve"
	"github.com/async-completion/go-completer/internal/telemetry"
)

// serveBackend does what serve's routes ask, with the command line's own
// code: the batch's job parsing, the verbs' requests, list's listing, and
// the lines of each.
type serveBackend struct {
	client serveClient
	// server names the Temporal server, for the lines of a failed request.
	server     send.Server
	rpcTimeout time.Duration
	// connected is whether the client has reached the Temporal server once.
	connected atomic.Bool
	// linkKeys verify the signed links of /a/LINK (--link-key-file).
	linkKeys links.Keys
	// now is the clock that links expire by.
	now func() time.Time
}

// Act checks one job as a --batch line of its verb is checked, and sends it,
// recording the identity of docs/completer-http.md ("Who acted, and webhook
// retries"): the credential's NAME, or on a listener without credentials the
// job's own "identity", marked as unauthenticated.
func (b *serveBackend) Act(ctx context.Context, req serve.Request) model.Outcome {
	base := command{verb: req.Verb, rpcTimeout: b.rpcTimeout}
	j, err := parseJobLine(0, req.Job, &base)
	if err != nil {
		return outcomeOf(err)
	}
	if req.IdempotencyKey != nil {
		key := *req.IdempotencyKey
		if !identity.ValidKey(key) {
			return model.Outcome{Code: lines.ExitUsage, Message: lines.KeyHeaderBad}
		}
		if j.cmd.idempotencyKey.set && j.cmd.idempotencyKey.value != key {
			return model.Outcome{Code: lines.ExitUsage, Message: lines.KeysDiffer}
		}
		j.cmd.idempotencyKey = optionalText{value: key, set: true}
	}
	actor := req.Credential
	if actor == "" {
		actor = identity.Unauthenticated(j.cmd.identity.value)
	}
	j.identity = identity.Recorded(actor, identity.Serve, j.cmd.idempotencyKey.value)

	ctx, cancel := context.WithTimeout(ctx, b.rpcTimeout)
	defer cancel()
	svc, err := b.service(ctx)
	if err != nil {
		return outcomeOf(err)
	}
	done, err := send.Send(ctx, svc, b.server, j.request())
	if err != nil {
		return outcomeOf(err)
	}
	return model.Outcome{Code: lines.ExitOK, Message: done.Message, Already: done.Already}
}

// service is the WorkflowService of serve's lazy client, once it reached the
// Temporal server. The SDK's client does the same before its first request
// (GetSystemInfo): a failure to connect is read as the other verbs read one
// (send.MapDialError), so that, for example, an address where no Temporal server
// answers is unreachable rather than a refusal, and a failed TLS handshake
// gets its own line.
func (b *serveBackend) service(ctx context.Context) (send.Service, error) {
	svc := b.client.WorkflowService()
	if b.connected.Load() {
		return svc, nil
	}
	if _, err := svc.GetSystemInfo(ctx, &workflowservice.GetSystemInfoRequest{}); err != nil && !unknownMethod(err) {
		return nil, send.MapDialError(err, ctx.Err(), send.Request{Server: b.server})
	}
	b.connected.Store(true)
	return svc, nil
}

// unknownMethod reports whether a server answered that it has no such method:
// a Temporal server older than GetSystemInfo, as the SDK's client allows.
func unknownMethod(err error) bool {
	code, message, ok := send.GRPCStatus(err)
	lower := strings.ToLower(message)
	return ok && code == codes.Unimplemented && (strings.Contains(lower, "unknown method") || strings.Contains(lower, "not implemented"))
}

// Pending lists scope as `list --json` does, every line before the answer.
func (b *serveBackend) Pending(ctx context.Context, scope serve.Scope) ([]byte, *model.Outcome) {
	if scope.WorkflowID != "" && scope.HasQuery {
		outcome := outcomeOf(lines.WorkflowIDAndQuery())
		return nil, &outcome
	}
	query := defaultListQuery
	if scope.HasQuery {
		query = scope.Query
	}
	var body []byte
	err := pending.List(ctx, b.client, pending.Options{
		WorkflowID:  scope.WorkflowID,
		Query:       query,
		PageSize:    maxPageSize,
		Concurrency: serveListConcurrency,
		RPCTimeout:  b.rpcTimeout,
		History:     b.client.WorkflowService(),
		Namespace:   b.server.Namespace,
		Gone:        workflowGone,
	}, pending.Handlers{
		// Called one at a time.
		Described: func(w pending.Workflow) error {
			if w.Err != nil {
				// Its row says what went wrong; the others are listed.
				body = lines.AppendFailedJSON(body, w.WorkflowID, w.RunID, mapListError(w.Err, b.server).Message)
				return nil
			}
			for _, a := range w.Activities {
				body = lines.AppendPendingJSON(body, a)
			}
			return nil
		},
		PageDone: func([]pending.Workflow) error { return nil },
	})
	if err == nil && scope.WorkflowID == "" && !scope.HasQuery {
		// The default scope lists the running standalone Activities too, as list does.
		err = listStandalone(ctx, b.client.WorkflowService(), b.server, maxPageSize, serveListConcurrency, pending.Handlers{
			Described: func(w pending.Workflow) error {
				for _, a := range w.Activities {
					body = lines.AppendPendingJSON(body, a)
				}
				return nil
			},
			PageDone: func([]pending.Workflow) error { return nil },
		})
	}
	if err != nil {
		outcome := outcomeOf(mapListError(err, b.server))
		return nil, &outcome
	}
	return body, nil
}

// serveListConcurrency is the describes in flight of GET /v1/pending: list's
// default.
const serveListConcurrency = 32

// Health asks the Temporal server for its health, within --rpc-timeout.
func (b *serveBackend) Health(ctx context.Context) model.Outcome {
	ctx, cancel := context.WithTimeout(ctx, b.rpcTimeout)
	defer cancel()
	_, done := telemetry.Call(ctx, "health", false)
	_, err := b.client.CheckHealth(ctx, &client.CheckHealthRequest{})
	if done(err); err != nil {
		failure := mapLazyRequestError(err, ctx.Err(), send.Request{Server: b.server})
		// An answer that is not "serving" is as good as none.
		if failure.Code != lines.ExitUnreachable {
			failure = lines.Unreachable(b.server.Address, b.server.TimeoutText)
		}
		return outcomeOf(failure)
	}
	return model.Outcome{Code: lines.ExitOK, Message: lines.TemporalAnswers(b.server.Address)}
}

// Identity is what an action sent now would record as who acted, without a
// key: the credential's NAME, or without credentials the name given, marked
// as unauthenticated.
func (b *serveBackend) Identity(credential string, name *string) model.Outcome {
	actor := credential
	if name != nil && !identity.Valid(*name) {
		return model.Outcome{Code: lines.ExitUsage, Message: lines.BadNameParameter}
	}
	if actor == "" {
		given := ""
		if name != nil {
			given = *name
		}
		actor = identity.Unauthenticated(given)
	}
	return model.Outcome{Code: lines.ExitOK, Message: identity.Recorded(actor, identity.Serve, "")}
}

// lazyConnectFailed starts the error of a request whose lazy client could not
// connect first (go.temporal.io/sdk internal_workflow_client.go,
// loadCapabilities).
const lazyConnectFailed = "failed reaching server: "

// mapLazyRequestError is send.MapRequestError for serve's lazy client, whose first
// request connects: an error of connecting is read as the other verbs read
// one (send.MapDialError), so that, for example, a failed TLS handshake gets its
// own line.
func mapLazyRequestError(err, deadlineErr error, req send.Request) *lines.Failure {
	if strings.Contains(err.Error(), lazyConnectFailed) {
		return send.MapDialError(err, deadlineErr, req)
	}
	return send.MapRequestError(err, deadlineErr, req)
}

// outcomeOf is the outcome of a failure: its code and line, and whether it
// is the line of a result or details too large for the server (413).
func outcomeOf(err error) model.Outcome {
	failure := lines.AsFailure(err)
	var tooLarge send.PayloadTooLarge
	return model.Outcome{Code: failure.Code, Message: failure.Message, TooLarge: errors.As(err, &tooLarge)}
}
