package pending

import (
	"context"
	"errors"

	activitypb "go.temporal.io/api/activity/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/async-completion/go-completer/internal/model"
	"github.com/async-completion/go-completer/internal/telemetry"
)

// The standalone Activities that wait (started without a Workflow, `temporal
// activity start`): ListActivityExecutions finds the running ones,
// DescribeActivityExecution reads each one's state, a bounded number at a
// time, a page at a time. Each becomes a row of the same shape as a
// Workflow's Activity, standalone, without a Workflow ID. Mirrors the Python
// completer's pending/standalone.py.

// StandaloneQuery is the default scope's query for standalone Activities.
const StandaloneQuery = `TaskQueue = "async" AND ExecutionStatus = "Running"`

// StandaloneService is the part of the WorkflowService that lists standalone
// Activities.
type StandaloneService interface {
	ListActivityExecutions(ctx context.Context, request *workflowservice.ListActivityExecutionsRequest, opts ...grpc.CallOption) (*workflowservice.ListActivityExecutionsResponse, error)
	DescribeActivityExecution(ctx context.Context, request *workflowservice.DescribeActivityExecutionRequest, opts ...grpc.CallOption) (*workflowservice.DescribeActivityExecutionResponse, error)
}

// ListStandalone pages through the running standalone Activities of
// opts.Query, describes each (at most opts.Concurrency in flight), and hands
// each to h.Described as a Workflow without a Workflow ID holding its one
// row, and each page to h.PageDone.
func ListStandalone(ctx context.Context, svc StandaloneService, namespace string, opts Options, h Handlers) error {
	var next []byte
	for {
		listCtx, cancel := context.WithTimeout(ctx, opts.RPCTimeout)
		callCtx, done := telemetry.Call(listCtx, "list", true)
		page, err := svc.ListActivityExecutions(callCtx, &workflowservice.ListActivityExecutionsRequest{
			Namespace: namespace, PageSize: int32(opts.PageSize), NextPageToken: next, Query: opts.Query})
		done(err)
		timedOut := errors.Is(listCtx.Err(), context.DeadlineExceeded)
		cancel()
		var unimplemented *serviceerror.Unimplemented
		if errors.As(err, &unimplemented) || status.Code(err) == codes.Unimplemented {
			return nil // a server without standalone Activities (or them disabled): none
		}
		if err != nil {
			return &RequestError{Query: true, TimedOut: timedOut, Err: err}
		}
		var running []*activitypb.ActivityExecutionListInfo
		for _, info := range page.GetExecutions() {
			if isRunning(info.GetStatus()) {
				running = append(running, info)
			}
		}
		found, err := describeStandalone(ctx, svc, namespace, opts, h, running)
		if err != nil {
			return err
		}
		if err := h.PageDone(found); err != nil {
			return err
		}
		if next = page.GetNextPageToken(); len(next) == 0 {
			return nil
		}
	}
}

func isRunning(status enumspb.ActivityExecutionStatus) bool {
	return status == enumspb.ACTIVITY_EXECUTION_STATUS_RUNNING || status == enumspb.ACTIVITY_EXECUTION_STATUS_PAUSED
}

func describeStandalone(ctx context.Context, svc StandaloneService, namespace string, opts Options, h Handlers, listed []*activitypb.ActivityExecutionListInfo) ([]Workflow, error) {
	var found []Workflow
	err := describeBounded(ctx, opts.Concurrency, listed, func(ctx context.Context, info *activitypb.ActivityExecutionListInfo) func() error {
		row, ok, err := describeOneStandalone(ctx, svc, namespace, opts, info)
		return func() error {
			if err != nil || !ok {
				return err
			}
			w := Workflow{RunID: row.RunID, Activities: []model.PendingActivity{row}}
			found = append(found, w)
			return h.Described(w)
		}
	})
	return found, err
}

// describeOneStandalone reads one standalone Activity's row; false once it
// has closed or gone since it was listed.
func describeOneStandalone(ctx context.Context, svc StandaloneService, namespace string, opts Options, listed *activitypb.ActivityExecutionListInfo) (model.PendingActivity, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, opts.RPCTimeout)
	defer cancel()
	callCtx, done := telemetry.Call(ctx, "describe", true)
	resp, err := svc.DescribeActivityExecution(callCtx, &workflowservice.DescribeActivityExecutionRequest{
		Namespace: namespace, ActivityId: listed.GetActivityId(), RunId: listed.GetRunId(),
		IncludeHeartbeatDetails: true, IncludeLastFailure: true})
	done(err)
	if err != nil {
		if opts.Gone != nil && opts.Gone(err) {
			return model.PendingActivity{}, false, nil
		}
		return model.PendingActivity{}, false, &RequestError{TimedOut: errors.Is(ctx.Err(), context.DeadlineExceeded), Err: err}
	}
	if !isRunning(resp.GetInfo().GetStatus()) {
		return model.PendingActivity{}, false, nil
	}
	return standaloneRow(resp.GetInfo()), true, nil
}

// standaloneRow is a standalone Activity's row: its current attempt, state,
// ages, last heartbeat, last failure and next attempt, as a Workflow's
// Activity's row says them.
func standaloneRow(info *activitypb.ActivityExecutionInfo) model.PendingActivity {
	started, completed := timeOf(info.GetLastStartedTime()), timeOf(info.GetLastAttemptCompleteTime())
	next := timeOf(info.GetNextAttemptScheduleTime())
	waiting := timeOf(info.GetScheduleTime())
	switch {
	case started != nil && (completed == nil || !started.Before(*completed)):
		waiting = started
	case next != nil:
		waiting = next
	}
	a := model.PendingActivity{
		RunID:             info.GetRunId(),
		ActivityID:        info.GetActivityId(),
		ActivityType:      info.GetActivityType().GetName(),
		Attempt:           max(info.GetAttempt(), 1),
		MaximumAttempts:   info.GetRetryPolicy().GetMaximumAttempts(),
		State:             standaloneState(info),
		WaitingSince:      waiting,
		LastHeartbeatTime: timeOf(info.GetLastHeartbeatTime()),
		HeartbeatDetails:  firstDetail(info.GetHeartbeatDetails()),
		NextAttemptTime:   next,
		Standalone:        true,
	}
	if failure := info.GetLastFailure(); failure != nil {
		message := failure.GetMessage()
		a.LastFailure = &message
	}
	return a
}

func standaloneState(info *activitypb.ActivityExecutionInfo) string {
	runState := info.GetRunState()
	if info.GetStatus() == enumspb.ACTIVITY_EXECUTION_STATUS_PAUSED &&
		(runState == enumspb.PENDING_ACTIVITY_STATE_UNSPECIFIED || runState == enumspb.PENDING_ACTIVITY_STATE_SCHEDULED) {
		return "paused"
	}
	return state(&workflowpb.PendingActivityInfo{State: runState})
}
