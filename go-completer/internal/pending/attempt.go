package pending

import (
	"context"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"

	"github.com/async-completion/go-completer/internal/model"
	"github.com/async-completion/go-completer/internal/telemetry"
)

// Describer is the part of the WorkflowService that PendingAttempt uses.
type Describer interface {
	DescribeWorkflowExecution(ctx context.Context, request *workflowservice.DescribeWorkflowExecutionRequest, opts ...grpc.CallOption) (*workflowservice.DescribeWorkflowExecutionResponse, error)
	DescribeActivityExecution(ctx context.Context, request *workflowservice.DescribeActivityExecutionRequest, opts ...grpc.CallOption) (*workflowservice.DescribeActivityExecutionResponse, error)
}

// Attempt is what a describe found of an Activity: the run, and the attempt
// pending in it.
type Attempt struct {
	RunID   string
	Attempt int32
	Pending bool
}

// PendingAttempt describes the target's run (its RunID, else the latest) and
// finds the Activity among its pending ones: the attempt a signed link names,
// and the retry that explains a refusal. A run that closed has nothing
// pending. Its error is the describe's, as the server gave it (NOT_FOUND: no
// such run).
func PendingAttempt(ctx context.Context, svc Describer, namespace string, t model.Target) (Attempt, error) {
	if t.WorkflowID == "" {
		return standaloneAttempt(ctx, svc, namespace, t)
	}
	ctx, done := telemetry.Call(ctx, "describe", true)
	described, err := svc.DescribeWorkflowExecution(ctx, &workflowservice.DescribeWorkflowExecutionRequest{
		Namespace: namespace,
		Execution: &commonpb.WorkflowExecution{WorkflowId: t.WorkflowID, RunId: t.RunID},
	})
	done(err)
	if err != nil {
		return Attempt{}, err
	}
	info := described.GetWorkflowExecutionInfo()
	if info.GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		return Attempt{}, nil
	}
	for _, activity := range described.GetPendingActivities() {
		if activity.GetActivityId() == t.ActivityID {
			found := Attempt{RunID: info.GetExecution().GetRunId(), Attempt: activity.GetAttempt(), Pending: true}
			if found.RunID == "" {
				found.RunID = t.RunID
			}
			return found, nil
		}
	}
	return Attempt{}, nil
}

// standaloneAttempt is a standalone Activity's run and pending attempt
// (DescribeActivityExecution); not pending when it is closed. Its error is
// the describe's (NOT_FOUND: no such Activity).
func standaloneAttempt(ctx context.Context, svc Describer, namespace string, t model.Target) (Attempt, error) {
	ctx, done := telemetry.Call(ctx, "describe", true)
	described, err := svc.DescribeActivityExecution(ctx, &workflowservice.DescribeActivityExecutionRequest{
		Namespace: namespace, ActivityId: t.ActivityID, RunId: t.RunID})
	done(err)
	if err != nil {
		return Attempt{}, err
	}
	info := described.GetInfo()
	if !isRunning(info.GetStatus()) {
		return Attempt{}, nil
	}
	found := Attempt{RunID: info.GetRunId(), Attempt: info.GetAttempt(), Pending: true}
	if found.RunID == "" {
		found.RunID = t.RunID
	}
	return found, nil
}
