// Package send sends one job about one Activity and decides what to answer:
// the verb's success line; after the server's "not pending any more", already
// done or what closed the Activity (read from its history); or the contract's
// failure for any other error. The command line, its batches, serve and the
// signed links all send through here.
//
// verbs.go is the one verb table, refusal.go the answer after a refusal,
// errors.go the errors from Temporal, limits.go the payload size.
package send

import (
	"context"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"

	"github.com/async-completion/go-completer/internal/history"
	"github.com/async-completion/go-completer/internal/model"
	"github.com/async-completion/go-completer/internal/pending"
	"github.com/async-completion/go-completer/internal/telemetry"
)

// Service is the part of the WorkflowService that finishes and heartbeats
// Activities, and reads what closed one. The SDK's client sends these
// requests with one identity for all; the completer sends them itself,
// because each request records who acted (docs/completer-cli.md, "The
// recorded identity").
type Service interface {
	RespondActivityTaskCompleted(ctx context.Context, request *workflowservice.RespondActivityTaskCompletedRequest, opts ...grpc.CallOption) (*workflowservice.RespondActivityTaskCompletedResponse, error)
	RespondActivityTaskCompletedById(ctx context.Context, request *workflowservice.RespondActivityTaskCompletedByIdRequest, opts ...grpc.CallOption) (*workflowservice.RespondActivityTaskCompletedByIdResponse, error)
	RespondActivityTaskFailed(ctx context.Context, request *workflowservice.RespondActivityTaskFailedRequest, opts ...grpc.CallOption) (*workflowservice.RespondActivityTaskFailedResponse, error)
	RespondActivityTaskFailedById(ctx context.Context, request *workflowservice.RespondActivityTaskFailedByIdRequest, opts ...grpc.CallOption) (*workflowservice.RespondActivityTaskFailedByIdResponse, error)
	RespondActivityTaskCanceled(ctx context.Context, request *workflowservice.RespondActivityTaskCanceledRequest, opts ...grpc.CallOption) (*workflowservice.RespondActivityTaskCanceledResponse, error)
	RespondActivityTaskCanceledById(ctx context.Context, request *workflowservice.RespondActivityTaskCanceledByIdRequest, opts ...grpc.CallOption) (*workflowservice.RespondActivityTaskCanceledByIdResponse, error)
	RecordActivityTaskHeartbeat(ctx context.Context, request *workflowservice.RecordActivityTaskHeartbeatRequest, opts ...grpc.CallOption) (*workflowservice.RecordActivityTaskHeartbeatResponse, error)
	RecordActivityTaskHeartbeatById(ctx context.Context, request *workflowservice.RecordActivityTaskHeartbeatByIdRequest, opts ...grpc.CallOption) (*workflowservice.RecordActivityTaskHeartbeatByIdResponse, error)
	Reader
}

// Reader is what a refusal's answer reads: the history, and a describe for
// the attempt pending now.
type Reader interface {
	history.Service
	history.RecordService
	pending.Describer
}

// Server names the Temporal server that the requests go to, for the lines of
// a failed request, and bounds each of them.
type Server struct {
	Namespace   string
	Address     string
	TimeoutText string
	// RPCTimeout bounds the history read after a refusal, on its own.
	RPCTimeout time.Duration
	// TLS is whether Temporal's environment configuration turned TLS on.
	TLS bool
}

// Request says what was asked of which server, for the lines of a failed
// request.
type Request struct {
	Server
	Verb       string
	Desc       string
	WorkflowID string
	ActivityID string
}

// About is the request of job j to the server.
func (s Server) About(j *model.Job) Request {
	return Request{Server: s, Verb: j.Verb, Desc: j.Desc, WorkflowID: j.Target.WorkflowID, ActivityID: j.Target.ActivityID}
}

// Sent is what became of a job that the server answered as done: its success
// line, or the line of a request that repeated what closed the Activity.
type Sent struct {
	Message string
	Already bool
}

// Send makes the job's request within ctx. Its error is the job's failure
// line. When the server answers that the Activity is not pending any more,
// the Activity's history says why (bounded by --rpc-timeout on its own): a
// repeat of what closed it is done, anything else a refusal that says what
// closed it. The happy path reads nothing.
func Send(ctx context.Context, svc Service, server Server, j *model.Job) (Sent, error) {
	return send(ctx, svc, server, j, true)
}

// SendUnrepeated is Send for a job that never repeats an earlier request: a
// signed link's, single use, is never already done. After a refusal the
// history says what closed the Activity, for the job's target (the link's
// attempt).
func SendUnrepeated(ctx context.Context, svc Service, server Server, j *model.Job) (Sent, error) {
	return send(ctx, svc, server, j, false)
}

func send(ctx context.Context, svc Service, server Server, j *model.Job, repeatable bool) (Sent, error) {
	ctx, span := telemetry.StartJob(ctx, j)
	sent, err := sendJob(ctx, svc, server, j, repeatable)
	span.End(sent.Already, err)
	return sent, err
}

func sendJob(ctx context.Context, svc Service, server Server, j *model.Job, repeatable bool) (Sent, error) {
	req := server.About(j)
	_, done := telemetry.Call(ctx, j.Verb, false)
	err := Retrying(ctx, func(ctx context.Context) error {
		return request(ctx, svc, server.Namespace, j)
	})
	done(err)
	if err == nil {
		return Sent{Message: Verbs[j.Verb].Succeeded(j)}, nil
	}
	if !NotPending(err) && !InvalidTransition(err, j.Target) {
		return Sent{}, MapRequestError(err, ctx.Err(), req)
	}
	cause := MapRequestError(err, ctx.Err(), req)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), server.RPCTimeout)
	defer cancel()
	if !repeatable {
		return Sent{}, ExplainNotPending(ctx, svc, req, j.Target)
	}
	return answerRefusal(ctx, svc, req, j, cause)
}

// The SDK's client retries a request the server could not take (unavailable,
// overloaded) until its deadline, waiting longer each time; so does the
// completer, which sends the requests itself.
const (
	retryInitialInterval = 200 * time.Millisecond
	retryBackoff         = 2
)

// Retrying calls send until it succeeds, fails for good, or ctx ends. A
// completion that went through although its answer was lost is refused as not
// pending when retried, and then answered as already done from the history.
func Retrying(ctx context.Context, send func(ctx context.Context) error) error {
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
