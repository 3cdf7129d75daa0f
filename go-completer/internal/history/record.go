package history

import (
	"context"

	activitypb "go.temporal.io/api/activity/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"

	"github.com/async-completion/go-completer/internal/model"
	"github.com/async-completion/go-completer/internal/telemetry"
)

// A standalone Activity (started without a Workflow) has no Workflow
// history: its own record (DescribeActivityExecution) says what closed it
// (status, close time, the identity of who reported it, its outcome), or
// which attempt is pending now. Mirrors the Python completer's
// history/record.py.

// RecordService is the part of the WorkflowService that reading a standalone
// Activity's record uses.
type RecordService interface {
	DescribeActivityExecution(ctx context.Context, request *workflowservice.DescribeActivityExecutionRequest, opts ...grpc.CallOption) (*workflowservice.DescribeActivityExecutionResponse, error)
}

// ReadRecord reads the record of the target's run (its token's, or
// --run-id's, else the latest). A standalone Activity that does not exist
// (NOT_FOUND) is no error (Finding.NoRun).
func ReadRecord(ctx context.Context, svc RecordService, namespace string, t model.Target) (model.Finding, error) {
	callCtx, done := telemetry.Call(ctx, "describe", true)
	response, err := svc.DescribeActivityExecution(callCtx, &workflowservice.DescribeActivityExecutionRequest{
		Namespace: namespace, ActivityId: t.ActivityID, RunId: t.RunID, IncludeOutcome: true})
	done(err)
	if err != nil {
		if notFound(err) {
			return model.Finding{Standalone: true, NoRun: true}, nil
		}
		return model.Finding{}, err
	}
	info := response.GetInfo()
	found := model.Finding{Standalone: true}
	switch info.GetStatus() {
	case enumspb.ACTIVITY_EXECUTION_STATUS_RUNNING, enumspb.ACTIVITY_EXECUTION_STATUS_PAUSED:
		found.Open = true
		if t.Attempt != 0 && info.GetAttempt() != t.Attempt {
			found.PendingAttempt = info.GetAttempt()
		}
	default:
		found.Closing = recordClosing(info, response.GetOutcome())
	}
	return found, nil
}

// recordClosing is the record's close as a Closing; nil for a status this
// completer does not know.
func recordClosing(info *activitypb.ActivityExecutionInfo, outcome *activitypb.ActivityExecutionOutcome) *model.Closing {
	c := &model.Closing{Time: info.GetCloseTime().AsTime(), Identity: info.GetLastWorkerIdentity(), Attempt: info.GetAttempt(), Failure: outcome.GetFailure()}
	switch info.GetStatus() {
	case enumspb.ACTIVITY_EXECUTION_STATUS_COMPLETED:
		c.Kind, c.Result, c.Failure = model.Completed, outcome.GetResult(), nil
	case enumspb.ACTIVITY_EXECUTION_STATUS_FAILED:
		c.Kind = model.Failed
	case enumspb.ACTIVITY_EXECUTION_STATUS_CANCELED:
		c.Kind, c.Details = model.Canceled, outcome.GetFailure().GetCanceledFailureInfo().GetDetails()
	case enumspb.ACTIVITY_EXECUTION_STATUS_TIMED_OUT:
		c.Kind, c.Identity = model.TimedOut, ""
	case enumspb.ACTIVITY_EXECUTION_STATUS_TERMINATED:
		c.Kind, c.Identity = model.Terminated, ""
	default:
		return nil
	}
	return c
}
